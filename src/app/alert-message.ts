import { partitionOf } from "../core/arn.js";
import { RESOURCE_TYPES } from "../core/resource-types.js";
import type { Decision, ResourceRef } from "../core/types.js";
import type { AlertMessage } from "./ports.js";

/** What the guard did about a resource, as tagged (`isolation-guard:action`) and alerted. */
export type TagAction = "stopped" | "deleted" | "audit-only" | "none";

/** The alert's facts beyond the decision: what was done, and when. */
export interface AlertOutcome {
  action: TagAction;
  /** One line on what happened, e.g. "the job had already left InProgress (status Completed)". */
  detail: string;
  decidedAt: string;
}

export const ALERT_SCHEMA = "isolation-guard.alert/v1";

/** SageMaker console link for a resource. */
export function consoleUrl(r: ResourceRef): string {
  const host =
    partitionOf(r.region) === "aws-cn" ? `${r.region}.console.amazonaws.cn` : `${r.region}.console.aws.amazon.com`;
  return `https://${host}/sagemaker/home?region=${r.region}#/${RESOURCE_TYPES[r.type].consolePath}/${encodeURIComponent(r.name)}`;
}

const HUMAN_TYPE: Record<string, string> = {
  "training-job": "training job",
  "hyper-parameter-tuning-job": "hyperparameter tuning job",
  "processing-job": "processing job",
  "transform-job": "batch transform job",
  model: "model",
  "endpoint-config": "endpoint configuration",
  endpoint: "endpoint",
};

function severityOf(d: Decision): "high" | "medium" | "low" {
  if (d.verdict !== "NON_COMPLIANT") return "low";
  return d.findings.some((f) => f.severity === "high") ? "high" : "medium";
}

function headline(d: Decision, o: AlertOutcome): string {
  const r = d.resource as ResourceRef;
  const what = `${HUMAN_TYPE[r.type]} ${r.name}`;
  switch (o.action) {
    case "stopped":
      return `Stopped ${what}: its containers could reach the internet`;
    case "deleted":
      return `Deleted ${what}: its containers could reach the internet`;
    case "audit-only":
      return `Found ${what} whose containers can reach the internet (audit mode: not stopped)`;
    default:
      return `Found ${what} whose containers can reach the internet`;
  }
}

/** Subjects must be ASCII, one line, under 100 characters (SNS). */
function subjectOf(d: Decision, o: AlertOutcome): string {
  const r = d.resource as ResourceRef;
  const verb = o.action === "stopped" ? "Stopped" : o.action === "deleted" ? "Deleted" : "Non-compliant";
  const rules = [...new Set(d.findings.map((f) => f.rule))].join(" ");
  const text = `[Isolation Guard] ${verb} ${r.type} ${r.name}: ${rules}`.replace(/[^\x20-\x7e]/g, "?");
  return text.length > 99 ? `${text.slice(0, 96)}...` : text;
}

function who(d: Decision): string {
  const c = d.caller;
  if (!c) return "unknown (found without a CloudTrail record)";
  const parts = [c.arn ?? c.invokedBy ?? "unknown"];
  if (c.sessionIssuerArn && c.sessionIssuerArn !== c.arn) parts.push(`role ${c.sessionIssuerArn}`);
  if (c.sourceIdentity) parts.push(`source identity ${c.sourceIdentity}`);
  return parts.join(", ");
}

/** The plain-text body that email subscribers read: what, who, where, why, what was done, how to fix. */
export function renderEmail(d: Decision, o: AlertOutcome): string {
  const r = d.resource as ResourceRef;
  const lines = [
    headline(d, o),
    "",
    `What:    ${HUMAN_TYPE[r.type]} "${r.name}"`,
    `Who:     ${who(d)}`,
    `Where:   account ${r.account}, region ${r.region}`,
    `When:    ${d.event.time ?? o.decidedAt}${d.event.name ? ` (${d.event.name})` : ""}`,
    `Action:  ${o.action} - ${o.detail}`,
    `Mode:    ${d.mode}`,
    "",
    "Why it breaks the policy:",
    ...d.findings.flatMap((f) => [`  - [${f.rule}] ${f.message}`, `    at ${f.path}`]),
    "",
    "How to fix it:",
    ...[...new Set(d.findings.map((f) => f.fix))].map((fix) => `  - ${fix}`),
    ...(d.notes.length ? ["", "Notes:", ...d.notes.map((n) => `  - ${n}`)] : []),
    "",
    `Console: ${consoleUrl(r)}`,
    `ARN:     ${r.arn ?? "(not known)"}`,
    `Event:   ${d.event.id ?? "(none)"}; decided ${o.decidedAt}`,
    "",
    "Sent by SageMaker Isolation Guard. Exemptions are granted in the guard's policy file by the security team.",
  ];
  return lines.join("\n");
}

/** The versioned JSON document for machine subscribers (README documents its schema). */
export function renderAlertDocument(d: Decision, o: AlertOutcome): Record<string, unknown> {
  const r = d.resource as ResourceRef;
  return {
    schema: ALERT_SCHEMA,
    verdict: d.verdict,
    severity: severityOf(d),
    mode: d.mode,
    action: o.action,
    actionDetail: o.detail,
    summary: headline(d, o),
    resource: { ...r, consoleUrl: consoleUrl(r) },
    caller: d.caller,
    event: { id: d.event.id, name: d.event.name, time: d.event.time },
    findings: d.findings,
    notes: d.notes,
    exemption: d.exemption,
    decidedAt: o.decidedAt,
  };
}

/**
 * Renders one alert for SNS: per-protocol bodies, a short subject, and filterable attributes.
 * @example await alerts.publish(renderAlert(decision, { action: "stopped", detail: "...", decidedAt }))
 */
export function renderAlert(d: Decision, o: AlertOutcome): AlertMessage {
  if (!d.resource) throw new Error("an alert needs a resource");
  const json = JSON.stringify(renderAlertDocument(d, o));
  const r = d.resource;
  return {
    subject: subjectOf(d, o),
    bodies: { default: json, email: renderEmail(d, o), sqs: json, lambda: json, https: json, "email-json": json },
    attributes: {
      verdict: d.verdict,
      severity: severityOf(d),
      resourceType: r.type,
      account: r.account,
      region: r.region,
      action: o.action,
    },
  };
}
