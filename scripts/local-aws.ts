import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DescribeRouteTablesCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import {
  CreateAutoMLJobV2Command,
  CreateClusterCommand,
  CreateCompilationJobCommand,
  CreateDataQualityJobDefinitionCommand,
  CreateDomainCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateHyperParameterTuningJobCommand,
  CreateInferenceComponentCommand,
  CreateInferenceRecommendationsJobCommand,
  CreateLabelingJobCommand,
  CreateModelBiasJobDefinitionCommand,
  CreateModelCommand,
  CreateModelExplainabilityJobDefinitionCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  CreateModelQualityJobDefinitionCommand,
  CreateMonitoringScheduleCommand,
  CreateNotebookInstanceCommand,
  CreateOptimizationJobCommand,
  CreateProcessingJobCommand,
  CreateTrainingJobCommand,
  CreateTransformJobCommand,
  ListTagsCommand,
  type MonitoringScheduleConfig,
  type NetworkConfig,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/DataScientist`;
export const OWN_IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/churn-model:latest`;
export const PYTORCH_IMAGE = `763104351884.dkr.ecr.${REGION}.amazonaws.com/pytorch-training:2.3.0-gpu-py311`;

const CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };

export function clientConfig(endpoint: string, maxAttempts = 3) {
  return {
    region: REGION,
    endpoint,
    credentials: CREDENTIALS,
    maxAttempts,
    retryMode: "standard" as const,
  };
}

/** Environment for a process (the CLI, a bundled handler) whose AWS SDK should talk to the emulator. */
export function emulatorEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  };
}

export interface Isolation {
  isolated?: boolean;
  /** `true`: a fixed subnet id that no VPC has; a list: those subnets (from `Networks`). */
  vpc?: boolean | string[];
  image?: string;
}
const SUBNET = "subnet-0a1b2c3d4e5f60001";
const SG = "sg-0a1b2c3d4e5f60001";
const vpcConfig = (vpc: Isolation["vpc"]) =>
  vpc ? { Subnets: Array.isArray(vpc) ? vpc : [SUBNET], SecurityGroupIds: [SG] } : undefined;

/** The Model Monitor job definition kinds, as their operation names spell them (`Create<Kind>JobDefinition`). */
export type MonitoringKind = "DataQuality" | "ModelQuality" | "ModelBias" | "ModelExplainability";
export const MONITOR_IMAGE = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer";
const CLARIFY_IMAGE = "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0";
const MONITOR_INPUT = { EndpointInput: { EndpointName: "churn", LocalPath: "/opt/ml/processing/input" } };
const MONITOR_OUTPUT = {
  MonitoringOutputs: [{ S3Output: { S3Uri: "s3://monitoring/out", LocalPath: "/opt/ml/processing/output" } }],
};
const MONITOR_RESOURCES = {
  ClusterConfig: { InstanceCount: 1, InstanceType: "ml.m5.large" as const, VolumeSizeInGB: 10 },
};

/** A monitoring schedule's config with its own (inline) job definition, under `net`. */
export function inlineMonitoring(net?: NetworkConfig): MonitoringScheduleConfig {
  return {
    ScheduleConfig: { ScheduleExpression: "cron(0 * ? * * *)" },
    MonitoringJobDefinition: {
      MonitoringInputs: [MONITOR_INPUT],
      MonitoringOutputConfig: MONITOR_OUTPUT,
      MonitoringResources: MONITOR_RESOURCES,
      MonitoringAppSpecification: { ImageUri: MONITOR_IMAGE },
      RoleArn: ROLE,
      NetworkConfig: net,
    },
  };
}

/** A monitoring schedule's config that runs the job definition `name` of `kind`. */
export function namedMonitoring(name: string, kind: MonitoringKind = "DataQuality"): MonitoringScheduleConfig {
  return {
    ScheduleConfig: { ScheduleExpression: "cron(0 * ? * * *)" },
    MonitoringJobDefinitionName: name,
    MonitoringType: kind,
  };
}

/** Creates SageMaker resources directly in the emulator (the calls a data scientist makes). */
export class Fixtures {
  constructor(readonly sm: SageMakerClient) {}

