import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { readServerlessYml } from "../../../scripts/serverless-yml.js";
import { LIST_IAM_ACTIONS } from "../../../src/adapters/sagemaker-list.js";
import { createSweepRuntime } from "../../../src/sweep/runtime.js";

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
    const arn = (t: string) => `arn:aws:sagemaker:us-east-1:123456789012:${t}/x`;
    sm.onAnyCommand().callsFake(() => ({
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
      InferenceRecommendationsJobs: [{ JobName: "x", JobArn: arn("inference-recommendations-job") }],
      JobName: "x",
      Status: "IN_PROGRESS",
      InputConfig: { ModelName: "x" },
      ClusterSummaries: [{ ClusterName: "x", ClusterArn: arn("cluster") }],
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
    // requireVpc too: AutoML, compilation and optimization jobs are stopped only under it.
    for (const [mode, policy] of [
      ["enforce", "{}"],
      ["audit", "{}"],
      ["enforce", '{"requireVpc": true}'],
    ] as const) {
      const rt = createSweepRuntime({
        log: { info() {}, warn() {}, error() {} },
        env: {
          AWS_REGION: "us-east-1",
          GUARD_ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:alerts",
          GUARD_MODE: mode,
          GUARD_SETTLE_MS: "0",
          GUARD_POLICY_JSON: policy,
        },
        sagemaker: new SageMakerClient({ region: "us-east-1" }),
        sns: new SNSClient({ region: "us-east-1" }),
      });
      await rt.sweep().catch(() => undefined);
    }
    const made = new Set([
      ...sm.calls().map((c) => `sagemaker:${c.args[0].constructor.name.replace(/Command$/, "")}`),
      ...sns.calls().map((c) => `sns:${c.args[0].constructor.name.replace(/Command$/, "")}`),
    ]);
    sm.restore();
    sns.restore();
    const granted = new Set(statements.flatMap(actions));

    expect([...made].filter((a) => !granted.has(a))).toEqual([]);
    expect(made).toContain("sagemaker:StopTrainingJob");
    expect(made).toContain("sagemaker:DeleteEndpoint");
    expect(made).toContain("sagemaker:DeleteInferenceComponent");
    expect(made).toContain("sagemaker:StopNotebookInstance");
    expect(made).toContain("sagemaker:DeleteModelExplainabilityJobDefinition");
    expect(made).toContain("sagemaker:ListClusters");
    for (const s of statements) {
      const listing = actions(s).filter((a) => LIST_IAM_ACTIONS.includes(a));
      if (listing.length) expect([listing, s.Resource]).toEqual([[...LIST_IAM_ACTIONS], "*"]);
      else expect(s.Resource).not.toBe("*");
    }
    expect([...granted].filter((a) => a.startsWith("sagemaker:") && !made.has(a))).toEqual([]);
  });

  it("runs on the sweepRate schedule, passed to the function too", () => {
    const param = ["$", "{param:sweepRate}"].join(""); // serverless.yml syntax, not a template literal
    expect(sls.functions.sweep.events[0].schedule.rate).toBe(param);
    expect(sls.functions.sweep.environment.GUARD_SWEEP_RATE).toBe(param);
    expect(sls.params.default.sweepRate).toBe("rate(15 minutes)");
  });
});
