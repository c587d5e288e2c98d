import { createServer, type Server } from "node:http";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { SNSEvent } from "aws-lambda";
import { guardRuntime } from "../../scripts/guard-runtime.js";
import { createSlackNotifier } from "../../src/adapters/slack.js";
import { SnsAlerts } from "../../src/adapters/sns.js";
import { renderAlert } from "../../src/app/alert-message.js";
import { loadNotifierConfig } from "../../src/app/config-notifier.js";
import { policyFromObject } from "../../src/core/index.js";
import { ChatbotNotificationSchema } from "../../src/notify/chatbot.js";
import { subscriptionFilterPolicy } from "../../src/notify/routing.js";
import type { SlackMessage } from "../../src/notify/slack-message.js";
import { AlertInbox, clientConfig, clients, Fixtures } from "../support/aws.js";
import { type Emulator, startEmulator } from "../support/emulator.js";
import { sampleFor } from "../support/events.js";
import { decisionFor, STOPPED, slackLimitViolations } from "../unit/notify/fixtures.js";

/** A stand-in for Slack's incoming-webhook endpoint on 127.0.0.1: scripted replies, and Slack's block limits. */
class WebhookReceiver {
  readonly requests: { path: string; body: SlackMessage }[] = [];
  readonly replies: { status: number; body?: string; headers?: Record<string, string> }[] = [];
  private server: Server | null = null;
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let data = "";
      req.on("data", (c) => {
        data += c;
      });
      req.on("end", () => {
        const body = JSON.parse(data) as SlackMessage;
        this.requests.push({ path: req.url ?? "", body });
        const reply = this.replies.shift() ?? { status: 200, body: "ok" };
        // Like Slack: a message over its limits is refused with 400 invalid_blocks.
        const bad = reply.status === 200 && slackLimitViolations(body).length > 0;
        res.writeHead(bad ? 400 : reply.status, { "content-type": "text/plain", ...reply.headers });
        res.end(bad ? "invalid_blocks" : (reply.body ?? ""));
      });
    });
    this.server.unref(); // never keeps the test process alive
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const address = this.server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    this.url = `http://127.0.0.1:${port}/services/T0GUARD/B0GUARD/xoxTOKEN-do-not-log-${port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

let emu: Emulator;
let aws: ReturnType<typeof clients>;
let ssm: SSMClient;
let receiver: WebhookReceiver;
let inbox: AlertInbox;
const PARAMETER = "/isolation-guard/test/slack-webhook";
const logs: string[] = [];
const log = { info: (m: string, e: Record<string, unknown> = {}) => logs.push(JSON.stringify({ m, ...e })) };

beforeAll(async () => {
  emu = await startEmulator();
  aws = clients(emu.endpoint);
  ssm = new SSMClient(clientConfig(emu.endpoint));
}, 30_000);
afterAll(async () => {
  await receiver?.stop();
  await emu?.stop();
});
beforeEach(async () => {
  await emu.reset();
  await receiver?.stop();
  receiver = await new WebhookReceiver().start();
  await ssm.send(new PutParameterCommand({ Name: PARAMETER, Type: "SecureString", Value: receiver.url }));
  inbox = await new AlertInbox(aws.sns, aws.sqs).create();
  logs.length = 0;
  await emu.resetCalls();
});

function notifier(env: Record<string, string> = {}) {
  return createSlackNotifier({
    config: loadNotifierConfig({
      AWS_REGION: "us-east-1",
      GUARD_SLACK_WEBHOOK_PARAMETER: PARAMETER,
      GUARD_RUNBOOK_URL: "https://wiki.example.com/runbooks/sagemaker-isolation",
      ...env,
    }),
    log,
    ssm: new SSMClient(clientConfig(emu.endpoint)),
    allowLoopback: true,
  });
}

/** The SNS event Lambda receives for each message that reached the topic (read back through the SQS inbox). */
async function alertEvents(): Promise<SNSEvent[]> {
  const messages = await inbox.drain();
  return messages.map((m, i) => ({
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: `${inbox.topicArn}:notifier`,
        Sns: { MessageId: `m-${i}`, Message: m.Message, Subject: m.Subject ?? null, TopicArn: inbox.topicArn },
      },
    ],
  })) as unknown as SNSEvent[];
}

/** The enforcer handles one violating training job and publishes its alert, as in production. */
async function violationAlert(name = "churn-open"): Promise<SNSEvent> {
  const arn = await new Fixtures(aws.sm).trainingJob(name);
  const runtime = guardRuntime(emu.endpoint, { GUARD_ALERT_TOPIC_ARN: inbox.topicArn });
  await runtime.handle(sampleFor("CreateTrainingJob.with-secret-env.json", name, arn));
  const [event] = await alertEvents();
  return event as SNSEvent;
}

/**
 * What Lambda does with an asynchronous invocation (SNS → Lambda): the first attempt plus
 * `maximumRetryAttempts`, then an on-failure record (Lambda's destination format) in the dead-letter queue.
 */
async function invokeAsynchronously(handle: (e: SNSEvent) => Promise<unknown>, event: SNSEvent, dlqUrl: string) {
  const maximumRetryAttempts = 2;
  let last: Error | null = null;
  for (let attempt = 1; attempt <= 1 + maximumRetryAttempts; attempt++) {
    try {
      return { result: await handle(event), attempts: attempt };
    } catch (e) {
      last = e as Error;
    }
  }
  await aws.sqs.send(
    new SendMessageCommand({
      QueueUrl: dlqUrl,
      MessageBody: JSON.stringify({
        version: "1.0",
        timestamp: new Date().toISOString(),
        requestContext: { condition: "RetriesExhausted", approximateInvokeCount: 1 + maximumRetryAttempts },
        requestPayload: event,
        responseContext: { statusCode: 200, functionError: "Unhandled" },
        responsePayload: { errorType: last?.name, errorMessage: last?.message },
      }),
    }),
  );
  return { result: null, attempts: 1 + maximumRetryAttempts };
}

describe("the Slack notifier", () => {
  it("posts the enforcer's alert to the webhook as Block Kit within Slack's limits", async () => {
    const event = await violationAlert("churn-open");

    const posted = await notifier().handle(event);

    expect(posted).toEqual([expect.objectContaining({ kind: "alert", attempts: 1 })]);
    expect(receiver.requests).toHaveLength(1);
    const body = receiver.requests[0]?.body as SlackMessage;
    expect(receiver.requests[0]?.path).toMatch(/^\/services\/T0GUARD\//);
    expect(body.blocks[0]).toMatchObject({
      type: "header",
      text: { text: ":rotating_light: Stopped: training-job churn-open" },
    });
    expect(JSON.stringify(body)).toContain("Runbook");
    expect(slackLimitViolations(body)).toEqual([]);
    expect(JSON.stringify(body)).not.toMatch(/FAKE|hunter2/);
  });

  it("reads the SecureString webhook URL from SSM once per container", async () => {
    const event = await violationAlert("cache-check");
    await emu.resetCalls();
    const n = notifier();

    for (let i = 0; i < 3; i++) await n.handle(event);

    expect((await emu.calls())["ssm:GetParameter"]).toBe(1);
    expect(receiver.requests).toHaveLength(3);
  });

  it("waits for Slack's Retry-After on a 429, then posts", async () => {
    const event = await violationAlert("rate-limited");
    receiver.replies.push({ status: 429, body: "rate_limited", headers: { "retry-after": "1" } });
    const started = Date.now();

    const posted = await notifier().handle(event);

    expect(posted[0]?.attempts).toBe(2);
    expect(receiver.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("fails the invocation on a 500, and after Lambda's retries the event lands in the dead-letter queue", async () => {
    const event = await violationAlert("slack-down");
    receiver.replies.push(...Array.from({ length: 3 }, () => ({ status: 500, body: "internal_error" })));
    const dlqUrl = (await aws.sqs.send(new CreateQueueCommand({ QueueName: "notifier-dlq" }))).QueueUrl as string;

    const { result, attempts } = await invokeAsynchronously(notifier().handle, event, dlqUrl);

    expect(result).toBeNull();
    expect(attempts).toBe(3);
    expect(receiver.requests).toHaveLength(3);
    const dead = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10 }));
    expect(dead.Messages).toHaveLength(1);
    const record = JSON.parse(dead.Messages?.[0]?.Body as string);
    expect(record.requestContext.condition).toBe("RetriesExhausted");
    expect(record.responsePayload.errorMessage).toBe(
      "Slack webhook answered HTTP 500 (internal_error) after 1 attempt(s)",
    );
    expect(JSON.parse(record.requestPayload.Records[0].Sns.Message).resource.name).toBe("slack-down");
    // The operator sees what failed, never the secret.
    expect(dead.Messages?.[0]?.Body).not.toContain("xoxTOKEN");
    expect(logs.join("\n")).not.toContain("xoxTOKEN");
  });

  it("gives up on a 429 whose Retry-After is longer than it may wait, so Lambda retries later", async () => {
    const event = await violationAlert("long-wait");
    receiver.replies.push({ status: 429, body: "rate_limited", headers: { "retry-after": "120" } });

    await expect(notifier().handle(event)).rejects.toThrow(
      "Slack webhook answered HTTP 429 (rate_limited) after 1 attempt(s)",
    );
  });

  it("truncates an oversized alert so that Slack accepts it", async () => {
    const event = await violationAlert("huge");
    const record = event.Records[0] as SNSEvent["Records"][number];
    const doc = JSON.parse(record.Sns.Message);
    doc.summary = "s".repeat(10_000);
    doc.findings = Array.from({ length: 400 }, (_, i) => ({
      ...doc.findings[0],
      path: `definitions[${i}]`,
      fix: `fix ${i} ${"f".repeat(500)}`,
    }));
    doc.notes = Array.from({ length: 30 }, () => "n".repeat(5000));
    record.Sns.Message = JSON.stringify(doc);

    const posted = await notifier().handle(event);

    expect(posted[0]?.attempts).toBe(1); // the receiver answers 400 invalid_blocks to anything over the limits
    expect(JSON.stringify(receiver.requests[0]?.body)).toContain("…");
  });
});

describe("alerts in the Chatbot format", () => {
  it("publish a valid custom notification as the default body while queues keep the v1 document", async () => {
    const alert = renderAlert(decisionFor("CreateTrainingJob.no-isolation.json"), STOPPED, {
      format: "chatbot",
      runbookUrl: "https://wiki.example.com/runbooks/sagemaker-isolation",
    });

    await new SnsAlerts(aws.sns, inbox.topicArn).publish(alert);

    const parsed = ChatbotNotificationSchema.safeParse(JSON.parse(alert.bodies.default as string));
    expect(parsed.error?.issues ?? []).toEqual([]);
    const [queued] = await inbox.drain();
    expect(JSON.parse(queued?.Message as string).schema).toBe("isolation-guard.alert/v1");
  });
});

describe("severity routing with SNS subscription filter policies", () => {
  it("sends audit findings only to Slack, enforced ones only to email, and alarms to both", async () => {
    const policy = policyFromObject({ notifications: { slack: { modes: ["audit"] }, email: { modes: ["enforce"] } } });
    const sns = new SNSClient(clientConfig(emu.endpoint));
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: "routed" }))).TopicArn as string;
    const queues: Record<string, string> = {};
    for (const channel of ["email", "slack"] as const) {
      const sqs = new SQSClient(clientConfig(emu.endpoint));
      const url = (await sqs.send(new CreateQueueCommand({ QueueName: `routed-${channel}` }))).QueueUrl as string;
      const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] })))
        .Attributes?.QueueArn;
      const filter = subscriptionFilterPolicy(policy, channel);
      await sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: "sqs",
          Endpoint: arn,
          Attributes: filter ? { FilterPolicy: JSON.stringify(filter), FilterPolicyScope: "MessageAttributes" } : {},
        }),
      );
      queues[channel] = url;
    }
    const alerts = new SnsAlerts(sns, topicArn);
    const decision = decisionFor("CreateTrainingJob.no-isolation.json");

    await alerts.publish(renderAlert(decision, STOPPED));
    await alerts.publish(renderAlert({ ...decision, mode: "audit" }, { ...STOPPED, action: "audit-only" }));
    await alerts.publish({
      subject: "ALARM",
      bodies: { default: '{"AlarmName":"dlq","NewStateValue":"ALARM"}' },
      attributes: {},
    });

    const received = async (channel: string) => {
      const out = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: queues[channel], MaxNumberOfMessages: 10 }));
      return (out.Messages ?? [])
        .map((m) => JSON.parse(JSON.parse(m.Body as string).Message))
        .map((doc) => doc.action ?? doc.AlarmName)
        .sort();
    };
    expect(await received("email")).toEqual(["dlq", "stopped"]);
    expect(await received("slack")).toEqual(["audit-only", "dlq"]);
  });
});
