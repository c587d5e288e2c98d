import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeTrainingJobCommand, ListInferenceComponentsCommand } from "@aws-sdk/client-sagemaker";
import { AlertInbox, clients, emulatorEnv, Fixtures } from "../support/aws.js";
import { type Emulator, startEmulator } from "../support/emulator.js";
import { sampleFor, stateChange } from "../support/events.js";
import { BIN, runCli } from "../support/run.js";

let emu: Emulator;
let aws: ReturnType<typeof clients>;

function handle(event: unknown, env: Record<string, string>) {
  const file = join(tmpdir(), `ig-event-${Date.now()}-${Math.random()}.json`);
  writeFileSync(file, JSON.stringify(event));
  return runCli(["handle", file], {
    env: {
      PATH: process.env.PATH,
      ...emulatorEnv(emu.endpoint),
      ...env,
    },
  });
}

beforeAll(async () => {
  emu = await startEmulator();
  aws = clients(emu.endpoint);
}, 30_000);
afterAll(async () => emu?.stop());

function eventFile(event: unknown): string {
  const file = join(tmpdir(), `ig-event-${Date.now()}-${Math.random()}.json`);
  writeFileSync(file, JSON.stringify(event, null, 2));
  return file;
}

function run(args: string[], env: Record<string, string>, stdin?: string) {
  return runCli(["handle", "--quiet", ...args], {
    input: stdin,
    env: { PATH: process.env.PATH, ...emulatorEnv(emu.endpoint), ...env },
  });
}

describe("isolation-guard handle with several events", () => {
  it("handles several files in order in one runtime, one line each: the second delivery is a duplicate", async () => {
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create("cli-many");
    const arn = await new Fixtures(aws.sm).trainingJob("cli-many-job");
    const file = eventFile(sampleFor("CreateTrainingJob.no-isolation.json", "cli-many-job", arn));
    const compliant = await new Fixtures(aws.sm).trainingJob("cli-many-ok", { isolated: true });
    const ok = eventFile(sampleFor("CreateTrainingJob.isolated.json", "cli-many-ok", compliant));

    const result = await run([file, ok, file], { GUARD_ALERT_TOPIC_ARN: inbox.topicArn });

    expect(result.status).toBe(0);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.verdict, l.remedy, l.alerted])).toEqual([
      ["NON_COMPLIANT", "stopped", true],
      ["COMPLIANT", null, false],
      ["NON_COMPLIANT", "not-running", false],
    ]);
    expect(lines[2].duplicateOf).not.toBeNull();
    expect(await inbox.drain()).toHaveLength(1);
  });

  it("reads JSON Lines and pretty-printed documents from stdin, and exits with the worst status", async () => {
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create("cli-stream");
    const arn = await new Fixtures(aws.sm).model("cli-stream-model", { isolated: true });
    const event = sampleFor("CreateModel.isolated.json", "cli-stream-model", arn);
    const stdin = `${JSON.stringify(event)}\nnot json at all\n${JSON.stringify(event, null, 2)}\n`;

    const result = await run(["-"], { GUARD_ALERT_TOPIC_ARN: inbox.topicArn }, stdin);

    expect(result.status).toBe(2);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ verdict: "COMPLIANT" });
    expect(lines[1]).toMatchObject({ input: "<stdin>#2", exit: 2 });
    expect(lines[2]).toMatchObject({ verdict: "COMPLIANT" });
  });

  it("prints each event's line as soon as that event is complete, before the stream ends", async () => {
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create("cli-live");
    const arn = await new Fixtures(aws.sm).model("cli-live-model", { isolated: true });
    const event = sampleFor("CreateModel.isolated.json", "cli-live-model", arn);
    const child = spawn(process.execPath, [BIN, "handle", "--quiet", "-"], {
      env: { PATH: process.env.PATH, ...emulatorEnv(emu.endpoint), GUARD_ALERT_TOPIC_ARN: inbox.topicArn },
    });
    const firstLine = new Promise<string>((resolve) => {
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
        if (out.includes("\n")) resolve(out);
      });
    });

    child.stdin.write(JSON.stringify(event, null, 2));
    const line = await firstLine; // stdin is still open: the line came from the first event alone
    child.stdin.end();
    const code = await new Promise((resolve) => child.on("close", resolve));

    expect(JSON.parse(line)).toMatchObject({ verdict: "COMPLIANT" });
    expect(code).toBe(0);
  });

  it("exits 1 when one event's action failed, and still handles the others", async () => {
    const arn = await new Fixtures(aws.sm).trainingJob("cli-fail-one");
    const bad = eventFile(sampleFor("CreateTrainingJob.no-isolation.json", "cli-fail-one", arn));
    const okArn = await new Fixtures(aws.sm).trainingJob("cli-fail-ok", { isolated: true });
    const ok = eventFile(sampleFor("CreateTrainingJob.isolated.json", "cli-fail-ok", okArn));

    const result = await run([bad, ok], { GUARD_ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:missing-topic" });

    expect(result.status).toBe(1);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ exit: 1 });
    expect(lines[1]).toMatchObject({ verdict: "COMPLIANT" });
  });
});

