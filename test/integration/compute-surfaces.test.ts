import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DescribeAutoMLJobV2Command,
  DescribeClusterCommand,
  DescribeCompilationJobCommand,
  DescribeDataQualityJobDefinitionCommand,
  DescribeDomainCommand,
  DescribeInferenceRecommendationsJobCommand,
  DescribeModelBiasJobDefinitionCommand,
  DescribeMonitoringScheduleCommand,
  DescribeNotebookInstanceCommand,
} from "@aws-sdk/client-sagemaker";
import { guardRuntime } from "../../scripts/guard-runtime.js";
import type { Runtime } from "../../src/wiring/runtime.js";
import {
  type AlertInbox,
  type clients,
  emulatorEnv,
  type Fixtures,
  inlineMonitoring,
  type NetworkKind,
  Networks,
  namedMonitoring,
} from "../support/aws.js";
import { type Emulator, useEmulator } from "../support/emulator.js";
import { sampleFor, stateChange } from "../support/events.js";
import { runCli } from "../support/run.js";

let emu: Emulator;
let fx: Fixtures;
let inbox: AlertInbox;
let aws: ReturnType<typeof clients>;
useEmulator((w) => {
  ({ emu, aws, fx, inbox } = w);
});

/*
 * Every resource here that runs in a VPC runs in one built in the emulator's EC2 (scripts/local-aws.ts
 * `Networks`), so the default policy reads its route tables as it would in AWS (issue 15): a private
 * subnet (main route table: the local route and an S3 gateway endpoint) is off the internet, a public
 * one (0.0.0.0/0 to an internet gateway) is not.
 */
async function subnet(kind: NetworkKind = "private"): Promise<{ vpcId: string; subnetId: string }> {
  return new Networks(aws.ec2).vpc(kind);
}

function runtime(env: Record<string, string> = {}): Runtime {
  return guardRuntime(emu.endpoint, { GUARD_ALERT_TOPIC_ARN: inbox.topicArn, ...env });
}

/** `isolation-guard handle FILE`: the Lambda's code path from the command line, against the emulator. */
async function handle(event: unknown, env: Record<string, string> = {}) {
  const file = join(tmpdir(), `ig-event-${Date.now()}-${Math.random()}.json`);
  writeFileSync(file, JSON.stringify(event));
  const r = await runCli(["handle", file], {
    env: {
      PATH: process.env.PATH,
      ...emulatorEnv(emu.endpoint),
      GUARD_SETTLE_MS: "0",
      GUARD_ALERT_TOPIC_ARN: inbox.topicArn,
      ...env,
    },
  });
  return { status: r.status, out: r.status === 0 ? JSON.parse(r.stdout) : null, stderr: r.stderr };
}

const rules = (d: { findings: { rule: string }[] }) => d.findings.map((f) => f.rule);

async function alerts() {
  return (await inbox.drain()).map((a) => JSON.parse(a.Message));
}

