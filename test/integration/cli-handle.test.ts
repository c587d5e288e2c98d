import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeTrainingJobCommand } from "@aws-sdk/client-sagemaker";
import { AlertInbox, clients, emulatorEnv, Fixtures } from "../support/aws.js";
import { type Emulator, startEmulator } from "../support/emulator.js";
import { sampleFor } from "../support/events.js";

const BIN = join(import.meta.dirname, "../../bin/isolation-guard.js");
let emu: Emulator;
let aws: ReturnType<typeof clients>;

function handle(event: unknown, env: Record<string, string>) {
  const file = join(tmpdir(), `ig-event-${Date.now()}-${Math.random()}.json`);
  writeFileSync(file, JSON.stringify(event));
  return spawnSync(process.execPath, [BIN, "handle", file], {
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      ...emulatorEnv(emu.endpoint),
      GUARD_SETTLE_MS: "0",
      ...env,
    },
  });
}

beforeAll(async () => {
  emu = await startEmulator();
  aws = clients(emu.endpoint);
}, 30_000);
afterAll(async () => emu?.stop());

describe("isolation-guard handle (the Lambda's code path from the command line)", () => {
  it("stops a violating job named in the event, alerts once, and exits 0", async () => {
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create("cli-alerts");
    const arn = await new Fixtures(aws.sm).trainingJob("cli-open-job");
    const event = sampleFor("CreateTrainingJob.no-isolation.json", "cli-open-job", arn);

    const first = handle(event, { GUARD_ALERT_TOPIC_ARN: inbox.topicArn });
    const second = handle(event, { GUARD_ALERT_TOPIC_ARN: inbox.topicArn });

    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ verdict: "NON_COMPLIANT", remedy: "stopped", alerted: true });
    expect(second.status).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ alerted: false });
    const job = await aws.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: "cli-open-job" }));
    expect(job.TrainingJobStatus).toBe("Stopped");
    expect(await inbox.drain()).toHaveLength(1);
  });

  it("exits non-zero when the alert topic does not exist, after stopping the job", async () => {
    const arn = await new Fixtures(aws.sm).trainingJob("cli-no-topic");

    const result = handle(sampleFor("CreateTrainingJob.no-isolation.json", "cli-no-topic", arn), {
      GUARD_ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:missing-topic",
    });

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Publish/);
    const job = await aws.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: "cli-no-topic" }));
    expect(job.TrainingJobStatus).toBe("Stopped");
  });

  it("exits 2 with the reason and makes no AWS call for an event that is not an EventBridge event", async () => {
    await emu.resetCalls();

    const result = handle({ hello: "world" }, { GUARD_ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:a" });

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/not an EventBridge event/);
    expect(await emu.calls()).toEqual({});
  });

  it("exits 2 when the configuration is invalid", () => {
    const result = handle({}, { GUARD_ALERT_TOPIC_ARN: "not-an-arn", GUARD_MODE: "yolo" });

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/GUARD_ALERT_TOPIC_ARN/);
    expect(result.stderr).toMatch(/GUARD_MODE/);
  });
});
