import {
  DeleteModelCommand,
  DescribeInferenceComponentCommand,
  DescribeModelCommand,
  DescribeTrainingJobCommand,
} from "@aws-sdk/client-sagemaker";
import { guardRuntime } from "../../scripts/guard-runtime.js";
import type { LogPort } from "../../src/app/enforce.js";
import { ActionFailedError } from "../../src/core/errors.js";
import type { Runtime } from "../../src/wiring/runtime.js";
import { type AlertInbox, type clients, type Fixtures, PYTORCH_IMAGE } from "../support/aws.js";
import { type Emulator, useEmulator } from "../support/emulator.js";
import { sample, sampleFor, stateChange } from "../support/events.js";

let emu: Emulator;
let fx: Fixtures;
let inbox: AlertInbox;
let aws: ReturnType<typeof clients>;
const logs: string[] = [];
const log: LogPort = {
  info: (m, e) => logs.push(JSON.stringify({ m, ...e })),
  warn: (m, e) => logs.push(JSON.stringify({ m, ...e })),
  error: (m, e) => logs.push(JSON.stringify({ m, ...e })),
};

function runtime(env: Record<string, string> = {}, maxAttempts = 3): Runtime {
  return guardRuntime(emu.endpoint, { GUARD_ALERT_TOPIC_ARN: inbox.topicArn, ...env }, { log, maxAttempts });
}

useEmulator((w) => {
  ({ emu, aws, fx, inbox } = w);
});
beforeEach(async () => {
  logs.length = 0;
  await emu.resetCalls();
});

async function status(name: string) {
  return (await aws.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name }))).TrainingJobStatus;
}

