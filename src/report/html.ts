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
  // Widths say "stretch", not a percentage: an incomplete report must not contain "100%" anywhere.
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Isolation posture by resource type" viewBox="0 0 ${labelW + barW + 60} ${height}" style="display:block;width:stretch;width:-webkit-fill-available;max-width:${labelW + barW + 60}px">${legend}\n${rows}</svg>`;
}

/** Failures listed on the page; the JSON report has every one. */
const SHOWN_ERRORS = 50;

/**
 * The report as one self-contained HTML page (no script, no network: a Content-Security-Policy forbids
 * any fetch), readable by a manager: headline figures, a chart of posture by type, the violations.
 *
 * @example writeFileSync("posture.html", renderHtml(report));
 */
export function renderHtml(report: ScanReport): string {
  const t = report.totals;
  const assessed = t.compliant + t.nonCompliant + t.exempt;
  const missing = report.errors.length;
  const violationWord = `${t.nonCompliant} SageMaker resource${t.nonCompliant === 1 ? " is" : "s are"} not isolated from the internet as the policy requires`;
  // An incomplete scan must never read as a clean one: it says so first, says what was not examined,
  // and shows no percentage (a share of what happened to be readable is not the account's posture).
  const headline = !report.complete
    ? `Scan incomplete: ${missing} listing${missing === 1 ? "" : "s"} or resource${missing === 1 ? "" : "s"} could not be examined, so this is not the whole account. ${
        t.nonCompliant
          ? `Among what was examined, ${violationWord}.`
          : "No violation was found among what was examined."
      }`
    : t.nonCompliant
      ? `${violationWord}.`
      : "Every SageMaker resource examined meets the isolation policy.";
  const pct = assessed ? `${Math.round(((t.compliant + t.exempt) / assessed) * 100)}%` : "100%";
  const status = report.complete
    ? ""
    : `<div class="tile warn"><b id="scan-status">incomplete</b>${missing} not examined</div>\n`;
  const share = report.complete
    ? `<div class="tile"><b id="percent-compliant">${pct}</b>compliant or exempt</div>`
    : `<div class="tile warn"><b id="percent-compliant">incomplete</b>no share: not everything was examined</div>`;
  const notExamined = missing
    ? `<section class="warn-box" id="not-examined"><h2>Incomplete: not examined (${missing})</h2><ul>${report.errors
        .slice(0, SHOWN_ERRORS)
        .map((e) => `<li>${esc(e.resource)}: ${esc(e.message)}</li>`)
        .join(
          "",
        )}${missing > SHOWN_ERRORS ? `<li>and ${missing - SHOWN_ERRORS} more (the JSON report lists all)</li>` : ""}</ul><p>Fix the access or the failing call and scan again; until then this report does not cover these.</p></section>`
    : "";
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
    : report.complete
      ? `<p class="ok">No violations.</p>`
      : `<p class="warn-text">No violations among the resources examined; the scan is incomplete (see above).</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SageMaker isolation posture${report.complete ? "" : " (incomplete)"}: account ${esc(report.account ?? "?")}</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#212121;margin:2rem auto;max-width:1000px;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin-top:2rem}
.muted{color:#616161;font-size:.9em}.ok{color:#2e7d32;font-weight:600}
.tiles{display:flex;gap:1rem;flex-wrap:wrap;margin:1.25rem 0}
.tile{border:1px solid #e0e0e0;border-radius:8px;padding:.75rem 1rem;min-width:150px}
.tile b{display:block;font-size:1.9rem}.tile.bad b{color:#c62828}.tile.good b{color:#2e7d32}
.tile.warn{border-color:#e65100;background:#fff3e0}.tile.warn b{color:#e65100}
.headline.warn{color:#e65100;background:#fff3e0;border-left:6px solid #e65100;padding:.6rem .8rem}.warn-text{color:#e65100;font-weight:600}
.warn-box{border:2px solid #e65100;background:#fff3e0;border-radius:8px;padding:0 1rem .5rem;margin:1rem 0}.warn-box h2{color:#e65100;margin-top:.75rem}
svg text{font:13px system-ui,sans-serif;fill:#212121}svg text.in{fill:#fff;font-weight:600}svg text.legend{font-size:12px}
table{border-collapse:collapse;width:-webkit-fill-available;width:stretch;font-size:.92em}th,td{text-align:left;vertical-align:top;padding:.45rem .5rem;border-bottom:1px solid #e0e0e0}
th{background:#fafafa}td:first-child{min-width:11rem;word-break:break-all}td:nth-child(2){white-space:nowrap}tr.high td:first-child{border-left:4px solid #c62828}tr.medium td:first-child{border-left:4px solid #ef6c00}
</style></head><body>
<h1>SageMaker isolation posture${report.complete ? "" : ' <span class="warn-text">(incomplete)</span>'}</h1>
<p class="muted">Account ${esc(report.account ?? "?")}, ${esc(report.regions.join(", "))}. Generated ${esc(report.generatedAt)} by Isolation Guard (policy ${esc(report.policyId)}). Scope: ${esc(report.scope)}.</p>
<p class="headline${report.complete ? "" : " warn"}" id="headline"><b>${esc(headline)}</b></p>
${notExamined}
<div class="tiles">
${status}<div class="tile"><b id="total-resources">${t.resources}</b>resources examined</div>
<div class="tile ${t.nonCompliant ? "bad" : report.complete ? "good" : "warn"}"><b id="total-violations">${t.nonCompliant}</b>violations</div>
<div class="tile good"><b id="total-compliant">${t.compliant}</b>compliant</div>
<div class="tile"><b id="total-exempt">${t.exempt}</b>exempt (by policy)</div>
${share}
</div>
<h2>Posture by resource type</h2>
${chart(report)}
<h2>Violations (${report.violations.length})</h2>
${violations}
<p class="muted">Network isolation keeps a container from reaching the internet; a VPC keeps its traffic in the company network. Resources are decided by the same rules as the real-time guard.</p>
</body></html>
`;
}
