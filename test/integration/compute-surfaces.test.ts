import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateAutoMLJobV2Command,
  CreateClusterCommand,
  CreateCompilationJobCommand,
  CreateDataQualityJobDefinitionCommand,
  CreateDomainCommand,
  CreateInferenceRecommendationsJobCommand,
  CreateModelBiasJobDefinitionCommand,
  CreateMonitoringScheduleCommand,
  CreateNotebookInstanceCommand,
  DescribeAutoMLJobV2Command,
  DescribeClusterCommand,
  DescribeCompilationJobCommand,
  DescribeDataQualityJobDefinitionCommand,
  DescribeDomainCommand,
  DescribeInferenceRecommendationsJobCommand,
  DescribeModelBiasJobDefinitionCommand,
  DescribeMonitoringScheduleCommand,
  DescribeNotebookInstanceCommand,
  type MonitoringScheduleConfig,
  type NetworkConfig,
  type SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { guardRuntime } from "../../scripts/guard-runtime.js";
import type { Runtime } from "../../src/wiring/runtime.js";
import { type AlertInbox, type clients, emulatorEnv, type Fixtures } from "../support/aws.js";
import { type Emulator, useEmulator } from "../support/emulator.js";
import { sampleFor, stateChange } from "../support/events.js";

let emu: Emulator;
let fx: Fixtures;
let inbox: AlertInbox;
let aws: ReturnType<typeof clients>;
useEmulator((w) => {
  ({ emu, aws, fx, inbox } = w);
});

const ROLE = "arn:aws:iam::123456789012:role/sagemaker-execution";
const VPC = { Subnets: ["subnet-0a1b2c3d4e5f60001"], SecurityGroupIds: ["sg-0a1b2c3d4e5f60001"] };
const BIN = join(import.meta.dirname, "../../bin/isolation-guard.js");
/*
 * The VPCs these fixtures name are not built in the emulator's EC2, so under the default policy their
 * routes cannot be read and the decision is egress-unverifiable (issue 15, tested with real route tables
 * in egress.test.ts). Where a test is about the type's own settings, it trusts the VPC.
 */
const TRUST_VPC_FILE = join(tmpdir(), `ig-trust-vpc-${process.pid}.json`);
writeFileSync(TRUST_VPC_FILE, JSON.stringify({ vpcEgress: "trust" })); // the runtime reads JSON policies
const TRUST_VPC = { GUARD_POLICY_FILE: TRUST_VPC_FILE };

function runtime(env: Record<string, string> = {}): Runtime {
  return guardRuntime(emu.endpoint, { GUARD_ALERT_TOPIC_ARN: inbox.topicArn, ...env });
}