  async trainingJob(name: string, o: Isolation = {}) {
    const out = await this.sm.send(
      new CreateTrainingJobCommand({
        TrainingJobName: name,
        RoleArn: ROLE,
        AlgorithmSpecification: { TrainingImage: o.image ?? OWN_IMAGE, TrainingInputMode: "File" },
        OutputDataConfig: { S3OutputPath: "s3://ml-artifacts/output" },
        ResourceConfig: { InstanceType: "ml.m5.large", InstanceCount: 1, VolumeSizeInGB: 10 },
        StoppingCondition: { MaxRuntimeInSeconds: 3600 },
        EnableNetworkIsolation: o.isolated,
        VpcConfig: vpcConfig(o.vpc),
        Environment: { DB_PASSWORD: "hunter2-FAKE-SECRET-do-not-leak" },
      }),
    );
    return out.TrainingJobArn as string;
  }

  async tuningJob(name: string, o: Isolation = {}) {
    const out = await this.sm.send(
      new CreateHyperParameterTuningJobCommand({
        HyperParameterTuningJobName: name,
        HyperParameterTuningJobConfig: {
          Strategy: "Bayesian",
          ResourceLimits: { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2 },
          HyperParameterTuningJobObjective: { Type: "Minimize", MetricName: "validation:loss" },
        },
        TrainingJobDefinition: {
          RoleArn: ROLE,
          AlgorithmSpecification: { TrainingImage: o.image ?? OWN_IMAGE, TrainingInputMode: "File" },
          OutputDataConfig: { S3OutputPath: "s3://ml-artifacts/output" },
          ResourceConfig: { InstanceType: "ml.m5.large", InstanceCount: 1, VolumeSizeInGB: 10 },
          StoppingCondition: { MaxRuntimeInSeconds: 3600 },
          EnableNetworkIsolation: o.isolated,
          VpcConfig: vpcConfig(o.vpc),
        },
      }),
    );
    return out.HyperParameterTuningJobArn as string;
  }

  async processingJob(name: string, o: Isolation = {}) {
    const out = await this.sm.send(
      new CreateProcessingJobCommand({
        ProcessingJobName: name,
        RoleArn: ROLE,
        AppSpecification: { ImageUri: o.image ?? OWN_IMAGE },
        ProcessingResources: { ClusterConfig: { InstanceType: "ml.m5.large", InstanceCount: 1, VolumeSizeInGB: 10 } },
        NetworkConfig:
          o.isolated !== undefined || o.vpc
            ? { EnableNetworkIsolation: o.isolated, VpcConfig: vpcConfig(o.vpc) }
            : undefined,
      }),
    );
    return out.ProcessingJobArn as string;
  }

  async model(name: string, o: Isolation = {}) {
    const out = await this.sm.send(
      new CreateModelCommand({
        ModelName: name,
        ExecutionRoleArn: ROLE,
        PrimaryContainer: { Image: o.image ?? OWN_IMAGE, ModelDataUrl: "s3://ml-artifacts/model.tar.gz" },
        EnableNetworkIsolation: o.isolated,
        VpcConfig: vpcConfig(o.vpc),
      }),
    );
    return out.ModelArn as string;
  }

