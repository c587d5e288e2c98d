import Table from "cli-table3";
import { formatAge, type ScanReport, VERDICT_COLUMNS, VERDICT_LABELS } from "./model.js";

const plain = { head: [] as string[], border: [] as string[] };

/**
 * The report as terminal tables: counts by type and verdict, then every violation (rule, creator, age, fix).
 * @example process.stdout.write(renderTable(report));
 */
export function renderTable(report: ScanReport): string {
  const counts = new Table({
    head: ["type", ...VERDICT_COLUMNS.map((v) => VERDICT_LABELS[v]), "total"],
    style: plain,
  });
  for (const row of report.byType)
    counts.push([row.type, ...VERDICT_COLUMNS.map((v) => String(row[v])), String(row.total)]);
  counts.push([
    "all",
    ...VERDICT_COLUMNS.map((v) => String(report.byType.reduce((n, r) => n + r[v], 0))),
    String(report.totals.resources),
  ]);
  const missing = report.errors.length;
  // Said first, before any count, so an incomplete scan cannot be read as a clean one.
  const out = report.complete
    ? []
    : [
        `INCOMPLETE SCAN: ${missing} listing(s) or resource(s) could not be examined; this report does not cover them:`,
        ...report.errors.map((e) => `  ${e.resource}: ${e.message}`),
        "",
      ];
  out.push(
    `Isolation posture of account ${report.account ?? "?"} in ${report.regions.join(", ")} (policy ${report.policyId}), ${report.generatedAt}`,
    `Scope: ${report.scope}`,
    counts.toString(),
  );
  if (report.violations.length) {
    const v = new Table({
      head: ["resource", "rules", "creator", "age", ...(report.fixApplied ? ["done"] : []), "fix"],
      style: plain,
      colWidths: [34, 30, 30, 9, ...(report.fixApplied ? [13] : []), 46],
      wordWrap: true,
    });
    for (const r of report.violations)
      v.push([
        `${r.type} ${r.name}${report.regions.length > 1 ? ` (${r.region})` : ""}`,
        r.rules.join("\n"),
        r.creator ?? "unknown",
        formatAge(r.ageSeconds),
        ...(report.fixApplied ? [r.remedy ?? "-"] : []),
        r.fix,
      ]);
    out.push(`${report.violations.length} violation(s):`, v.toString());
  } else
    out.push(
      report.complete
        ? "No violations."
        : "No violations among the resources examined, but the scan is incomplete (see above).",
    );
  if (!report.complete) out.push(`Scan incomplete: ${missing} listing(s) or resource(s) not examined (listed above).`);
  return `${out.join("\n")}\n`;
}
