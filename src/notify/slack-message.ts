import type { AlarmNotification, AlertDocument, TopicMessage } from "./alert-document.js";
import { charLength, escapeMrkdwn, joinLines, truncate, unescapeMrkdwn } from "./text.js";

/**
 * Slack's documented Block Kit limits (api.slack.com/reference/block-kit/blocks and /block-elements):
 * a message holds at most 50 blocks; a section's text 3000 characters, each of its at most 10 fields
 * 2000; a header 150; a context block at most 10 elements; an actions block at most 25 elements; a
 * button's text 75 and its URL 3000; a message's top-level `text` is truncated by Slack past 40000.
 */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  headerText: 150,
  contextElements: 10,
  contextText: 2000,
  buttonText: 75,
  buttonUrl: 3000,
  /** Our own cap for the notification fallback text (Slack allows far more; this is what a phone shows). */
  fallbackText: 3000,
} as const;

type PlainText = { type: "plain_text"; text: string; emoji?: boolean };
type Mrkdwn = { type: "mrkdwn"; text: string };
export type SlackButton = {
  type: "button";
  text: PlainText;
  url: string;
  action_id: string;
  style?: "primary" | "danger";
};
export type SlackBlock =
  | { type: "header"; text: PlainText }
  | { type: "section"; text?: Mrkdwn; fields?: Mrkdwn[] }
  | { type: "context"; elements: Mrkdwn[] }
  | { type: "actions"; elements: SlackButton[] }
  | { type: "divider" };

/** An incoming-webhook payload: `text` is the notification / screen-reader fallback. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export interface SlackRenderOptions {
  /** The team's runbook for isolation violations: shown as a button. */
  runbookUrl?: string | null;
}

const VERDICT_ICON: Record<string, string> = {
  high: ":rotating_light:",
  medium: ":warning:",
  low: ":information_source:",
};
const HUMAN_ACTION: Record<string, string> = {
  stopped: "Stopped",
  deleted: "Deleted",
  "audit-only": "Reported (audit mode, not stopped)",
  none: "Reported",
};

const mrkdwn = (text: string, max: number = SLACK_LIMITS.sectionText): Mrkdwn => ({
  type: "mrkdwn",
  text: truncate(text, max),
});
const field = (label: string, value: string): Mrkdwn => mrkdwn(`*${label}*\n${value}`, SLACK_LIMITS.fieldText);
const code = (s: string) => `\`${escapeMrkdwn(s.replace(/`/g, "'"))}\``;

function isLinkable(url: string | null | undefined): url is string {
  return !!url && /^https:\/\/\S+$/.test(url) && charLength(url) <= SLACK_LIMITS.buttonUrl;
}

function button(text: string, url: string, actionId: string, style?: "primary"): SlackButton {
  return {
    type: "button",
    text: { type: "plain_text", text: truncate(text, SLACK_LIMITS.buttonText), emoji: true },
    url,
    action_id: actionId,
    ...(style ? { style } : {}),
  };
}

function callerOf(a: AlertDocument): string {
  const c = a.caller;
  if (!c) return "_unknown (found without a CloudTrail record)_";
  const lines = [code(c.arn ?? c.invokedBy ?? "unknown")];
  if (c.sessionIssuerArn && c.sessionIssuerArn !== c.arn) lines.push(`role ${code(c.sessionIssuerArn)}`);
  if (c.sourceIdentity) lines.push(`source identity ${code(c.sourceIdentity)}`);
  return lines.join("\n");
}

/** The header: verdict, what was done, to what. Plain text, at most 150 characters. */
export function headerOf(a: AlertDocument): string {
  const icon = VERDICT_ICON[a.severity] ?? ":warning:";
  const verb = a.action === "stopped" ? "Stopped" : a.action === "deleted" ? "Deleted" : "Non-compliant";
  return truncate(`${icon} ${verb}: ${a.resource.type} ${a.resource.name}`, SLACK_LIMITS.headerText);
}

function renderAlertBlocks(a: AlertDocument, options: SlackRenderOptions): SlackBlock[] {
  const r = a.resource;
  const rules = [...new Set(a.findings.map((f) => f.rule))];
  const fixes = [...new Set(a.findings.map((f) => f.fix))];
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: headerOf(a), emoji: true } },
    { type: "section", text: mrkdwn(`*${escapeMrkdwn(a.summary)}*\n${escapeMrkdwn(a.actionDetail)}.`) },
    {
      type: "section",
      fields: [
        field("Resource", `${escapeMrkdwn(r.type)} ${code(r.name)}`),
        field(
          "Account / region",
          `${code(r.account)}${r.accountName ? ` (${escapeMrkdwn(r.accountName)})` : ""} / ${code(r.region)}`,
        ),
        field("Caller", callerOf(a)),
        field("Rules broken", rules.map(code).join("\n") || "_none_"),
        field("Action taken", `${HUMAN_ACTION[a.action] ?? escapeMrkdwn(a.action)} (${escapeMrkdwn(a.mode)} mode)`),
        field("Verdict / severity", `${escapeMrkdwn(a.verdict)} / ${escapeMrkdwn(a.severity)}`),
      ],
    },
    {
      type: "section",
      text: mrkdwn(
        `*Why*\n${joinLines(
          a.findings.map((f) => `• ${escapeMrkdwn(f.message)} (at ${code(f.path)})`),
          SLACK_LIMITS.sectionText - 10,
        )}`,
      ),
    },
    {
      type: "section",
      text: mrkdwn(
        `*How to fix*\n${joinLines(
          fixes.map((f) => `• ${escapeMrkdwn(f)}`),
          SLACK_LIMITS.sectionText - 20,
        )}`,
      ),
    },
  ];
  const buttons: SlackButton[] = [];
  if (isLinkable(r.consoleUrl))
    buttons.push(button("Open in SageMaker console", r.consoleUrl, "open-console", "primary"));
  if (isLinkable(options.runbookUrl)) buttons.push(button("Runbook", options.runbookUrl, "open-runbook"));
  if (buttons.length) blocks.push({ type: "actions", elements: buttons });
  const context = [
    ...a.notes
      .slice(0, SLACK_LIMITS.contextElements - 1)
      .map((n) => mrkdwn(`_${escapeMrkdwn(n)}_`, SLACK_LIMITS.contextText)),
    mrkdwn(
      `Event ${code(a.event.id ?? "none")}${a.event.name ? ` (${escapeMrkdwn(a.event.name)})` : ""} · decided ${escapeMrkdwn(a.decidedAt)} · ARN ${code(r.arn ?? "not known")}`,
      SLACK_LIMITS.contextText,
    ),
  ];
  blocks.push({ type: "context", elements: context });
  return blocks;
}

