import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateHyperParameterTuningJobCommand,
  CreateInferenceComponentCommand,
  CreateModelCommand,
  CreateProcessingJobCommand,
  CreateTrainingJobCommand,
  CreateTransformJobCommand,
  ListTagsCommand,
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
  vpc?: boolean;
  image?: string;
}
const VPC = { Subnets: ["subnet-0a1b2c3d4e5f60001"], SecurityGroupIds: ["sg-0a1b2c3d4e5f60001"] };

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
        VpcConfig: o.vpc ? VPC : undefined,
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
          VpcConfig: o.vpc ? VPC : undefined,
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
            ? { EnableNetworkIsolation: o.isolated, VpcConfig: o.vpc ? VPC : undefined }
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
        VpcConfig: o.vpc ? VPC : undefined,
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
        ...(o.vpc ? { VpcConfig: VPC } : {}),
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

export function clients(endpoint: string, maxAttempts = 3) {
  const cfg = clientConfig(endpoint, maxAttempts);
  return {
    sm: new SageMakerClient(cfg),
    sns: new SNSClient(cfg),
    sqs: new SQSClient(cfg),
    ddb: new DynamoDBClient(cfg),
    ct: new CloudTrailClient(cfg),
  };
}

/** Records the name of every command the given SDK clients send (SDK middleware), for call counts. */
export function countCalls(
  clientsToCount: (SageMakerClient | SNSClient | DynamoDBClient | CloudTrailClient)[],
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
