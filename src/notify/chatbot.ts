import "../core/zod.js";
import * as z from "zod/mini";
import type { AlertDocument } from "./alert-document.js";
import { charLength, joinLines, truncate } from "./text.js";

/*
 * Amazon Q Developer in chat applications (formerly AWS Chatbot) renders an SNS message in Slack / Teams
 * only when it follows its custom-notification format ("Custom notifications using Amazon Q Developer in
 * chat applications", docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html, "Event schema"):
 *   { version, source, id?, content: { textType?, title?, description, nextSteps?, keywords? },
 *     metadata?: { threadId?, summary?, eventType?, relatedResources?, additionalContext?, enableCustomActions? } }
 * with version "1.0", source "custom", and "client-markdown" the one text type. Anything else on the topic
 * is dropped silently by the service, hence the schema below, which the tests validate every rendering against.
 * The guide's field list was checked; its exact per-field length limits were not in the reference text
 * available when this was written, so CHATBOT_LIMITS are deliberately conservative caps of our own (a long
 * alert is cut with "…", never rejected), far below SNS's 256 KB message limit.
 */
export const CHATBOT_LIMITS = {
  title: 250,
  description: 8000,
  nextSteps: 5,
  nextStep: 350,
  keywords: 10,
  keyword: 75,
  threadId: 128,
  summary: 250,
  relatedResources: 5,
  contextValue: 1024,
} as const;

const max = (n: number) => z.string().check(z.minLength(1), z.maxLength(n));

/** The custom-notification document, strictly (unknown keys are errors: the service would ignore them). */
export const ChatbotNotificationSchema = z.strictObject({
  version: z.literal("1.0"),
  source: z.literal("custom"),
  id: z.optional(max(256)),
  content: z.strictObject({
    textType: z.optional(z.literal("client-markdown")),
    title: z.optional(max(CHATBOT_LIMITS.title)),
    description: max(CHATBOT_LIMITS.description),
    nextSteps: z.optional(z.array(max(CHATBOT_LIMITS.nextStep)).check(z.maxLength(CHATBOT_LIMITS.nextSteps))),
    keywords: z.optional(z.array(max(CHATBOT_LIMITS.keyword)).check(z.maxLength(CHATBOT_LIMITS.keywords))),
  }),
  metadata: z.optional(
    z.strictObject({
      threadId: z.optional(max(CHATBOT_LIMITS.threadId)),
      summary: z.optional(max(CHATBOT_LIMITS.summary)),
      eventType: z.optional(max(100)),
      relatedResources: z.optional(z.array(max(2048)).check(z.maxLength(CHATBOT_LIMITS.relatedResources))),
      additionalContext: z.optional(z.record(z.string(), z.string().check(z.maxLength(CHATBOT_LIMITS.contextValue)))),
      enableCustomActions: z.optional(z.boolean()),
    }),
  ),
});

export type ChatbotNotification = z.output<typeof ChatbotNotificationSchema>;

const ICON: Record<string, string> = { high: ":rotating_light:", medium: ":warning:", low: ":information_source:" };

/**
 * Renders an alert as a custom notification that Amazon Q Developer in chat applications posts as a card:
 * title (verdict, action, resource), a markdown description, next steps (the fixes and the links),
 * keywords (verdict, severity, type, action, rules), and a thread per resource.
 * @example JSON.stringify(renderChatbotNotification(renderAlertDocument(d, o), { runbookUrl }))
 */
export function renderChatbotNotification(
  a: AlertDocument,
  options: { runbookUrl?: string | null } = {},
): ChatbotNotification {
  const r = a.resource;
  const verb = a.action === "stopped" ? "Stopped" : a.action === "deleted" ? "Deleted" : "Non-compliant";
  const rules = [...new Set(a.findings.map((f) => f.rule))];
  const caller = a.caller?.arn ?? a.caller?.invokedBy ?? "unknown";
  const role =
    a.caller?.sessionIssuerArn && a.caller.sessionIssuerArn !== a.caller.arn ? a.caller.sessionIssuerArn : null;
  const facts = [
    `*${a.summary}* (${a.actionDetail})`,
    "",
    `*Resource:* ${r.type} \`${r.name}\``,
    `*Account / region:* ${r.account}${r.accountName ? ` (${r.accountName})` : ""} / ${r.region}`,
    `*Caller:* \`${caller}\`${role ? ` (role \`${role}\`)` : ""}`,
    `*Rules broken:* ${rules.map((x) => `\`${x}\``).join(", ") || "none"}`,
    `*Action:* ${a.action} (${a.mode} mode), severity ${a.severity}`,
    "",
    "*Why*",
  ];
  const why = a.findings.map((f) => `• ${f.message} (at \`${f.path}\`)`);
  const tail = [...a.notes.map((n) => `_${n}_`), `Event ${a.event.id ?? "none"}, decided ${a.decidedAt}`];
  const head = facts.join("\n");
  const room = CHATBOT_LIMITS.description - charLength(head) - charLength(tail.join("\n")) - 4;
  const description = truncate(
    [head, joinLines(why, Math.max(room, 200)), "", ...tail].join("\n"),
    CHATBOT_LIMITS.description,
  );
  const links = [`Open in the SageMaker console: ${r.consoleUrl}`];
  if (options.runbookUrl) links.push(`Runbook: ${options.runbookUrl}`);
  const fixes = [...new Set(a.findings.map((f) => f.fix))].slice(0, CHATBOT_LIMITS.nextSteps - links.length);
  const keywords = [a.verdict, a.severity, r.type, a.action, ...rules].slice(0, CHATBOT_LIMITS.keywords);
  return {
    version: "1.0",
    source: "custom",
    ...(a.event.id ? { id: truncate(a.event.id, 256) } : {}),
    content: {
      textType: "client-markdown",
      title: truncate(`${ICON[a.severity] ?? ":warning:"} ${verb}: ${r.type} ${r.name}`, CHATBOT_LIMITS.title),
      description,
      nextSteps: [...fixes, ...links].map((s) => truncate(s, CHATBOT_LIMITS.nextStep)),
      keywords: keywords.map((k) => truncate(k, CHATBOT_LIMITS.keyword)),
    },
    metadata: {
      // One thread per resource: a second alert about the same job lands under the first.
      threadId: truncate(`isolation-guard/${r.account}/${r.region}/${r.type}/${r.name}`, CHATBOT_LIMITS.threadId),
      summary: truncate(a.summary, CHATBOT_LIMITS.summary),
      eventType: "IsolationGuardAlert",
      ...(r.arn ? { relatedResources: [r.arn] } : {}),
      additionalContext: {
        schema: "isolation-guard.alert/v1",
        verdict: a.verdict,
        severity: a.severity,
        resourceType: r.type,
        account: r.account,
        region: r.region,
        action: a.action,
      },
    },
  };
}
