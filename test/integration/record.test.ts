import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AddTagsCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  DescribeModelCommand,
  DescribeTrainingJobCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { guardRuntime, guardSweepRuntime } from "../../scripts/guard-runtime.js";
import { ActionFailedError } from "../../src/core/errors.js";
import type { Runtime } from "../../src/wiring/runtime.js";
import {
  type AlertInbox,
  clientConfig,
  type clients,
  emulatorEnv,
  type Fixtures,
  Fixtures as FixturesFor,
  OWN_IMAGE,
} from "../support/aws.js";
import { type Emulator, useEmulator } from "../support/emulator.js";
import { sampleFor, stateChange } from "../support/events.js";

/*
 * The six ways an adversarial review broke `main` (issue 12), each against the emulator, plus exactly
 * one alert from parallel deliveries in separate processes. Every test here fails on `main`.
 */
let emu: Emulator;
let aws: ReturnType<typeof clients>;
let fx: Fixtures;
let inbox: AlertInbox;
useEmulator((w) => {
  ({ emu, aws, fx, inbox } = w);
});

const counted: string[] = [];
function runtime(env: Record<string, string> = {}, maxAttempts = 3): Runtime {
  return guardRuntime(
    emu.endpoint,
    { GUARD_ALERT_TOPIC_ARN: inbox.topicArn, ...env },
    { maxAttempts, metrics: { count: (name) => counted.push(name) } },
  );
}
beforeEach(() => {
  counted.length = 0;
});

const alertsOf = async () => (await inbox.drain()).map((a) => JSON.parse(a.Message as string));
const trainingStatus = async (name: string) =>
  (await aws.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name }))).TrainingJobStatus;

describe("1. a forged event does not destroy a compliant resource", () => {
  it("keeps an isolated model that an event says is not isolated, and reports the event as suspicious", async () => {
    const arn = await fx.model("forged-model", { isolated: true });
    const forged = sampleFor("CreateModel.no-isolation.json", "forged-model", arn);

    const outcome = await runtime().handle(forged);

    expect(outcome.remedy).toBeNull();
    expect(outcome.eventMismatch).toBe(true);
    expect(outcome.decision.verdict).toBe("COMPLIANT");
    await expect(aws.sm.send(new DescribeModelCommand({ ModelName: "forged-model" }))).resolves.toBeDefined();
    expect(counted).toContain("EventMismatch");
    const alerts = await alertsOf();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ schema: "isolation-guard.alert/v1", action: "none", severity: "high" });
    expect(alerts[0].summary).toMatch(/^Suspicious event about model forged-model/);
    expect(alerts[0].actionDetail).toMatch(/lambda:InvokeFunction/);
    expect(alerts[0].actionDetail).toMatch(/sqs:SendMessage/);
  });

  it("keeps an isolated training job running whatever the event says", async () => {
    const arn = await fx.trainingJob("forged-job", { isolated: true });

    const outcome = await runtime().handle(sampleFor("CreateTrainingJob.no-isolation.json", "forged-job", arn));

    expect(outcome).toMatchObject({ remedy: null, eventMismatch: true });
    expect(await trainingStatus("forged-job")).toBe("InProgress");
    expect((await emu.calls())["sagemaker:StopTrainingJob"]).toBeUndefined();
  });
});

describe("2. forged guard tags do not silence the guard", () => {
  async function taggedAsReported(name: string, policyId: string) {
    const arn = await fx.trainingJob(name);
    await aws.sm.send(
      new AddTagsCommand({
        ResourceArn: arn,
        Tags: [
          { Key: "isolation-guard:status", Value: "NON_COMPLIANT" },
          { Key: "isolation-guard:rules", Value: "network-isolation-disabled" },
          { Key: "isolation-guard:policy", Value: policyId },
          { Key: "isolation-guard:action", Value: "audit-only" },
        ],
      }),
    );
    return arn;
  }

  it("alerts in audit mode on a job created with the guard's own tags", async () => {
    const rt = runtime({ GUARD_MODE: "audit" });
    const arn = await taggedAsReported("pre-tagged", rt.config.policyId);

    const outcome = await rt.handle(sampleFor("CreateTrainingJob.no-isolation.json", "pre-tagged", arn));

    expect(outcome.alerted).toBe(true);
    expect(await alertsOf()).toHaveLength(1);
  });

  it("is not skipped by the sweep while it runs", async () => {
    const sweep = guardSweepRuntime(emu.endpoint, {
      GUARD_ALERT_TOPIC_ARN: inbox.topicArn,
      GUARD_MODE: "audit",
      GUARD_SWEEP_LOOKBACK_MINUTES: "0",
    });
    await taggedAsReported("pre-tagged-swept", sweep.config.policyId);

    const summary = await sweep.sweep();

    expect(summary).toMatchObject({ skipped: 0, alerted: 1 });
    expect(await alertsOf()).toHaveLength(1);
  });
});