describe("isolation-guard handle (the Lambda's code path from the command line)", () => {
  it("stops a violating job named in the event, alerts once, and exits 0", async () => {
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create("cli-alerts");
    const arn = await new Fixtures(aws.sm).trainingJob("cli-open-job");
    const event = sampleFor("CreateTrainingJob.no-isolation.json", "cli-open-job", arn);

    const first = await handle(event, { GUARD_ALERT_TOPIC_ARN: inbox.topicArn });
    const second = await handle(event, { GUARD_ALERT_TOPIC_ARN: inbox.topicArn });

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

    const result = await handle(sampleFor("CreateTrainingJob.no-isolation.json", "cli-no-topic", arn), {
      GUARD_ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:missing-topic",
    });

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Publish/);
    const job = await aws.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: "cli-no-topic" }));
    expect(job.TrainingJobStatus).toBe("Stopped");
  });

  it("exits 2 with the reason and makes no AWS call for an event that is not an EventBridge event", async () => {
    await emu.resetCalls();

    const result = await handle({ hello: "world" }, { GUARD_ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:a" });

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/not an EventBridge event/);
    expect(await emu.calls()).toEqual({});
  });

  it("exits 2 when the configuration is invalid", async () => {
    const result = await handle({}, { GUARD_ALERT_TOPIC_ARN: "not-an-arn", GUARD_MODE: "yolo" });

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/GUARD_ALERT_TOPIC_ARN/);
    expect(result.stderr).toMatch(/GUARD_MODE/);
  });
});

describe("isolation-guard handle: inference components running their own container (the contract)", () => {
  async function componentOn(endpoint: string, isolated: boolean) {
    const fx = new Fixtures(aws.sm);
    await fx.componentEndpointConfig(`${endpoint}-config`, { isolated });
    await fx.endpoint(endpoint, `${endpoint}-config`);
    await emu.setJobStatus("endpoint", endpoint, "InService");
    const name = `${endpoint}-ic`;
    const arn = await fx.containerComponent(name, endpoint);
    const event = sampleFor("CreateInferenceComponent.own-container.json", name, arn, (p) => {
      p.endpointName = endpoint;
    });
    return { name, arn, event };
  }
  const components = async () =>
    ((await aws.sm.send(new ListInferenceComponentsCommand({}))).InferenceComponents ?? []).map(
      (c) => c.InferenceComponentName,
    );

  it("deletes one on an endpoint whose config is not isolated, in enforce mode, and reports it once", async () => {
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create("cli-ic-alerts");
    const { name, event } = await componentOn("cli-open-host", false);

    const first = await handle(event, { GUARD_ALERT_TOPIC_ARN: inbox.topicArn, GUARD_MODE: "enforce" });
    const again = await handle(event, { GUARD_ALERT_TOPIC_ARN: inbox.topicArn, GUARD_MODE: "enforce" });

    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ verdict: "NON_COMPLIANT", remedy: "deleted", alerted: true });
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ alerted: false });
    expect(await components()).not.toContain(name);
    const alerts = await inbox.drain();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.Subject).toContain(name);
  });

  it("keeps one on an isolated endpoint and decides it COMPLIANT", async () => {
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create("cli-ic-ok-alerts");
    const { name, arn, event } = await componentOn("cli-closed-host", true);

    const result = await handle(event, { GUARD_ALERT_TOPIC_ARN: inbox.topicArn, GUARD_MODE: "enforce" });

    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ verdict: "COMPLIANT", alerted: false });
    expect(await components()).toContain(name);
    expect(await new Fixtures(aws.sm).tags(arn)).toMatchObject({ "isolation-guard:status": "COMPLIANT" });
    expect(await inbox.drain()).toHaveLength(0);
  });

  it("leaves a job whose Describe names a parent to that parent: IGNORED, not stopped", async () => {
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create("cli-child-alerts");
    const arn = await new Fixtures(aws.sm).trainingJob("cli-tuning-child");
    const tuning = "arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/cli-tuner";
    await emu.setJobParent("training-job", "cli-tuning-child", "TuningJobArn", tuning);
    const event = stateChange("SageMakerTrainingJobStateChange.in-progress.json", "cli-tuning-child", arn);

    const result = await handle(event, { GUARD_ALERT_TOPIC_ARN: inbox.topicArn });

    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ verdict: "IGNORED", alerted: false });
    expect(JSON.parse(result.stdout).reason).toBe(`launched by ${tuning}: decided with its parent`);
    const job = await aws.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: "cli-tuning-child" }));
    expect(job.TrainingJobStatus).toBe("InProgress");
  });
});
