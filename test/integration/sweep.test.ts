import {
  DescribeNotebookInstanceCommand,
  DescribeProcessingJobCommand,
  DescribeTrainingJobCommand,
  ListEndpointsCommand,
  ListInferenceComponentsCommand,
  ListModelsCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { loadSweepConfig } from "../../src/app/config-sweep.js";
import type { LogPort } from "../../src/app/enforce.js";
import { createSweepRuntime } from "../../src/wiring/sweep-runtime.js";
import { type AlertInbox, clientConfig, clients, type Fixtures } from "../support/aws.js";
import { type Emulator, useEmulator } from "../support/emulator.js";

let emu: Emulator;
let fx: Fixtures;
let inbox: AlertInbox;
let aws: ReturnType<typeof clients>;
const logs: { m: string; extra: Record<string, unknown> }[] = [];
const log: LogPort = {
  info: (m, extra = {}) => logs.push({ m, extra }),
  warn: (m, extra = {}) => logs.push({ m, extra }),
  error: (m, extra = {}) => logs.push({ m, extra }),
};

/** The sweep as deployed: adaptive retry (8 attempts), pointed at the emulator. */
function sweepRuntime(env: Record<string, string> = {}) {
  const cfg = { ...clientConfig(emu.endpoint, 8), retryMode: "adaptive" as const };
  const c = clients(emu.endpoint);
  return createSweepRuntime({
    log,
    config: loadSweepConfig({ AWS_REGION: "us-east-1", GUARD_ALERT_TOPIC_ARN: inbox.topicArn, ...env }),
    clients: { sagemaker: new SageMakerClient(cfg), sns: c.sns, dynamodb: c.ddb, cloudtrail: c.ct },
  });
}

async function trainingStatus(name: string) {
  return (await aws.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name }))).TrainingJobStatus;
}
async function modelNames() {
  return ((await aws.sm.send(new ListModelsCommand({}))).Models ?? []).map((m) => m.ModelName);
}
const subjects = async () => (await inbox.drain()).map((a) => a.Subject ?? "");

useEmulator((w) => {
  ({ emu, aws, fx, inbox } = w);
});
beforeEach(async () => {
  logs.length = 0;
});

