/**
 * `npm run guardrails:check`: evaluates the generated SCP and IAM policy with @cloud-copilot/iam-simulate
 * against every sample event under the default, strict and exemptions policies, prints whether each
 * preventive answer agrees with the detective verdict, and exits 1 on any disagreement.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import Table from "cli-table3";
import { decide } from "../src/core/decide.js";
import { normalizeEvent } from "../src/core/normalize.js";
import { DEFAULT_POLICY, type Policy } from "../src/core/policy.js";
import { parsePolicy } from "../src/core/policy-text.js";
import {
  type Agreement,
  type GuardrailFormat,
  type GuardrailRequest,
  generateGuardrails,
  judge,
  type PolicyDocument,
  requestFromEvent,
} from "../src/guardrails/index.js";

export const EVENTS_DIR = join(import.meta.dirname, "../events");

const ALLOW_ALL: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Sid: "FullAWSAccess", Effect: "Allow", Action: "*", Resource: "*" }],
};

/**
 * Asks the simulator whether `request` is denied by `document` used as `format`: an SCP next to
 * FullAWSAccess, an identity policy next to an `Allow *` one, or (`boundary`) a permissions boundary.
 * @example await isDenied(g.document, "scp", requestFromEvent(event, now)!)
 */
export async function isDenied(
  document: PolicyDocument,
  format: GuardrailFormat | "boundary",
  request: GuardrailRequest,
): Promise<boolean> {
  const identity = [{ name: "AllowAll", policy: ALLOW_ALL }];
  if (format === "iam") identity.push({ name: "IsolationGuard", policy: document });
  const result = await runSimulation(
    {
      request: {
        principal: request.context["aws:PrincipalArn"] as string,
        action: request.action,
        resource: { resource: request.resourceArn, accountId: request.account },
        contextVariables: request.context,
      },
      identityPolicies: identity,
      serviceControlPolicies: [
        {
          orgIdentifier: "r-root",
          policies: [
            { name: "FullAWSAccess", policy: ALLOW_ALL },
            ...(format === "scp" ? [{ name: "IsolationGuard", policy: document }] : []),
          ],
        },
      ],
      resourceControlPolicies: [],
      ...(format === "boundary" ? { permissionBoundaryPolicies: [{ name: "IsolationGuard", policy: document }] } : {}),
    },
    {},
  );
  if (result.resultType === "error") throw new Error(`simulation failed: ${result.errors.message}`);
  if (result.resultType === "single" && result.result.ignoredContextKeys?.length) {
    throw new Error(`the simulator ignored context keys ${result.result.ignoredContextKeys.join(", ")}`);
  }
  if (result.overallResult === "Allowed") return false;
  if (result.overallResult === "ExplicitlyDenied") return true;
  throw new Error(`unexpected simulation result ${result.overallResult} for ${request.action}`);
}

export interface AgreementRow {
  event: string;
  policy: string;
  verdict: string;
  scp: "deny" | "allow" | "-";
  iam: "deny" | "allow" | "-";
  agreement: Agreement;
  note: string;
}

/** The policies the table covers: the defaults and the two sample policy files. */
export function samplePolicies(): Record<string, Policy> {
  const load = (name: string) =>
    parsePolicy(readFileSync(join(EVENTS_DIR, "policies", `${name}.yaml`), "utf8"), `events/policies/${name}.yaml`);
  return { default: DEFAULT_POLICY, strict: load("strict"), exemptions: load("exemptions") };
}

/**
 * One row per sample event and policy: the detective verdict, the SCP's and the IAM policy's answers,
 * and whether they agree. Every request is replayed as if made at `now`.
 * @example const rows = await agreementRows(samplePolicies(), Date.now());
 */
export async function agreementRows(policies: Record<string, Policy>, now: number): Promise<AgreementRow[]> {
  const files = readdirSync(EVENTS_DIR)
    .filter((f) => f.endsWith(".json") && f !== "expected.json")
    .sort();
  const rows: AgreementRow[] = [];
  for (const [policyName, policy] of Object.entries(policies)) {
    const scp = generateGuardrails(policy, { format: "scp", now }).document;
    const iam = generateGuardrails(policy, { format: "iam", now }).document;
    for (const file of files) {
      const event: unknown = JSON.parse(readFileSync(join(EVENTS_DIR, file), "utf8"));
      const normalized = normalizeEvent(event);
      const decision = decide(normalized, policy, now);
      const request = requestFromEvent(event, now);
      if (request?.undetermined) {
        // No simulated answer can stand for AWS's: the row is the enforcer's alone.
        rows.push({
          event: file.replace(/\.json$/, ""),
          policy: policyName,
          verdict: decision.verdict,
          scp: "-",
          iam: "-",
          agreement: "detective-only",
          note: request.undetermined,
        });
        continue;
      }
      const scpDenied = request ? await isDenied(scp, "scp", request) : null;
      const iamDenied = request ? await isDenied(iam, "iam", request) : null;
      const facts = normalized.kind === "facts" ? normalized.facts : null;
      const principal = (request?.context["aws:PrincipalArn"] as string | undefined) ?? "";
      let j = judge(decision, facts, scpDenied, policy, principal, now);
      if (scpDenied !== iamDenied) j = { agreement: "DISAGREE", note: "the SCP and the IAM policy answer differently" };
      const answer = (d: boolean | null) => (d === null ? "-" : d ? "deny" : "allow");
      rows.push({
        event: file.replace(/\.json$/, ""),
        policy: policyName,
        verdict: decision.verdict,
        scp: answer(scpDenied),
        iam: answer(iamDenied),
        agreement: j.agreement,
        note: j.note,
      });
    }
  }
  return rows;
}

async function main(): Promise<number> {
  const rows = await agreementRows(samplePolicies(), Date.now());
  const table = new Table({
    head: ["event", "policy", "detective", "scp", "iam", "agree?", "why"],
    colWidths: [52, 12, 15, 7, 7, 16, 70],
    wordWrap: true,
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    style: { head: [], border: [] },
  });
  for (const r of rows) table.push([r.event, r.policy, r.verdict, r.scp, r.iam, r.agreement, r.note]);
  process.stdout.write(`${table.toString()}\n`);
  // What no condition key can gate, per policy: the enforcer alone catches these.
  for (const [name, policy] of Object.entries(samplePolicies())) {
    process.stdout.write(`\ndetective-only under the ${name} policy:\n`);
    for (const d of generateGuardrails(policy, { format: "scp", now: Date.now() }).detectiveOnly) {
      process.stdout.write(`  - ${d.rule} [${d.scope}]: ${d.reason}\n`);
    }
  }
  const count = (a: Agreement) => rows.filter((r) => r.agreement === a).length;
  const bad = count("DISAGREE");
  process.stdout.write(
    `${rows.length} rows: ${count("agree")} agree, ${count("detective-only")} detective-only, ${count("n/a")} n/a, ${bad} disagree\n`,
  );
  return bad === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`guardrails:check: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