describe("notebook instances", () => {
  it("stops a notebook with direct internet access when it reaches InService (SageMaker refuses while Pending), with handle", async () => {
    const { subnetId } = await subnet();
    const arn = await fx.notebook("open-nb", "Enabled", { vpc: [subnetId] });
    const event = sampleFor("CreateNotebookInstance.direct-internet-enabled.json", "open-nb", arn);

    const first = await handle(event);
    await emu.setJobStatus("notebook-instance", "open-nb", "InService");
    const second = await handle(
      stateChange("SageMakerNotebookInstanceStateChange.in-service.json", "open-nb", arn, "InService"),
    );

    expect(first.status).toBe(0);
    expect(first.out).toMatchObject({ verdict: "NON_COMPLIANT", remedy: "busy", alerted: true });
    expect(first.out.rules).toEqual(["direct-internet-access-enabled"]);
    expect(second.out).toMatchObject({ verdict: "NON_COMPLIANT", remedy: "stopped" });
    const nb = await aws.sm.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: "open-nb" }));
    expect(nb.NotebookInstanceStatus).toBe("Stopped");
    const sent = await alerts();
    expect(sent.map((a) => a.action)).toEqual(["none", "stopped"]);
    expect(sent[0].actionDetail).toMatch(/while it is Pending.*InService/);
    expect((await fx.tags(arn))["isolation-guard:rules"]).toBe("direct-internet-access-enabled");
  });

  it("keeps a VPC-only notebook in a private subnet running and tags it compliant (default policy: routes read)", async () => {
    const { subnetId } = await subnet("private");
    const arn = await fx.notebook("private-nb", "Disabled", { vpc: [subnetId] });
    await emu.setJobStatus("notebook-instance", "private-nb", "InService");

    const outcome = await runtime().handle(
      sampleFor("CreateNotebookInstance.vpc-only.json", "private-nb", arn, (p) => {
        p.subnetId = subnetId;
      }),
    );

    expect(outcome.decision.verdict).toBe("COMPLIANT");
    expect(outcome.decision.egress).toEqual([
      expect.objectContaining({ subnet: subnetId, verdict: "no-internet-route" }),
    ]);
    expect(outcome.remedy).toBeNull();
    const nb = await aws.sm.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: "private-nb" }));
    expect(nb.NotebookInstanceStatus).toBe("InService");
    expect((await fx.tags(arn))["isolation-guard:status"]).toBe("COMPLIANT");
  });

  it("stops a VPC-only notebook whose subnet routes 0.0.0.0/0 to an internet gateway", async () => {
    const { subnetId } = await subnet("internet-gateway");
    const arn = await fx.notebook("public-nb", "Disabled", { vpc: [subnetId] });
    await emu.setJobStatus("notebook-instance", "public-nb", "InService");

    const outcome = await runtime().handle(
      sampleFor("CreateNotebookInstance.vpc-only.json", "public-nb", arn, (p) => {
        p.subnetId = subnetId;
      }),
    );

    expect(outcome.decision.verdict).toBe("NON_COMPLIANT");
    expect(rules(outcome.decision)).toEqual(["subnet-routes-to-internet"]);
    expect(outcome.decision.findings[0]?.message).toContain(subnetId);
    expect(outcome.remedy).toBe("stopped");
    const nb = await aws.sm.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: "public-nb" }));
    expect(nb.NotebookInstanceStatus).toBe("Stopped");
    expect((await fx.tags(arn))["isolation-guard:rules"]).toBe("subnet-routes-to-internet");
  });
});

describe("Studio domains and HyperPod clusters: alert and tag, never delete", () => {
  it("reports a domain open to the internet and leaves it in place", async () => {
    const { vpcId, subnetId } = await subnet();
    const arn = await fx.domain("open-studio", undefined, { vpc: [subnetId], vpcId });
    const id = arn.split("/").pop() as string;

    const outcome = await runtime().handle(sampleFor("CreateDomain.public-internet-omitted.json", id, arn));

    expect(outcome.decision).toMatchObject({ verdict: "NON_COMPLIANT", actions: ["tag", "alert"] });
    expect(rules(outcome.decision)).toEqual(["direct-internet-access-enabled"]);
    expect((await aws.sm.send(new DescribeDomainCommand({ DomainId: id }))).Status).toBe("InService");
    expect((await fx.tags(arn))["isolation-guard:status"]).toBe("NON_COMPLIANT");
    expect((await alerts()).map((a) => a.action)).toEqual(["none"]);
  });

  it("decides an update that leaves the access type alone from the domain as it now is: VpcOnly in a private subnet", async () => {
    const { vpcId, subnetId } = await subnet("private");
    const arn = await fx.domain("private-studio", "VpcOnly", { vpc: [subnetId], vpcId });
    const id = arn.split("/").pop() as string;
    await emu.resetCalls();

    const outcome = await runtime().handle(sampleFor("UpdateDomain.user-settings-only.json", id, arn));

    expect(outcome.decision.verdict).toBe("COMPLIANT");
    expect(await emu.calls()).toMatchObject({
      "sagemaker:DescribeDomain": 1,
      "ec2:DescribeSubnets": 1,
      "ec2:DescribeRouteTables": 1,
    });
  });

  it("reports a VpcOnly domain whose subnet routes to a NAT gateway, and leaves it in place", async () => {
    const { vpcId, subnetId } = await subnet("nat-gateway");
    const arn = await fx.domain("nat-studio", "VpcOnly", { vpc: [subnetId], vpcId });
    const id = arn.split("/").pop() as string;

    const outcome = await runtime().handle(
      sampleFor("CreateDomain.vpc-only.json", id, arn, (p) => {
        p.subnetIds = [subnetId];
        p.vpcId = vpcId;
      }),
    );

    expect(outcome.decision).toMatchObject({ verdict: "NON_COMPLIANT", actions: ["tag", "alert"] });
    expect(rules(outcome.decision)).toEqual(["subnet-routes-to-internet"]);
    expect(outcome.decision.findings[0]?.message).toMatch(/nat-/);
    expect((await aws.sm.send(new DescribeDomainCommand({ DomainId: id }))).Status).toBe("InService");
    expect((await alerts()).map((a) => a.action)).toEqual(["none"]);
  });

  it("reports a cluster without a VPC, and decides an update from the cluster's own (private) VPC", async () => {
    const { subnetId } = await subnet("private");
    const open = await fx.cluster("open-hp");
    const inVpc = await fx.cluster("vpc-hp", { vpc: [subnetId] });
    const rt = runtime();

    const created = await rt.handle(sampleFor("CreateCluster.no-vpc.json", "open-hp", open));
    const updated = await rt.handle(
      sampleFor("UpdateCluster.override-vpc.json", "vpc-hp", inVpc, (p) => {
        p.instanceGroups[0].overrideVpcConfig.subnets = [subnetId];
      }),
    );
    const changed = await rt.handle(
      stateChange("SageMakerHyperPodClusterStateChange.in-service.json", "open-hp", open, "InService"),
    );

    expect(created.decision).toMatchObject({ verdict: "NON_COMPLIANT", actions: ["tag", "alert"] });
    expect(rules(created.decision)).toEqual(["vpc-config-missing"]);
    expect(updated.decision.verdict).toBe("COMPLIANT");
    expect(updated.decision.egress).toEqual([
      expect.objectContaining({ subnet: subnetId, verdict: "no-internet-route" }),
    ]);
    expect(changed.decision.verdict).toBe("NON_COMPLIANT");
    expect(changed.alerted).toBe(false); // reported once
    expect((await aws.sm.send(new DescribeClusterCommand({ ClusterName: "open-hp" }))).ClusterArn).toBe(open);
    expect(await alerts()).toHaveLength(1);
  });

  it("reports a cluster in a public subnet as routed to the internet, and leaves it in place", async () => {
    const { subnetId } = await subnet("internet-gateway");
    const arn = await fx.cluster("public-hp", { vpc: [subnetId] });

    const outcome = await runtime().handle(
      sampleFor("CreateCluster.vpc.json", "public-hp", arn, (p) => {
        p.vpcConfig.subnets = [subnetId];
      }),
    );

    expect(outcome.decision).toMatchObject({ verdict: "NON_COMPLIANT", actions: ["tag", "alert"] });
    expect(rules(outcome.decision)).toEqual(["subnet-routes-to-internet"]);
    expect((await aws.sm.send(new DescribeClusterCommand({ ClusterName: "public-hp" }))).ClusterArn).toBe(arn);
    expect((await fx.tags(arn))["isolation-guard:rules"]).toBe("subnet-routes-to-internet");
  });
});

