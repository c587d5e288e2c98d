import { writeFile } from "node:fs/promises";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import type { SageMakerClientConfig } from "@aws-sdk/client-sagemaker";
import { SingleBar } from "cli-progress";
import { createEc2Client } from "../../adapters/ec2.js";
import { createSageMakerClient } from "../../adapters/sagemaker.js";
import { SageMakerLister } from "../../adapters/sagemaker-list.js";
import { configFrom, DEFAULT_RECORD_TABLE } from "../../app/config.js";
import { DEFAULT_POLICY, policyFromObject } from "../../core/policy.js";
import { loadOrgConfig, type OrgConfig } from "../../org/config.js";
import type { MemberCredentials } from "../../org/ports.js";
import { type FindingsRouter, sweepFindings } from "../../org/security-hub.js";
import { buildReport, renderHtml, renderJson, renderTable, type ScanReport, scanScope } from "../../report/index.js";
import { SWEEP_TYPES, Sweeper, type SweptResource } from "../../sweep/sweep.js";
import { createRuntime } from "../../wiring/runtime.js";
import { CliError, loadPolicyFile, stderrLog } from "../io.js";

export const FORMATS = ["table", "json", "html"] as const;
export type Format = (typeof FORMATS)[number];
export const RENDER: Record<Format, (r: ScanReport) => string> = {
  table: renderTable,
  json: renderJson,
  html: renderHtml,
};
const SNS_TOPIC = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):[\w-]+$/;

interface ScanArgs {
  regions: string[];
  format: Format;
  out: string | undefined;
  fix: boolean;
  yes: boolean;
  concurrency: number;
  includeFinished: boolean;
  policy: string | undefined;
  securityHub: boolean;
}

function parse(argv: string[], env: NodeJS.ProcessEnv): ScanArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      region: { type: "string", multiple: true },
      format: { type: "string", default: "table" },
      out: { type: "string" },
      fix: { type: "boolean", default: false },
      yes: { type: "boolean", default: false },
      concurrency: { type: "string", default: "4" },
      "include-finished": { type: "boolean", default: false },
      policy: { type: "string" },
      "security-hub": { type: "boolean", default: false },
    },
  });
  if (positionals.length) throw new CliError(`scan takes no positional arguments (got ${positionals.join(" ")})`);
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new CliError(`--format must be table, json or html (got "${values.format}")`);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32)
    throw new CliError(`--concurrency must be an integer from 1 to 32 (got "${values.concurrency}")`);
  const regions = [...new Set((values.region ?? []).flatMap((r) => r.split(",")).filter(Boolean))];
  if (!regions.length) {
    const fromEnv = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!fromEnv) throw new CliError("no region: pass --region or set AWS_REGION");
    regions.push(fromEnv);
  }
  for (const r of regions) if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(r)) throw new CliError(`"${r}" is not an AWS region`);
  return {
    regions,
    format,
    out: values.out,
    fix: values.fix ?? false,
    yes: values.yes ?? false,
    concurrency,
    includeFinished: values["include-finished"] ?? false,
    policy: values.policy,
    securityHub: values["security-hub"] ?? false,
  };
}

/**
 * The enforcer's deps for one region, from a config built here (no environment is forged): without
 * `--fix` there is no alert topic and nothing is ever published. Without GUARD_ACCOUNT_ID (or a topic),
 * the account is the one the listing's ARNs name.
 */
