import { ListModelsCommand, ListTrainingJobsCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { LIST_IAM_ACTIONS, SageMakerLister } from "../../../src/adapters/sagemaker-list.js";

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
});