function renderAlarmBlocks(alarm: AlarmNotification): SlackBlock[] {
  const icon = alarm.NewStateValue === "ALARM" ? ":rotating_light:" : ":white_check_mark:";
  return [
    {
      type: "header",
      text: {
        type: "plain_text",
        text: truncate(`${icon} ${alarm.NewStateValue}: ${alarm.AlarmName}`, SLACK_LIMITS.headerText),
        emoji: true,
      },
    },
    {
      type: "section",
      text: mrkdwn(
        [alarm.AlarmDescription, alarm.NewStateReason]
          .filter(Boolean)
          .map((s) => escapeMrkdwn(s as string))
          .join("\n\n") || "(no description)",
      ),
    },
    {
      type: "context",
      elements: [
        mrkdwn(
          `Account ${code(alarm.AWSAccountId ?? "?")} · ${escapeMrkdwn(alarm.Region ?? "")} · ${escapeMrkdwn(alarm.StateChangeTime ?? "")}`,
          SLACK_LIMITS.contextText,
        ),
      ],
    },
  ];
}

/** Keeps a message within Slack's block count, keeping the first blocks and saying what was left out. */
function fitBlocks(blocks: SlackBlock[]): SlackBlock[] {
  if (blocks.length <= SLACK_LIMITS.blocks) return blocks;
  const kept = blocks.slice(0, SLACK_LIMITS.blocks - 1);
  kept.push({
    type: "context",
    elements: [mrkdwn(`${blocks.length - kept.length} more blocks left out (Slack shows at most 50)`)],
  });
  return kept;
}

/**
 * Renders a message from the alert topic as a Slack Block Kit message within Slack's limits:
 * header (verdict, action, resource), summary, fields (resource, account/region, caller, rules,
 * action, severity), why, how to fix, buttons (console, runbook), context (notes, event, ARN).
 * @example await webhook.send(renderSlackMessage(readTopicMessage(snsMessage), { runbookUrl }))
 */
export function renderSlackMessage(message: TopicMessage, options: SlackRenderOptions = {}): SlackMessage {
  if (message.kind === "alert") {
    const a = message.alert;
    return {
      text: truncate(`${VERDICT_ICON[a.severity] ?? ":warning:"} ${a.summary}`, SLACK_LIMITS.fallbackText),
      blocks: fitBlocks(renderAlertBlocks(a, options)),
    };
  }
  if (message.kind === "alarm") {
    return {
      text: truncate(`${message.alarm.NewStateValue}: ${message.alarm.AlarmName}`, SLACK_LIMITS.fallbackText),
      blocks: fitBlocks(renderAlarmBlocks(message.alarm)),
    };
  }
  const fence = "```";
  const body = truncate(escapeMrkdwn(message.text.replace(/```/g, "'''")), SLACK_LIMITS.sectionText - 2 * fence.length);
  return {
    text: truncate(`Isolation Guard topic message: ${message.text}`, SLACK_LIMITS.fallbackText),
    blocks: [
      { type: "section", text: mrkdwn("*A message on the Isolation Guard alert topic* (not an alert document)") },
      { type: "section", text: mrkdwn(`${fence}${body}${fence}`) },
    ],
  };
}

const plain = (s: string) =>
  unescapeMrkdwn(s)
    .replace(/\*([^*\n]+)\*/g, "$1")
    .replace(/(^|\s)_([^_\n]+)_/g, "$1$2");

/**
 * A plain-text rendering of a Slack message, roughly as it reads in the channel (for the demo and logs).
 * @example console.log(slackMessageAsText(renderSlackMessage(message)))
 */
export function slackMessageAsText(message: SlackMessage): string {
  const out: string[] = [];
  for (const b of message.blocks) {
    if (b.type === "header") out.push(b.text.text, "=".repeat(Math.min(60, charLength(b.text.text))));
    else if (b.type === "section") {
      if (b.text) out.push(plain(b.text.text));
      for (const f of b.fields ?? []) {
        const [label, ...value] = plain(f.text).split("\n");
        out.push(`${`${label}:`.padEnd(20)}${value.join("\n".padEnd(21))}`);
      }
    } else if (b.type === "actions") out.push(b.elements.map((e) => `[${e.text.text}] ${e.url}`).join("\n"));
    else if (b.type === "context") out.push(...b.elements.map((e) => plain(e.text)));
    else out.push("-".repeat(40));
    out.push("");
  }
  return out.join("\n").trimEnd();
}