export async function depsFor(
  region: string,
  args: Pick<ScanArgs, "fix" | "policy">,
  env: NodeJS.ProcessEnv,
  /** Extra SageMaker client settings: a member account's credentials for `scan --org`. */
  clientConfig: SageMakerClientConfig = {},
) {
  const topic = SNS_TOPIC.exec(env.GUARD_ALERT_TOPIC_ARN ?? "");
  if (args.fix && !topic) throw new CliError("--fix sends the alerts the event path sends: set GUARD_ALERT_TOPIC_ARN");
  const account = env.GUARD_ACCOUNT_ID ?? topic?.[2] ?? "";
  if (account && !/^\d{12}$/.test(account))
    throw new CliError(`GUARD_ACCOUNT_ID must be a 12-digit account id (got "${account}")`);
  const policyFile = args.policy ?? env.GUARD_POLICY_FILE;
  let policy = policyFile
    ? await loadPolicyFile(policyFile)
    : env.GUARD_POLICY_JSON
      ? policyFromObject(parseJson(env.GUARD_POLICY_JSON), "GUARD_POLICY_JSON")
      : DEFAULT_POLICY;
  if (env.GUARD_MODE === "audit") policy = { ...policy, mode: "audit", resourceModes: {} };
  else if (env.GUARD_MODE && env.GUARD_MODE !== "enforce")
    throw new CliError(`GUARD_MODE must be enforce or audit (got "${env.GUARD_MODE}")`);
  const config = configFrom({
    region,
    account,
    policy,
    topicArn: topic?.[0] ?? null,
    recordTable: env.GUARD_RECORD_TABLE || DEFAULT_RECORD_TABLE,
  });
  const sagemaker = createSageMakerClient({ ...clientConfig, region });
  // One topic for every scanned region: its client lives in the topic's region.
  const sns =
    topic && topic[1] !== region
      ? (await import("../../adapters/sns.js")).createSnsClient({ region: topic[1] })
      : undefined;
  const rt = createRuntime({
    config,
    log: stderrLog(true),
    // The member account's route tables and CloudTrail event history with its credentials (its subnets
    // and its create calls exist only there).
    clients: {
      sagemaker,
      sns,
      ec2: createEc2Client({ region, ...(clientConfig.credentials ? { credentials: clientConfig.credentials } : {}) }),
      cloudtrailConfig: clientConfig.credentials ? { credentials: clientConfig.credentials } : {},
    },
    // Route tables are read once per subnet for the whole run (the report is one moment's posture).
    routeCacheMs: Number.POSITIVE_INFINITY,
  });
  return { deps: rt.deps, lister: new SageMakerLister(sagemaker) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`GUARD_POLICY_JSON is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * Security Hub for `--security-hub`, per account and region: each finding is imported in the account and
 * region of its resource (BatchImportFindings must be called by the finding's account), under the
 * product the guard's functions use there (GUARD_SECURITY_HUB_PRODUCT_ARN at home, else the account's
 * default product), so a scan's finding and an event's for the same incarnation and rule are one finding.
 * `credentialsFor` reaches member accounts (`scan --org`: the member role).
 */
export async function securityHubFor(
  env: NodeJS.ProcessEnv,
  home: { account: string; region: string },
  credentialsFor: ((account: string, region: string) => Promise<MemberCredentials>) | null = null,
): Promise<FindingsRouter> {
  let org: OrgConfig;
  try {
    org = loadOrgConfig({ ...env, GUARD_SECURITY_HUB: "true" }, home);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const { securityHubRouter } = await import("../../org/wiring.js");
  return securityHubRouter(org, home, {}, credentialsFor) as FindingsRouter;
}

export function progressBar(label: string): SingleBar | null {
  if (!process.stderr.isTTY) return null;
  return new SingleBar({
    stream: process.stderr,
    format: `${label} [{bar}] {value}/{total} {eta_formatted} left`,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 50,
  });
}

export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

async function callerAccount(region: string): Promise<string> {
  const { createStsClient, StsAdapter } = await import("../../adapters/sts.js");
  try {
    return await new StsAdapter(createStsClient({ region })).callerAccount();
  } catch (e) {
    throw new CliError(`cannot tell which account these credentials belong to: ${(e as Error).message}`, 3);
  }
}

/**
 * `isolation-guard scan [--region r ...] [--format table|json|html] [--out <file>] [--fix [--yes]]
 * [--concurrency n] [--include-finished] [--policy <file>] [--security-hub]`: the isolation posture of the account in
 * each region, decided by the event path's code. Exit 0 the scan completed and found no violation,
 * 1 it found violations (also when `--fix` then remedied them: the report says what was done),
 * 2 bad arguments or configuration, 3 the scan is incomplete (some resources could not be examined).
 * `--security-hub` also imports each decision into this account's Security Hub (ACTIVE violations; with
 * `--fix`, resolved after the remedy), as the event path does; without it a scan changes nothing.
 */
export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.includes("--org")) return (await import("./scan-org.js")).run(argv, env);
  const args = parse(argv, env);
  if (args.fix && !args.yes && !process.stdin.isTTY)
    throw new CliError("--fix asks for confirmation on a terminal: pass --yes to run it unattended");
  const regions = await Promise.all(
    args.regions.map(async (region) => ({ region, ...(await depsFor(region, args, env)) })),
  );
  const first = regions[0] as (typeof regions)[number];
  const filter = { runningJobsOnly: !args.includeFinished };
  const scope = scanScope(args.includeFinished);

  const items: SweptResource[] = [];
  const errors: { resource: string; message: string }[] = [];
  const sweepers: Sweeper[] = [];
  const hub = args.securityHub
    ? await securityHubFor(env, {
        account: first.deps.self.account || (await callerAccount(first.region)),
        region: first.region,
      })
    : null;
  for (const r of regions) {
    const sweeper = new Sweeper(r.deps, r.lister, {
      concurrency: args.concurrency,
      trigger: "scan",
      findings: hub ? sweepFindings(hub) : undefined,
    });
    sweepers.push(sweeper);
    if (process.stderr.isTTY) process.stderr.write(`listing SageMaker resources in ${r.region} ...\n`);
    const listed = await sweeper.list(SWEEP_TYPES, filter);
    errors.push(...listed.errors.map((e) => ({ resource: `list ${e.type} in ${r.region}`, message: e.message })));
    const bar = progressBar(`scanning ${r.region}`);
    bar?.start(listed.resources.length, 0);
    const found = await sweeper.examine(listed.resources, {
      dryRun: true,
      skipDecided: false,
      onProgress: (done) => bar?.update(done),
    });
    bar?.stop();
    items.push(...found);
  }
  const meta = {
    regions: args.regions,
    policyId: first.deps.policyId,
    scope,
    errors,
    account: first.deps.self.account || null,
  };
  let report = buildReport(items, { ...meta, now: Date.now() });

  if (args.fix && report.violations.length) {
    const lines = report.violations.map((v) => `  ${v.type} ${v.name} (${v.region}): ${v.rules.join(", ")}`);
    process.stderr.write(
      `${report.violations.length} violation(s) found; --fix stops running jobs, deletes models and endpoints (enforce mode), alerts and tags:\n${lines.join("\n")}\n`,
    );
    if (args.yes || (await confirm("Apply these remedies? [y/N] "))) {
      const fixed: SweptResource[] = [];
      for (const [i, r] of regions.entries()) {
        const mine = items.filter((it) => it.region === r.region);
        const bar = progressBar(`fixing ${r.region}`);
        bar?.start(mine.filter((it) => it.verdict === "NON_COMPLIANT").length, 0);
        fixed.push(...(await (sweepers[i] as Sweeper).fix(mine, (done) => bar?.update(done))));
        bar?.stop();
      }
      report = buildReport(fixed, { ...meta, now: Date.now(), fixApplied: true });
    } else process.stderr.write("nothing changed\n");
  }

  const text = RENDER[args.format](report);
  const examined = `${report.totals.resources} resources, ${report.totals.nonCompliant} violation(s)`;
  const summary = report.complete
    ? examined
    : `INCOMPLETE: ${report.errors.length} listing(s) or resource(s) not examined; among what was examined, ${examined}`;
  if (args.out) {
    await writeFile(args.out, text);
    process.stderr.write(`wrote ${args.out}: ${summary}\n`);
  } else {
    process.stdout.write(text);
    if (!report.complete) process.stderr.write(`isolation-guard scan: ${summary}\n`);
  }
  if (report.errors.length) return 3;
  return report.violations.length ? 1 : 0;
}