describe("3. a second incarnation under the same name is decided afresh", () => {
  it("deletes and reports a model created again under the name of one the guard deleted, in the same container", async () => {
    const rt = runtime();
    const first = await fx.model("reborn-model");
    expect((await rt.handle(sampleFor("CreateModel.no-isolation.json", "reborn-model", first))).remedy).toBe("deleted");

    const second = await fx.model("reborn-model");
    const again = await rt.handle(sampleFor("CreateModel.no-isolation.json", "reborn-model", second));

    expect(second).toBe(first); // same ARN: only the creation time tells the incarnations apart
    expect(again).toMatchObject({ remedy: "deleted", alerted: true, duplicateOf: null });
    await expect(aws.sm.send(new DescribeModelCommand({ ModelName: "reborn-model" }))).rejects.toThrow(
      /Could not find/,
    );
    expect((await alertsOf()).map((a) => a.action)).toEqual(["deleted", "deleted"]);
  });
});

describe("4. principal exemptions keep the backstops on", () => {
  const EXEMPT_ROLE = "arn:aws:iam::123456789012:role/ml-platform";
  const policy = JSON.stringify({
    exemptions: [
      { principal: EXEMPT_ROLE, resourceTypes: ["endpoint"], reason: "platform team's canary", expires: "2099-01-01" },
    ],
  });
  const as = (role: string) => ({
    type: "AssumedRole",
    arn: `${role.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/")}/session`,
    sessionIssuerArn: role,
  });

  async function openEndpoint(name: string, client: SageMakerClient = aws.sm) {
    await client.send(
      new CreateModelCommand({
        ModelName: `${name}-model`,
        ExecutionRoleArn: "arn:aws:iam::123456789012:role/x",
        PrimaryContainer: { Image: OWN_IMAGE },
      }),
    );
    const f = new FixturesFor(client);
    await f.endpointConfig(`${name}-config`, `${name}-model`);
    return f.endpoint(name, `${name}-config`);
  }
  function createEvent(name: string, arn: string, role: string) {
    const event = sampleFor("CreateEndpoint.model-lookup.json", name, arn, (p) => {
      p.endpointConfigName = `${name}-config`;
    });
    const who = as(role);
    event.detail.userIdentity.arn = who.arn;
    event.detail.userIdentity.sessionContext.sessionIssuer.arn = who.sessionIssuerArn;
    return event;
  }
  const endpointStatus = async (name: string) =>
    (await aws.sm.send(new DescribeEndpointCommand({ EndpointName: name }))).EndpointStatus;

  it("leaves the exempt principal's endpoint at InService and deletes the other one's when it gets there", async () => {
    await emu.settings({ refuseDeleteWhileCreating: true });
    const exemptArn = await openEndpoint("ep-canary");
    const otherArn = await openEndpoint("ep-rogue");
    const cloudTrail = runtime({ GUARD_POLICY_JSON: policy });
    expect((await cloudTrail.handle(createEvent("ep-canary", exemptArn, EXEMPT_ROLE))).decision.verdict).toBe("EXEMPT");
    const created = await cloudTrail.handle(createEvent("ep-rogue", otherArn, "arn:aws:iam::123456789012:role/Intern"));
    expect(created.remedy).toBe("busy");

    await emu.setJobStatus("endpoint", "ep-canary", "InService");
    await emu.setJobStatus("endpoint", "ep-rogue", "InService");
    // Another container: nothing in memory, only the record the CloudTrail path wrote.
    const states = runtime({ GUARD_POLICY_JSON: policy });
    const canary = await states.handle(
      stateChange("SageMakerEndpointStateChange.in-service.json", "ep-canary", exemptArn, "InService"),
    );
    const rogue = await states.handle(
      stateChange("SageMakerEndpointStateChange.in-service.json", "ep-rogue", otherArn, "InService"),
    );

    expect(canary.decision.verdict).toBe("EXEMPT");
    expect(await endpointStatus("ep-canary")).toBe("InService");
    expect(rogue.remedy).toBe("deleted");
    await expect(endpointStatus("ep-rogue")).rejects.toThrow();
    expect((await emu.calls())["cloudtrail:LookupEvents"]).toBeUndefined();
  });

  it("finds the creator in CloudTrail when the CloudTrail event was lost", async () => {
    const exemptKeys = { accessKeyId: "AKIAPLATFORM", secretAccessKey: "x" };
    await fetch(`${emu.endpoint}/guard-api/identities`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ accessKeyId: exemptKeys.accessKeyId, ...as(EXEMPT_ROLE) }),
    });
    const platform = new SageMakerClient({ ...clientConfig(emu.endpoint), credentials: exemptKeys });
    const exemptArn = await openEndpoint("ep-lost-canary", platform);
    const otherArn = await openEndpoint("ep-lost-rogue");
    await emu.setJobStatus("endpoint", "ep-lost-canary", "InService");
    await emu.setJobStatus("endpoint", "ep-lost-rogue", "InService");
    const rt = runtime({ GUARD_POLICY_JSON: policy });

    const canary = await rt.handle(
      stateChange("SageMakerEndpointStateChange.in-service.json", "ep-lost-canary", exemptArn, "InService"),
    );
    const rogue = await rt.handle(
      stateChange("SageMakerEndpointStateChange.in-service.json", "ep-lost-rogue", otherArn, "InService"),
    );

    expect(canary.decision).toMatchObject({ verdict: "EXEMPT", caller: { sessionIssuerArn: EXEMPT_ROLE } });
    expect(await endpointStatus("ep-lost-canary")).toBe("InService");
    expect(rogue.remedy).toBe("deleted");
    expect((await emu.calls())["cloudtrail:LookupEvents"]).toBe(2);
  });

  it("reports a violation whose creator cannot be found as unverifiable, and does not delete it", async () => {
    const arn = await openEndpoint("ep-unknown");
    await emu.setJobStatus("endpoint", "ep-unknown", "InService");
    await emu.fault({ operation: "LookupEvents", kind: "error", count: 10 });

    const outcome = await runtime({ GUARD_POLICY_JSON: policy }, 1).handle(
      stateChange("SageMakerEndpointStateChange.in-service.json", "ep-unknown", arn, "InService"),
    );

    expect(outcome).toMatchObject({ remedy: null, alerted: true });
    expect(outcome.decision.verdict).toBe("NON_COMPLIANT");
    expect(await endpointStatus("ep-unknown")).toBe("InService");
    const [alert] = await alertsOf();
    expect(alert.actionDetail).toMatch(/creator could not be verified/);
  });
});

