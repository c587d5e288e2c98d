import {
  AddTagsCommand,
  DeleteDataQualityJobDefinitionCommand,
  DeleteEndpointCommand,
  DeleteInferenceComponentCommand,
  DeleteModelBiasJobDefinitionCommand,
  DeleteModelCommand,
  DeleteModelExplainabilityJobDefinitionCommand,
  DeleteModelQualityJobDefinitionCommand,
  DescribeAutoMLJobV2Command,
  DescribeClusterCommand,
  DescribeCompilationJobCommand,
  DescribeDataQualityJobDefinitionCommand,
  DescribeDomainCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeHyperParameterTuningJobCommand,
  DescribeInferenceComponentCommand,
  DescribeInferenceRecommendationsJobCommand,
  DescribeLabelingJobCommand,
  DescribeModelBiasJobDefinitionCommand,
  DescribeModelCommand,
  DescribeModelExplainabilityJobDefinitionCommand,
  DescribeModelPackageCommand,
  DescribeModelQualityJobDefinitionCommand,
  DescribeMonitoringScheduleCommand,
  DescribeNotebookInstanceCommand,
  DescribeOptimizationJobCommand,
  DescribeProcessingJobCommand,
  DescribeTrainingJobCommand,
  DescribeTransformJobCommand,
  ListTagsCommand,
  SageMakerClient,
  type SageMakerClientConfig,
  StopAutoMLJobCommand,
  StopCompilationJobCommand,
  StopHyperParameterTuningJobCommand,
  StopInferenceRecommendationsJobCommand,
  StopLabelingJobCommand,
  StopMonitoringScheduleCommand,
  StopNotebookInstanceCommand,
  StopOptimizationJobCommand,
  StopProcessingJobCommand,
  StopTrainingJobCommand,
  StopTransformJobCommand,
} from "@aws-sdk/client-sagemaker";
import type { DeleteResult, SageMakerPort, StopResult } from "../app/ports.js";
import { ActionFailedError } from "../core/errors.js";
import { type DescribedType, describeApi, RESOURCE_TYPES, type SageMakerOperation } from "../core/resource-types.js";
import type { ResourceType } from "../core/types.js";

/*
 * Every operation a row of RESOURCE_TYPES names → its SDK command class. Keyed by the rows' own
 * operation names: a row naming an operation this table lacks (or a stale entry) fails to compile.
 */
// biome-ignore lint/suspicious/noExplicitAny: command classes differ only in their input/output types
const COMMANDS: Record<SageMakerOperation, new (input: any) => any> = {
  DescribeTrainingJob: DescribeTrainingJobCommand,
  DescribeHyperParameterTuningJob: DescribeHyperParameterTuningJobCommand,
  DescribeProcessingJob: DescribeProcessingJobCommand,
  DescribeTransformJob: DescribeTransformJobCommand,
  DescribeModel: DescribeModelCommand,
  DescribeEndpointConfig: DescribeEndpointConfigCommand,
  DescribeEndpoint: DescribeEndpointCommand,
  DescribeInferenceComponent: DescribeInferenceComponentCommand,
  StopTrainingJob: StopTrainingJobCommand,
  StopHyperParameterTuningJob: StopHyperParameterTuningJobCommand,
  StopProcessingJob: StopProcessingJobCommand,
  StopTransformJob: StopTransformJobCommand,
  DeleteModel: DeleteModelCommand,
  DeleteEndpoint: DeleteEndpointCommand,
  DeleteInferenceComponent: DeleteInferenceComponentCommand,
  StopInferenceRecommendationsJob: StopInferenceRecommendationsJobCommand,
  DescribeInferenceRecommendationsJob: DescribeInferenceRecommendationsJobCommand,
  DeleteDataQualityJobDefinition: DeleteDataQualityJobDefinitionCommand,
  DeleteModelBiasJobDefinition: DeleteModelBiasJobDefinitionCommand,
  DeleteModelExplainabilityJobDefinition: DeleteModelExplainabilityJobDefinitionCommand,
  DeleteModelQualityJobDefinition: DeleteModelQualityJobDefinitionCommand,
  DescribeAutoMLJobV2: DescribeAutoMLJobV2Command,
  DescribeCluster: DescribeClusterCommand,
  DescribeCompilationJob: DescribeCompilationJobCommand,
  DescribeDataQualityJobDefinition: DescribeDataQualityJobDefinitionCommand,
  DescribeDomain: DescribeDomainCommand,
  DescribeModelBiasJobDefinition: DescribeModelBiasJobDefinitionCommand,
  DescribeModelExplainabilityJobDefinition: DescribeModelExplainabilityJobDefinitionCommand,
  DescribeModelQualityJobDefinition: DescribeModelQualityJobDefinitionCommand,
  DescribeMonitoringSchedule: DescribeMonitoringScheduleCommand,
  DescribeNotebookInstance: DescribeNotebookInstanceCommand,
  DescribeOptimizationJob: DescribeOptimizationJobCommand,
  StopAutoMLJob: StopAutoMLJobCommand,
  StopCompilationJob: StopCompilationJobCommand,
  StopMonitoringSchedule: StopMonitoringScheduleCommand,
  StopNotebookInstance: StopNotebookInstanceCommand,
  StopOptimizationJob: StopOptimizationJobCommand,
  DescribeLabelingJob: DescribeLabelingJobCommand,
  StopLabelingJob: StopLabelingJobCommand,
  DescribeModelPackage: DescribeModelPackageCommand,
};