  async transformJob(name: string, modelName: string) {
    const out = await this.sm.send(
      new CreateTransformJobCommand({
        TransformJobName: name,
        ModelName: modelName,
        TransformInput: { DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: "s3://ml-data/in" } } },
        TransformOutput: { S3OutputPath: "s3://ml-data/out" },
        TransformResources: { InstanceType: "ml.m5.large", InstanceCount: 1 },
      }),
    );
    return out.TransformJobArn as string;
  }

  async endpointConfig(name: string, modelName: string) {
    const out = await this.sm.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: name,
        ProductionVariants: [
          { VariantName: "main", ModelName: modelName, InstanceType: "ml.m5.large", InitialInstanceCount: 1 },
        ],
      }),
    );
    return out.EndpointConfigArn as string;
  }

  /**
   * An endpoint config for inference components: a variant with instances and no model of its own;
   * its top-level EnableNetworkIsolation / VpcConfig apply to every container deployed to it.
   */
  async componentEndpointConfig(name: string, o: Isolation = {}) {
    const out = await this.sm.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: name,
        ExecutionRoleArn: ROLE,
        ProductionVariants: [{ VariantName: "main", InstanceType: "ml.g4dn.xlarge", InitialInstanceCount: 1 }],
        ...(o.isolated ? { EnableNetworkIsolation: true } : {}),
        ...(o.vpc ? { VpcConfig: vpcConfig(o.vpc) } : {}),
      }),
    );
    return out.EndpointConfigArn as string;
  }

  /** An inference component that runs its own container (no model): its endpoint's config isolates it. */
  async containerComponent(name: string, endpointName: string, image = OWN_IMAGE) {
    const out = await this.sm.send(
      new CreateInferenceComponentCommand({
        InferenceComponentName: name,
        EndpointName: endpointName,
        VariantName: "main",
        Specification: {
          Container: { Image: image, ArtifactUrl: "s3://acme-ml-models/app/model.tar.gz" },
          ComputeResourceRequirements: { NumberOfAcceleratorDevicesRequired: 1, MinMemoryRequiredInMb: 1024 },
        },
        RuntimeConfig: { CopyCount: 1 },
      }),
    );
    return out.InferenceComponentArn as string;
  }

  async inferenceComponent(name: string, endpointName: string, modelName: string) {
    const out = await this.sm.send(
      new CreateInferenceComponentCommand({
        InferenceComponentName: name,
        EndpointName: endpointName,
        VariantName: "main",
        Specification: {
          ModelName: modelName,
          ComputeResourceRequirements: { NumberOfAcceleratorDevicesRequired: 1, MinMemoryRequiredInMb: 1024 },
        },
        RuntimeConfig: { CopyCount: 1 },
      }),
    );
    return out.InferenceComponentArn as string;
  }

  async endpoint(name: string, configName: string) {
    const out = await this.sm.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: configName }));
    return out.EndpointArn as string;
  }

  /** A notebook instance, in `o.vpc`'s subnet (default: the fixed one no VPC has); `access`: its direct internet access. */
  async notebook(name: string, access: "Enabled" | "Disabled", o: Pick<Isolation, "vpc"> = { vpc: true }) {
    const vpc = vpcConfig(o.vpc);
    const out = await this.sm.send(
      new CreateNotebookInstanceCommand({
        NotebookInstanceName: name,
        InstanceType: "ml.t3.medium",
        RoleArn: ROLE,
        DirectInternetAccess: access,
        SubnetId: vpc?.Subnets[0],
        SecurityGroupIds: vpc?.SecurityGroupIds,
      }),
    );
    return out.NotebookInstanceArn as string;
  }

  /** A Studio domain in `o.vpc`'s subnets (of `o.vpcId`); `access` omitted is AWS's default, PublicInternetOnly. */
  async domain(
    name: string,
    access?: "VpcOnly" | "PublicInternetOnly",
    o: Pick<Isolation, "vpc"> & { vpcId?: string } = { vpc: true },
  ) {
    const out = await this.sm.send(
      new CreateDomainCommand({
        DomainName: name,
        AuthMode: "IAM",
        DefaultUserSettings: { ExecutionRole: ROLE },
        SubnetIds: vpcConfig(o.vpc ?? true)?.Subnets,
        VpcId: o.vpcId ?? "vpc-0a1b2c3d4e5f60001",
        AppNetworkAccessType: access,
      }),
    );
    return out.DomainArn as string;
  }

  /** A HyperPod cluster with one instance group, in `o.vpc` (none: no VpcConfig). */
  async cluster(name: string, o: Pick<Isolation, "vpc"> = {}) {
    const out = await this.sm.send(
      new CreateClusterCommand({
        ClusterName: name,
        VpcConfig: vpcConfig(o.vpc),
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
    );
    return out.ClusterArn as string;
  }

  /** A Model Monitor job definition of `kind` under `net` (absent: no NetworkConfig, so no isolation). */
  async monitoringDefinition(kind: MonitoringKind, name: string, net?: NetworkConfig) {
    const common = { JobDefinitionName: name, JobResources: MONITOR_RESOURCES, RoleArn: ROLE, NetworkConfig: net };
    const groundTruth = { ...MONITOR_INPUT, GroundTruthS3Input: { S3Uri: "s3://monitoring/ground-truth" } };
    const command = {
      DataQuality: () =>
        new CreateDataQualityJobDefinitionCommand({
          ...common,
          DataQualityAppSpecification: { ImageUri: MONITOR_IMAGE },
          DataQualityJobInput: MONITOR_INPUT,
          DataQualityJobOutputConfig: MONITOR_OUTPUT,
        }),
      ModelQuality: () =>
        new CreateModelQualityJobDefinitionCommand({
          ...common,
          ModelQualityAppSpecification: { ImageUri: MONITOR_IMAGE, ProblemType: "BinaryClassification" },
          ModelQualityJobInput: groundTruth,
          ModelQualityJobOutputConfig: MONITOR_OUTPUT,
        }),
      ModelBias: () =>
        new CreateModelBiasJobDefinitionCommand({
          ...common,
          ModelBiasAppSpecification: { ImageUri: CLARIFY_IMAGE, ConfigUri: "s3://monitoring/analysis.json" },
          ModelBiasJobInput: groundTruth,
          ModelBiasJobOutputConfig: MONITOR_OUTPUT,
        }),
      ModelExplainability: () =>
        new CreateModelExplainabilityJobDefinitionCommand({
          ...common,
          ModelExplainabilityAppSpecification: { ImageUri: CLARIFY_IMAGE, ConfigUri: "s3://monitoring/analysis.json" },
          ModelExplainabilityJobInput: MONITOR_INPUT,
          ModelExplainabilityJobOutputConfig: MONITOR_OUTPUT,
        }),
    }[kind]();
    // Each command's output has JobDefinitionArn; the union of the four commands does not type `send`.
    const out = (await this.sm.send(command as CreateDataQualityJobDefinitionCommand)) as { JobDefinitionArn?: string };
    return out.JobDefinitionArn as string;
  }

  /** A monitoring schedule (`inlineMonitoring(...)` or `namedMonitoring(...)` for its config). */
  async monitoringSchedule(name: string, config: MonitoringScheduleConfig) {
    const out = await this.sm.send(
      new CreateMonitoringScheduleCommand({ MonitoringScheduleName: name, MonitoringScheduleConfig: config }),
    );
    return out.MonitoringScheduleArn as string;
  }

  /** An AutoML V2 (tabular) job, in `o.vpc` when given. */
  async automlJob(name: string, o: Pick<Isolation, "vpc"> = {}) {
    const vpc = vpcConfig(o.vpc);
    const out = await this.sm.send(
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
        SecurityConfig: vpc ? { VpcConfig: vpc } : undefined,
      }),
    );
    return out.AutoMLJobArn as string;
  }

  /** A Neo compilation job, in `o.vpc` when given. */
  async compilationJob(name: string, o: Pick<Isolation, "vpc"> = {}) {
    const out = await this.sm.send(
      new CreateCompilationJobCommand({
        CompilationJobName: name,
        RoleArn: ROLE,
        InputConfig: { S3Uri: "s3://models/m.tar.gz", Framework: "PYTORCH", DataInputConfig: "{}" },
        OutputConfig: { S3OutputLocation: "s3://models/compiled", TargetDevice: "ml_c5" },
        StoppingCondition: { MaxRuntimeInSeconds: 900 },
        VpcConfig: vpcConfig(o.vpc),
      }),
    );
    return out.CompilationJobArn as string;
  }

  /** An inference optimization job, in `o.vpc` when given. */
  async optimizationJob(name: string, o: Pick<Isolation, "vpc"> = {}) {
    const vpc = vpcConfig(o.vpc);
    const out = await this.sm.send(
      new CreateOptimizationJobCommand({
        OptimizationJobName: name,
        RoleArn: ROLE,
        ModelSource: { S3: { S3Uri: "s3://models/llm/" } },
        DeploymentInstanceType: "ml.g5.xlarge",
        OptimizationConfigs: [{ ModelQuantizationConfig: { Image: "quantize" } }],
        OutputConfig: { S3OutputLocation: "s3://models/optimized" },
        StoppingCondition: { MaxRuntimeInSeconds: 900 },
        VpcConfig: vpc ? { Subnets: vpc.Subnets, SecurityGroupIds: vpc.SecurityGroupIds } : undefined,
      }),
    );
    return out.OptimizationJobArn as string;
  }

  /** An inference recommendations job that load-tests `modelName`, its endpoints in `o.vpc` (default: the fixed subnet). */
  async recommendationsJob(name: string, modelName: string, o: Pick<Isolation, "vpc"> = { vpc: true }) {
    const out = await this.sm.send(
      new CreateInferenceRecommendationsJobCommand({
        JobName: name,
        JobType: "Default",
        RoleArn: ROLE,
        InputConfig: { ModelName: modelName, VpcConfig: vpcConfig(o.vpc) },
      }),
    );
    return out.JobArn as string;
  }

  /** A model package version (its own group) whose one container runs `image` (default: the user's own). */
  async modelPackage(group: string, image = OWN_IMAGE) {
    await this.sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
    const out = await this.sm.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: group,
        InferenceSpecification: {
          Containers: [{ Image: image }],
          SupportedContentTypes: ["text/csv"],
          SupportedResponseMIMETypes: ["text/csv"],
        },
      }),
    );
    return out.ModelPackageArn as string;
  }

  /** An inference recommendations job that load-tests model package version `packageArn`, in `o.vpc` when given. */
  async packageRecommendationsJob(name: string, packageArn: string, o: Pick<Isolation, "vpc"> = {}) {
    const vpc = vpcConfig(o.vpc);
    const out = await this.sm.send(
      new CreateInferenceRecommendationsJobCommand({
        JobName: name,
        JobType: "Default",
        RoleArn: ROLE,
        InputConfig: { ModelPackageVersionArn: packageArn, ...(vpc ? { VpcConfig: vpc } : {}) },
      }),
    );
    return out.JobArn as string;
  }

  /** A Ground Truth labeling job with automated data labeling (AWS's algorithm), its jobs in `o.vpc` when given. */
  async labelingJob(name: string, o: Pick<Isolation, "vpc"> = {}) {
    const vpc = vpcConfig(o.vpc);
    const out = await this.sm.send(
      new CreateLabelingJobCommand({
        LabelingJobName: name,
        LabelAttributeName: "label",
        RoleArn: ROLE,
        InputConfig: { DataSource: { S3DataSource: { ManifestS3Uri: "s3://labels/manifest.jsonl" } } },
        OutputConfig: { S3OutputPath: "s3://labels/out/" },
        LabelingJobAlgorithmsConfig: {
          LabelingJobAlgorithmSpecificationArn: `arn:aws:sagemaker:${REGION}:027400017018:labeling-job-algorithm-specification/image-classification`,
          ...(vpc ? { LabelingJobResourceConfig: { VpcConfig: vpc } } : {}),
        },
        HumanTaskConfig: {
          WorkteamArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:workteam/private-crowd/labelers`,
          UiConfig: { UiTemplateS3Uri: "s3://labels/template.liquid" },
          PreHumanTaskLambdaArn: `arn:aws:lambda:${REGION}:432418664414:function:PRE-ImageMultiClass`,
          TaskTitle: "Label the image",
          TaskDescription: "Choose the class",
          NumberOfHumanWorkersPerDataObject: 1,
          TaskTimeLimitInSeconds: 300,
          AnnotationConsolidationConfig: {
            AnnotationConsolidationLambdaArn: `arn:aws:lambda:${REGION}:432418664414:function:ACS-ImageMultiClass`,
          },
        },
      }),
    );
    return out.LabelingJobArn as string;
  }

  async tags(arn: string): Promise<Record<string, string>> {
    const out = await this.sm.send(new ListTagsCommand({ ResourceArn: arn }));
    return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key, t.Value]));
  }
}

/** An SNS topic with an SQS queue subscribed, to read alerts back. */
export class AlertInbox {
  topicArn = "";
  private queueUrl = "";
  constructor(
    private readonly sns: SNSClient,
    private readonly sqs: SQSClient,
  ) {}

  async create(name = "isolation-guard-alerts") {
    this.topicArn = (await this.sns.send(new CreateTopicCommand({ Name: name }))).TopicArn as string;
    this.queueUrl = (await this.sqs.send(new CreateQueueCommand({ QueueName: `${name}-inbox` }))).QueueUrl as string;
    const attrs = await this.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ["QueueArn"] }),
    );
    await this.sns.send(
      new SubscribeCommand({ TopicArn: this.topicArn, Protocol: "sqs", Endpoint: attrs.Attributes?.QueueArn }),
    );
    return this;
  }

  /** Every SNS notification currently in the queue (drained). */
  async drain(): Promise<
    { Subject?: string; Message: string; MessageAttributes?: Record<string, { Value: string }> }[]
  > {
    const all = [];
    for (;;) {
      const out = await this.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      const msgs = out.Messages ?? [];
      if (!msgs.length) break;
      all.push(...msgs.map((m) => JSON.parse(m.Body as string)));
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
        }),
      );
    }
    return all;
  }
}

/** What a subnet's route table sends outside the VPC. */
export type NetworkKind = "internet-gateway" | "nat-gateway" | "private";

/**
 * VPCs as a network team builds them, one per kind, each with the subnet a job runs in:
 * `internet-gateway` (a public subnet: 0.0.0.0/0 to an internet gateway, explicit route table),
 * `nat-gateway` (0.0.0.0/0 to a NAT gateway in a public subnet next to it), `private` (the VPC's main
 * route table, with only its local route and an S3 gateway endpoint).
 */
export class Networks {
  private next = 10;
  constructor(readonly ec2: EC2Client) {}

  async vpc(kind: NetworkKind): Promise<{ vpcId: string; subnetId: string; routeTableId: string | null }> {
    const n = this.next++;
    const vpcId = (await this.ec2.send(new CreateVpcCommand({ CidrBlock: `10.${n}.0.0/16` }))).Vpc?.VpcId as string;
    const subnet = async (cidr: string) =>
      (await this.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr }))).Subnet?.SubnetId as string;
    const subnetId = await subnet(`10.${n}.1.0/24`);
    if (kind === "private") {
      // The S3 gateway endpoint (a prefix-list route to vpce-) on the main table, which the subnet uses.
      const main = await this.mainTable(vpcId);
      await this.ec2.send(
        new CreateVpcEndpointCommand({
          VpcId: vpcId,
          ServiceName: `com.amazonaws.${REGION}.s3`,
          VpcEndpointType: "Gateway",
          RouteTableIds: [main],
        }),
      );
      return { vpcId, subnetId, routeTableId: null };
    }
    const igw = (await this.ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway
      ?.InternetGatewayId as string;
    await this.ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    const routeTableId = (await this.ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable
      ?.RouteTableId as string;
    if (kind === "internet-gateway") {
      await this.ec2.send(
        new CreateRouteCommand({ RouteTableId: routeTableId, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw }),
      );
    } else {
      const publicSubnet = await subnet(`10.${n}.2.0/24`);
      const eip = (await this.ec2.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId as string;
      const nat = (await this.ec2.send(new CreateNatGatewayCommand({ SubnetId: publicSubnet, AllocationId: eip })))
        .NatGateway?.NatGatewayId as string;
      await this.ec2.send(
        new CreateRouteCommand({ RouteTableId: routeTableId, DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: nat }),
      );
    }
    await this.ec2.send(new AssociateRouteTableCommand({ RouteTableId: routeTableId, SubnetId: subnetId }));
    return { vpcId, subnetId, routeTableId };
  }

  private async mainTable(vpcId: string): Promise<string> {
    const out = await this.ec2.send(
      new DescribeRouteTablesCommand({
        Filters: [
          { Name: "vpc-id", Values: [vpcId] },
          { Name: "association.main", Values: ["true"] },
        ],
      }),
    );
    return out.RouteTables?.[0]?.RouteTableId as string;
  }
}

export function clients(endpoint: string, maxAttempts = 3) {
  const cfg = clientConfig(endpoint, maxAttempts);
  return {
    sm: new SageMakerClient(cfg),
    sns: new SNSClient(cfg),
    sqs: new SQSClient(cfg),
    ec2: new EC2Client(cfg),
    ddb: new DynamoDBClient(cfg),
    ct: new CloudTrailClient(cfg),
  };
}

/** Records the name of every command the given SDK clients send (SDK middleware), for call counts. */
export function countCalls(
  clientsToCount: (SageMakerClient | SNSClient | DynamoDBClient | CloudTrailClient | EC2Client)[],
  sink: string[],
): void {
  for (const c of clientsToCount) {
    (c as SageMakerClient).middlewareStack.add(
      (next, context) => async (args) => {
        sink.push(context.commandName as string);
        return next(args);
      },
      { step: "initialize", name: "countCalls" },
    );
  }
}
