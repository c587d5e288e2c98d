import type { HandleOutcome, MetricsPort } from "./enforce.js";

/** A compact, secret-free record of an outcome, for logs and the CLI (one line per event). */
export function summarize(o: HandleOutcome) {
  const d = o.decision;
  return {
    verdict: d.verdict,
    reason: d.reason,
    resource: d.resource,
    rules: [...new Set(d.findings.map((f) => f.rule))],
    mode: d.mode,
    remedy: o.remedy,
    action: o.tagAction,
    tagged: o.tagged,
    alerted: o.alerted,
    duplicateOf: o.duplicateOf,
    eventMismatch: o.eventMismatch ?? false,
    ...(o.remedy === "gone"
      ? {
          note: `${d.resource?.type ?? "the resource"} ${d.resource?.name ?? ""} does not exist (never created here, or already deleted): nothing to stop, alert or tag`,
        }
      : {}),
    eventId: d.event.id,
    deliveryId: d.event.deliveryId,
  };
}

/** Events evaluated, violations, stops, deletes, alerts sent, duplicates, events the resource contradicts. */
export function countOutcome(metrics: MetricsPort, o: HandleOutcome): void {
  const d = o.decision;
  const type = d.resource?.type ?? null;
  if (d.verdict === "IGNORED") {
    metrics.count("EventsIgnored", null);
    return;
  }
  metrics.count("EventsEvaluated", type);
  if (d.verdict === "NON_COMPLIANT") metrics.count("Violations", type);
  if (o.remedy === "stopped") metrics.count("Stops", type);
  if (o.remedy === "deleted") metrics.count("Deletes", type);
  if (o.alerted) metrics.count("AlertsSent", type);
  if (o.duplicateOf) metrics.count("Duplicates", type);
  if (o.eventMismatch) metrics.count("EventMismatch", type);
}