/** `isolation-guard handle FILE`: the Lambda's code path from the command line, against the emulator. */
function handle(event: unknown, env: Record<string, string> = {}) {
  const file = join(tmpdir(), `ig-event-${Date.now()}-${Math.random()}.json`);
  writeFileSync(file, JSON.stringify(event));
  const r = spawnSync(process.execPath, [BIN, "handle", file], {
    encoding: "utf8",
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

const make = (sm: SageMakerClient) => ({
  notebook: async (name: string, access: "Enabled" | "Disabled") =>
    (
      await sm.send(
        new CreateNotebookInstanceCommand({
          NotebookInstanceName: name,
          InstanceType: "ml.t3.medium",
          RoleArn: ROLE,
          DirectInternetAccess: access,
          SubnetId: VPC.Subnets[0],
          SecurityGroupIds: VPC.SecurityGroupIds,
        }),
      )
    ).NotebookInstanceArn as string,
  domain: async (name: string, access?: "VpcOnly" | "PublicInternetOnly") =>
    (
      await sm.send(
        new CreateDomainCommand({
          DomainName: name,
          AuthMode: "IAM",
          DefaultUserSettings: { ExecutionRole: ROLE },
          SubnetIds: VPC.Subnets,
          VpcId: "vpc-0a1b2c3d4e5f60001",
          AppNetworkAccessType: access,
        }),
      )
    ).DomainArn as string,
  cluster: async (name: string, vpc: boolean) =>
    (
      await sm.send(
        new CreateClusterCommand({
          ClusterName: name,
          VpcConfig: vpc ? VPC : undefined,
          InstanceGroups: [
            {
              InstanceGroupName: "workers",
              InstanceType: "ml.t3.medium",
              InstanceCount: 1,
              ExecutionRole: ROLE,
              LifeCycleConfig: { SourceS3Uri: "s3://sagemaker-lifecycle/scripts/", OnCreate: "on_create.sh" },
            },
          ],
        }),
      )
    ).ClusterArn as string,
  dataQuality: async (name: string, net?: NetworkConfig) =>
    (
      await sm.send(
        new CreateDataQualityJobDefinitionCommand({
          JobDefinitionName: name,
          DataQualityAppSpecification: {
            ImageUri: "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer",
          },
          DataQualityJobInput: { EndpointInput: { EndpointName: "churn", LocalPath: "/opt/ml/processing/input" } },
          DataQualityJobOutputConfig: {
            MonitoringOutputs: [{ S3Output: { S3Uri: "s3://monitoring/out", LocalPath: "/opt/ml/processing/output" } }],
          },
          JobResources: { ClusterConfig: { InstanceCount: 1, InstanceType: "ml.m5.large", VolumeSizeInGB: 10 } },
          RoleArn: ROLE,
          NetworkConfig: net,
        }),
      )
    ).JobDefinitionArn as string,
  schedule: async (name: string, config: MonitoringScheduleConfig) =>
    (
      await sm.send(
        new CreateMonitoringScheduleCommand({ MonitoringScheduleName: name, MonitoringScheduleConfig: config }),
      )
    ).MonitoringScheduleArn as string,
});

const INLINE_DEFINITION = (net?: NetworkConfig): MonitoringScheduleConfig => ({
  ScheduleConfig: { ScheduleExpression: "cron(0 * ? * * *)" },
  MonitoringJobDefinition: {
    MonitoringInputs: [{ EndpointInput: { EndpointName: "churn", LocalPath: "/opt/ml/processing/input" } }],
    MonitoringOutputConfig: {
      MonitoringOutputs: [{ S3Output: { S3Uri: "s3://monitoring/out", LocalPath: "/opt/ml/processing/output" } }],
    },
    MonitoringResources: { ClusterConfig: { InstanceCount: 1, InstanceType: "ml.m5.large", VolumeSizeInGB: 10 } },
    MonitoringAppSpecification: {
      ImageUri: "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer",
    },
    RoleArn: ROLE,
    NetworkConfig: net,
  },
});

async function alerts() {
  return (await inbox.drain()).map((a) => JSON.parse(a.Message));
}

describe("notebook instances", () => {
  it("stops a notebook with direct internet access when it reaches InService (SageMaker refuses while Pending), with handle", async () => {
    const arn = await make(aws.sm).notebook("open-nb", "Enabled");
    const event = sampleFor("CreateNotebookInstance.direct-internet-enabled.json", "open-nb", arn);

    const first = handle(event);
    await emu.setJobStatus("notebook-instance", "open-nb", "InService");
    const second = handle(
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

  it("keeps a VPC-only notebook running and tags it compliant", async () => {
    const arn = await make(aws.sm).notebook("private-nb", "Disabled");
    await emu.setJobStatus("notebook-instance", "private-nb", "InService");

    const outcome = await runtime(TRUST_VPC).handle(
      sampleFor("CreateNotebookInstance.vpc-only.json", "private-nb", arn),
    );

    expect(outcome.decision.verdict).toBe("COMPLIANT");
    expect(outcome.remedy).toBeNull();
    const nb = await aws.sm.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: "private-nb" }));
    expect(nb.NotebookInstanceStatus).toBe("InService");
    expect((await fx.tags(arn))["isolation-guard:status"]).toBe("COMPLIANT");
  });
});

describe("Studio domains and HyperPod clusters: alert and tag, never delete", () => {
  it("reports a domain open to the internet and leaves it in place", async () => {
    const arn = await make(aws.sm).domain("open-studio");
    const id = arn.split("/").pop() as string;

    const outcome = await runtime().handle(sampleFor("CreateDomain.public-internet-omitted.json", id, arn));

    expect(outcome.decision).toMatchObject({ verdict: "NON_COMPLIANT", actions: ["tag", "alert"] });
    expect(outcome.decision.findings.map((f: { rule: string }) => f.rule)).toEqual(["direct-internet-access-enabled"]);
    expect((await aws.sm.send(new DescribeDomainCommand({ DomainId: id }))).Status).toBe("InService");
    expect((await fx.tags(arn))["isolation-guard:status"]).toBe("NON_COMPLIANT");
    expect((await alerts()).map((a) => a.action)).toEqual(["none"]);
  });

  it("decides an update that leaves the access type alone from the domain as it now is", async () => {
    const arn = await make(aws.sm).domain("private-studio", "VpcOnly");
    const id = arn.split("/").pop() as string;

    const outcome = await runtime(TRUST_VPC).handle(sampleFor("UpdateDomain.user-settings-only.json", id, arn));

    expect(outcome.decision.verdict).toBe("COMPLIANT");
    expect(await emu.calls()).toMatchObject({ "sagemaker:DescribeDomain": 1 });
  });

  it("reports a cluster without a VPC, and decides an update from the cluster's own VPC", async () => {
    const open = await make(aws.sm).cluster("open-hp", false);
    const inVpc = await make(aws.sm).cluster("vpc-hp", true);
    const rt = runtime(TRUST_VPC);

    const created = await rt.handle(sampleFor("CreateCluster.no-vpc.json", "open-hp", open));
    const updated = await rt.handle(sampleFor("UpdateCluster.override-vpc.json", "vpc-hp", inVpc));
    const changed = await rt.handle(
      stateChange("SageMakerHyperPodClusterStateChange.in-service.json", "open-hp", open, "InService"),
    );

    expect(created.decision).toMatchObject({ verdict: "NON_COMPLIANT", actions: ["tag", "alert"] });
    expect(created.decision.findings.map((f: { rule: string }) => f.rule)).toEqual(["vpc-config-missing"]);
    expect(updated.decision.verdict).toBe("COMPLIANT");
    expect(changed.decision.verdict).toBe("NON_COMPLIANT");
    expect(changed.alerted).toBe(false); // reported once
    expect((await aws.sm.send(new DescribeClusterCommand({ ClusterName: "open-hp" }))).ClusterArn).toBe(open);
    expect(await alerts()).toHaveLength(1);
  });
});

describe("Model Monitor", () => {
  it("stops a schedule whose inline job is not isolated, with handle", async () => {
    const arn = await make(aws.sm).schedule("drift-open", INLINE_DEFINITION());

    const result = handle(sampleFor("CreateMonitoringSchedule.inline-no-isolation.json", "drift-open", arn));

    expect(result.out).toMatchObject({ verdict: "NON_COMPLIANT", remedy: "stopped", alerted: true });
    const s = await aws.sm.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: "drift-open" }));
    expect(s.MonitoringScheduleStatus).toBe("Stopped");
  });

  it("decides a schedule that names a job definition from that definition", async () => {
    await make(aws.sm).dataQuality("dq-open");
    await make(aws.sm).dataQuality("dq-closed", { EnableNetworkIsolation: true });
    const named = (definition: string): MonitoringScheduleConfig => ({
      ScheduleConfig: { ScheduleExpression: "cron(0 * ? * * *)" },
      MonitoringJobDefinitionName: definition,
      MonitoringType: "DataQuality",
    });
    const openArn = await make(aws.sm).schedule("named-open", named("dq-open"));
    const closedArn = await make(aws.sm).schedule("named-closed", named("dq-closed"));
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
    const arn = await make(aws.sm).schedule("drift-lost", INLINE_DEFINITION({ EnableNetworkIsolation: false }));
    await emu.setJobStatus("monitoring-schedule", "drift-lost", "Scheduled");

    const outcome = await runtime().handle(
      stateChange("SageMakerMonitoringScheduleStateChange.scheduled.json", "drift-lost", arn, "Scheduled"),
    );

    expect(outcome.remedy).toBe("stopped");
  });

  it("deletes a data-quality definition without isolation and keeps an isolated model-bias one", async () => {
    const dq = await make(aws.sm).dataQuality("dq-delete-me");
    const bias = (
      await aws.sm.send(
        new CreateModelBiasJobDefinitionCommand({
          JobDefinitionName: "bias-keep",
          ModelBiasAppSpecification: {
            ImageUri: "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0",
            ConfigUri: "s3://c/a.json",
          },
          ModelBiasJobInput: {
            EndpointInput: { EndpointName: "churn", LocalPath: "/opt/ml/processing/input" },
            GroundTruthS3Input: { S3Uri: "s3://gt" },
          },
          ModelBiasJobOutputConfig: {
            MonitoringOutputs: [{ S3Output: { S3Uri: "s3://monitoring/out", LocalPath: "/opt/ml/processing/output" } }],
          },
          JobResources: { ClusterConfig: { InstanceCount: 1, InstanceType: "ml.m5.large", VolumeSizeInGB: 10 } },
          RoleArn: ROLE,
          NetworkConfig: { EnableNetworkIsolation: true },
        }),
      )
    ).JobDefinitionArn as string;
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
  async function automl(name: string) {
    return (
      await aws.sm.send(
        new CreateAutoMLJobV2Command({
          AutoMLJobName: name,
          RoleArn: ROLE,
          OutputDataConfig: { S3OutputPath: "s3://automl/out" },
          AutoMLJobInputDataConfig: [
            {
              ChannelType: "training",
              DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: "s3://automl/in" } },
            },
          ],
          AutoMLProblemTypeConfig: { TabularJobConfig: { TargetAttributeName: "y" } },
        }),
      )
    ).AutoMLJobArn as string;
  }

  it("leaves an AutoML job without a VPC running under the default policy, with a note", async () => {
    const arn = await automl("automl-default");

    const outcome = await runtime().handle(sampleFor("CreateAutoMLJobV2.no-vpc.json", "automl-default", arn));

    expect(outcome.decision.verdict).toBe("COMPLIANT");
    expect(outcome.decision.notes.join(" ")).toMatch(/SageMaker's own containers/);
    expect(
      (await aws.sm.send(new DescribeAutoMLJobV2Command({ AutoMLJobName: "automl-default" }))).AutoMLJobStatus,
    ).toBe("InProgress");
  });

  it("stops AutoML V2 and compilation jobs without a VPC when the policy requires one, with handle", async () => {
    const autoArn = await automl("automl-novpc");
    const neoArn = (
      await aws.sm.send(
        new CreateCompilationJobCommand({
          CompilationJobName: "neo-novpc",
          RoleArn: ROLE,
          InputConfig: { S3Uri: "s3://models/m.tar.gz", Framework: "PYTORCH", DataInputConfig: "{}" },
          OutputConfig: { S3OutputLocation: "s3://models/compiled", TargetDevice: "ml_c5" },
          StoppingCondition: { MaxRuntimeInSeconds: 900 },
        }),
      )
    ).CompilationJobArn as string;
    const env = { GUARD_POLICY_JSON: '{"requireVpc": true}' };

    const auto = handle(sampleFor("CreateAutoMLJobV2.no-vpc.json", "automl-novpc", autoArn), env);
    const neo = handle(sampleFor("CreateCompilationJob.no-vpc.json", "neo-novpc", neoArn), env);

    expect(auto.out).toMatchObject({ verdict: "NON_COMPLIANT", remedy: "stopped" });
    expect(neo.out).toMatchObject({ verdict: "NON_COMPLIANT", remedy: "stopped" });
    expect((await aws.sm.send(new DescribeAutoMLJobV2Command({ AutoMLJobName: "automl-novpc" }))).AutoMLJobStatus).toBe(
      "Stopped",
    );
    expect(
      (await aws.sm.send(new DescribeCompilationJobCommand({ CompilationJobName: "neo-novpc" }))).CompilationJobStatus,
    ).toBe("STOPPED");
  });
});

describe("inference recommendations jobs", () => {
  async function recommend(name: string, model: string) {
    return (
      await aws.sm.send(
        new CreateInferenceRecommendationsJobCommand({
          JobName: name,
          JobType: "Default",
          RoleArn: ROLE,
          InputConfig: { ModelName: model, VpcConfig: VPC },
        }),
      )
    ).JobArn as string;
  }

  it("stops a job that load-tests a model without isolation, and keeps one whose model is isolated", async () => {
    await fx.model("rec-open-model");
    await fx.model("rec-closed-model", { isolated: true });
    const openArn = await recommend("rec-open", "rec-open-model");
    const closedArn = await recommend("rec-closed", "rec-closed-model");
    const event = (name: string, arn: string, model: string) =>
      sampleFor("CreateInferenceRecommendationsJob.model-vpc.json", name, arn, (p) => {
        p.inputConfig.modelName = model;
      });
    const rt = runtime();

    const open = await rt.handle(event("rec-open", openArn, "rec-open-model"));
    const closed = await rt.handle(event("rec-closed", closedArn, "rec-closed-model"));

    expect(open.decision.findings.map((f: { rule: string }) => f.rule)).toEqual(["network-isolation-disabled"]);
    expect(open.decision.findings[0]?.path).toBe("models[rec-open-model].enableNetworkIsolation");
    expect(open.remedy).toBe("stopped");
    expect(closed.decision.verdict).toBe("COMPLIANT");
    const job = await aws.sm.send(new DescribeInferenceRecommendationsJobCommand({ JobName: "rec-closed" }));
    expect(job.Status).toBe("IN_PROGRESS");
  });
});

describe("scan", () => {
  it("lists and decides every new type, one report row each, changing nothing", async () => {
    const m = make(aws.sm);
    await m.notebook("scan-nb", "Enabled");
    await emu.setJobStatus("notebook-instance", "scan-nb", "InService");
    await m.domain("scan-studio");
    await m.cluster("scan-hp", false);
    await m.dataQuality("scan-dq");
    await m.schedule("scan-schedule", INLINE_DEFINITION({ EnableNetworkIsolation: true }));
    // Without --include-finished a scan lists what is at work: schedules Scheduled, notebooks InService.
    await emu.setJobStatus("monitoring-schedule", "scan-schedule", "Scheduled");

    const result = spawnSync(process.execPath, [BIN, "scan", "--format", "json"], {
      encoding: "utf8",
      input: "",
      timeout: 90_000,
      env: { PATH: process.env.PATH, ...emulatorEnv(emu.endpoint), GUARD_SETTLE_MS: "0" },
    });

    expect(result.status).toBe(1);
    const r = JSON.parse(result.stdout) as { byType: { type: string; NON_COMPLIANT: number; COMPLIANT: number }[] };
    const row = (t: string) => r.byType.find((x) => x.type === t);
    expect(row("notebook-instance")).toMatchObject({ NON_COMPLIANT: 1 });
    expect(row("domain")).toMatchObject({ NON_COMPLIANT: 1 });
    expect(row("cluster")).toMatchObject({ NON_COMPLIANT: 1 });
    expect(row("data-quality-job-definition")).toMatchObject({ NON_COMPLIANT: 1 });
    expect(row("monitoring-schedule")).toMatchObject({ COMPLIANT: 1 });
    expect(row("automl-job")).toBeDefined();
    const nb = await aws.sm.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: "scan-nb" }));
    expect(nb.NotebookInstanceStatus).toBe("InService");
  });
});