describe("Model Monitor", () => {
  it("stops a schedule whose inline job is not isolated, with handle", async () => {
    const arn = await fx.monitoringSchedule("drift-open", inlineMonitoring());

    const result = await handle(sampleFor("CreateMonitoringSchedule.inline-no-isolation.json", "drift-open", arn));

    expect(result.out).toMatchObject({ verdict: "NON_COMPLIANT", remedy: "stopped", alerted: true });
    const s = await aws.sm.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: "drift-open" }));
    expect(s.MonitoringScheduleStatus).toBe("Stopped");
  });

  it("decides a schedule that names a job definition from that definition", async () => {
    await fx.monitoringDefinition("DataQuality", "dq-open");
    await fx.monitoringDefinition("DataQuality", "dq-closed", { EnableNetworkIsolation: true });
    const openArn = await fx.monitoringSchedule("named-open", namedMonitoring("dq-open"));
    const closedArn = await fx.monitoringSchedule("named-closed", namedMonitoring("dq-closed"));
    const event = (name: string, arn: string, definition: string) =>
      sampleFor("CreateMonitoringSchedule.named-definition.json", name, arn, (p) => {
        p.monitoringScheduleConfig.monitoringJobDefinitionName = definition;
        p.monitoringScheduleConfig.monitoringType = "DataQuality";
      });
    const rt = runtime();

    const open = await rt.handle(event("named-open", openArn, "dq-open"));
    const closed = await rt.handle(event("named-closed", closedArn, "dq-closed"));

    expect(open.decision.verdict).toBe("NON_COMPLIANT");
    expect(open.decision.findings[0]).toMatchObject({ rule: "network-isolation-disabled" });
    expect(open.decision.findings[0]?.message).toContain("data quality job definition dq-open");
    expect(open.remedy).toBe("stopped");
    expect(closed.decision.verdict).toBe("COMPLIANT");
    const s = await aws.sm.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: "named-closed" }));
    expect(s.MonitoringScheduleStatus).toBe("Pending");
  });

  it("stops a schedule from its state change when the CloudTrail event was lost", async () => {
    const arn = await fx.monitoringSchedule("drift-lost", inlineMonitoring({ EnableNetworkIsolation: false }));
    await emu.setJobStatus("monitoring-schedule", "drift-lost", "Scheduled");

    const outcome = await runtime().handle(
      stateChange("SageMakerMonitoringScheduleStateChange.scheduled.json", "drift-lost", arn, "Scheduled"),
    );

    expect(outcome.remedy).toBe("stopped");
  });

  it("deletes a data-quality definition without isolation and keeps an isolated model-bias one", async () => {
    const dq = await fx.monitoringDefinition("DataQuality", "dq-delete-me");
    const bias = await fx.monitoringDefinition("ModelBias", "bias-keep", { EnableNetworkIsolation: true });
    const rt = runtime();

    const deleted = await rt.handle(
      sampleFor("CreateDataQualityJobDefinition.no-network-config.json", "dq-delete-me", dq),
    );
    const kept = await rt.handle(sampleFor("CreateModelBiasJobDefinition.isolated.json", "bias-keep", bias));

    expect(deleted).toMatchObject({ remedy: "deleted", alerted: true });
    await expect(
      aws.sm.send(new DescribeDataQualityJobDefinitionCommand({ JobDefinitionName: "dq-delete-me" })),
    ).rejects.toMatchObject({ name: "ResourceNotFound" });
    expect(kept.decision.verdict).toBe("COMPLIANT");
    expect(
      (await aws.sm.send(new DescribeModelBiasJobDefinitionCommand({ JobDefinitionName: "bias-keep" })))
        .JobDefinitionName,
    ).toBe("bias-keep");
  });
});