describe("training jobs", () => {
  it("stops a training job whose container can reach the internet, tags it and alerts once", async () => {
    const arn = await fx.trainingJob("churn-train-open");
    const rt = runtime();

    const outcome = await rt.handle(sampleFor("CreateTrainingJob.no-isolation.json", "churn-train-open", arn));

    expect(outcome.remedy).toBe("stopped");
    expect(await status("churn-train-open")).toBe("Stopped");
    const tags = await fx.tags(arn);
    expect(tags["isolation-guard:status"]).toBe("NON_COMPLIANT");
    expect(tags["isolation-guard:rules"]).toBe("network-isolation-disabled");
    expect(tags["isolation-guard:action"]).toBe("stopped");
    expect(Date.parse(tags["isolation-guard:checked-at"] as string)).not.toBeNaN();
    const alerts = await inbox.drain();
    expect(alerts).toHaveLength(1);
    const doc = JSON.parse(alerts[0]?.Message as string);
    expect(doc).toMatchObject({ schema: "isolation-guard.alert/v1", verdict: "NON_COMPLIANT", action: "stopped" });
    expect(doc.resource.arn).toBe(arn);
    expect(alerts[0]?.MessageAttributes?.resourceType?.Value).toBe("training-job");
    expect((alerts[0]?.Subject ?? "").length).toBeLessThan(100);
  });

  it("describes, then stops, before any other call: the record and the alert come after the stop", async () => {
    const arn = await fx.trainingJob("calls-violating");
    await emu.resetCalls();

    await runtime().handle(sampleFor("CreateTrainingJob.no-isolation.json", "calls-violating", arn));

    const log = await emu.callLog();
    expect(log.slice(0, 2)).toEqual(["sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob"]);
    expect(log.slice(2).sort()).toEqual([
      "dynamodb:PutItem", // the claim
      "dynamodb:UpdateItem", // the claim completed
      "dynamodb:UpdateItem", // the incarnation's record
      "sagemaker:AddTags",
      "sns:Publish",
    ]);
  });

  it("leaves a compliant job running and costs it its describe, its label and its record", async () => {
    const arn = await fx.trainingJob("calls-compliant", { isolated: true });
    await emu.resetCalls();

    const outcome = await runtime().handle(sampleFor("CreateTrainingJob.isolated.json", "calls-compliant", arn));

    expect(outcome.decision.verdict).toBe("COMPLIANT");
    expect(await emu.calls()).toEqual({
      "sagemaker:DescribeTrainingJob": 1,
      "sagemaker:AddTags": 1,
      "dynamodb:UpdateItem": 1,
    });
    expect(await status("calls-compliant")).toBe("InProgress");
    expect((await fx.tags(arn))["isolation-guard:status"]).toBe("COMPLIANT");
    expect((await fx.tags(arn))["isolation-guard:action"]).toBe("none");
    expect(await inbox.drain()).toHaveLength(0);
  });

  it("keeps a framework image in a VPC running (compensating control)", async () => {
    const arn = await fx.trainingJob("pytorch-in-vpc", { image: PYTORCH_IMAGE, vpc: true });

    const outcome = await runtime().handle(
      sampleFor("CreateTrainingJob.pytorch-framework-vpc.json", "pytorch-in-vpc", arn),
    );

    expect(outcome.decision.verdict).toBe("COMPLIANT");
    expect(await status("pytorch-in-vpc")).toBe("InProgress");
  });

  it("sends no second alert and no second stop when EventBridge delivers the event twice", async () => {
    const arn = await fx.trainingJob("dup-delivery");
    const rt = runtime();
    const event = sampleFor("CreateTrainingJob.no-isolation.json", "dup-delivery", arn);

    await rt.handle(event);
    const second = await rt.handle(event);

    expect(second.alerted).toBe(false);
    expect(second.duplicateOf).not.toBeNull();
    expect((await emu.calls())["sagemaker:StopTrainingJob"]).toBe(1);
    expect(await inbox.drain()).toHaveLength(1);
  });

  it("recognises a duplicate delivered to another container from the resource's tags", async () => {
    const arn = await fx.trainingJob("dup-other-container");
    const event = sampleFor("CreateTrainingJob.no-isolation.json", "dup-other-container", arn);

    await runtime().handle(event);
    const second = await runtime().handle(event);

    expect(second.remedy).toBe("not-running");
    expect(second.alerted).toBe(false);
    expect(await inbox.drain()).toHaveLength(1);
  });

  it("refreshes the tags, without a second alert, when a reported violation is seen again under a new policy", async () => {
    const arn = await fx.trainingJob("audit-policy-change");
    const event = sampleFor("CreateTrainingJob.no-isolation.json", "audit-policy-change", arn);
    await runtime({ GUARD_MODE: "audit" }).handle(event);
    const before = await fx.tags(arn);

    const again = await runtime({
      GUARD_MODE: "audit",
      GUARD_POLICY_JSON: JSON.stringify({ requireVpc: false, version: 1 }),
    }).handle(event);

    expect(again.alerted).toBe(false);
    expect(again.tagged).toBe(true);
    expect((await fx.tags(arn))["isolation-guard:policy"]).not.toBe(before["isolation-guard:policy"]);
    expect(await inbox.drain()).toHaveLength(1);
  });

  it("only tags and alerts in audit mode", async () => {
    const arn = await fx.trainingJob("audit-job");

    const outcome = await runtime({ GUARD_MODE: "audit" }).handle(
      sampleFor("CreateTrainingJob.no-isolation.json", "audit-job", arn),
    );

    expect(outcome.remedy).toBeNull();
    expect(await status("audit-job")).toBe("InProgress");
    expect((await fx.tags(arn))["isolation-guard:action"]).toBe("audit-only");
    expect(await inbox.drain()).toHaveLength(1);
  });

  it("records an already-finished job as finished, not as a failure, and still reports it", async () => {
    const arn = await fx.trainingJob("finished-job");
    await emu.setJobStatus("training-job", "finished-job", "Completed");

    const outcome = await runtime().handle(sampleFor("CreateTrainingJob.no-isolation.json", "finished-job", arn));

    expect(outcome.remedy).toBe("not-running");
    expect(await status("finished-job")).toBe("Completed");
    expect((await fx.tags(arn))["isolation-guard:action"]).toBe("none");
    const alerts = await inbox.drain();
    expect(alerts).toHaveLength(1);
    expect(JSON.parse(alerts[0]?.Message as string).actionDetail).toMatch(/no longer running/);
  });

  it("decides from DescribeTrainingJob when CloudTrail omitted the request parameters", async () => {
    const arn = await fx.trainingJob("omitted-params");

    const outcome = await runtime().handle(sampleFor("CreateTrainingJob.omitted.json", "omitted-params", arn));

    expect(outcome.decision.verdict).toBe("NON_COMPLIANT");
    expect(await status("omitted-params")).toBe("Stopped");
  });

  it("finds the ARN itself when an event carries none, whatever case the name has", async () => {
    const arn = await fx.trainingJob("MixedCase-Job");
    const event = sampleFor("CreateTrainingJob.no-isolation.json", "MixedCase-Job", arn);
    delete event.detail.responseElements;

    const outcome = await runtime().handle(event);

    expect(outcome.remedy).toBe("stopped");
    expect((await fx.tags(arn))["isolation-guard:status"]).toBe("NON_COMPLIANT");
  });

  it("ignores an event from another region without any AWS call", async () => {
    const arn = await fx.trainingJob("foreign-region");
    const event = sampleFor(
      "CreateTrainingJob.other-region.json",
      "foreign-region",
      arn.replace("us-east-1", "eu-west-1"),
    );
    await emu.resetCalls();

    const outcome = await runtime().handle(event);

    expect(outcome.decision.verdict).toBe("IGNORED");
    expect(await emu.calls()).toEqual({});
    expect(await status("foreign-region")).toBe("InProgress");
  });

  it("never puts container environment secrets into alerts or logs", async () => {
    const arn = await fx.trainingJob("secret-env");

    await runtime().handle(sampleFor("CreateTrainingJob.with-secret-env.json", "secret-env", arn));

    const everything = JSON.stringify(await inbox.drain()) + logs.join("\n");
    expect(everything).toContain("secret-env");
    expect(everything).not.toMatch(/hunter2|FAKE-SECRET|wJalrXUtnFEMI/);
  });
});

