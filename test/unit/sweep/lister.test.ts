import {
  CompilationJobStatus,
  LabelingJobStatus,
  ListLabelingJobsCommand,
  ListModelsCommand,
  ListTrainingJobsCommand,
  NotebookInstanceStatus,
  OptimizationJobStatus,
  RecommendationJobStatus,
  SageMakerClient,
  ScheduleStatus,
} from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { LIST_IAM_ACTIONS, SageMakerLister } from "../../../src/adapters/sagemaker-list.js";
import { RESOURCE_TYPE_NAMES, RESOURCE_TYPES } from "../../../src/core/resource-types.js";

const sm = mockClient(SageMakerClient);
const lister = new SageMakerLister(new SageMakerClient({ region: "us-east-1" }));
const arn = (t: string, n: string) => `arn:aws:sagemaker:us-east-1:123456789012:${t}/${n}`;
const collect = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

beforeEach(() => sm.reset());

describe("SageMaker lister", () => {
  it("follows NextToken through every page and asks only for running jobs", async () => {
    sm.on(ListTrainingJobsCommand)
      .resolvesOnce({
        TrainingJobSummaries: [
          {
            TrainingJobName: "a",
            TrainingJobArn: arn("training-job", "a"),
            TrainingJobStatus: "InProgress",
            CreationTime: new Date(0),
          },
        ],
        NextToken: "p2",
      })
      .resolvesOnce({
        TrainingJobSummaries: [
          {
            TrainingJobName: "b",
            TrainingJobArn: arn("training-job", "b"),
            TrainingJobStatus: "InProgress",
            CreationTime: new Date(0),
          },
        ],
      });

    const found = await collect(lister.list("training-job", { runningJobsOnly: true }));

    expect(found.map((r) => r.name)).toEqual(["a", "b"]);
    const inputs = sm.commandCalls(ListTrainingJobsCommand).map((c) => c.args[0].input);
    // The SDK's paginator reuses one input object, so only the last state can be read back.
    expect(inputs).toHaveLength(2);
    expect(inputs[1]).toEqual({ StatusEquals: "InProgress", MaxResults: 100, NextToken: "p2" });
  });

  it("asks for models created after the watermark, and filters itself where the service ignores it", async () => {
    const after = new Date("2026-11-26T12:00:00Z");
    sm.on(ListModelsCommand).resolves({
      Models: [
        { ModelName: "old", ModelArn: arn("model", "old"), CreationTime: new Date("2026-11-26T11:00:00Z") },
        { ModelName: "new", ModelArn: arn("model", "new"), CreationTime: new Date("2026-11-26T12:30:00Z") },
      ],
    });

    const found = await collect(lister.list("model", { runningJobsOnly: true, createdAfter: after }));

    expect(found).toEqual([
      { type: "model", name: "new", arn: arn("model", "new"), createdAt: "2026-11-26T12:30:00.000Z", status: null },
    ]);
    expect(sm.commandCalls(ListModelsCommand)[0]?.args[0].input).toMatchObject({ CreationTimeAfter: after });
  });

  it("lists labeling jobs Initializing and InProgress, one call per status, each job once", async () => {
    const summary = (n: string, status: LabelingJobStatus) => ({
      LabelingJobName: n,
      LabelingJobArn: arn("labeling-job", n),
      LabelingJobStatus: status,
      CreationTime: new Date(0),
      LastModifiedTime: new Date(0),
      WorkteamArn: "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/x",
      LabelCounters: {},
    });
    sm.on(ListLabelingJobsCommand, { StatusEquals: "Initializing" })
      .resolves({ LabelingJobSummaryList: [summary("new", "Initializing"), summary("moving", "Initializing")] })
      .on(ListLabelingJobsCommand, { StatusEquals: "InProgress" })
      // "moving" left Initializing between the two calls; "done" is a service ignoring the filter.
      .resolves({
        LabelingJobSummaryList: [
          summary("moving", "InProgress"),
          summary("old", "InProgress"),
          summary("done", "Completed"),
        ],
      });

    const found = await collect(lister.list("labeling-job", { runningJobsOnly: true }));

    expect(found.map((r) => [r.name, r.status])).toEqual([
      ["new", "Initializing"],
      ["moving", "Initializing"],
      ["old", "InProgress"],
    ]);
    const statuses = sm.commandCalls(ListLabelingJobsCommand).map((c) => c.args[0].input.StatusEquals);
    expect(statuses).toEqual(["Initializing", "InProgress"]);
  });

  it("lists every labeling job in one unfiltered call when finished ones count too (--include-finished)", async () => {
    sm.on(ListLabelingJobsCommand).resolves({ LabelingJobSummaryList: [] });

    await collect(lister.list("labeling-job", { runningJobsOnly: false }));

    expect(sm.commandCalls(ListLabelingJobsCommand).map((c) => c.args[0].input)).toEqual([{ MaxResults: 100 }]);
  });

  it("names the failed listing", async () => {
    sm.on(ListModelsCommand).rejects(Object.assign(new Error("not authorized"), { name: "AccessDeniedException" }));

    await expect(collect(lister.list("model", { runningJobsOnly: true }))).rejects.toThrow(
      /ListModels failed: not authorized/,
    );
  });

  it("declares the IAM action of every List call it makes", () => {
    expect(LIST_IAM_ACTIONS).toEqual([
      "sagemaker:ListTrainingJobs",
      "sagemaker:ListHyperParameterTuningJobs",
      "sagemaker:ListProcessingJobs",
      "sagemaker:ListTransformJobs",
      "sagemaker:ListModels",
      "sagemaker:ListEndpointConfigs",
      "sagemaker:ListEndpoints",
      "sagemaker:ListInferenceComponents",
      "sagemaker:ListNotebookInstances",
      "sagemaker:ListMonitoringSchedules",
      "sagemaker:ListAutoMLJobs",
      "sagemaker:ListCompilationJobs",
      "sagemaker:ListOptimizationJobs",
      "sagemaker:ListInferenceRecommendationsJobs",
      "sagemaker:ListLabelingJobs",
      "sagemaker:ListDataQualityJobDefinitions",
      "sagemaker:ListModelQualityJobDefinitions",
      "sagemaker:ListModelBiasJobDefinitions",
      "sagemaker:ListModelExplainabilityJobDefinitions",
      "sagemaker:ListDomains",
      "sagemaker:ListClusters",
    ]);
  });

  /*
   * The running-only listing must return every resource the guard would stop or wait to stop: a status
   * left out of it is a resource the sweep never sees (labeling jobs Initializing were). Checked against
   * the SDK's enums, generated from the same service model as botocore's.
   */
  const ENUMS: Partial<Record<string, Record<string, string>>> = {
    "notebook-instance": NotebookInstanceStatus,
    "monitoring-schedule": ScheduleStatus,
    "compilation-job": CompilationJobStatus,
    "optimization-job": OptimizationJobStatus,
    "inference-recommendations-job": RecommendationJobStatus,
    "labeling-job": LabelingJobStatus,
  };
  it.each(RESOURCE_TYPE_NAMES.filter((t) => RESOURCE_TYPES[t].api.list.activeStatuses !== null))(
    "lists %s in every status in which it would be stopped, or stopped later",
    (type) => {
      const row = RESOURCE_TYPES[type];
      const listed = row.api.list.activeStatuses ?? [];
      const stoppable = row.remedy === "stop" ? [...row.stopWhile, ...(row.stopsLater ?? [])] : [];
      expect(stoppable.length).toBeGreaterThan(0);
      expect([...listed].sort()).toEqual(expect.arrayContaining(stoppable));
      const statuses = ENUMS[type];
      if (statuses) expect(Object.values(statuses)).toEqual(expect.arrayContaining([...listed]));
    },
  );

  it("lists the starting statuses the API's enums have for the newer surfaces", () => {
    const listed = (t: keyof typeof RESOURCE_TYPES) => RESOURCE_TYPES[t].api.list.activeStatuses;
    expect(listed("labeling-job")).toEqual(["Initializing", "InProgress"]);
    expect(listed("notebook-instance")).toEqual(["Pending", "InService"]);
    expect(listed("monitoring-schedule")).toEqual(["Pending", "Scheduled"]);
    expect(listed("compilation-job")).toEqual(["STARTING", "INPROGRESS"]);
    expect(listed("optimization-job")).toEqual(["STARTING", "INPROGRESS"]);
    expect(listed("inference-recommendations-job")).toEqual(["PENDING", "IN_PROGRESS"]);
  });
});