describe("AutoML and compilation jobs (SageMaker's own containers)", () => {
  it("leaves an AutoML job without a VPC running under the default policy, with a note", async () => {
    const arn = await fx.automlJob("automl-default");

    const outcome = await runtime().handle(sampleFor("CreateAutoMLJobV2.no-vpc.json", "automl-default", arn));

    expect(outcome.decision.verdict).toBe("COMPLIANT");
    expect(outcome.decision.notes.join(" ")).toMatch(/SageMaker's own containers/);
    expect(
      (await aws.sm.send(new DescribeAutoMLJobV2Command({ AutoMLJobName: "automl-default" }))).AutoMLJobStatus,
    ).toBe("InProgress");
  });

  it("stops AutoML V2 and compilation jobs without a VPC when the policy requires one, with handle", async () => {
    const autoArn = await fx.automlJob("automl-novpc");
    const neoArn = await fx.compilationJob("neo-novpc");
    const env = { GUARD_POLICY_JSON: '{"requireVpc": true}' };

    const auto = await handle(sampleFor("CreateAutoMLJobV2.no-vpc.json", "automl-novpc", autoArn), env);
    const neo = await handle(sampleFor("CreateCompilationJob.no-vpc.json", "neo-novpc", neoArn), env);

    expect(auto.out).toMatchObject({ verdict: "NON_COMPLIANT", remedy: "stopped" });
    expect(neo.out).toMatchObject({ verdict: "NON_COMPLIANT", remedy: "stopped" });
    expect((await aws.sm.send(new DescribeAutoMLJobV2Command({ AutoMLJobName: "automl-novpc" }))).AutoMLJobStatus).toBe(
      "Stopped",
    );
    expect(
      (await aws.sm.send(new DescribeCompilationJobCommand({ CompilationJobName: "neo-novpc" }))).CompilationJobStatus,
    ).toBe("STOPPED");
  });

  it("with requireVpc, keeps an AutoML job in a private subnet and stops one in a public subnet", async () => {
    const privateNet = await subnet("private");
    const publicNet = await subnet("internet-gateway");
    const keptArn = await fx.automlJob("automl-private", { vpc: [privateNet.subnetId] });
    const stoppedArn = await fx.automlJob("automl-public", { vpc: [publicNet.subnetId] });
    const event = (name: string, arn: string, subnetId: string) =>
      sampleFor("CreateAutoMLJobV2.vpc.json", name, arn, (p) => {
        p.securityConfig.vpcConfig.subnets = [subnetId];
      });
    const rt = runtime({ GUARD_POLICY_JSON: '{"requireVpc": true}' });

    const kept = await rt.handle(event("automl-private", keptArn, privateNet.subnetId));
    const stopped = await rt.handle(event("automl-public", stoppedArn, publicNet.subnetId));

    expect(kept.decision.verdict).toBe("COMPLIANT");
    expect(rules(stopped.decision)).toEqual(["subnet-routes-to-internet"]);
    expect(stopped.remedy).toBe("stopped");
    const status = async (name: string) =>
      (await aws.sm.send(new DescribeAutoMLJobV2Command({ AutoMLJobName: name }))).AutoMLJobStatus;
    expect([await status("automl-private"), await status("automl-public")]).toEqual(["InProgress", "Stopped"]);
  });
});

describe("inference recommendations jobs", () => {
  it("stops a job that load-tests a model without isolation, and keeps one whose model is isolated", async () => {
    const { subnetId } = await subnet("private");
    await fx.model("rec-open-model");
    await fx.model("rec-closed-model", { isolated: true });
    const openArn = await fx.recommendationsJob("rec-open", "rec-open-model", { vpc: [subnetId] });
    const closedArn = await fx.recommendationsJob("rec-closed", "rec-closed-model", { vpc: [subnetId] });
    const event = (name: string, arn: string, model: string) =>
      sampleFor("CreateInferenceRecommendationsJob.model-vpc.json", name, arn, (p) => {
        p.inputConfig.modelName = model;
        p.inputConfig.vpcConfig.subnets = [subnetId];
      });
    const rt = runtime();

    const open = await rt.handle(event("rec-open", openArn, "rec-open-model"));
    const closed = await rt.handle(event("rec-closed", closedArn, "rec-closed-model"));

    expect(rules(open.decision)).toEqual(["network-isolation-disabled"]);
    expect(open.decision.findings[0]?.path).toBe("models[rec-open-model].enableNetworkIsolation");
    expect(open.remedy).toBe("stopped");
    expect(closed.decision.verdict).toBe("COMPLIANT");
    const job = await aws.sm.send(new DescribeInferenceRecommendationsJobCommand({ JobName: "rec-closed" }));
    expect(job.Status).toBe("IN_PROGRESS");
  });
});

describe("scan", () => {
  it("lists and decides every new type, one report row each, changing nothing", async () => {
    const { vpcId, subnetId } = await subnet("private");
    const publicNet = await subnet("internet-gateway");
    await fx.notebook("scan-nb", "Enabled", { vpc: [subnetId] });
    await emu.setJobStatus("notebook-instance", "scan-nb", "InService");
    await fx.notebook("scan-nb-public", "Disabled", { vpc: [publicNet.subnetId] });
    await emu.setJobStatus("notebook-instance", "scan-nb-public", "InService");
    await fx.domain("scan-studio", undefined, { vpc: [subnetId], vpcId });
    await fx.domain("scan-studio-private", "VpcOnly", { vpc: [subnetId], vpcId });
    await fx.cluster("scan-hp");
    await fx.monitoringDefinition("DataQuality", "scan-dq");
    await fx.monitoringSchedule("scan-schedule", inlineMonitoring({ EnableNetworkIsolation: true }));
    // Without --include-finished a scan lists what is at work: schedules Scheduled, notebooks InService.
    await emu.setJobStatus("monitoring-schedule", "scan-schedule", "Scheduled");

    const result = await runCli(["scan", "--format", "json"], {
      timeout: 90_000,
      env: { PATH: process.env.PATH, ...emulatorEnv(emu.endpoint), GUARD_SETTLE_MS: "0" },
    });

    expect(result.status).toBe(1);
    const r = JSON.parse(result.stdout) as {
      byType: { type: string; NON_COMPLIANT: number; COMPLIANT: number }[];
      resources: { name: string; verdict: string; findings: { rule: string }[] }[];
    };
    const row = (t: string) => r.byType.find((x) => x.type === t);
    expect(row("notebook-instance")).toMatchObject({ NON_COMPLIANT: 2 });
    expect(row("domain")).toMatchObject({ NON_COMPLIANT: 1, COMPLIANT: 1 });
    expect(row("cluster")).toMatchObject({ NON_COMPLIANT: 1 });
    expect(row("data-quality-job-definition")).toMatchObject({ NON_COMPLIANT: 1 });
    expect(row("monitoring-schedule")).toMatchObject({ COMPLIANT: 1 });
    expect(row("automl-job")).toBeDefined();
    const publicNb = r.resources.find((x) => x.name === "scan-nb-public");
    expect(publicNb?.findings.map((f) => f.rule)).toEqual(["subnet-routes-to-internet"]);
    const nb = await aws.sm.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: "scan-nb-public" }));
    expect(nb.NotebookInstanceStatus).toBe("InService");
  });
});
