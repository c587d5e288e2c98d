import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DescribeTrainingJobCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SNSClient } from "@aws-sdk/client-sns";
import { SqsQueue } from "../../src/adapters/sqs.js";
import { loadConfig } from "../../src/app/config.js";
import type { LogPort } from "../../src/app/enforce.js";
import { redrive } from "../../src/app/redrive.js";
import { createRuntime, type Runtime } from "../../src/wiring/runtime.js";
import { type AlertInbox, clientConfig, type clients, type Fixtures } from "../support/aws.js";
import { type Emulator, useEmulator } from "../support/emulator.js";
import { sampleFor } from "../support/events.js";
import { AsyncInvoker } from "../support/lambda-async.js";

/*
 * Faults injected by the emulator's control API. In every case: the violating job ends stopped,
 * exactly one alert arrives (after retries, or after a redrive of the dead-lettered event), and no
 * outcome claims an action that did not happen.
 */
let emu: Emulator;
let aws: ReturnType<typeof clients>;
let fx: Fixtures;
let inbox: AlertInbox;
let invoker: AsyncInvoker;
const quiet: LogPort = { info() {}, warn() {}, error() {} };

function container(opts: { topicArn?: string; requestTimeout?: number; maxAttempts?: number } = {}): Runtime {
  const cfg = {
    ...clientConfig(emu.endpoint, opts.maxAttempts ?? 4),
    retryMode: "adaptive" as const,
    requestHandler: {
      requestTimeout: opts.requestTimeout ?? 5_000,
      connectionTimeout: 2_000,
      throwOnRequestTimeout: true,
    },
  };
  return createRuntime({
    log: quiet,
    config: loadConfig({ AWS_REGION: "us-east-1", GUARD_ALERT_TOPIC_ARN: opts.topicArn ?? inbox.topicArn }),
    clients: {
      sagemaker: new SageMakerClient(cfg),
      sns: new SNSClient(cfg),
      dynamodb: new DynamoDBClient(cfg),
      cloudtrail: aws.ct,
    },
  });
}

async function status(name: string) {
  return (await aws.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name }))).TrainingJobStatus;
}

useEmulator((w) => {
  ({ emu, aws, fx, inbox } = w);
});
beforeEach(async () => {
  invoker = await new AsyncInvoker(aws.sqs).createDeadLetterQueue();
});

describe("fault injection", () => {
  it("rides out throttling on several calls: one stop, one alert", async () => {
    const arn = await fx.trainingJob("f-throttle");
    await emu.fault({ operation: "StopTrainingJob", kind: "throttle", count: 2 });
    await emu.fault({ operation: "Publish", kind: "throttle", count: 2 });
    await emu.fault({ operation: "AddTags", kind: "throttle", count: 1 });

    const result = await invoker.invoke(
      [container()],
      sampleFor("CreateTrainingJob.no-isolation.json", "f-throttle", arn),
    );

    expect(result).toBe("handled");
    expect(await status("f-throttle")).toBe("Stopped");
    expect(await inbox.drain()).toHaveLength(1);
    expect((await fx.tags(arn))["isolation-guard:action"]).toBe("stopped");
  });

  it("retries 5xx answers from SageMaker and SNS", async () => {
    const arn = await fx.trainingJob("f-5xx");
    await emu.fault({ operation: "StopTrainingJob", kind: "error", count: 2 });
    await emu.fault({ operation: "Publish", kind: "error", count: 1 });

    const result = await invoker.invoke([container()], sampleFor("CreateTrainingJob.no-isolation.json", "f-5xx", arn));

    expect(result).toBe("handled");
    expect(await status("f-5xx")).toBe("Stopped");
    expect(await inbox.drain()).toHaveLength(1);
  });

  it("does not claim a stop it cannot prove when the stop answer arrives after the client timeout", async () => {
    const arn = await fx.trainingJob("f-slow");
    await emu.fault({ operation: "StopTrainingJob", kind: "delay", delayMs: 1_500, count: 1 });

    const outcome = await container({ requestTimeout: 500 }).handle(
      sampleFor("CreateTrainingJob.no-isolation.json", "f-slow", arn),
    );

    // Either the retry stopped the job, or the slow first request had already stopped it: the alert
    // says whichever is true, and it is sent once.
    expect(await status("f-slow")).toBe("Stopped");
    const alerts = await inbox.drain();
    expect(alerts).toHaveLength(1);
    const doc = JSON.parse(alerts[0]?.Message as string);
    if (outcome.remedy === "stopped") expect(doc.action).toBe("stopped");
    else expect(doc.actionDetail).toMatch(/status Stopped/);
  });

  it("dead-letters the event when the alert topic is missing, and a redrive then alerts exactly once", async () => {
    const arn = await fx.trainingJob("f-no-topic");
    const event = sampleFor("CreateTrainingJob.no-isolation.json", "f-no-topic", arn);
    const broken = container({ topicArn: "arn:aws:sns:us-east-1:123456789012:deleted-topic" });

    const result = await invoker.invoke([broken, broken, broken], event);

    expect(result).toBe("dead-lettered");
    expect(await status("f-no-topic")).toBe("Stopped");
    expect((await emu.calls())["sagemaker:StopTrainingJob"]).toBe(1);
    expect(await inbox.drain()).toHaveLength(0);
    expect((await fx.tags(arn))["isolation-guard:status"]).toBeUndefined();

    const report = await redrive(new SqsQueue(aws.sqs, invoker.queueUrl), container());
    const again = await redrive(new SqsQueue(aws.sqs, invoker.queueUrl), container());

    expect(report).toMatchObject({ received: 1, replayed: 1, deleted: 1, failed: 0 });
    expect(again.received).toBe(0);
    expect(await inbox.drain()).toHaveLength(1);
    expect((await fx.tags(arn))["isolation-guard:status"]).toBe("NON_COMPLIANT");
  });

  it("alerts exactly once when the stop succeeds, the alert fails, and Lambda retries in another container", async () => {
    const arn = await fx.trainingJob("f-alert-fails");
    await emu.fault({ operation: "Publish", kind: "error", count: 1 });

    const result = await invoker.invoke(
      [container({ maxAttempts: 1 }), container({ maxAttempts: 1 })],
      sampleFor("CreateTrainingJob.no-isolation.json", "f-alert-fails", arn),
    );

    expect(result).toBe("handled");
    expect(await status("f-alert-fails")).toBe("Stopped");
    expect(await inbox.drain()).toHaveLength(1);
    expect(await invoker.depth()).toBe(0);
  });

  it("keeps an event that still fails in the dead-letter queue", async () => {
    const arn = await fx.trainingJob("f-still-failing");
    const broken = container({ topicArn: "arn:aws:sns:us-east-1:123456789012:deleted-topic" });
    await invoker.invoke([broken], sampleFor("CreateTrainingJob.no-isolation.json", "f-still-failing", arn), 1);

    const report = await redrive(new SqsQueue(aws.sqs, invoker.queueUrl), broken);

    expect(report).toMatchObject({ received: 1, replayed: 0, failed: 1, deleted: 0 });
    expect(report.failures[0]?.reason).toMatch(/Publish/);
  });
});