describe("the second trigger: SageMaker's state-change events", () => {
  it("stops a job from its InProgress state-change event, and the CloudTrail event then adds no alert", async () => {
    const arn = await fx.trainingJob("two-triggers");

    const first = await runtime().handle(
      stateChange("SageMakerTrainingJobStateChange.in-progress.json", "two-triggers", arn),
    );
    const second = await runtime().handle(sampleFor("CreateTrainingJob.no-isolation.json", "two-triggers", arn));

    expect(first.remedy).toBe("stopped");
    expect(second.alerted).toBe(false);
    expect(await inbox.drain()).toHaveLength(1);
  });

  it("ignores state changes of a job that is not entering InProgress", async () => {
    const arn = await fx.trainingJob("done-job");
    await emu.resetCalls();

    const outcome = await runtime().handle(
      stateChange("SageMakerTrainingJobStateChange.completed.json", "done-job", arn, "Completed"),
    );

    expect(outcome.decision.verdict).toBe("IGNORED");
    expect(await emu.calls()).toEqual({});
  });
});

describe("tuning and processing jobs", () => {
  it("stops a tuning job with one alert and tags it", async () => {
    const arn = await fx.tuningJob("hpo-open");

    const outcome = await runtime().handle(
      sampleFor("CreateHyperParameterTuningJob.no-isolation.json", "hpo-open", arn),
    );

    expect(outcome.remedy).toBe("stopped");
    expect((await fx.tags(arn))["isolation-guard:status"]).toBe("NON_COMPLIANT");
    expect(await inbox.drain()).toHaveLength(1);
  });

  it("stops a processing job that has no network configuration", async () => {
    const arn = await fx.processingJob("prep-open");

    const outcome = await runtime().handle(sampleFor("CreateProcessingJob.no-network-config.json", "prep-open", arn));

    expect(outcome.remedy).toBe("stopped");
    expect((await emu.calls())["sagemaker:StopProcessingJob"]).toBe(1);
  });
});

