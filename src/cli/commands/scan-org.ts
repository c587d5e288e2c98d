import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { createOrganizationsClient, OrganizationsAdapter } from "../../adapters/organizations.js";
import { createStsClient, StsAdapter } from "../../adapters/sts.js";
import { MemberAccess } from "../../org/member-access.js";
import type { OrgAccount } from "../../org/ports.js";
import { sweepFindings } from "../../org/security-hub.js";
import { buildReport, scanScope } from "../../report/index.js";
import {
  buildOrgReport,
  type OrgScanReport,
  type OrgUnit,
  renderOrgHtml,
  renderOrgJson,
  renderOrgTable,
} from "../../report/org.js";
import { mapPool } from "../../sweep/pool.js";
import type { Sweeper, SweptResource } from "../../sweep/sweep.js";
import { sweepUnits } from "../../sweep/units.js";
import { CliError } from "../io.js";
import { confirm, depsFor, FORMATS, type Format, progressBar, securityHubFor } from "./scan.js";

const RENDER: Record<Format, (r: OrgScanReport) => string> = {
  table: renderOrgTable,
  json: renderOrgJson,
  html: renderOrgHtml,
};
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

interface OrgScanArgs {
  roleName: string;
  regions: string[];
  accounts: string[] | null;
  concurrency: number;
  format: Format;
  out: string | undefined;
  fix: boolean;
  yes: boolean;
  includeFinished: boolean;
  policy: string | undefined;
  securityHub: boolean;
}

const csv = (values: string[] | undefined) => [
  ...new Set(
    (values ?? [])
      .flatMap((v) => v.split(","))
      .map((v) => v.trim())
      .filter(Boolean),
  ),
];

function parse(argv: string[], env: NodeJS.ProcessEnv): OrgScanArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      org: { type: "boolean" },
      "role-name": { type: "string" },
      regions: { type: "string", multiple: true },
      region: { type: "string", multiple: true },
      accounts: { type: "string", multiple: true },
      concurrency: { type: "string", default: "4" },
      format: { type: "string", default: "table" },
      out: { type: "string" },
      fix: { type: "boolean", default: false },
      yes: { type: "boolean", default: false },
      "include-finished": { type: "boolean", default: false },
      policy: { type: "string" },
      "security-hub": { type: "boolean", default: false },
    },
  });
  if (positionals.length) throw new CliError(`scan takes no positional arguments (got ${positionals.join(" ")})`);
  const roleName = values["role-name"] ?? env.GUARD_MEMBER_ROLE_NAME ?? "";
  if (!/^[\w+=,.@-]{1,64}$/.test(roleName))
    throw new CliError(
      "scan --org needs --role-name <the member role deployed in every account> (or GUARD_MEMBER_ROLE_NAME)",
    );
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new CliError(`--format must be table, json or html (got "${values.format}")`);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32)
    throw new CliError(`--concurrency must be an integer from 1 to 32 (got "${values.concurrency}")`);
  const regions = csv([...(values.regions ?? []), ...(values.region ?? [])]);
  if (!regions.length) {
    const fromEnv = env.GUARD_REGIONS ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!fromEnv) throw new CliError("no region: pass --regions or set AWS_REGION");
    regions.push(...csv([fromEnv]));
  }
  for (const r of regions) if (!REGION.test(r)) throw new CliError(`"${r}" is not an AWS region`);
  const accounts = values.accounts ? csv(values.accounts) : null;
  for (const a of accounts ?? []) if (!ACCOUNT.test(a)) throw new CliError(`"${a}" is not a 12-digit account id`);
  return {
    roleName,
    regions,
    accounts,
    concurrency,
    format,
    out: values.out,
    fix: values.fix ?? false,
    yes: values.yes ?? false,
    includeFinished: values["include-finished"] ?? false,
    policy: values.policy,
    securityHub: values["security-hub"] ?? false,
  };
}

/** One account and region being scanned: its sweeper (for --fix) and what it found. */
interface Unit extends OrgUnit {
  sweeper: Sweeper | null;
  items: SweptResource[];
  listErrors?: { resource: string; message: string }[];
}

/**
 * `isolation-guard scan --org --role-name <name> [--regions r,...] [--accounts id,...] [--concurrency n]
 * [--format table|json|html] [--out f] [--fix [--yes]] [--include-finished] [--policy f] [--security-hub]`: the
 * organization's ACTIVE accounts (Organizations ListAccounts, from the management account or a delegated
 * administrator), each through its member role (the caller's own account with its own credentials),
 * every region, one report. An account whose role cannot be assumed, or a region that cannot be listed,
 * is reported as not examined and the exit status is 3 (incomplete); otherwise 1 when any violation was
 * found, 0 when none. `--security-hub` imports each decision into Security Hub in the resource's own
 * account and region (through the member role), as the event path does (a report has no side effects
 * unless asked).
 */
