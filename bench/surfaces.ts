/**
 * `npm run bench -- --only=surfaces`: AWS calls per event, by verdict, for each compute surface issue 14
 * added (notebooks, Studio domains, HyperPod clusters, Model Monitor, AutoML, compilation, optimization,
 * inference recommendations), against the emulator, counted by SDK middleware (the record's DynamoDB calls
 * are not counted). Budgets, under verify-first (the resource's own Describe confirms the violation before a
 * remedy): the remedy is the second SageMaker call (the third when a job definition or model is described
 * too); a compliant resource costs its Describe and its tag call.
 */
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
  CreateOptimizationJobCommand,
  type NetworkConfig,
} from "@aws-sdk/client-sagemaker";
import { startEmulator } from "../scripts/emulator.js";
import { guardRuntime } from "../scripts/guard-runtime.js";
import { AlertInbox, clients, countCalls, Fixtures } from "../scripts/local-aws.js";
import { sampleFor, stateChange } from "../scripts/sample-events.js";
import type { Row } from "./sweep.js";

const ROLE = "arn:aws:iam::123456789012:role/sagemaker-execution";
const VPC = { Subnets: ["subnet-0a1b2c3d4e5f60001"], SecurityGroupIds: ["sg-0a1b2c3d4e5f60001"] };
const MONITOR = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer";
const IO = {
  input: { EndpointInput: { EndpointName: "churn", LocalPath: "/opt/ml/processing/input" } },
  output: {
    MonitoringOutputs: [{ S3Output: { S3Uri: "s3://monitoring/out", LocalPath: "/opt/ml/processing/output" } }],
  },
  resources: { ClusterConfig: { InstanceCount: 1, InstanceType: "ml.m5.large" as const, VolumeSizeInGB: 10 } },
};

interface Case {
  figure: string;
  verdict: string;
  calls: string[];
  remedy?: string;
  budget: string;
  ok: boolean;
}