interface AwsError {
  name?: string;
  message?: string;
}

/*
 * Real SageMaker answers a missing job or model with ValidationException ("Requested resource not
 * found.", 'Could not find model "..."') rather than the ResourceNotFound its model declares, and a
 * Stop on a job that is no longer InProgress with ValidationException naming the status.
 */
export function isNotFound(e: unknown): boolean {
  const err = e as AwsError;
  if (err?.name === "ResourceNotFound" || err?.name === "ResourceNotFoundException") return true;
  return err?.name === "ValidationException" && /not found|could not find|does not exist/i.test(err.message ?? "");
}

function isNotRunning(e: unknown): boolean {
  const err = e as AwsError;
  return err?.name === "ValidationException" && !isNotFound(e);
}

/** The SDK client the Lambdas and CLI use: adaptive retry, enough attempts to ride out throttling. */
export function createSageMakerClient(config: SageMakerClientConfig = {}): SageMakerClient {
  return new SageMakerClient({
    retryMode: "adaptive",
    maxAttempts: 8,
    // A hung connection must not eat the minutes a job spends starting: time out and retry.
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
    ...config,
  });
}

function command(op: string | undefined, input: Record<string, unknown>) {
  const Command = op && Object.hasOwn(COMMANDS, op) ? COMMANDS[op as SageMakerOperation] : undefined;
  if (!Command) throw new ActionFailedError(`no SageMaker operation ${op}`, op ?? "unknown");
  return new Command(input);
}

/**
 * SageMaker adapter: the only code that talks to SageMaker. Maps AWS's error quirks to results.
 * @example const sm = new SageMakerAdapter(createSageMakerClient()); await sm.stop("training-job", "my-job");
 */
export class SageMakerAdapter implements SageMakerPort {
  constructor(private readonly client: SageMakerClient) {}

  async describe(type: DescribedType, name: string): Promise<Record<string, unknown> | null> {
    const api = describeApi(type);
    try {
      const { $metadata: _, ...output } = await this.client.send(command(api.describe, { [api.nameParam]: name }));
      return output;
    } catch (e) {
      if (isNotFound(e)) return null;
      throw new ActionFailedError(`${api.describe} ${name} failed: ${(e as Error).message}`, "describe", { cause: e });
    }
  }

  async stop(type: ResourceType, name: string): Promise<StopResult> {
    const api = RESOURCE_TYPES[type].api;
    try {
      await this.client.send(command(api.stop, { [api.nameParam]: name }));
      return "stopped";
    } catch (e) {
      if (isNotFound(e)) return "gone";
      if (isNotRunning(e)) return "not-running";
      throw new ActionFailedError(`${api.stop} ${name} failed: ${(e as Error).message}`, "stop", { cause: e });
    }
  }

  async delete(type: ResourceType, name: string): Promise<DeleteResult> {
    const api = RESOURCE_TYPES[type].api;
    try {
      await this.client.send(command(api.delete, { [api.nameParam]: name }));
      return "deleted";
    } catch (e) {
      if (isNotFound(e)) return "gone";
      // e.g. 'Cannot delete in-progress endpoint': retried when the endpoint reaches InService.
      if ((e as AwsError)?.name === "ValidationException") return "busy";
      throw new ActionFailedError(`${api.delete} ${name} failed: ${(e as Error).message}`, "delete", { cause: e });
    }
  }

  async addTags(arn: string, tags: Record<string, string>): Promise<void> {
    const send = (t: Record<string, string>) =>
      this.client.send(
        new AddTagsCommand({ ResourceArn: arn, Tags: Object.entries(t).map(([Key, Value]) => ({ Key, Value })) }),
      );
    try {
      await send(tags);
    } catch (e) {
      // SageMaker's tag values allow letters, digits, spaces and _.:/=+-@ (botocore's TagValue pattern):
      // no comma. If AWS rejects the comma-separated rule list, write it with "+" instead.
      const err = e as AwsError;
      const sanitized = Object.fromEntries(
        Object.entries(tags).map(([k, v]) => [k, v.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, "+")]),
      );
      if (
        err?.name === "ValidationException" &&
        /pattern|constraint/i.test(err.message ?? "") &&
        JSON.stringify(sanitized) !== JSON.stringify(tags)
      ) {
        try {
          await send(sanitized);
          return;
        } catch (retryError) {
          throw new ActionFailedError(`AddTags ${arn} failed: ${(retryError as Error).message}`, "tag", {
            cause: retryError,
          });
        }
      }
      throw new ActionFailedError(`AddTags ${arn} failed: ${(e as Error).message}`, "tag", { cause: e });
    }
  }

  async listTags(arn: string): Promise<Record<string, string> | null> {
    const tags: Record<string, string> = {};
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListTagsCommand({ ResourceArn: arn, NextToken: token, MaxResults: 100 }),
        );
        for (const t of page.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? "";
        token = page.NextToken;
      } while (token);
      return tags;
    } catch (e) {
      if (isNotFound(e)) return null;
      throw new ActionFailedError(`ListTags ${arn} failed: ${(e as Error).message}`, "list-tags", { cause: e });
    }
  }
}
