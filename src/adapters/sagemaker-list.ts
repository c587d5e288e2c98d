import {
  paginateListAutoMLJobs,
  paginateListClusters,
  paginateListCompilationJobs,
  paginateListDataQualityJobDefinitions,
  paginateListDomains,
  paginateListEndpointConfigs,
  paginateListEndpoints,
  paginateListHyperParameterTuningJobs,
  paginateListInferenceComponents,
  paginateListInferenceRecommendationsJobs,
  paginateListLabelingJobs,
  paginateListModelBiasJobDefinitions,
  paginateListModelExplainabilityJobDefinitions,
  paginateListModelQualityJobDefinitions,
  paginateListModels,
  paginateListMonitoringSchedules,
  paginateListNotebookInstances,
  paginateListOptimizationJobs,
  paginateListProcessingJobs,
  paginateListTrainingJobs,
  paginateListTransformJobs,
  type SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { parseSageMakerArn } from "../core/arn.js";
import { ActionFailedError } from "../core/errors.js";
import { type ListOperation, RESOURCE_TYPE_NAMES, RESOURCE_TYPES } from "../core/resource-types.js";
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
  /**
   * Only resources still at work: one listing per `StatusEquals` value of the row's `list.activeStatuses`
   * (`InProgress` jobs; labeling jobs `Initializing` too). Ignored for types without them (models,
   * endpoint configs, endpoints), which are listed whole.
   */
  runningJobsOnly: boolean;
  /** Only resources created after this instant (`CreationTimeAfter`); jobs when `runningJobsOnly` is off. */
  createdAfter?: Date;
}

type Page = Record<string, unknown>;
type Paginate = (
  config: { client: SageMakerClient; pageSize: number },
  input: Record<string, unknown>,
) => AsyncIterable<Page>;

/*
 * Each List* operation a row of RESOURCE_TYPES names → its SDK paginator (the rows hold the summary
 * members). Keyed by the rows' operation names, so a row without its paginator fails to compile.
 */
const PAGINATORS: Record<ListOperation, Paginate> = {
  ListTrainingJobs: paginateListTrainingJobs as unknown as Paginate,
  ListHyperParameterTuningJobs: paginateListHyperParameterTuningJobs as unknown as Paginate,
  ListProcessingJobs: paginateListProcessingJobs as unknown as Paginate,
  ListTransformJobs: paginateListTransformJobs as unknown as Paginate,
  ListModels: paginateListModels as unknown as Paginate,
  ListEndpointConfigs: paginateListEndpointConfigs as unknown as Paginate,
  ListEndpoints: paginateListEndpoints as unknown as Paginate,
  ListInferenceComponents: paginateListInferenceComponents as unknown as Paginate,
  ListInferenceRecommendationsJobs: paginateListInferenceRecommendationsJobs as unknown as Paginate,
  ListNotebookInstances: paginateListNotebookInstances as unknown as Paginate,
  ListMonitoringSchedules: paginateListMonitoringSchedules as unknown as Paginate,
  ListAutoMLJobs: paginateListAutoMLJobs as unknown as Paginate,
  ListCompilationJobs: paginateListCompilationJobs as unknown as Paginate,
  ListOptimizationJobs: paginateListOptimizationJobs as unknown as Paginate,
  ListDataQualityJobDefinitions: paginateListDataQualityJobDefinitions as unknown as Paginate,
  ListModelQualityJobDefinitions: paginateListModelQualityJobDefinitions as unknown as Paginate,
  ListModelBiasJobDefinitions: paginateListModelBiasJobDefinitions as unknown as Paginate,
  ListModelExplainabilityJobDefinitions: paginateListModelExplainabilityJobDefinitions as unknown as Paginate,
  ListDomains: paginateListDomains as unknown as Paginate,
  ListClusters: paginateListClusters as unknown as Paginate,
  ListLabelingJobs: paginateListLabelingJobs as unknown as Paginate,
};

/**
 * IAM actions the List* calls need. List actions support no resource-level permissions: they are
 * granted on Resource "*" (Service Authorization Reference, Amazon SageMaker).
 */
export const LIST_IAM_ACTIONS: readonly string[] = RESOURCE_TYPE_NAMES.map(
  (t) => `sagemaker:${RESOURCE_TYPES[t].api.list.operation}`,
);

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
    const spec = RESOURCE_TYPES[type].api.list;
    if (filter.runningJobsOnly && spec.activeStatuses) {
      // StatusEquals takes one value: one listing per active status (a labeling job Initializing, then
      // InProgress). The rows give them in lifecycle order, so a resource that moves on between two
      // listings is in the second one (listed the other way round it would be in neither); one seen in
      // both is yielded once.
      const seen = new Set<string>();
      for (const status of spec.activeStatuses)
        for await (const r of this.listPages(type, { StatusEquals: status }))
          if (!seen.has(r.arn)) {
            seen.add(r.arn);
            yield r;
          }
      return;
    }
    yield* this.listPages(type, filter.createdAfter ? { CreationTimeAfter: filter.createdAfter } : {});
  }

  private async *listPages(type: ResourceType, input: Record<string, unknown>): AsyncGenerator<ListedResource> {
    const spec = RESOURCE_TYPES[type].api.list;
    const paginate = PAGINATORS[spec.operation as ListOperation];
    const after = input.CreationTimeAfter instanceof Date ? input.CreationTimeAfter.getTime() : null;
    try {
      for await (const page of paginate({ client: this.client, pageSize: this.pageSize }, input)) {
        for (const s of (page[spec.summaries] ?? []) as Record<string, unknown>[]) {
          const name = s[spec.nameKey];
          const arn = s[spec.arnKey];
          if (typeof name !== "string" || typeof arn !== "string") continue;
          // The four Model Monitor definition lists share their member names: keep only this type's ARNs.
          if (parseSageMakerArn(arn)?.resourceType !== type) continue;
          const createdAt = isoTime(s.CreationTime);
          // Some implementations ignore CreationTimeAfter (moto's ListModels does): filter here too.
          if (after !== null && createdAt && Date.parse(createdAt) <= after) continue;
          const status = spec.statusKey && typeof s[spec.statusKey] === "string" ? (s[spec.statusKey] as string) : null;
          if (input.StatusEquals && status && status !== input.StatusEquals) continue;
          yield { type, name, arn, createdAt, status };
        }
      }
    } catch (e) {
      throw new ActionFailedError(`${spec.operation} failed: ${(e as Error).message}`, "list", { cause: e });
    }
  }
}
