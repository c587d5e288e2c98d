import { RESOURCE_TYPES } from "../core/resource-types.js";
import type { ResourceType } from "../core/types.js";
import type { SweptVerdict } from "../sweep/sweep.js";
import { formatAge, type ScanReport } from "./model.js";

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

/** Chart series: what a manager needs to tell apart, in stacking order. */
const SERIES: { label: string; color: string; verdicts: SweptVerdict[] }[] = [
  { label: "Compliant", color: "#2e7d32", verdicts: ["COMPLIANT"] },
  { label: "Exempt", color: "#1565c0", verdicts: ["EXEMPT"] },
  { label: "Non-compliant", color: "#c62828", verdicts: ["NON_COMPLIANT"] },
  { label: "Not assessed", color: "#9e9e9e", verdicts: ["IGNORED", "NEEDS_LOOKUP", "GONE", "ERROR"] },
];

/** How the report names a type ("Training jobs"), from its row. */
const typeLabel = (type: ResourceType) => RESOURCE_TYPES[type].names.many;

/** Horizontal stacked bars, one per resource type, with the counts written on them. */
function chart(report: ScanReport): string {
  const rowH = 34;
  const labelW = 170;
  const barW = 520;
  const top = 30;
  const max = Math.max(1, ...report.byType.map((r) => r.total));
  const height = top + report.byType.length * rowH + 10;
  const legend = SERIES.map(
    (s, i) =>
      `<rect x="${labelW + i * 130}" y="4" width="12" height="12" fill="${s.color}"/><text x="${labelW + 18 + i * 130}" y="15" class="legend">${s.label}</text>`,
  ).join("");
  const rows = report.byType
    .map((r, i) => {
      const y = top + i * rowH;
      let x = labelW;
      const segments = SERIES.map((s) => {
        const n = s.verdicts.reduce((sum, v) => sum + r[v], 0);
        if (!n) return "";
        const w = (n / max) * barW;
        const seg = `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 10}" fill="${s.color}" data-series="${s.label}" data-type="${r.type}" data-count="${n}"><title>${typeLabel(r.type)}: ${n} ${s.label.toLowerCase()}</title></rect>${
          w >= 22
            ? `<text x="${(x + w / 2).toFixed(1)}" y="${y + rowH / 2 + 1}" class="in" text-anchor="middle">${n}</text>`
            : ""
        }`;
        x += w;
        return seg;
      }).join("");
      return `<text x="${labelW - 10}" y="${y + rowH / 2 + 1}" text-anchor="end" class="type">${typeLabel(r.type)}</text>${segments}<text x="${(x + 8).toFixed(1)}" y="${y + rowH / 2 + 1}" class="total">${r.total}</text>`;
    })
    .join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Isolation posture by resource type" viewBox="0 0 ${labelW + barW + 60} ${height}" width="100%" style="max-width:${labelW + barW + 60}px">${legend}\n${rows}</svg>`;
}

/**
 * The report as one self-contained HTML page (no script, no network: a Content-Security-Policy forbids
 * any fetch), readable by a manager: headline figures, a chart of posture by type, the violations.
 *
 * @example writeFileSync("posture.html", renderHtml(report));
 */
export function renderHtml(report: ScanReport): string {
  const t = report.totals;
  const assessed = t.compliant + t.nonCompliant + t.exempt;
  const pct = assessed ? Math.round(((t.compliant + t.exempt) / assessed) * 100) : 100;
  const headline = t.nonCompliant
    ? `${t.nonCompliant} SageMaker resource${t.nonCompliant === 1 ? " is" : "s are"} not isolated from the internet as the policy requires.`
    : "Every SageMaker resource examined meets the isolation policy.";
  const violations = report.violations.length
    ? `<table><thead><tr><th>Resource</th><th>Rule broken</th><th>Created by</th><th>Age</th>${
        report.fixApplied ? "<th>Done</th>" : ""
      }<th>How to fix</th></tr></thead><tbody>${report.violations
        .map(
          (v) =>
            `<tr class="${v.severity}"><td><b>${esc(v.name)}</b><br><span class="muted">${esc(typeLabel(v.type))}${
              report.regions.length > 1 ? `, ${esc(v.region)}` : ""
            }</span></td><td>${v.rules.map(esc).join("<br>")}</td><td>${esc(v.creator ?? "unknown")}</td><td>${esc(
              formatAge(v.ageSeconds),
            )}</td>${report.fixApplied ? `<td>${esc(v.remedy ?? "-")}</td>` : ""}<td>${esc(v.fix)}</td></tr>`,
        )
        .join("\n")}</tbody></table>`
    : `<p class="ok">No violations.</p>`;
  const errors = report.errors.length
    ? `<h2>Not examined (${report.errors.length})</h2><ul>${report.errors
        .map((e) => `<li>${esc(e.resource)}: ${esc(e.message)}</li>`)
        .join("")}</ul>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SageMaker isolation posture: account ${esc(report.account ?? "?")}</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#212121;margin:2rem auto;max-width:1000px;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin-top:2rem}
.muted{color:#616161;font-size:.9em}.ok{color:#2e7d32;font-weight:600}
.tiles{display:flex;gap:1rem;flex-wrap:wrap;margin:1.25rem 0}
.tile{border:1px solid #e0e0e0;border-radius:8px;padding:.75rem 1rem;min-width:150px}
.tile b{display:block;font-size:1.9rem}.tile.bad b{color:#c62828}.tile.good b{color:#2e7d32}
svg text{font:13px system-ui,sans-serif;fill:#212121}svg text.in{fill:#fff;font-weight:600}svg text.legend{font-size:12px}
table{border-collapse:collapse;width:100%;font-size:.92em}th,td{text-align:left;vertical-align:top;padding:.45rem .5rem;border-bottom:1px solid #e0e0e0}
th{background:#fafafa}td:first-child{min-width:11rem;word-break:break-all}td:nth-child(2){white-space:nowrap}tr.high td:first-child{border-left:4px solid #c62828}tr.medium td:first-child{border-left:4px solid #ef6c00}
</style></head><body>
<h1>SageMaker isolation posture</h1>
<p class="muted">Account ${esc(report.account ?? "?")}, ${esc(report.regions.join(", "))}. Generated ${esc(report.generatedAt)} by Isolation Guard (policy ${esc(report.policyId)}). Scope: ${esc(report.scope)}.</p>
<p><b>${esc(headline)}</b></p>
<div class="tiles">
<div class="tile"><b id="total-resources">${t.resources}</b>resources examined</div>
<div class="tile ${t.nonCompliant ? "bad" : "good"}"><b id="total-violations">${t.nonCompliant}</b>violations</div>
<div class="tile good"><b id="total-compliant">${t.compliant}</b>compliant</div>
<div class="tile"><b id="total-exempt">${t.exempt}</b>exempt (by policy)</div>
<div class="tile"><b id="percent-compliant">${pct}%</b>compliant or exempt</div>
</div>
<h2>Posture by resource type</h2>
${chart(report)}
<h2>Violations (${report.violations.length})</h2>
${violations}
${errors}
<p class="muted">Network isolation keeps a container from reaching the internet; a VPC keeps its traffic in the company network. Resources are decided by the same rules as the real-time guard.</p>
</body></html>
`;
}
