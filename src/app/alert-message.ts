import { partitionOf } from "../core/arn.js";
import { RESOURCE_TYPES } from "../core/resource-types.js";
import type { Decision, ResourceRef } from "../core/types.js";
import type { AlertDocument } from "../notify/alert-document.js";
import { renderChatbotNotification } from "../notify/chatbot.js";
import type { AlertMessage } from "./ports.js";

/** What the guard did about a resource, as tagged (`isolation-guard:action`) and alerted. */
export type TagAction = "stopped" | "deleted" | "audit-only" | "none";

/** The alert's facts beyond the decision: what was done, and when. */
export interface AlertOutcome {
  action: TagAction;
  /** One line on what happened, e.g. "the job had already left InProgress (status Completed)". */
  detail: string;
  decidedAt: string;
  /** The report of an event that claimed a violation the resource's own Describe* does not show. */
  suspicious?: boolean;
}

export const ALERT_SCHEMA = "isolation-guard.alert/v1";

/** SageMaker console link for a resource. */
export function consoleUrl(r: ResourceRef): string {
  const host =
    partitionOf(r.region) === "aws-cn" ? `${r.region}.console.amazonaws.cn` : `${r.region}.console.aws.amazon.com`;
  return `https://${host}/sagemaker/home?region=${r.region}#/${RESOURCE_TYPES[r.type].consolePath}/${encodeURIComponent(r.name)}`;
}

/** How alerts name a type ("training job"), from its row. */
function humanType(r: ResourceRef): string {
  return RESOURCE_TYPES[r.type].names.one;
}

function severityOf(d: Decision, o?: AlertOutcome): "high" | "medium" | "low" {
  if (o?.suspicious) return "high";
  if (d.verdict !== "NON_COMPLIANT") return "low";
  return d.findings.some((f) => f.severity === "high") ? "high" : "medium";
}

function headline(d: Decision, o: AlertOutcome): string {
  const r = d.resource as ResourceRef;
  const what = `${humanType(r)} ${r.name}`;
  if (o.suspicious) return `Suspicious event about ${what}: it claims a violation the resource does not have`;
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
  const verb = o.suspicious
    ? "Suspicious event"
    : o.action === "stopped"
      ? "Stopped"
      : o.action === "deleted"
        ? "Deleted"
        : "Non-compliant";
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

const SEVERITY_WORDS = {
  high: "HIGH: its containers could reach the internet",
  medium: "MEDIUM: network settings outside the policy",
  low: "LOW",
};
const DONE_WORDS: Record<TagAction, string> = {
  stopped: "Stopped",
  deleted: "Deleted",
  "audit-only": "Not stopped (audit mode)",
  none: "Reported",
};
/** An email lists this many findings / fixes at most; the rest is counted (a tuning job can have many). */
const EMAIL_MAX_ITEMS = 20;

function listed<T>(items: T[], render: (item: T, i: number) => string[]): string[] {
  const shown = items.slice(0, EMAIL_MAX_ITEMS).flatMap(render);
  return items.length > EMAIL_MAX_ITEMS ? [...shown, `  ... and ${items.length - EMAIL_MAX_ITEMS} more`] : shown;
}

/** Options of the alert renderings that come from the deployment, not from the decision. */
export interface AlertRenderOptions {
  /**
   * `json` (default): every protocol but email gets the isolation-guard.alert/v1 document.
   * `chatbot`: the `default` and `https` bodies are an Amazon Q Developer in chat applications (AWS Chatbot)
   * custom notification instead, so a Chatbot-subscribed Slack/Teams channel renders it; `sqs`, `lambda`
   * and `email-json` keep the v1 document.
   */
  format?: "json" | "chatbot";
  /** The team's runbook for isolation violations (email and chat link to it). */
  runbookUrl?: string | null;
}

/**
 * The plain-text body that email subscribers read, built to be understood in ten seconds: the headline,
 * a six-line fact table (severity, what, where, who, when, what was done), what to do, then why and links.
 * @example renderEmail(decision, { action: "stopped", detail: "the guard stopped it", decidedAt })
 */
export function renderEmail(d: Decision, o: AlertOutcome, options: AlertRenderOptions = {}): string {
  const r = d.resource as ResourceRef;
  const fixes = [...new Set(d.findings.map((f) => f.fix))];
  const rules = [...new Set(d.findings.map((f) => f.rule))];
  const lines = [
    headline(d, o),
    "",
    `  Severity  ${o.suspicious ? "HIGH: a forged or tampered event reached the guard" : SEVERITY_WORDS[severityOf(d, o)]}`,
    `  What      ${humanType(r)} "${r.name}"`,
    `  Where     account ${r.account}, region ${r.region}`,
    `  Who       ${who(d)}`,
    `  When      ${d.event.time ?? o.decidedAt}${d.event.name ? ` (${d.event.name})` : ""}`,
    `  Done      ${DONE_WORDS[o.action]}: ${o.detail} (${d.mode} mode)`,
    "",
    "WHAT TO DO",
    ...listed(fixes, (fix, i) => [`  ${i + 1}. ${fix}`]),
    "",
    `WHY (${rules.length === 1 ? "1 rule" : `${rules.length} rules`} broken: ${rules.join(", ")})`,
    ...listed(d.findings, (f) => [`  - ${f.message}`, `    set at: ${f.path}`]),
    ...(d.notes.length ? ["", "NOTES", ...d.notes.map((n) => `  - ${n}`)] : []),
    "",
    "LINKS",
    `  Console:  ${consoleUrl(r)}`,
    ...(options.runbookUrl ? [`  Runbook:  ${options.runbookUrl}`] : []),
    "",
    `Reference: ARN ${r.arn ?? "(not known)"}; event ${d.event.id ?? "(none)"}; decided ${o.decidedAt}.`,
    "Sent by SageMaker Isolation Guard. Exemptions are granted by the security team in the guard's policy file, never by resource tags.",
  ];
  return lines.join("\n");
}

/** The versioned JSON document for machine subscribers (README documents its schema). */
export function renderAlertDocument(d: Decision, o: AlertOutcome): Record<string, unknown> {
  const r = d.resource as ResourceRef;
  return {
    schema: ALERT_SCHEMA,
    verdict: d.verdict,
    severity: severityOf(d, o),
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
 * With `format: "chatbot"`, `default` and `https` carry the Chatbot custom notification (see {@link AlertRenderOptions}).
 * @example await alerts.publish(renderAlert(decision, { action: "stopped", detail: "...", decidedAt }, { format: "chatbot" }))
 */
export function renderAlert(d: Decision, o: AlertOutcome, options: AlertRenderOptions = {}): AlertMessage {
  if (!d.resource) throw new Error("an alert needs a resource");
  const doc = renderAlertDocument(d, o);
  const json = JSON.stringify(doc);
  const chat =
    options.format === "chatbot"
      ? JSON.stringify(
          renderChatbotNotification(doc as unknown as AlertDocument, { runbookUrl: options.runbookUrl ?? null }),
        )
      : json;
  const r = d.resource;
  return {
    subject: subjectOf(d, o),
    bodies: {
      default: chat,
      email: renderEmail(d, o, options),
      sqs: json,
      lambda: json,
      https: chat,
      "email-json": json,
    },
    attributes: {
      verdict: d.verdict,
      severity: severityOf(d, o),
      resourceType: r.type,
      account: r.account,
      region: r.region,
      action: o.action,
    },
  };
}
