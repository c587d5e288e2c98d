import "../core/zod.js";
import * as z from "zod/mini";

/*
 * The isolation-guard.alert/v1 document as a notifier reads it off the topic (README "Reading an alert").
 * Parsed leniently: a field a newer minor version adds is kept out of the way, never an error.
 */
const Str = z.nullable(z.string());
const AlertDocumentSchema = z.object({
  schema: z.literal("isolation-guard.alert/v1"),
  verdict: z.string(),
  severity: z.enum(["high", "medium", "low"]),
  mode: z.string(),
  action: z.string(),
  actionDetail: z.string(),
  summary: z.string(),
  resource: z.object({
    type: z.string(),
    name: z.string(),
    arn: Str,
    account: z.string(),
    /** Set by a central guard (the member account's name in the organization). */
    accountName: z.optional(z.string()),
    region: z.string(),
    consoleUrl: z.string(),
  }),
  caller: z.nullable(
    z.object({
      type: z.optional(Str),
      arn: z.optional(Str),
      sessionIssuerArn: z.optional(Str),
      sourceIdentity: z.optional(Str),
      invokedBy: z.optional(Str),
    }),
  ),
  event: z.object({ id: z.optional(Str), name: z.optional(Str), time: z.optional(Str) }),
  findings: z.array(
    z.object({ rule: z.string(), severity: z.string(), message: z.string(), path: z.string(), fix: z.string() }),
  ),
  notes: z._default(z.array(z.string()), []),
  exemption: z.optional(z.nullable(z.object({ reason: z.string(), expires: z.string() }))),
  decidedAt: z.string(),
});

/** An alert as published by the enforcer (schema `isolation-guard.alert/v1`). */
export type AlertDocument = z.output<typeof AlertDocumentSchema>;

/** A CloudWatch alarm notification: the stack's alarms publish to the same topic. */
export interface AlarmNotification {
  AlarmName: string;
  AlarmDescription?: string | null;
  NewStateValue: string;
  NewStateReason?: string;
  Region?: string;
  AWSAccountId?: string;
  StateChangeTime?: string;
}

/** What a message on the alert topic turned out to be. */
export type TopicMessage =
  | { kind: "alert"; alert: AlertDocument }
  | { kind: "alarm"; alarm: AlarmNotification }
  | { kind: "other"; text: string };

/**
 * Classifies one SNS message body: an alert document, a CloudWatch alarm, or anything else (kept as text,
 * so an operator still sees it: a notifier that threw on it would only fill the dead-letter queue).
 * @example readTopicMessage(record.Sns.Message).kind // "alert"
 */
export function readTopicMessage(message: string): TopicMessage {
  let data: unknown;
  try {
    data = JSON.parse(message);
  } catch {
    return { kind: "other", text: message };
  }
  const alert = AlertDocumentSchema.safeParse(data);
  if (alert.success) return { kind: "alert", alert: alert.data };
  const d = data as Partial<AlarmNotification> | null;
  if (d && typeof d === "object" && typeof d.AlarmName === "string" && typeof d.NewStateValue === "string") {
    return { kind: "alarm", alarm: d as AlarmNotification };
  }
  return { kind: "other", text: message };
}
