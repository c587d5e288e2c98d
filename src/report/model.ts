import type { RouteVerdict, SubnetVerdict } from "../core/egress.js";
import { RESOURCE_TYPE_NAMES, RESOURCE_TYPES, SWEEP_TYPES } from "../core/resource-types.js";
import type { ResourceType } from "../core/types.js";
import type { SweptResource, SweptVerdict } from "../sweep/sweep.js";

/**
 * What a scan looked at, in the report's words, from the one type table: with `includeFinished` every
 * resource of every type; otherwise the types the listing filters to their active status (a job
 * `InProgress`, a notebook `InService`), and every one of the others.
 * @example scanScope(false) // "running Training jobs (InProgress), ...; every one of Models, ..."
 */
export function scanScope(includeFinished: boolean): string {
  const all = SWEEP_TYPES.map((t) => RESOURCE_TYPES[t]);
  if (includeFinished) return `every resource of the ${all.length} types: ${all.map((r) => r.names.many).join(", ")}`;
  const active = all.filter((r) => r.api.list.activeStatuses !== null);
  const every = all.filter((r) => r.api.list.activeStatuses === null);
  return `running ${active.map((r) => `${r.names.many} (${r.api.list.activeStatuses?.join(" or ")})`).join(", ")}; every one of ${every.map((r) => r.names.many).join(", ")}`;
}

/** Columns of the posture counts, in display order. */
export const VERDICT_COLUMNS: readonly SweptVerdict[] = [
  "COMPLIANT",
  "NON_COMPLIANT",
  "EXEMPT",
  "IGNORED",
  "GONE",
  "ERROR",
];

/** One violation, as an operator or a manager reads it. */
export interface ViolationRow {
  type: ResourceType;
  name: string;
  arn: string;
  region: string;
  rules: string[];
  severity: "high" | "medium";
  creator: string | null;
  createdAt: string | null;
  ageSeconds: number | null;
  fix: string;
  /** What `--fix` did, when it ran: stopped, deleted, not-running, gone, or alerted/tagged only. */
  remedy: string | null;
}

/** One subnet that VPC-reliant resources run in: its route table's verdict (the egress check's) and who uses it. */
export interface SubnetRow extends SubnetVerdict {
  /** ARNs of the resources whose decision rested on this subnet. */
  resources: string[];
}

/** The scan's result, the same for every output format (`--format json` prints it as is). */
export interface ScanReport {
  schema: "isolation-guard.scan/v1";
  /**
   * False whenever anything was not examined (a listing failed, a resource could not be described or
   * decided, the account could not be read): `errors` then says what. A report that is not complete
   * never says "clean", in any format.
   */
  complete: boolean;
  generatedAt: string;
  account: string | null;
  regions: string[];
  policyId: string;
  scope: string;
  totals: { resources: number; compliant: number; nonCompliant: number; exempt: number; other: number };
  byType: ({ type: ResourceType; total: number } & Record<SweptVerdict, number>)[];
  violations: ViolationRow[];
  errors: { resource: string; message: string }[];
  fixApplied: boolean;
  /** One row per subnet whose routes a decision rested on, open ones first. */
  subnets: SubnetRow[];
  resources: SweptResource[];
}

const ROUTE_ORDER: Record<RouteVerdict, number> = {
  "routes-to-internet": 0,
  unverifiable: 1,
  "approved-egress": 2,
  "no-internet-route": 3,
};

function subnetRows(items: readonly SweptResource[]): SubnetRow[] {
  const rows = new Map<string, SubnetRow>();
  for (const item of items) {
    for (const e of item.egress ?? []) {
      const row = rows.get(e.subnet) ?? { ...e, resources: [] };
      if (!row.resources.includes(item.arn)) row.resources.push(item.arn);
      rows.set(e.subnet, row);
    }
  }
  return [...rows.values()].sort(
    (a, b) => ROUTE_ORDER[a.verdict] - ROUTE_ORDER[b.verdict] || a.subnet.localeCompare(b.subnet),
  );
}

