import {
  paginateListEndpointConfigs,
  paginateListEndpoints,
  paginateListHyperParameterTuningJobs,
  paginateListInferenceComponents,
  paginateListModels,
  paginateListProcessingJobs,
  paginateListTrainingJobs,
  paginateListTransformJobs,
  type SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { ActionFailedError } from "../core/errors.js";
import type { ResourceType } from "../core/types.js";

/** One resource as a List* call returns it: enough to describe it, nothing more. */
export interface ListedResource {
  type: ResourceType;
  name: string;
  arn: string;
  createdAt: string | null;
  status: string | null;
}

/** What to list: jobs still running only (the sweep) or all, and resources created after a time. */
export interface ListFilter {
  /** Jobs: only `InProgress` ones (`StatusEquals`). Ignored for models, endpoint configs, endpoints. */
  runningJobsOnly: boolean;
  /** Only resources created after this instant (`CreationTimeAfter`); jobs when `runningJobsOnly` is off. */
  createdAfter?: Date;
}

type Page = Record<string, unknown>;
type Paginate = (
  config: { client: SageMakerClient; pageSize: number },
  input: Record<string, unknown>,
) => AsyncIterable<Page>;

interface ListSpec {
  operation: string;
  paginate: Paginate;
  summaries: string;
  name: string;
  arn: string;
  status: string | null;
  isJob: boolean;
}

// One row per resource type: its List* operation (always paginated) and the summary members to read.
const LIST: Readonly<Partial<Record<ResourceType, ListSpec>>> = {
  "training-job": {
    operation: "ListTrainingJobs",
    paginate: paginateListTrainingJobs as unknown as Paginate,
    summaries: "TrainingJobSummaries",
    name: "TrainingJobName",
    arn: "TrainingJobArn",
    status: "TrainingJobStatus",
    isJob: true,
  },
  "hyper-parameter-tuning-job": {
    operation: "ListHyperParameterTuningJobs",
    paginate: paginateListHyperParameterTuningJobs as unknown as Paginate,
    summaries: "HyperParameterTuningJobSummaries",
    name: "HyperParameterTuningJobName",
    arn: "HyperParameterTuningJobArn",
    status: "HyperParameterTuningJobStatus",
    isJob: true,
  },
  "processing-job": {
    operation: "ListProcessingJobs",
    paginate: paginateListProcessingJobs as unknown as Paginate,
    summaries: "ProcessingJobSummaries",
    name: "ProcessingJobName",
    arn: "ProcessingJobArn",
    status: "ProcessingJobStatus",
    isJob: true,
  },
  "transform-job": {
    operation: "ListTransformJobs",
    paginate: paginateListTransformJobs as unknown as Paginate,
    summaries: "TransformJobSummaries",
    name: "TransformJobName",
    arn: "TransformJobArn",
    status: "TransformJobStatus",
    isJob: true,
  },
  model: {
    operation: "ListModels",
    paginate: paginateListModels as unknown as Paginate,
    summaries: "Models",
    name: "ModelName",
    arn: "ModelArn",
    status: null,
    isJob: false,
  },
  "endpoint-config": {
    operation: "ListEndpointConfigs",
    paginate: paginateListEndpointConfigs as unknown as Paginate,
    summaries: "EndpointConfigs",
    name: "EndpointConfigName",
    arn: "EndpointConfigArn",
    status: null,
    isJob: false,
  },
  endpoint: {
    operation: "ListEndpoints",
    paginate: paginateListEndpoints as unknown as Paginate,
    summaries: "Endpoints",
    name: "EndpointName",
    arn: "EndpointArn",
    status: "EndpointStatus",
    isJob: false,
  },
  "inference-component": {
    operation: "ListInferenceComponents",
    paginate: paginateListInferenceComponents as unknown as Paginate,
    summaries: "InferenceComponents",
    name: "InferenceComponentName",
    arn: "InferenceComponentArn",
    status: "InferenceComponentStatus",
    isJob: false,
  },
};

/** Every resource type the lister knows, in report order. */
export const LISTABLE_TYPES = Object.keys(LIST) as ResourceType[];

/**
 * IAM actions the List* calls need. List actions support no resource-level permissions: they are
 * granted on Resource "*" (Service Authorization Reference, Amazon SageMaker).
 */
export const LIST_IAM_ACTIONS: readonly string[] = Object.values(LIST).map((s) => `sagemaker:${s?.operation}`);

function isoTime(v: unknown): string | null {
  if (v instanceof Date) return v.toISOString();
  return typeof v === "string" ? v : null;
}

/**
 * Lists SageMaker resources of one type with the SDK paginators (every page, 100 per page).
 * The only code that makes List* calls; the client is injected (adaptive retry in production).
 *
 * @example for await (const r of new SageMakerLister(client).list("model", { runningJobsOnly: true })) console.log(r.arn);
 */
export class SageMakerLister {
  constructor(
    private readonly client: SageMakerClient,
    private readonly pageSize = 100,
  ) {}

  async *list(type: ResourceType, filter: ListFilter): AsyncGenerator<ListedResource> {
    const spec = LIST[type];
    if (!spec) return;
    const input: Record<string, unknown> = {};
    if (spec.isJob && filter.runningJobsOnly) input.StatusEquals = "InProgress";
    else if (filter.createdAfter) input.CreationTimeAfter = filter.createdAfter;
    try {
      for await (const page of spec.paginate({ client: this.client, pageSize: this.pageSize }, input)) {
        for (const s of (page[spec.summaries] ?? []) as Record<string, unknown>[]) {
          const name = s[spec.name];
          const arn = s[spec.arn];
          if (typeof name !== "string" || typeof arn !== "string") continue;
          const createdAt = isoTime(s.CreationTime);
          // Some implementations ignore CreationTimeAfter (moto's ListModels does): filter here too.
          if (input.CreationTimeAfter && createdAt && Date.parse(createdAt) <= (filter.createdAfter as Date).getTime())
            continue;
          const status = spec.status && typeof s[spec.status] === "string" ? (s[spec.status] as string) : null;
          if (input.StatusEquals && status && status !== "InProgress") continue;
          yield { type, name, arn, createdAt, status };
        }
      }
    } catch (e) {
      throw new ActionFailedError(`${spec.operation} failed: ${(e as Error).message}`, "list", { cause: e });
    }
  }
}
