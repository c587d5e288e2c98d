import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { readServerlessYml } from "../../../scripts/serverless-yml.js";
import { EC2_IAM_ACTIONS } from "../../../src/adapters/ec2.js";
import { LIST_IAM_ACTIONS } from "../../../src/adapters/sagemaker-list.js";
import { loadSweepConfig } from "../../../src/app/config-sweep.js";
import { createSweepRuntime } from "../../../src/wiring/sweep-runtime.js";
import { natRoutes } from "../../support/mocked-runtime.js";

const sls = readServerlessYml();
type Statement = { Action: string | string[]; Resource: unknown };
const statements: Statement[] = sls.resources.Resources[sls.functions.sweep.role].Properties.Policies.flatMap(
  (p: { PolicyDocument: { Statement: Statement[] } }) => p.PolicyDocument.Statement,
);
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe("the sweep's least-privilege role", () => {
  it("grants every call a sweep makes, in enforce and audit mode, and the List actions on * only", async () => {
    const sm = mockClient(SageMakerClient);
    const sns = mockClient(SNSClient);
    const ec2 = mockClient(EC2Client);
    ec2.onAnyCommand().callsFake(natRoutes);
    const arn = (t: string) => `arn:aws:sagemaker:us-east-1:123456789012:${t}/x`;
    sm.onAnyCommand().callsFake((input: Record<string, unknown>) => ({
      TrainingJobSummaries: [{ TrainingJobName: "x", TrainingJobArn: arn("training-job") }],
      HyperParameterTuningJobSummaries: [
        { HyperParameterTuningJobName: "x", HyperParameterTuningJobArn: arn("hyper-parameter-tuning-job") },
      ],
      ProcessingJobSummaries: [{ ProcessingJobName: "x", ProcessingJobArn: arn("processing-job") }],
      TransformJobSummaries: [{ TransformJobName: "x", TransformJobArn: arn("transform-job") }],
      Models: [{ ModelName: "x", ModelArn: arn("model") }],
      EndpointConfigs: [{ EndpointConfigName: "x", EndpointConfigArn: arn("endpoint-config") }],
      Endpoints: [{ EndpointName: "x", EndpointArn: arn("endpoint") }],
      InferenceComponents: [{ InferenceComponentName: "x", InferenceComponentArn: arn("inference-component") }],
      NotebookInstances: [{ NotebookInstanceName: "x", NotebookInstanceArn: arn("notebook-instance") }],
      MonitoringScheduleSummaries: [{ MonitoringScheduleName: "x", MonitoringScheduleArn: arn("monitoring-schedule") }],
      AutoMLJobSummaries: [{ AutoMLJobName: "x", AutoMLJobArn: arn("automl-job") }],
      CompilationJobSummaries: [{ CompilationJobName: "x", CompilationJobArn: arn("compilation-job") }],
      OptimizationJobSummaries: [{ OptimizationJobName: "x", OptimizationJobArn: arn("optimization-job") }],
      // The four job-definition List calls share this member; each lister keeps the summaries whose ARN is its type's.
      JobDefinitionSummaries: [
        "data-quality-job-definition",
        "model-quality-job-definition",
        "model-bias-job-definition",
        "model-explainability-job-definition",
      ].map((t) => ({ MonitoringJobDefinitionName: "x", MonitoringJobDefinitionArn: arn(t) })),
      Domains: [{ DomainId: "x", DomainArn: arn("domain") }],
      InferenceRecommendationsJobs: [
        { JobName: "x", JobArn: arn("inference-recommendations-job") },
        { JobName: "pkg", JobArn: arn("inference-recommendations-job").replace(/x$/, "pkg") },
      ],
      JobName: input.JobName ?? "x",
      Status: "IN_PROGRESS",
      // Job "pkg" load-tests a model package version: the sweep describes the package.
      InputConfig:
        input.JobName === "pkg"
          ? { ModelPackageVersionArn: "arn:aws:sagemaker:us-east-1:123456789012:model-package/p/1" }
          : { ModelName: "x" },
      InferenceSpecification: { Containers: [{ Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/own:1" }] },
      ClusterSummaries: [{ ClusterName: "x", ClusterArn: arn("cluster") }],
      LabelingJobSummaryList: [{ LabelingJobName: "x", LabelingJobArn: arn("labeling-job") }],
      LabelingJobName: "x",
      LabelingJobStatus: "InProgress",
      // Automated data labeling without a VPC: stopped under requireVpc.
      LabelingJobAlgorithmsConfig: {
        LabelingJobAlgorithmSpecificationArn:
          "arn:aws:sagemaker:us-east-1:027400017018:labeling-job-algorithm-specification/image-classification",
      },
      NotebookInstanceName: "x",
      NotebookInstanceStatus: "InService",
      MonitoringScheduleName: "x",
      MonitoringScheduleStatus: "Scheduled",
      MonitoringScheduleConfig: { MonitoringJobDefinitionName: "x", MonitoringType: "DataQuality" },
      JobDefinitionName: "x",
      AutoMLJobName: "x",
      AutoMLJobStatus: "InProgress",
      CompilationJobName: "x",
      CompilationJobStatus: "INPROGRESS",
      OptimizationJobName: "x",
      OptimizationJobStatus: "INPROGRESS",
      DomainId: "x",
      ClusterName: "x",
      ClusterStatus: "InService",
      InferenceComponentName: "x",
      Specification: { ModelName: "x" },
      Tags: [],
      EnableNetworkIsolation: false,
      // The training job runs a PyTorch image in a VPC: only its routes decide.
      VpcConfig: { Subnets: ["subnet-0a1"], SecurityGroupIds: ["sg-0a1"] },
      AlgorithmSpecification: { TrainingImage: "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0" },
      TrainingJobDefinition: { EnableNetworkIsolation: false },
      ModelName: "x",
      EndpointConfigName: "x",
      ProductionVariants: [{ ModelName: "x" }],
      TrainingJobName: "x",
      HyperParameterTuningJobName: "x",
      ProcessingJobName: "x",
      TransformJobName: "x",
      EndpointName: "x",
      TrainingJobStatus: "InProgress",
      HyperParameterTuningJobStatus: "InProgress",
      ProcessingJobStatus: "InProgress",
      TransformJobStatus: "InProgress",
    }));
    sns.onAnyCommand().resolves({ MessageId: "1" });
    const ddb = mockClient(DynamoDBClient);
    ddb.onAnyCommand().resolves({});
    const ct = mockClient(CloudTrailClient);
    ct.onAnyCommand().resolves({ Events: [] });
    const principalExemption = JSON.stringify({
      exemptions: [{ principal: "arn:aws:iam::123456789012:role/Exempt", reason: "r", expires: "2099-01-01" }],
    });
    // requireVpc too: AutoML, compilation and optimization jobs are stopped only under it.
    for (const policy of [undefined, principalExemption, JSON.stringify({ requireVpc: true })]) {
      for (const mode of ["enforce", "audit"]) {
        const rt = createSweepRuntime({
          log: { info() {}, warn() {}, error() {} },
          config: loadSweepConfig({
            AWS_REGION: "us-east-1",
            GUARD_ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:alerts",
            GUARD_MODE: mode,
            GUARD_POLICY_JSON: policy,
          }),
          clients: {
            sagemaker: new SageMakerClient({ region: "us-east-1" }),
            sns: new SNSClient({ region: "us-east-1" }),
            dynamodb: new DynamoDBClient({ region: "us-east-1" }),
            cloudtrail: new CloudTrailClient({ region: "us-east-1" }),
            ec2: new EC2Client({ region: "us-east-1" }),
          },
        });
        await rt.sweep().catch(() => undefined);
      }
    }
    const name = (c: { args: unknown[] }) => (c.args[0] as object).constructor.name.replace(/Command$/, "");
    const made = new Set([
      ...sm.calls().map((c) => `sagemaker:${name(c)}`),
      ...sns.calls().map((c) => `sns:${name(c)}`),
      ...ec2.calls().map((c) => `ec2:${name(c)}`),
      ...ddb.calls().map((c) => `dynamodb:${name(c)}`),
      ...ct.calls().map((c) => `cloudtrail:${name(c)}`),
    ]);
    for (const m of [sm, sns, ec2, ddb, ct]) m.restore();
    const granted = new Set(statements.flatMap(actions));

    expect([...made].filter((a) => !granted.has(a))).toEqual([]);
    expect(made).toContain("sagemaker:StopTrainingJob");
    expect(made).toContain("sagemaker:DeleteEndpoint");
    expect(made).toContain("sagemaker:DeleteInferenceComponent");
    expect(made).toContain("sagemaker:StopNotebookInstance");
    expect(made).toContain("sagemaker:DeleteModelExplainabilityJobDefinition");
    expect(made).toContain("sagemaker:ListClusters");
    expect(made).toContain("sagemaker:ListLabelingJobs");
    expect(made).toContain("sagemaker:StopLabelingJob");
    expect(made).toContain("sagemaker:DescribeModelPackage");
    expect(made).toContain("dynamodb:BatchGetItem");
    expect(made).toContain("cloudtrail:LookupEvents");
    for (const s of statements) {
      const listing = actions(s).filter((a) => LIST_IAM_ACTIONS.includes(a));
      const describing = actions(s).filter((a) => a.startsWith("ec2:"));
      if (listing.length) expect([listing, s.Resource]).toEqual([[...LIST_IAM_ACTIONS], "*"]);
      else if (describing.length) expect([describing.sort(), s.Resource]).toEqual([[...EC2_IAM_ACTIONS].sort(), "*"]);
      else if (!actions(s).every((a) => a === "cloudtrail:LookupEvents")) expect(s.Resource).not.toBe("*");
    }
    expect([...made].filter((a) => a.startsWith("ec2:")).sort()).toEqual([...EC2_IAM_ACTIONS].sort());
    expect([...granted].filter((a) => a.startsWith("sagemaker:") && !made.has(a))).toEqual([]);
  });

  it("runs on the sweepRate schedule, passed to the function too", () => {
    const param = ["$", "{param:sweepRate}"].join(""); // serverless.yml syntax, not a template literal
    expect(sls.functions.sweep.events[0].schedule.rate).toBe(param);
    expect(sls.functions.sweep.environment.GUARD_SWEEP_RATE).toBe(param);
    expect(sls.params.default.sweepRate).toBe("rate(15 minutes)");
  });
});