describe("models and what puts them to work", () => {
  it("deletes a model without isolation and alerts with the record", async () => {
    const arn = await fx.model("model-open");

    const outcome = await runtime().handle(sampleFor("CreateModel.no-isolation.json", "model-open", arn));

    expect(outcome.remedy).toBe("deleted");
    await expect(aws.sm.send(new DescribeModelCommand({ ModelName: "model-open" }))).rejects.toThrow(/Could not find/);
    const alerts = await inbox.drain();
    expect(alerts).toHaveLength(1);
    expect(JSON.parse(alerts[0]?.Message as string).action).toBe("deleted");
  });

  it("tags a model with isolation as compliant and keeps it", async () => {
    const arn = await fx.model("model-closed", { isolated: true });

    await runtime().handle(sampleFor("CreateModel.isolated.json", "model-closed", arn));

    expect((await fx.tags(arn))["isolation-guard:status"]).toBe("COMPLIANT");
  });

  it("audits models while enforcing jobs when the policy sets a mode per type", async () => {
    const arn = await fx.model("model-audited");
    const policy = JSON.stringify({ resourceModes: { model: "audit" } });

    const outcome = await runtime({ GUARD_POLICY_JSON: policy }).handle(
      sampleFor("CreateModel.no-isolation.json", "model-audited", arn),
    );

    expect(outcome.remedy).toBeNull();
    expect((await fx.tags(arn))["isolation-guard:action"]).toBe("audit-only");
  });

  it("stops a transform job that runs a model without isolation", async () => {
    await fx.model("batch-model-open");
    const arn = await fx.transformJob("batch-open", "batch-model-open");

    const outcome = await runtime().handle(
      sampleFor("CreateTransformJob.model-lookup.json", "batch-open", arn, (p) => {
        p.modelName = "batch-model-open";
      }),
    );

    expect(outcome.decision.verdict).toBe("NON_COMPLIANT");
    expect(outcome.remedy).toBe("stopped");
  });

  it("reports a transform job whose model cannot be found as unverifiable, not compliant", async () => {
    await fx.model("batch-model-gone", { isolated: true });
    const arn = await fx.transformJob("batch-unverifiable", "batch-model-gone");
    await aws.sm.send(new DeleteModelCommand({ ModelName: "batch-model-gone" }));

    const outcome = await runtime().handle(
      sampleFor("CreateTransformJob.model-lookup.json", "batch-unverifiable", arn, (p) => {
        p.modelName = "batch-model-gone";
      }),
    );

    expect(outcome.decision.verdict).toBe("NON_COMPLIANT");
    expect(outcome.decision.findings.map((f) => f.rule)).toEqual(["model-unverifiable"]);
  });

  it("deletes an endpoint serving a non-compliant model, and tags and alerts its endpoint config", async () => {
    await fx.model("serve-model-open");
    const configArn = await fx.endpointConfig("serve-config-open", "serve-model-open");
    const endpointArn = await fx.endpoint("serve-open", "serve-config-open");
    const rt = runtime();

    const config = await rt.handle(
      sampleFor("CreateEndpointConfig.model-lookup.json", "serve-config-open", configArn, (p) => {
        p.productionVariants = [{ variantName: "main", modelName: "serve-model-open" }];
      }),
    );
    const endpoint = await rt.handle(
      sampleFor("CreateEndpoint.model-lookup.json", "serve-open", endpointArn, (p) => {
        p.endpointConfigName = "serve-config-open";
      }),
    );

    expect(config.remedy).toBeNull();
    expect((await fx.tags(configArn))["isolation-guard:status"]).toBe("NON_COMPLIANT");
    expect(endpoint.remedy).toBe("deleted");
    expect(await inbox.drain()).toHaveLength(2);
  });

  it("deletes an inference component that serves a model without isolation, and keeps one whose model is isolated", async () => {
    await fx.model("ic-model-open");
    await fx.model("ic-model-closed", { isolated: true });
    await fx.componentEndpointConfig("ic-shared-config");
    await fx.endpoint("ic-shared-endpoint", "ic-shared-config");
    const openArn = await fx.inferenceComponent("ic-open-adapter", "ic-shared-endpoint", "ic-model-open");
    const closedArn = await fx.inferenceComponent("ic-closed-adapter", "ic-shared-endpoint", "ic-model-closed");
    const rt = runtime();
    const event = (name: string, arn: string, model: string) =>
      sampleFor("CreateInferenceComponent.model-lookup.json", name, arn, (p) => {
        p.endpointName = "ic-shared-endpoint";
        p.specification.modelName = model;
      });

    const open = await rt.handle(event("ic-open-adapter", openArn, "ic-model-open"));
    const closed = await rt.handle(event("ic-closed-adapter", closedArn, "ic-model-closed"));

    expect(open).toMatchObject({ remedy: "deleted", alerted: true });
    expect(open.decision).toMatchObject({ verdict: "NON_COMPLIANT" });
    await expect(
      aws.sm.send(new DescribeInferenceComponentCommand({ InferenceComponentName: "ic-open-adapter" })),
    ).rejects.toThrow(/Could not find inference component/);
    expect(closed.decision).toMatchObject({ verdict: "COMPLIANT" });
    expect((await fx.tags(closedArn))["isolation-guard:status"]).toBe("COMPLIANT");
    const alerts = await inbox.drain();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.Subject).toContain("ic-open-adapter");
  });

  it("reports an endpoint SageMaker will not delete while Creating, and deletes it when it reaches InService", async () => {
    await fx.model("busy-model-open");
    await fx.endpointConfig("busy-config-open", "busy-model-open");
    const endpointArn = await fx.endpoint("busy-open", "busy-config-open");
    await emu.settings({ refuseDeleteWhileCreating: true });
    const rt = runtime();

    const first = await rt.handle(
      sampleFor("CreateEndpoint.model-lookup.json", "busy-open", endpointArn, (p) => {
        p.endpointConfigName = "busy-config-open";
      }),
    );
    await emu.setJobStatus("endpoint", "busy-open", "InService");
    const inService = sample("SageMakerEndpointStateChange.in-service.json");
    inService.detail.EndpointName = "busy-open";
    inService.detail.EndpointArn = endpointArn;
    inService.resources = [endpointArn];
    const second = await rt.handle(inService);

    expect(first.remedy).toBe("busy");
    expect(second.remedy).toBe("deleted");
    const alerts = (await inbox.drain()).map((a) => JSON.parse(a.Message));
    expect(alerts.map((a) => a.action)).toEqual(["none", "deleted"]);
    expect(alerts[0].actionDetail).toMatch(/when it reaches InService/);
  });
});