export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parse(argv, env);
  if (args.fix && !args.yes && !process.stdin.isTTY)
    throw new CliError("--fix asks for confirmation on a terminal: pass --yes to run it unattended");
  const home = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (args.regions[0] as string);
  const sts = new StsAdapter(createStsClient({ region: home }));
  let self: string;
  try {
    self = await sts.callerAccount();
  } catch (e) {
    throw new CliError(`cannot tell which account these credentials belong to: ${(e as Error).message}`, 3);
  }

  const names = new Map<string, string | null>();
  const notExamined: OrgUnit[] = [];
  let accounts: OrgAccount[];
  try {
    const listed = await new OrganizationsAdapter(createOrganizationsClient({ region: home })).listAccounts();
    for (const a of listed) names.set(a.id, a.name);
    accounts = listed.filter((a) => a.status === "ACTIVE");
    if (args.accounts) {
      const wanted = new Set(args.accounts);
      for (const id of args.accounts) {
        if (!listed.some((a) => a.id === id)) {
          notExamined.push(
            ...args.regions.map((region) => notExaminedUnit(id, region, "not an account of the organization")),
          );
        } else if (!accounts.some((a) => a.id === id)) {
          const status = listed.find((a) => a.id === id)?.status;
          notExamined.push(...args.regions.map((region) => notExaminedUnit(id, region, `account is ${status}`)));
        }
      }
      accounts = accounts.filter((a) => wanted.has(a.id));
    }
  } catch (e) {
    if (!args.accounts) throw new CliError(`${(e as Error).message} (pass --accounts to scan named accounts)`, 3);
    // Named accounts can still be scanned; their membership is then the caller's word.
    process.stderr.write(`warning: ${(e as Error).message}; scanning the --accounts given\n`);
    accounts = args.accounts.map((id) => ({ id, name: null, status: "ACTIVE" }));
  }

  const access = new MemberAccess(sts, args.roleName, Date.now, "isolation-guard-scan");
  const hub = args.securityHub
    ? await securityHubFor(env, { account: self, region: home }, (a, r) => access.credentials(a, r))
    : null;
  const pairs = accounts.flatMap((a) => args.regions.map((region) => ({ account: a.id, region })));
  const bar = progressBar(`scanning ${accounts.length} accounts x ${args.regions.length} regions`);
  bar?.start(pairs.length, 0);
  let policyId = "";
  const units: Unit[] = (
    await sweepUnits(pairs, {
      concurrency: args.concurrency,
      unitConcurrency: 4,
      trigger: "scan",
      async reach(account, region) {
        const credentials = account === self ? undefined : await access.credentials(account, region);
        const { deps, lister } = await depsFor(region, args, env, credentials ? { credentials } : {});
        policyId = deps.policyId;
        return {
          deps: {
            ...deps,
            self: { account, region },
            alertRendering: { ...deps.alertRendering, accountName: names.get(account) ?? null },
          },
          lister,
        };
      },
      filter: { runningJobsOnly: !args.includeFinished },
      examine: { dryRun: true, skipDecided: false },
      findings: hub ? sweepFindings(hub) : undefined,
      fatal: (e) => e instanceof CliError,
      onUnit: (done) => bar?.update(done),
    })
  ).map((u) => ({
    ...notExaminedUnit(u.account, u.region, u.reason),
    examined: u.examined,
    errors: u.examined ? u.listErrors.length + u.items.filter((i) => i.error).length : 0,
    sweeper: u.sweeper,
    items: u.items,
    listErrors: (u.examined ? u.listErrors : []).map((e) => ({
      resource: `list ${e.type} in ${u.account}/${u.region}`,
      message: e.message,
    })),
  }));
  bar?.stop();

  const report = (items: SweptResource[], fixApplied: boolean) => {
    for (const u of units) {
      const mine = items.filter((i) => i.account === u.account && i.region === u.region);
      u.resources = mine.length;
      u.nonCompliant = mine.filter((i) => i.verdict === "NON_COMPLIANT").length;
    }
    const base = buildReport(items, {
      now: Date.now(),
      regions: args.regions,
      policyId,
      scope: `${scanScope(args.includeFinished)}, in ${accounts.length} account(s)`,
      errors: units.flatMap((u) => u.listErrors ?? []),
      fixApplied,
    });
    return buildOrgReport(base, [...units, ...notExamined], names);
  };
  let items = units.flatMap((u) => u.items);
  let result = report(items, false);

  if (args.fix && result.violations.length) {
    const lines = result.violations.map((v) => `  ${v.account} ${v.region} ${v.type} ${v.name}: ${v.rules.join(", ")}`);
    process.stderr.write(
      `${result.violations.length} violation(s) found; --fix stops running jobs, deletes models and endpoints (enforce mode), alerts and tags, through the member roles:\n${lines.join("\n")}\n`,
    );
    if (args.yes || (await confirm("Apply these remedies? [y/N] "))) {
      const fixed = await mapPool(units, args.concurrency, async (u) => (u.sweeper ? u.sweeper.fix(u.items) : u.items));
      items = fixed.flatMap((f) => f ?? []);
      result = report(items, true);
    } else process.stderr.write("nothing changed\n");
  }

  const text = RENDER[args.format](result);
  if (args.out) {
    await writeFile(args.out, text);
    process.stderr.write(
      `wrote ${args.out}: ${result.organization.totals.accounts} accounts, ${result.totals.resources} resources, ${result.totals.nonCompliant} violation(s)${result.organization.complete ? "" : ", INCOMPLETE"}\n`,
    );
  } else process.stdout.write(text);
  if (result.errors.length) return 3;
  return result.violations.length ? 1 : 0;
}

function notExaminedUnit(account: string, region: string, reason: string | null): OrgUnit {
  return { account, region, examined: false, reason, resources: 0, nonCompliant: 0, errors: 0 };
}
