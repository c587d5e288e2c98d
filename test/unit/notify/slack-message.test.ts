import { readTopicMessage } from "../../../src/notify/alert-document.js";
import {
  renderSlackMessage,
  SLACK_LIMITS,
  type SlackMessage,
  slackMessageAsText,
} from "../../../src/notify/slack-message.js";
import { charLength } from "../../../src/notify/text.js";
import { alertFor, RUNBOOK, slackLimitViolations } from "./fixtures.js";

const allText = (m: SlackMessage) => JSON.stringify(m.blocks);
/** The mrkdwn texts only: Slack parses links and mentions there, never in plain_text (headers, buttons). */
const mrkdwnText = (m: SlackMessage) =>
  JSON.stringify(
    m.blocks.flatMap((b) =>
      b.type === "section" ? [b.text, ...(b.fields ?? [])] : b.type === "context" ? b.elements : [],
    ),
  );

describe("the Slack Block Kit message for an alert", () => {
  it("leads with a header naming the verdict, what was done and the resource", () => {
    const m = renderSlackMessage({ kind: "alert", alert: alertFor() });

    expect(m.blocks[0]).toEqual({
      type: "header",
      text: {
        type: "plain_text",
        text: expect.stringMatching(/^:rotating_light: Stopped: training-job \S+/),
        emoji: true,
      },
    });
    expect(m.text).toMatch(/Stopped training job/);
  });

  it("has fields for resource, account/region, caller, rules broken, action taken and severity", () => {
    const a = alertFor();
    const m = renderSlackMessage({ kind: "alert", alert: a });

    const fields = m.blocks.flatMap((b) => (b.type === "section" ? (b.fields ?? []) : [])).map((f) => f.text);
    expect(fields.map((f) => f.split("\n")[0])).toEqual([
      "*Resource*",
      "*Account / region*",
      "*Caller*",
      "*Rules broken*",
      "*Action taken*",
      "*Verdict / severity*",
    ]);
    expect(fields.join("\n")).toContain("`network-isolation-disabled`");
    expect(fields.join("\n")).toContain(a.resource.account);
    expect(allText(m)).toContain("How to fix");
  });

  it("links to the resource in the SageMaker console and to the runbook", () => {
    const a = alertFor();
    const m = renderSlackMessage({ kind: "alert", alert: a }, { runbookUrl: RUNBOOK });

    const actions = m.blocks.find((b) => b.type === "actions");
    expect(actions?.type === "actions" && actions.elements.map((e) => [e.text.text, e.url])).toEqual([
      ["Open in SageMaker console", a.resource.consoleUrl],
      ["Runbook", RUNBOOK],
    ]);
  });

  it("shows no runbook button when none is configured", () => {
    const m = renderSlackMessage({ kind: "alert", alert: alertFor() });

    expect(allText(m)).not.toContain("Runbook");
  });

  it("stays within Slack's limits for an oversized alert, truncating with an ellipsis", () => {
    const a = alertFor();
    a.resource.name = "n".repeat(400);
    a.summary = `S${"s".repeat(5000)}`;
    a.findings = Array.from({ length: 600 }, (_, i) => ({
      rule: `rule-${i}`,
      severity: "high",
      message: `finding ${i} ${"m".repeat(300)}`,
      path: `trainingJobDefinitions[${i}].enableNetworkIsolation`,
      fix: `fix ${i} ${"f".repeat(300)}`,
    }));
    a.notes = Array.from({ length: 40 }, (_, i) => `note ${i} ${"x".repeat(4000)}`);

    const m = renderSlackMessage(
      { kind: "alert", alert: a },
      { runbookUrl: `https://example.com/${"r".repeat(4000)}` },
    );

    expect(slackLimitViolations(m)).toEqual([]);
    expect(allText(m)).toContain("…");
    expect(allText(m)).toMatch(/and \d+ more/);
    expect(allText(m)).not.toContain("Runbook"); // a URL over 3000 characters cannot be a button
    expect(charLength(m.text)).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  });

  it("never turns text from the event into a mention or a link", () => {
    const a = alertFor();
    a.resource.name = "job<!channel>";
    if (a.caller) a.caller.arn = "arn:aws:sts::123456789012:assumed-role/x/<https://evil.example|click>";

    const m = renderSlackMessage({ kind: "alert", alert: a });

    expect(mrkdwnText(m)).not.toContain("<!channel>");
    expect(mrkdwnText(m)).not.toContain("<https://evil");
    expect(mrkdwnText(m)).toContain("&lt;!channel&gt;");
  });
});

describe("messages on the topic that are not alert documents", () => {
  it("renders the stack's CloudWatch alarms (they publish to the same topic)", () => {
    const message = readTopicMessage(
      JSON.stringify({
        AlarmName: "isolation-guard-prod-DeadLetterAlarm",
        AlarmDescription: "Isolation Guard has dead-lettered events",
        NewStateValue: "ALARM",
        NewStateReason: "Threshold Crossed",
        AWSAccountId: "123456789012",
        Region: "US East (N. Virginia)",
      }),
    );

    const m = renderSlackMessage(message);

    expect(message.kind).toBe("alarm");
    expect(m.text).toBe("ALARM: isolation-guard-prod-DeadLetterAlarm");
    expect(slackMessageAsText(m)).toContain("dead-lettered events");
  });

  it("shows anything else as quoted text within the limits instead of failing", () => {
    const message = readTopicMessage(`hello ${"x".repeat(10_000)}`);

    const m = renderSlackMessage(message);

    expect(message.kind).toBe("other");
    expect(slackLimitViolations(m)).toEqual([]);
  });
});

describe("the text rendering of a Slack message", () => {
  it("reads like the channel: header, summary, labelled fields, buttons with their URLs", () => {
    const a = alertFor();

    const text = slackMessageAsText(renderSlackMessage({ kind: "alert", alert: a }, { runbookUrl: RUNBOOK }));

    expect(text.split("\n")[0]).toMatch(/^:rotating_light: Stopped: training-job/);
    expect(text).toMatch(/^Rules broken:\s+`network-isolation-disabled`/m);
    expect(text).toContain(`[Open in SageMaker console] ${a.resource.consoleUrl}`);
    expect(text).toContain(`[Runbook] ${RUNBOOK}`);
    expect(text).not.toMatch(/&lt;|&gt;|&amp;/);
  });
});
