import { parseSageMakerArn } from "../core/arn.js";
import { renderHtml } from "./html.js";
import type { ScanReport, ViolationRow } from "./model.js";
import { renderTable } from "./table.js";

/** What `scan --org` found in one account and region, or why it could not look. */
export interface OrgUnit {
  account: string;
  region: string;
  examined: boolean;
  /** Why it was not (fully) examined: role not assumable, region not enabled, a listing failed. */
  reason: string | null;
  resources: number;
  nonCompliant: number;
  errors: number;
}

export interface OrgAccountRow {
  id: string;
  name: string | null;
  /** Every region of this account was examined without error. */
  examined: boolean;
  reason: string | null;
  resources: number;
  nonCompliant: number;
  regions: Omit<OrgUnit, "account">[];
}

/** The single-account report, plus the organization: per account, per region, and who was not examined. */
export interface OrgScanReport extends ScanReport {
  organization: {
    accounts: OrgAccountRow[];
    totals: { accounts: number; examined: number; notExamined: number; regions: number; nonCompliant: number };
    /** False when any account or region could not be examined: the report is incomplete, never "clean". */
    complete: boolean;
  };
  violations: (ViolationRow & { account: string; accountName: string | null })[];
}

/**
 * Adds the organization to a report built from every account's resources.
 * @example const report = buildOrgReport(buildReport(items, meta), units, names);
 */
export function buildOrgReport(base: ScanReport, units: OrgUnit[], names: Map<string, string | null>): OrgScanReport {
  const ids = [...new Set(units.map((u) => u.account))];
  const accounts = ids.map((id): OrgAccountRow => {
    const mine = units.filter((u) => u.account === id);
    const bad = mine.filter((u) => !u.examined || u.errors > 0);
    return {
      id,
      name: names.get(id) ?? null,
      examined: bad.length === 0,
      reason: [...new Set(bad.map((u) => u.reason).filter(Boolean))].join("; ") || null,
      resources: mine.reduce((n, u) => n + u.resources, 0),
      nonCompliant: mine.reduce((n, u) => n + u.nonCompliant, 0),
      regions: mine.map((u) => ({
        region: u.region,
        examined: u.examined,
        reason: u.reason,
        resources: u.resources,
        nonCompliant: u.nonCompliant,
        errors: u.errors,
      })),
    };
  });
  const notExamined = accounts.filter((a) => !a.examined).length;
  const errors = [
    ...base.errors,
    ...units
      .filter((u) => !u.examined)
      .map((u) => ({ resource: `account ${u.account} in ${u.region}`, message: `not examined: ${u.reason}` })),
  ];
  return {
    ...base,
    account: null,
    errors,
    complete: errors.length === 0,
    violations: base.violations.map((v) => {
      const account = parseSageMakerArn(v.arn)?.account ?? "";
      return { ...v, account, accountName: names.get(account) ?? null };
    }),
    organization: {
      accounts,
      totals: {
        accounts: accounts.length,
        examined: accounts.length - notExamined,
        notExamined,
        regions: new Set(units.map((u) => u.region)).size,
        nonCompliant: base.totals.nonCompliant,
      },
      complete: errors.length === 0,
    },
  };
}

function accountLabel(a: { id: string; name: string | null }): string {
  return a.name ? `${a.id} (${a.name})` : a.id;
}

function unitLines(r: OrgScanReport): string[] {
  const lines: string[] = [];
  for (const a of r.organization.accounts) {
    for (const u of a.regions) {
      const state = !u.examined ? "NOT EXAMINED" : u.errors ? "INCOMPLETE" : "examined";
      lines.push(
        `  ${accountLabel(a).padEnd(34)} ${u.region.padEnd(15)} ${state.padEnd(13)} ${String(u.resources).padStart(6)} resources ${String(u.nonCompliant).padStart(5)} violations${u.reason ? `  ${u.reason}` : ""}`,
      );
    }
  }
  return lines;
}

/** The organization's table: one line per account and region, then the single-account tables. */
export function renderOrgTable(r: OrgScanReport): string {
  const t = r.organization.totals;
  const head = [
    `Organization scan: ${t.accounts} account(s), ${t.regions} region(s), ${t.nonCompliant} violation(s)${
      r.organization.complete ? "" : `; INCOMPLETE: ${t.notExamined} account(s) not (fully) examined`
    }`,
    ...unitLines(r),
    "",
  ];
  const byAccount = r.violations.length
    ? [
        "Violations by account:",
        ...r.violations.map(
          (v) =>
            `  ${accountLabel({ id: v.account, name: v.accountName })} ${v.region} ${v.type} ${v.name}: ${v.rules.join(", ")}`,
        ),
        "",
      ]
    : [];
  return `${head.join("\n")}\n${byAccount.join("\n")}${byAccount.length ? "\n" : ""}${renderTable({ ...r, account: `${t.accounts} accounts of the organization` })}`;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

/** The single-account page, with the organization's account/region table on top. */
export function renderOrgHtml(r: OrgScanReport): string {
  const rows = r.organization.accounts
    .flatMap((a) =>
      a.regions.map(
        (u) =>
          `<tr class="${u.examined && !u.errors ? "" : "high"}"><td>${esc(accountLabel(a))}</td><td>${esc(u.region)}</td><td>${
            !u.examined ? "<b>not examined</b>" : u.errors ? "<b>incomplete</b>" : "examined"
          }</td><td>${u.resources}</td><td>${u.nonCompliant}</td><td>${esc(u.reason ?? "")}</td></tr>`,
      ),
    )
    .join("\n");
  const t = r.organization.totals;
  const section = `<h2 id="organization">Organization: ${t.accounts} accounts, ${t.regions} regions${
    r.organization.complete ? "" : ` (incomplete: ${t.notExamined} not examined)`
  }</h2>
<table><thead><tr><th>Account</th><th>Region</th><th>Status</th><th>Resources</th><th>Violations</th><th>Note</th></tr></thead><tbody>
${rows}</tbody></table>
`;
  const page = renderHtml({ ...r, account: `${t.accounts} accounts of the organization` });
  return page.replace("<h2>Posture by resource type</h2>", `${section}<h2>Posture by resource type</h2>`);
}

export function renderOrgJson(r: OrgScanReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
