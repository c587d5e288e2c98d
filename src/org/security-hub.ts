import { consoleUrl } from "../app/alert-message.js";
import type { EnforcerDeps, HandleOutcome } from "../app/enforce.js";
import type { RecordStore } from "../app/ports.js";
import type { Decision, Finding, ResourceRef } from "../core/types.js";

/** A finding as Security Hub stores it, the fields the guard reads back. */
export interface StoredFinding {
  id: string;
  generatorId: string;
  recordState: string;
  createdAt: string | null;
}

/** An AWS Security Finding Format finding, as the guard imports it (BatchImportFindings input). */
export type GuardFinding = Record<string, unknown> & { Id: string; RecordState: "ACTIVE" | "ARCHIVED" };

/** Security Hub in the central account (src/adapters/securityhub.ts). */
export interface FindingsPort {
  findingsOf(resourceArn: string, productArn: string): Promise<StoredFinding[]>;
  importFindings(findings: GuardFinding[]): Promise<void>;
}

/** ASFF resource types of the SageMaker resources (the rest are `Other`). */
const ASFF_TYPE: Partial<Record<ResourceRef["type"], string>> = {
  "endpoint-config": "AwsSageMakerEndpointConfig",
  model: "AwsSageMakerModel",
};

const GENERATOR = "isolation-guard";

/**
 * The finding's Id: one per resource incarnation (its creation time; SageMaker reuses ARNs for
 * resources re-created under the same name) and rule, so a re-delivery, a sweep or a scan updates
 * the same finding instead of adding one.
 */
export function findingId(arn: string, rule: string, incarnation: string | null): string {
  return `${arn}/${rule}/${incarnation ?? "unknown"}`;
}

function asff(
  d: Decision,
  r: ResourceRef & { arn: string },
  f: Finding,
  o: { id: string; productArn: string; now: string; createdAt: string; resolved: boolean; detail: string },
  accountName: string | null,
): GuardFinding {
  const label = f.severity === "high" ? "HIGH" : "MEDIUM";
  return {
    SchemaVersion: "2018-10-08",
    Id: o.id,
    ProductArn: o.productArn,
    GeneratorId: `${GENERATOR}/${f.rule}`,
    AwsAccountId: r.account,
    ...(accountName ? { AwsAccountName: accountName } : {}),
    Region: r.region,
    Types: ["Software and Configuration Checks/AWS Security Best Practices/Network Reachability"],
    CreatedAt: o.createdAt,
    UpdatedAt: o.now,
    Severity: { Label: label },
    Title: `SageMaker ${r.type} ${r.name}: ${f.rule}`.slice(0, 256),
    Description: `${f.message} (${o.detail})`.slice(0, 1024),
    Remediation: { Recommendation: { Text: f.fix.slice(0, 512), Url: consoleUrl(r) } },
    SourceUrl: consoleUrl(r),
    ProductFields: {
      "isolation-guard/rule": f.rule,
      "isolation-guard/path": f.path,
      "isolation-guard/mode": d.mode,
      "isolation-guard/verdict": d.verdict,
    },
    Resources: [
      {
        Type: ASFF_TYPE[r.type] ?? "Other",
        Id: r.arn,
        Partition: r.arn.split(":")[1],
        Region: r.region,
        Details: { Other: { resourceType: r.type, name: r.name } },
      },
    ],
    Compliance: { Status: o.resolved ? "PASSED" : "FAILED" },
    // Workflow is honoured when a finding is created; on an update, Security Hub itself moves it to
    // RESOLVED when RecordState turns ARCHIVED (finding providers may not set Workflow afterwards:
    // docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html).
    Workflow: { Status: o.resolved ? "RESOLVED" : "NEW" },
    RecordState: o.resolved ? "ARCHIVED" : "ACTIVE",
  };
}

/**
 * Mirrors one decision into Security Hub: each violated rule becomes (or updates) an ACTIVE finding;
 * stopped or deleted resources, rules no longer broken and compliant resources get their ACTIVE
 * findings ARCHIVED (Workflow RESOLVED). A finding the guard already archived for this incarnation
 * stays archived (a re-delivered event about a stopped job does not reopen it).
 *
 * @example await publishFindings(port, { productArn, region }, outcome, { now: Date.now(), createdAt, accountName });
 */