/** Short labels for route verdicts. */
export const ROUTE_LABELS: Record<RouteVerdict, string> = {
  "routes-to-internet": "routes to the internet",
  unverifiable: "cannot be verified",
  "approved-egress": "approved egress only",
  "no-internet-route": "no internet route",
};

/** Every type the guard knows, in report order (the rows of core/resource-types.ts). */
export const REPORT_TYPES: readonly ResourceType[] = RESOURCE_TYPE_NAMES;

/**
 * Builds the report from the examined resources. `now` is passed in so ages are testable.
 * @example const report = buildReport(items, { now: Date.now(), regions: ["us-east-1"], policyId, scope: "..." });
 */
export function buildReport(
  items: readonly SweptResource[],
  meta: {
    now: number;
    regions: string[];
    policyId: string;
    scope: string;
    account?: string | null;
    errors?: { resource: string; message: string }[];
    fixApplied?: boolean;
  },
): ScanReport {
  const byType = REPORT_TYPES.map((type) => {
    const row = { type, total: 0 } as ScanReport["byType"][number];
    for (const v of Object.keys(VERDICT_LABELS) as SweptVerdict[]) row[v] = 0;
    for (const i of items) {
      if (i.type !== type) continue;
      row[i.verdict] += 1;
      row.total += 1;
    }
    return row;
  });
  const count = (v: SweptVerdict) => items.filter((i) => i.verdict === v).length;
  const violations = items
    .filter((i) => i.verdict === "NON_COMPLIANT")
    .map((i): ViolationRow => {
      const created = i.createdAt ? Date.parse(i.createdAt) : Number.NaN;
      return {
        type: i.type,
        name: i.name,
        arn: i.arn,
        region: i.region,
        rules: [...new Set(i.findings.map((f) => f.rule))],
        severity: i.findings.some((f) => f.severity === "high") ? "high" : "medium",
        creator: i.creator,
        createdAt: i.createdAt,
        ageSeconds: Number.isNaN(created) ? null : Math.max(0, Math.round((meta.now - created) / 1000)),
        fix: [...new Set(i.findings.map((f) => f.fix).filter(Boolean))].join(" "),
        remedy: meta.fixApplied ? (i.remedy ?? (i.alerted ? "alerted" : i.tagged ? "tagged" : null)) : null,
      };
    })
    .sort((a, b) =>
      a.severity === b.severity ? (b.ageSeconds ?? 0) - (a.ageSeconds ?? 0) : a.severity === "high" ? -1 : 1,
    );
  const errors = [
    ...(meta.errors ?? []),
    ...items
      .filter((i) => i.error || i.verdict === "ERROR" || i.verdict === "NEEDS_LOOKUP")
      .map((i) => ({ resource: i.arn, message: i.error ?? `could not be decided (${VERDICT_LABELS[i.verdict]})` })),
  ];
  const compliant = count("COMPLIANT");
  const nonCompliant = count("NON_COMPLIANT");
  const exempt = count("EXEMPT");
  return {
    schema: "isolation-guard.scan/v1",
    complete: errors.length === 0,
    generatedAt: new Date(meta.now).toISOString(),
    account: meta.account ?? items[0]?.account ?? null,
    regions: meta.regions,
    policyId: meta.policyId,
    scope: meta.scope,
    totals: {
      resources: items.length,
      compliant,
      nonCompliant,
      exempt,
      other: items.length - compliant - nonCompliant - exempt,
    },
    byType,
    violations,
    errors,
    fixApplied: meta.fixApplied ?? false,
    subnets: subnetRows(items),
    resources: [...items],
  };
}

/** "3d 4h", "2h 5m", "12m", "40s": ages at a glance. */
export function formatAge(seconds: number | null): string {
  if (seconds === null) return "?";
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m`;
  return `${seconds}s`;
}

/** Short labels for verdict columns. */
export const VERDICT_LABELS: Record<SweptVerdict, string> = {
  COMPLIANT: "compliant",
  NON_COMPLIANT: "non-compliant",
  EXEMPT: "exempt",
  IGNORED: "ignored",
  NEEDS_LOOKUP: "needs lookup",
  GONE: "gone",
  ERROR: "error",
};
