import type { Decision } from "../core/types.js";

/** A short human summary of a decision: verdict, resource, each finding with its fix. */
export function formatDecision(d: Decision): string {
  const lines: string[] = [];
  const r = d.resource;
  const what = r ? `${r.type} ${r.name} (account ${r.account}, ${r.region})` : "no resource";
  lines.push(`${d.verdict}  ${what}`);
  if (d.reason) lines.push(`  reason: ${d.reason}`);
  if (d.event.name) lines.push(`  event: ${d.event.name}${d.event.id ? ` ${d.event.id}` : ""}`);
  const who = d.caller?.arn ?? d.caller?.invokedBy;
  if (who)
    lines.push(`  caller: ${who}${d.caller?.sourceIdentity ? ` (source identity ${d.caller.sourceIdentity})` : ""}`);
  for (const f of d.findings) {
    lines.push(`  x ${f.rule}: ${f.message}`);
    lines.push(`    at: ${f.path}`);
    lines.push(`    fix: ${f.fix}`);
  }
  for (const note of d.notes) lines.push(`  note: ${note}`);
  if (d.verdict !== "IGNORED" && d.verdict !== "NEEDS_LOOKUP") {
    lines.push(`  actions: ${d.actions.join(", ") || "none"} (${d.mode} mode)`);
  }
  return lines.join("\n");
}