describe("scheduled sweep", () => {
  it("finds resources created without any event and remedies them exactly like the event path", async () => {
    const openJob = await fx.trainingJob("sweep-open-train");
    await fx.trainingJob("sweep-isolated-train", { isolated: true });
    await fx.processingJob("sweep-open-processing");
    await fx.tuningJob("sweep-open-tuning");
    const openModel = await fx.model("sweep-open-model");
    await fx.model("sweep-isolated-model", { isolated: true });
    await fx.transformJob("sweep-transform-open-model", "sweep-open-model");
    await fx.endpointConfig("sweep-config", "sweep-isolated-model");
    await fx.endpoint("sweep-endpoint", "sweep-config");

    const summary = await sweepRuntime().sweep();

    expect(summary).toMatchObject({ listed: 9, examined: 9, skipped: 0, errors: [], notReached: 0 });
    expect(summary.verdicts).toEqual({ COMPLIANT: 4, NON_COMPLIANT: 5 });
    expect(await trainingStatus("sweep-open-train")).toBe("Stopped");
    expect(await trainingStatus("sweep-isolated-train")).toBe("InProgress");
    expect(await modelNames()).toEqual(["sweep-isolated-model"]);
    const tags = await fx.tags(openJob);
    expect(tags).toMatchObject({
      "isolation-guard:status": "NON_COMPLIANT",
      "isolation-guard:rules": "network-isolation-disabled",
      "isolation-guard:action": "stopped",
      "isolation-guard:policy": sweepRuntime().config.policyId,
    });
    const alerts = await subjects();
    expect(alerts).toHaveLength(5);
    expect(alerts.some((s) => s.includes("sweep-open-train"))).toBe(true);
    expect(alerts.some((s) => s.includes("sweep-open-model"))).toBe(true);
    expect(openModel).toContain("model/sweep-open-model");
  });

  it("finds inference components that serve a model without isolation and deletes them", async () => {
    await fx.model("ic-open-model");
    await fx.model("ic-isolated-model", { isolated: true });
    // Its own top-level isolation on: the components' models decide, and the config has nothing to report.
    await fx.componentEndpointConfig("ic-config", { isolated: true });
    await fx.endpoint("ic-endpoint", "ic-config");
    await emu.setJobStatus("endpoint", "ic-endpoint", "InService");
    await fx.inferenceComponent("ic-open", "ic-endpoint", "ic-open-model");
    const isolated = await fx.inferenceComponent("ic-isolated", "ic-endpoint", "ic-isolated-model");
    await emu.setJobStatus("inference-component", "ic-open", "InService");
    await emu.setJobStatus("inference-component", "ic-isolated", "InService");

    const summary = await sweepRuntime().sweep();

    expect(summary).toMatchObject({ errors: [], deleted: 2, alerted: 2 });
    const left = await aws.sm.send(new ListInferenceComponentsCommand({}));
    expect((left.InferenceComponents ?? []).map((c) => c.InferenceComponentName)).toEqual(["ic-isolated"]);
    expect(await fx.tags(isolated)).toMatchObject({ "isolation-guard:status": "COMPLIANT" });
    const alerts = await subjects();
    expect(alerts.some((s) => s.includes("ic-open") && !s.includes("ic-open-model"))).toBe(true);
    expect(alerts.some((s) => s.includes("ic-isolated"))).toBe(false);
    expect(await modelNames()).toEqual(["ic-isolated-model"]);
  });

  it("deletes components running their own container on an endpoint whose config is not isolated, and keeps those on an isolated one", async () => {
    await fx.componentEndpointConfig("own-open-config");
    await fx.endpoint("own-open-endpoint", "own-open-config");
    await fx.componentEndpointConfig("own-closed-config", { isolated: true });
    await fx.endpoint("own-closed-endpoint", "own-closed-config");
    for (const e of ["own-open-endpoint", "own-closed-endpoint"]) await emu.setJobStatus("endpoint", e, "InService");
    await fx.containerComponent("own-open", "own-open-endpoint");
    const kept = await fx.containerComponent("own-closed", "own-closed-endpoint");

    const summary = await sweepRuntime().sweep();

    const left = await aws.sm.send(new ListInferenceComponentsCommand({}));
    expect((left.InferenceComponents ?? []).map((c) => c.InferenceComponentName)).toEqual(["own-closed"]);
    expect(await fx.tags(kept)).toMatchObject({ "isolation-guard:status": "COMPLIANT" });
    // The component and its endpoint config are reported; neither endpoint is deleted for a container it does not run.
    const alerts = await subjects();
    expect(alerts.filter((s) => s.includes("own-open")).length).toBe(2);
    expect(alerts.some((s) => s.includes("own-closed"))).toBe(false);
    expect(summary).toMatchObject({ errors: [], deleted: 1, alerted: 2 });
    const endpoints = await aws.sm.send(new ListEndpointsCommand({}));
    expect((endpoints.Endpoints ?? []).map((e) => e.EndpointName).sort()).toEqual([
      "own-closed-endpoint",
      "own-open-endpoint",
    ]);
  });

  it("leaves jobs SageMaker launched for a parent to the parent: not stopped, not alerted", async () => {
    const parentArn = await fx.trainingJob("sweep-parent-train", { isolated: true });
    await fx.processingJob("sweep-profiler-rule");
    await emu.setJobParent("processing-job", "sweep-profiler-rule", "TrainingJobArn", parentArn);
    await fx.trainingJob("sweep-automl-candidate");
    const automl = "arn:aws:sagemaker:us-east-1:123456789012:automl-job/sweep-autopilot";
    await emu.setJobParent("training-job", "sweep-automl-candidate", "AutoMLJobArn", automl);

    const summary = await sweepRuntime().sweep();

    expect(summary).toMatchObject({ errors: [], stopped: 0, alerted: 0 });
    expect(await trainingStatus("sweep-automl-candidate")).toBe("InProgress");
    const rule = await aws.sm.send(new DescribeProcessingJobCommand({ ProcessingJobName: "sweep-profiler-rule" }));
    expect(rule.ProcessingJobStatus).toBe("InProgress");
    expect(await subjects()).toEqual([]);
  });

  it("sees a notebook still Pending, reports it, and stops it at the next sweep once it is InService", async () => {
    // Direct internet access on, no subnet: no route lookup, a violation whatever the VPC.
    const arn = await fx.notebook("sweep-nb-pending", "Enabled", { vpc: false });
    const status = async () =>
      (await aws.sm.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: "sweep-nb-pending" })))
        .NotebookInstanceStatus;
    expect(await status()).toBe("Pending");

    const first = await sweepRuntime().sweep();

    // Listed Pending (the running-only listing used to ask for InService only); SageMaker refuses a Stop
    // while Pending, so it is reported and left for the stop at InService, not counted as stopped.
    expect(first).toMatchObject({ listed: 1, examined: 1, stopped: 0, errors: [] });
    expect(first.verdicts).toEqual({ NON_COMPLIANT: 1 });
    expect(await status()).toBe("Pending");
    expect((await subjects()).some((s) => s.includes("sweep-nb-pending"))).toBe(true);

    await emu.setJobStatus("notebook-instance", "sweep-nb-pending", "InService");
    const second = await sweepRuntime().sweep();

    expect(second).toMatchObject({ listed: 1, examined: 1, stopped: 1, errors: [] });
    expect(await status()).toBe("Stopped");
    expect(await fx.tags(arn)).toMatchObject({ "isolation-guard:action": "stopped" });
  });

  it("does not alert twice, nor describe again, a resource it already decided", async () => {
    await fx.trainingJob("sweep-audit-open");
    await fx.model("sweep-audit-model", { isolated: true });
    const rt = sweepRuntime({ GUARD_MODE: "audit" });
    await rt.sweep();
    expect(await subjects()).toHaveLength(1);
    await emu.resetCalls();

    const second = await sweepRuntime({ GUARD_MODE: "audit" }).sweep();

    expect(second).toMatchObject({ listed: 2, skipped: 2, examined: 0, alerted: 0 });
    expect(await subjects()).toHaveLength(0);
    const calls = await emu.calls();
    expect(Object.keys(calls).filter((k) => k.includes("Describe"))).toEqual([]);
    // "Already decided" is the guard's record, read for both in one call: never the resources' tags.
    expect(calls["dynamodb:BatchGetItem"]).toBe(1);
    expect(calls["sagemaker:ListTags"]).toBeUndefined();
    expect(calls["sns:Publish"]).toBeUndefined();
  });

  it("re-decides resources tagged under another policy, without a second alert for the same violation", async () => {
    await fx.trainingJob("sweep-policy-change");
    await sweepRuntime({ GUARD_MODE: "audit" }).sweep();
    await inbox.drain();

    const summary = await sweepRuntime({
      GUARD_MODE: "audit",
      GUARD_POLICY_JSON: '{"allowedSubnets": ["subnet-0a1b2c3d4e5f60001"]}',
    }).sweep();

    expect(summary.skipped).toBe(0);
    expect(summary.examined).toBe(1);
    expect(await subjects()).toHaveLength(0);
  });

  it("loses nothing when SageMaker throttles listings and describes mid-sweep", async () => {
    for (let i = 0; i < 6; i++) await fx.trainingJob(`sweep-throttled-${i}`, { isolated: i % 2 === 0 });
    await fx.model("sweep-throttled-model");
    await emu.fault({ operation: "ListTrainingJobs", kind: "throttle", count: 1 });
    await emu.fault({ operation: "DescribeTrainingJob", kind: "throttle", count: 3 });
    await emu.fault({ operation: "BatchGetItem", kind: "throttle", count: 1 });
    await emu.fault({ operation: "ListModels", kind: "throttle", count: 1 });
    await emu.resetCalls();

    const summary = await sweepRuntime().sweep();

    const calls = await emu.calls();
    expect(summary).toMatchObject({ listed: 7, examined: 7, errors: [], notReached: 0 });
    expect(summary.verdicts).toEqual({ COMPLIANT: 3, NON_COMPLIANT: 4 });
    // Every throttled request was retried: 6 describes + 3 throttled, one list page + 1 throttled.
    expect(calls["sagemaker:DescribeTrainingJob"]).toBe(9);
    expect(calls["sagemaker:ListTrainingJobs"]).toBe(2);
    expect(calls["dynamodb:BatchGetItem"]).toBe(1 + 1);
    for (let i = 0; i < 6; i++)
      expect(await trainingStatus(`sweep-throttled-${i}`)).toBe(i % 2 === 0 ? "InProgress" : "Stopped");
    expect(await subjects()).toHaveLength(4);
  }, 60_000);

  it("sweeps models created within the lookback window only, but every running job", async () => {
    await fx.model("sweep-recent-model");
    await fx.trainingJob("sweep-running-job");
    const rt = sweepRuntime({ GUARD_SWEEP_LOOKBACK_MINUTES: "20" });
    // Twenty-one minutes from now, the model falls out of the window; the running job does not.
    rt.enforcer.deps.now = () => Date.now() + 21 * 60_000;

    const summary = await rt.sweep();

    expect(summary.listed).toBe(1);
    expect(await trainingStatus("sweep-running-job")).toBe("Stopped");
    expect(await modelNames()).toEqual(["sweep-recent-model"]);
  });

  it("reports an incomplete sweep when a listing keeps failing, after deciding the rest", async () => {
    await fx.trainingJob("sweep-still-decided");
    await emu.fault({ operation: "ListModels", kind: "error", count: 20 });

    await expect(sweepRuntime().sweep()).rejects.toThrow(/sweep incomplete: 1 failures/);

    expect(await trainingStatus("sweep-still-decided")).toBe("Stopped");
    expect(logs.find((l) => l.m === "sweep finished")?.extra).toMatchObject({ stopped: 1 });
  }, 60_000);
});