describe("audit mode races", () => {
  it("sends one alert when two containers see the same violation at the same moment", async () => {
    const arn = await fx.trainingJob("audit-race");
    const a = runtime({ GUARD_MODE: "audit" });
    const b = runtime({ GUARD_MODE: "audit" });

    const [x, y] = await Promise.all([
      a.handle(stateChange("SageMakerTrainingJobStateChange.in-progress.json", "audit-race", arn)),
      b.handle(sampleFor("CreateTrainingJob.no-isolation.json", "audit-race", arn)),
    ]);

    expect([x.alerted, y.alerted].filter(Boolean)).toHaveLength(1);
    expect(await inbox.drain()).toHaveLength(1);
    expect((await fx.tags(arn))["isolation-guard:status"]).toBe("NON_COMPLIANT");
  });
});

describe("failures", () => {
  it("surfaces a failing SNS publish so the Lambda retries, without repeating the stop", async () => {
    const arn = await fx.trainingJob("publish-fails");
    const rt = runtime({}, 1);
    const event = sampleFor("CreateTrainingJob.no-isolation.json", "publish-fails", arn);
    await emu.fault({ operation: "Publish", service: "sns", kind: "error", count: 1 });

    await expect(rt.handle(event)).rejects.toBeInstanceOf(ActionFailedError);
    expect(await status("publish-fails")).toBe("Stopped");
    expect((await fx.tags(arn))["isolation-guard:status"]).toBeUndefined();

    const retry = await rt.handle(event);

    expect(retry.alerted).toBe(true);
    expect((await emu.calls())["sagemaker:StopTrainingJob"]).toBe(1);
    expect(await inbox.drain()).toHaveLength(1);
    expect((await fx.tags(arn))["isolation-guard:status"]).toBe("NON_COMPLIANT");
  });

  it("reports a stop that keeps failing, then fails so Lambda retries", async () => {
    const arn = await fx.trainingJob("stop-fails");
    await emu.fault({ operation: "StopTrainingJob", kind: "error", count: 1 });

    await expect(
      runtime({}, 1).handle(sampleFor("CreateTrainingJob.no-isolation.json", "stop-fails", arn)),
    ).rejects.toBeInstanceOf(ActionFailedError);

    const alerts = (await inbox.drain()).map((a) => JSON.parse(a.Message));
    expect(alerts).toHaveLength(1);
    expect(alerts[0].action).toBe("none");
    expect(alerts[0].actionDetail).toMatch(/could not stop/);
    expect((await fx.tags(arn))["isolation-guard:status"]).toBeUndefined();
  });

  it("rides out SageMaker throttling on the stop", async () => {
    const arn = await fx.trainingJob("throttled-stop");
    await emu.fault({ operation: "StopTrainingJob", kind: "throttle", count: 2 });

    const outcome = await runtime({}, 5).handle(
      sampleFor("CreateTrainingJob.no-isolation.json", "throttled-stop", arn),
    );

    expect(outcome.remedy).toBe("stopped");
    expect(await inbox.drain()).toHaveLength(1);
  });
});