describe("5. a refused stop is not a success", () => {
  it("fails the invocation while Describe says the job still runs, and the retry stops and reports it", async () => {
    const arn = await fx.trainingJob("refused-stop");
    const event = sampleFor("CreateTrainingJob.no-isolation.json", "refused-stop", arn);
    await emu.fault({ operation: "StopTrainingJob", kind: "refuse", count: 1 });

    await expect(runtime({}, 1).handle(event)).rejects.toBeInstanceOf(ActionFailedError);
    expect(await trainingStatus("refused-stop")).toBe("InProgress");
    expect((await fx.tags(arn))["isolation-guard:status"]).toBeUndefined();

    const retry = await runtime().handle(event);

    expect(retry).toMatchObject({ remedy: "stopped", alerted: true });
    expect(await trainingStatus("refused-stop")).toBe("Stopped");
    expect((await alertsOf()).map((a) => a.action)).toEqual(["none", "stopped"]);
  });
});

describe("6. exactly one alert without sleeps", () => {
  it("sends one alert when the publish takes longer than the old settle time, from two containers", async () => {
    const arn = await fx.trainingJob("slow-publish");
    await emu.fault({ operation: "Publish", service: "sns", kind: "delay", delayMs: 2_500, count: 2 });
    const event = sampleFor("CreateTrainingJob.no-isolation.json", "slow-publish", arn);

    const outcomes = await Promise.all([
      runtime({ GUARD_MODE: "audit" }).handle(event),
      runtime({ GUARD_MODE: "audit" }).handle(
        stateChange("SageMakerTrainingJobStateChange.in-progress.json", "slow-publish", arn),
      ),
    ]);

    expect(outcomes.filter((o) => o.alerted)).toHaveLength(1);
    expect(await alertsOf()).toHaveLength(1);
  });

  it.each(["enforce", "audit"])(
    "sends one alert for one violating event delivered to 4 processes at once (%s mode)",
    async (mode) => {
      const name = `parallel-${mode}`;
      const arn = await fx.trainingJob(name);
      const file = join(tmpdir(), `ig-${name}-${Date.now()}.json`);
      writeFileSync(file, JSON.stringify(sampleFor("CreateTrainingJob.no-isolation.json", name, arn)));
      const bin = join(import.meta.dirname, "../../bin/isolation-guard.js");
      const env = {
        PATH: process.env.PATH,
        ...emulatorEnv(emu.endpoint),
        GUARD_ALERT_TOPIC_ARN: inbox.topicArn,
        GUARD_MODE: mode,
      };
      const run = () =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          const child = spawn(process.execPath, [bin, "handle", "--quiet", file], { env });
          let out = "";
          child.stdout.on("data", (d) => {
            out += d;
          });
          child.on("close", (code) => resolve({ code, out }));
        });

      const results = await Promise.all([run(), run(), run(), run()]);

      expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
      const lines = results.map((r) => JSON.parse(r.out));
      expect(lines.filter((l) => l.alerted)).toHaveLength(1);
      expect(await alertsOf()).toHaveLength(1);
      if (mode === "enforce") expect(await trainingStatus(name)).toBe("Stopped");
      else expect(await trainingStatus(name)).toBe("InProgress");
    },
  );
});
