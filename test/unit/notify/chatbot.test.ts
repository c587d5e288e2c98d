import { renderAlert } from "../../../src/app/alert-message.js";
import { CHATBOT_LIMITS, ChatbotNotificationSchema, renderChatbotNotification } from "../../../src/notify/chatbot.js";
import { alertFor, decisionFor, RUNBOOK, STOPPED } from "./fixtures.js";

describe("the Amazon Q Developer in chat applications (Chatbot) custom notification", () => {
  it("follows the documented custom-notification schema", () => {
    const n = renderChatbotNotification(alertFor(), { runbookUrl: RUNBOOK });

    expect(ChatbotNotificationSchema.safeParse(n).success).toBe(true);
    expect(n).toMatchObject({ version: "1.0", source: "custom", content: { textType: "client-markdown" } });
  });

  it("titles the card with the verdict and puts the fixes and links in next steps", () => {
    const a = alertFor();

    const n = renderChatbotNotification(a, { runbookUrl: RUNBOOK });

    expect(n.content.title).toMatch(/^:rotating_light: Stopped: training-job /);
    expect(n.content.description).toContain("*Rules broken:* `network-isolation-disabled`");
    expect(n.content.nextSteps?.at(-2)).toBe(`Open in the SageMaker console: ${a.resource.consoleUrl}`);
    expect(n.content.nextSteps?.at(-1)).toBe(`Runbook: ${RUNBOOK}`);
    expect(n.content.keywords).toEqual([
      "NON_COMPLIANT",
      "high",
      "training-job",
      "stopped",
      "network-isolation-disabled",
    ]);
  });

  it("threads every alert about one resource together", () => {
    const a = alertFor();

    const n = renderChatbotNotification(a);

    expect(n.metadata?.threadId).toBe(
      `isolation-guard/${a.resource.account}/us-east-1/training-job/${a.resource.name}`,
    );
  });

  it("stays valid for an oversized alert", () => {
    const a = alertFor();
    a.resource.name = "n".repeat(500);
    a.findings = Array.from({ length: 300 }, (_, i) => ({
      rule: `rule-${i}`,
      severity: "high",
      message: "m".repeat(500),
      path: "p",
      fix: `fix ${i} ${"f".repeat(500)}`,
    }));

    const n = renderChatbotNotification(a, { runbookUrl: RUNBOOK });

    const parsed = ChatbotNotificationSchema.safeParse(n);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(n.content.description.length).toBeLessThanOrEqual(CHATBOT_LIMITS.description);
  });

  it("is rejected by the schema when a required field is missing or a key is unknown", () => {
    const n = renderChatbotNotification(alertFor());

    expect(ChatbotNotificationSchema.safeParse({ ...n, version: "2.0" }).success).toBe(false);
    expect(ChatbotNotificationSchema.safeParse({ ...n, content: { title: "x" } }).success).toBe(false);
    expect(ChatbotNotificationSchema.safeParse({ ...n, extra: 1 }).success).toBe(false);
  });
});

describe("renderAlert's chatbot format", () => {
  it("puts the Chatbot notification in the default and https bodies and keeps v1 for sqs, lambda, email-json", () => {
    const m = renderAlert(decisionFor("CreateTrainingJob.no-isolation.json"), STOPPED, { format: "chatbot" });

    for (const protocol of ["default", "https"]) {
      expect(ChatbotNotificationSchema.safeParse(JSON.parse(m.bodies[protocol] as string)).success).toBe(true);
    }
    for (const protocol of ["sqs", "lambda", "email-json"]) {
      expect(JSON.parse(m.bodies[protocol] as string).schema).toBe("isolation-guard.alert/v1");
    }
  });

  it("changes nothing by default", () => {
    const d = decisionFor("CreateTrainingJob.no-isolation.json");

    const m = renderAlert(d, STOPPED);

    expect(JSON.parse(m.bodies.default as string).schema).toBe("isolation-guard.alert/v1");
    expect(m.bodies.https).toBe(m.bodies.sqs);
  });
});