export async function publishFindings(
  port: FindingsPort,
  target: { productArn: string },
  outcome: HandleOutcome,
  context: { now: number; createdAt: string | null; accountName: string | null },
): Promise<number> {
  const d = outcome.decision;
  const r = d.resource;
  if (!r?.arn || (d.verdict !== "NON_COMPLIANT" && d.verdict !== "COMPLIANT")) return 0;
  const resource = { ...r, arn: r.arn };
  const now = new Date(context.now).toISOString();
  const stored = await port.findingsOf(r.arn, target.productArn);
  const byId = new Map(stored.map((f) => [f.id, f]));
  const resolved = outcome.remedy === "stopped" || outcome.remedy === "deleted";
  const detail = resolved
    ? `the guard ${outcome.remedy} it`
    : d.mode === "audit"
      ? "audit mode: reported, not stopped"
      : outcome.remedy === "not-running"
        ? "it was no longer running when the guard acted"
        : "reported";
  const out: GuardFinding[] = [];
  const current = new Set<string>();
  if (d.verdict === "NON_COMPLIANT") {
    const rules = new Map<string, Finding>();
    for (const f of d.findings) if (!rules.has(f.rule)) rules.set(f.rule, f);
    for (const [rule, f] of rules) {
      // Gone before it could be described: the latest finding of this rule is its incarnation's.
      const latest = stored
        .filter((s) => s.generatorId === `${GENERATOR}/${rule}`)
        .sort((a, b) => (b.createdAt ?? "").localeCompare(a.createdAt ?? ""))[0];
      const id = context.createdAt
        ? findingId(r.arn, rule, context.createdAt)
        : (latest?.id ?? findingId(r.arn, rule, null));
      current.add(id);
      const existing = byId.get(id);
      if (existing?.recordState === "ARCHIVED" && !resolved) continue;
      if (existing?.recordState === "ARCHIVED" && resolved) continue;
      const createdAt = existing?.createdAt ?? now;
      out.push(
        asff(
          d,
          resource,
          f,
          { id, productArn: target.productArn, now, createdAt, resolved, detail },
          context.accountName,
        ),
      );
    }
  }
  // Everything else still ACTIVE for this resource is no longer true: archive it.
  for (const s of stored) {
    if (s.recordState !== "ACTIVE" || current.has(s.id) || !s.generatorId.startsWith(`${GENERATOR}/`)) continue;
    const rule = s.generatorId.slice(GENERATOR.length + 1);
    const f: Finding = {
      rule: rule as Finding["rule"],
      severity: "high",
      message: `${rule} no longer applies`,
      path: "",
      fix: "No action needed.",
    };
    out.push(
      asff(
        d,
        resource,
        f,
        {
          id: s.id,
          productArn: target.productArn,
          now,
          createdAt: s.createdAt ?? now,
          resolved: true,
          detail: d.verdict === "COMPLIANT" ? "the resource is now compliant" : "this rule is no longer broken",
        },
        context.accountName,
      ),
    );
  }
  if (out.length) await port.importFindings(out);
  return out.length;
}

/** Where findings go: a Security Hub (one account, one region) and the product they are imported under. */
export interface FindingsTarget {
  port: FindingsPort;
  productArn: string;
}

/**
 * The Security Hub a resource's findings go to: that of the resource's own account and region.
 * BatchImportFindings must be called by the account the finding names in `AwsAccountId` (or an
 * allow-listed partner), so a member account's finding is imported there, through the member role;
 * the organization's Security Hub delegated administrator then sees it with every other finding
 * (docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html).
 */
export type FindingsRouter = (account: string, region: string) => FindingsTarget;

/** The account's default product in a region: custom findings need no registered integration. */
export function defaultProductArn(account: string, region: string, partition = "aws"): string {
  return `arn:${partition}:securityhub:${region}:${account}:product/${account}/default`;
}

/**
 * The one way every path (event, sweep, `scan --security-hub`, `--fix`) reports a decision to Security
 * Hub: `publishFindings`, then, when the decision was recorded, the record notes that Security Hub now
 * reflects it (`findings` = the decision's `decidedAt`). The sweep skips a decided resource only when
 * that note is current, so a failed import is retried by the next sweep instead of being lost.
 *
 * @example await mirrorDecision(target, outcome, { now: Date.now(), createdAt, accountName: null, record });
 */
export async function mirrorDecision(
  target: FindingsTarget,
  outcome: HandleOutcome,
  context: { now: number; createdAt: string | null; accountName: string | null; record: RecordStore | null },
): Promise<number> {
  const imported = await publishFindings(target.port, target, outcome, context);
  if (outcome.recorded && context.record) {
    await context.record.put(outcome.recorded.incarnation, { findings: outcome.recorded.decidedAt });
  }
  return imported;
}

/**
 * The Sweeper's `findings` hook (the sweep, `scan --security-hub`, `--fix`): the same `mirrorDecision`
 * as the event path, the incarnation from the sweep's own Describe, so an event's finding and a
 * sweep's for the same incarnation and rule are one finding.
 *
 * @example new Sweeper(deps, lister, { concurrency: 4, trigger: "sweep", findings: sweepFindings(route) });
 */
export function sweepFindings(route: FindingsRouter): (outcome: HandleOutcome, deps: EnforcerDeps) => Promise<void> {
  return async (outcome, deps) => {
    await mirrorDecision(route(deps.self.account, deps.self.region), outcome, {
      now: deps.now(),
      createdAt: outcome.recorded?.incarnation.createdAt ?? outcome.described?.createdAt ?? null,
      accountName: deps.alertRendering?.accountName ?? null,
      record: deps.record,
    });
  };
}