export async function benchSurfaces(): Promise<{ rows: Row[]; results: Record<string, unknown> }> {
  const emu = await startEmulator();
  try {
    const aws = clients(emu.endpoint, 3);
    const fx = new Fixtures(aws.sm);
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create();
    const calls: string[] = [];
    countCalls([aws.sm, aws.sns], calls);
    const runtime = (policy: Record<string, unknown> = {}) =>
      guardRuntime(
        emu.endpoint,
        { GUARD_ALERT_TOPIC_ARN: inbox.topicArn, GUARD_POLICY_JSON: JSON.stringify(policy) },
        // The counted clients: their calls are the figures.
        { clients: { sagemaker: aws.sm, sns: aws.sns } },
      );
    const rt = runtime();
    const strict = runtime({ requireVpc: true });
    const sm = aws.sm;
    const dq = async (name: string, net?: NetworkConfig) =>
      (
        await sm.send(
          new CreateDataQualityJobDefinitionCommand({
            JobDefinitionName: name,
            DataQualityAppSpecification: { ImageUri: MONITOR },
            DataQualityJobInput: IO.input,
            DataQualityJobOutputConfig: IO.output,
            JobResources: IO.resources,
            RoleArn: ROLE,
            NetworkConfig: net,
          }),
        )
      ).JobDefinitionArn as string;
    const notebook = async (name: string, access: "Enabled" | "Disabled") => {
      const arn = (
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
      ).NotebookInstanceArn as string;
      await emu.setJobStatus("notebook-instance", name, "InService");
      return arn;
    };
    const schedule = async (name: string, config: Record<string, unknown>) =>
      (
        await sm.send(
          new CreateMonitoringScheduleCommand({ MonitoringScheduleName: name, MonitoringScheduleConfig: config }),
        )
      ).MonitoringScheduleArn as string;
    const inline = (net?: NetworkConfig) => ({
      ScheduleConfig: { ScheduleExpression: "cron(0 * ? * * *)" },
      MonitoringJobDefinition: {
        MonitoringInputs: [IO.input],
        MonitoringOutputConfig: IO.output,
        MonitoringResources: IO.resources,
        MonitoringAppSpecification: { ImageUri: MONITOR },
        RoleArn: ROLE,
        NetworkConfig: net,
      },
    });
    const automl = async (name: string) =>
      (
        await sm.send(
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
    const domain = async (name: string, access?: "VpcOnly") =>
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
      ).DomainArn as string;
    const cluster = async (name: string, vpc: boolean) =>
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
      ).ClusterArn as string;
    const idOf = (arn: string) => arn.split("/").pop() as string;

    await dq("bench-dq-named-open");
    const specs: {
      figure: string;
      runtime: typeof rt;
      event: () => Promise<unknown>;
      remedy?: string;
      first?: number;
    }[] = [
      {
        figure: "notebook, direct internet access (InService)",
        runtime: rt,
        event: async () =>
          sampleFor(
            "CreateNotebookInstance.direct-internet-enabled.json",
            "bench-nb-open",
            await notebook("bench-nb-open", "Enabled"),
          ),
        remedy: "StopNotebookInstance",
      },
      {
        figure: "notebook, VPC only",
        runtime: rt,
        event: async () =>
          sampleFor("CreateNotebookInstance.vpc-only.json", "bench-nb-ok", await notebook("bench-nb-ok", "Disabled")),
      },
      {
        figure: "notebook InService state change (CloudTrail event lost)",
        runtime: rt,
        event: async () => {
          const arn = await notebook("bench-nb-lost", "Enabled");
          return stateChange("SageMakerNotebookInstanceStateChange.in-service.json", "bench-nb-lost", arn, "InService");
        },
        remedy: "StopNotebookInstance",
        first: 2,
      },
      {
        figure: "Studio domain, PublicInternetOnly (alert, no remedy)",
        runtime: rt,
        event: async () => {
          const arn = await domain("bench-studio-open");
          return sampleFor("CreateDomain.public-internet-omitted.json", idOf(arn), arn);
        },
      },
      {
        figure: "Studio domain, VpcOnly",
        runtime: rt,
        event: async () => {
          const arn = await domain("bench-studio-ok", "VpcOnly");
          return sampleFor("CreateDomain.vpc-only.json", idOf(arn), arn);
        },
      },
      {
        figure: "HyperPod cluster without VPC (alert, no remedy)",
        runtime: rt,
        event: async () =>
          sampleFor("CreateCluster.no-vpc.json", "bench-hp-open", await cluster("bench-hp-open", false)),
      },
      {
        figure: "HyperPod cluster in a VPC",
        runtime: rt,
        event: async () => sampleFor("CreateCluster.vpc.json", "bench-hp-ok", await cluster("bench-hp-ok", true)),
      },
      {
        figure: "monitoring schedule, inline job not isolated",
        runtime: rt,
        event: async () =>
          sampleFor(
            "CreateMonitoringSchedule.inline-no-isolation.json",
            "bench-ms-open",
            await schedule("bench-ms-open", inline()),
          ),
        remedy: "StopMonitoringSchedule",
      },
      {
        figure: "monitoring schedule naming a job definition without isolation",
        runtime: rt,
        event: async () => {
          const arn = await schedule("bench-ms-named", {
            ScheduleConfig: { ScheduleExpression: "cron(0 * ? * * *)" },
            MonitoringJobDefinitionName: "bench-dq-named-open",
            MonitoringType: "DataQuality",
          });
          return sampleFor("CreateMonitoringSchedule.named-definition.json", "bench-ms-named", arn, (p) => {
            p.monitoringScheduleConfig.monitoringJobDefinitionName = "bench-dq-named-open";
            p.monitoringScheduleConfig.monitoringType = "DataQuality";
          });
        },
        remedy: "StopMonitoringSchedule",
        first: 3,
      },
      {
        figure: "data-quality job definition without isolation",
        runtime: rt,
        event: async () =>
          sampleFor(
            "CreateDataQualityJobDefinition.no-network-config.json",
            "bench-dq-open",
            await dq("bench-dq-open"),
          ),
        remedy: "DeleteDataQualityJobDefinition",
      },
      {
        figure: "model-bias job definition, isolated",
        runtime: rt,
        event: async () => {
          const arn = (
            await sm.send(
              new CreateModelBiasJobDefinitionCommand({
                JobDefinitionName: "bench-bias-ok",
                ModelBiasAppSpecification: { ImageUri: MONITOR, ConfigUri: "s3://c/a.json" },
                ModelBiasJobInput: { ...IO.input, GroundTruthS3Input: { S3Uri: "s3://gt" } },
                ModelBiasJobOutputConfig: IO.output,
                JobResources: IO.resources,
                RoleArn: ROLE,
                NetworkConfig: { EnableNetworkIsolation: true },
              }),
            )
          ).JobDefinitionArn as string;
          return sampleFor("CreateModelBiasJobDefinition.isolated.json", "bench-bias-ok", arn);
        },
      },
      {
        figure: "AutoML V2 without VPC, default policy",
        runtime: rt,
        event: async () => sampleFor("CreateAutoMLJobV2.no-vpc.json", "bench-aml-ok", await automl("bench-aml-ok")),
      },
      {
        figure: "AutoML V2 without VPC, requireVpc",
        runtime: strict,
        event: async () => sampleFor("CreateAutoMLJobV2.no-vpc.json", "bench-aml-open", await automl("bench-aml-open")),
        remedy: "StopAutoMLJob",
      },
      {
        figure: "compilation job without VPC, requireVpc",
        runtime: strict,
        event: async () => {
          const arn = (
            await sm.send(
              new CreateCompilationJobCommand({
                CompilationJobName: "bench-neo",
                RoleArn: ROLE,
                InputConfig: { S3Uri: "s3://m/m.tar.gz", Framework: "PYTORCH", DataInputConfig: "{}" },
                OutputConfig: { S3OutputLocation: "s3://m/out", TargetDevice: "ml_c5" },
                StoppingCondition: { MaxRuntimeInSeconds: 900 },
              }),
            )
          ).CompilationJobArn as string;
          return sampleFor("CreateCompilationJob.no-vpc.json", "bench-neo", arn);
        },
        remedy: "StopCompilationJob",
      },
      {
        figure: "optimization job without VPC, default policy",
        runtime: rt,
        event: async () => {
          const arn = (
            await sm.send(
              new CreateOptimizationJobCommand({
                OptimizationJobName: "bench-opt",
                RoleArn: ROLE,
                ModelSource: { S3: { S3Uri: "s3://m/llm/" } },
                DeploymentInstanceType: "ml.g5.xlarge",
                OptimizationConfigs: [{ ModelQuantizationConfig: { Image: "x" } }],
                OutputConfig: { S3OutputLocation: "s3://m/out" },
                StoppingCondition: { MaxRuntimeInSeconds: 900 },
              }),
            )
          ).OptimizationJobArn as string;
          return sampleFor("CreateOptimizationJob.no-vpc.json", "bench-opt", arn);
        },
      },
      {
        figure: "inference recommendations job, model without isolation",
        runtime: rt,
        event: async () => {
          await fx.model("bench-rec-model");
          const arn = (
            await sm.send(
              new CreateInferenceRecommendationsJobCommand({
                JobName: "bench-rec",
                JobType: "Default",
                RoleArn: ROLE,
                InputConfig: { ModelName: "bench-rec-model", VpcConfig: VPC },
              }),
            )
          ).JobArn as string;
          return sampleFor("CreateInferenceRecommendationsJob.model-vpc.json", "bench-rec", arn, (p) => {
            p.inputConfig.modelName = "bench-rec-model";
          });
        },
        remedy: "StopInferenceRecommendationsJob",
        first: 3,
      },
    ];

    const cases: Case[] = [];
    for (const spec of specs) {
      const event = await spec.event();
      calls.length = 0;
      const outcome = await spec.runtime.handle(event);
      const made = calls.map((c) => c.replace(/Command$/, ""));
      const verdict = outcome.decision.verdict;
      const at = spec.remedy ? made.indexOf(spec.remedy) + 1 : 0;
      const first = spec.first ?? 2;
      const ok = spec.remedy
        ? at === first && made.length <= first + 2
        : verdict === "NON_COMPLIANT"
          ? made.length <= 3 && !made.some((c) => /^(Stop|Delete)/.test(c))
          : made.length <= 2;
      cases.push({
        figure: spec.figure,
        verdict,
        calls: made,
        remedy: spec.remedy,
        budget: spec.remedy ? `${first} / <= ${first + 2}` : verdict === "NON_COMPLIANT" ? "<= 3, no remedy" : "<= 2",
        ok,
      });
    }
    const rows: Row[] = cases.map((c) => ({
      figure: `AWS calls, ${c.figure} [${c.verdict}]`,
      value: `${c.remedy ? `${c.calls.indexOf(c.remedy) + 1} / ` : ""}${c.calls.length} (${c.calls.join(", ") || "none"})`,
      baseline: "-",
      ratio: "-",
      budget: c.budget,
      ok: c.ok,
    }));
    return {
      rows,
      results: {
        callsBySurface: Object.fromEntries(cases.map((c) => [c.figure, { verdict: c.verdict, calls: c.calls }])),
      },
    };
  } finally {
    await emu.stop();
  }
}
