import { readdirSync } from "node:fs";
import { EC2Client } from "@aws-sdk/client-ec2";
import * as SageMaker from "@aws-sdk/client-sagemaker";
import { SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { enforceResource } from "../../../src/app/enforce.js";
import { RESOURCE_TYPE_NAMES } from "../../../src/core/resource-types.js";
import type { Decision, ResourceType } from "../../../src/core/types.js";
import { EVENTS_DIR, sample } from "../../support/events.js";
import { mockedRuntime, natRoutes } from "../../support/mocked-runtime.js";

/*
 * The enforcement path never ends undecided: after its lookup every resource is COMPLIANT,
 * NON_COMPLIANT, EXEMPT, or IGNORED with a reason. Walks every sample event, and every resource type
 * as the sweep finds it, through the real handler code over SageMaker answers shaped like AWS's.
 */
const sm = mockClient(SageMaker.SageMakerClient);
const sns = mockClient(SNSClient);
// Framework images in a VPC are decided by their subnets' routes (src/app/egress.ts).
const ec2 = mockClient(EC2Client);
const ARN = "arn:aws:sagemaker:us-east-1:123456789012:";
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1";

/** Describe outputs of every type, with isolation on or off, and endpoints hosting models or components. */
function world(isolated: boolean, components: boolean) {
  const vpc = { Subnets: ["subnet-0a1b2c3d4e5f60001"], SecurityGroupIds: ["sg-0a1b2c3d4e5f60001"] };
  const own = { EnableNetworkIsolation: isolated, VpcConfig: vpc };
  const named = (type: string, key: string, name: string) => ({
    [`${key}Name`]: name,
    [`${key}Arn`]: `${ARN}${type}/${name}`,
  });
  return {
    DescribeTrainingJob: (n: string) => ({
      ...named("training-job", "TrainingJob", n),
      ...own,
      AlgorithmSpecification: { TrainingImage: IMAGE },
      TrainingJobStatus: "InProgress",
    }),
    DescribeHyperParameterTuningJob: (n: string) => ({
      ...named("hyper-parameter-tuning-job", "HyperParameterTuningJob", n),
      TrainingJobDefinition: { ...own, AlgorithmSpecification: { TrainingImage: IMAGE } },
      HyperParameterTuningJobStatus: "InProgress",
    }),
    DescribeProcessingJob: (n: string) => ({
      ...named("processing-job", "ProcessingJob", n),
      NetworkConfig: own,
      AppSpecification: { ImageUri: IMAGE },
      ProcessingJobStatus: "InProgress",
    }),
    DescribeTransformJob: (n: string) => ({
      ...named("transform-job", "TransformJob", n),
      ModelName: "m",
      TransformJobStatus: "InProgress",
    }),
    DescribeModel: (n: string) => ({ ...named("model", "Model", n), ...own, PrimaryContainer: { Image: IMAGE } }),
    DescribeEndpointConfig: (n: string) => ({
      ...named("endpoint-config", "EndpointConfig", n),
      ProductionVariants: [components ? { VariantName: "v" } : { VariantName: "v", ModelName: "m" }],
      ...(components ? own : {}),
    }),
    DescribeEndpoint: (n: string) => ({
      ...named("endpoint", "Endpoint", n),
      EndpointConfigName: "c",
      EndpointStatus: "InService",
    }),
    DescribeInferenceComponent: (n: string) => ({
      ...named("inference-component", "InferenceComponent", n),
      EndpointName: "e",
      Specification: components ? { Container: { DeployedImage: { SpecifiedImage: IMAGE } } } : { ModelName: "m" },
      InferenceComponentStatus: "InService",
    }),
    DescribeNotebookInstance: (n: string) => ({
      ...named("notebook-instance", "NotebookInstance", n),
      DirectInternetAccess: isolated ? "Disabled" : "Enabled",
      SubnetId: vpc.Subnets[0],
      SecurityGroups: vpc.SecurityGroupIds,
      NotebookInstanceStatus: "InService",
    }),
    DescribeMonitoringSchedule: (n: string) => ({
      ...named("monitoring-schedule", "MonitoringSchedule", n),
      MonitoringScheduleConfig: {
        MonitoringJobDefinition: { NetworkConfig: own, MonitoringAppSpecification: { ImageUri: IMAGE } },
      },
      MonitoringScheduleStatus: "Scheduled",
    }),
    ...Object.fromEntries(
      ["DataQuality", "ModelQuality", "ModelBias", "ModelExplainability"].map((k) => [
        `Describe${k}JobDefinition`,
        (n: string) => ({
          ...named(`${k.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase()}-job-definition`, "JobDefinition", n),
          NetworkConfig: own,
          [`${k}AppSpecification`]: { ImageUri: IMAGE },
        }),
      ]),
    ),
    DescribeAutoMLJobV2: (n: string) => ({
      ...named("automl-job", "AutoMLJob", n),
      SecurityConfig: { VpcConfig: vpc },
      AutoMLJobStatus: "InProgress",
    }),
    DescribeCompilationJob: (n: string) => ({
      ...named("compilation-job", "CompilationJob", n),
      VpcConfig: vpc,
      CompilationJobStatus: "INPROGRESS",
    }),
    DescribeOptimizationJob: (n: string) => ({
      ...named("optimization-job", "OptimizationJob", n),
      OptimizationJobStatus: "INPROGRESS",
    }),
    // The sample job named for a model package (churn-package-right-size) deploys one: DescribeModelPackage.
    DescribeInferenceRecommendationsJob: (n: string) => ({
      ...named("inference-recommendations-job", "Job", n),
      InputConfig: n.includes("package")
        ? {
            ModelPackageVersionArn: isolated
              ? "arn:aws:sagemaker:us-east-1:865070037744:model-package/vendor-churn/1"
              : `${ARN}model-package/churn-xgb/3`,
            VpcConfig: vpc,
          }
        : { ModelName: "m", VpcConfig: vpc },
      Status: "IN_PROGRESS",
    }),
    // Isolated world: an AWS Marketplace package (the seller's account, a ProductId); otherwise the user's own image.
    DescribeModelPackage: (n: string) => ({
      ModelPackageArn: n,
      ModelPackageName: "churn-xgb",
      ModelPackageStatus: "Completed",
      InferenceSpecification: {
        Containers: [
          isolated
            ? { Image: "382416733822.dkr.ecr.us-east-1.amazonaws.com/vendor:1", ProductId: "prod-abc" }
            : { Image: IMAGE },
        ],
      },
    }),
    DescribeLabelingJob: (n: string) => ({
      ...named("labeling-job", "LabelingJob", n),
      LabelingJobAlgorithmsConfig: {
        LabelingJobAlgorithmSpecificationArn: `${ARN.replace("123456789012", "027400017018")}labeling-job-algorithm-specification/image-classification`,
        ...(isolated ? { LabelingJobResourceConfig: { VpcConfig: vpc } } : {}),
      },
      LabelingJobStatus: "InProgress",
    }),
    DescribeDomain: (n: string) => ({
      ...named("domain", "Domain", n),
      DomainId: n,
      AppNetworkAccessType: isolated ? "VpcOnly" : "PublicInternetOnly",
      SubnetIds: vpc.Subnets,
      Status: "InService",
    }),
    DescribeCluster: (n: string) => ({
      ...named("cluster", "Cluster", n),
      ...(isolated ? { VpcConfig: vpc } : {}),
      InstanceGroups: [{ InstanceGroupName: "workers" }],
      ClusterStatus: "InService",
    }),
  };
}

function answer(isolated: boolean, components: boolean) {
  const describe = world(isolated, components) as Record<string, (n: string) => unknown>;
  sm.reset();
  sm.onAnyCommand().callsFake((input: Record<string, unknown>) => ({ Tags: [], ...input }));
  for (const [op, out] of Object.entries(describe)) {
    // biome-ignore lint/suspicious/noExplicitAny: one fake per Describe operation, looked up by name
    sm.on((SageMaker as any)[`${op}Command`]).callsFake((input: Record<string, unknown>) =>
      out(String(Object.values(input)[0])),
    );
  }
  sns.reset();
  sns.onAnyCommand().resolves({ MessageId: "1" });
  ec2.reset();
  ec2.onAnyCommand().callsFake(natRoutes);
}

function undecided(d: Decision): string | null {
  if (d.verdict === "NEEDS_LOOKUP") return `NEEDS_LOOKUP: ${d.reason}`;
  if (d.verdict === "IGNORED" && !d.reason) return "IGNORED without a reason";
  return null;
}

const files = readdirSync(EVENTS_DIR).filter((f) => f.endsWith(".json") && f !== "expected.json");
const worlds = [
  { isolated: true, components: false },
  { isolated: false, components: false },
  { isolated: true, components: true },
  { isolated: false, components: true },
];

describe("the enforcement path never ends undecided", () => {
  it.each(worlds)("decides every sample event (isolated $isolated, components $components)", async (w) => {
    answer(w.isolated, w.components);
    const problems: string[] = [];
    for (const file of files) {
      const outcome = await mockedRuntime().handle(sample(file));
      const why = undecided(outcome.decision);
      if (why) problems.push(`${file}: ${why}`);
    }
    expect(problems).toEqual([]);
    // The walk did reach SageMaker (lookups happened), so the check above saw decided lookups.
    expect(sm.calls().length).toBeGreaterThan(files.length);
    expect(sm.commandCalls(SageMaker.DescribeModelPackageCommand).length).toBeGreaterThan(0);
  });

  it.each(worlds)(
    "decides every resource type the sweep finds (isolated $isolated, components $components)",
    async (w) => {
      answer(w.isolated, w.components);
      const rt = mockedRuntime();
      const problems: string[] = [];
      for (const type of RESOURCE_TYPE_NAMES as readonly ResourceType[]) {
        const resource = { type, name: "r", arn: `${ARN}${type}/r`, account: "123456789012", region: "us-east-1" };
        const outcome = await enforceResource(resource, rt.deps, { dryRun: true });
        const why = undecided(outcome.decision);
        if (why) problems.push(`${type}: ${why}`);
      }
      expect(problems).toEqual([]);
    },
  );
});
