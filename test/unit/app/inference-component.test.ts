import {
  DeleteInferenceComponentCommand,
  DescribeInferenceComponentCommand,
  DescribeModelCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { sample } from "../../support/events.js";
import { mockedRuntime } from "../../support/mocked-runtime.js";

/* Inference components put a model on a shared endpoint: their posture is that model's. */
const sm = mockClient(SageMakerClient);
const sns = mockClient(SNSClient);
const model = (isolated: boolean) => ({
  ModelName: "churn-llm-adapter-model",
  ModelArn: "arn:aws:sagemaker:us-east-1:123456789012:model/churn-llm-adapter-model",
  PrimaryContainer: { Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/llm-adapter:3" },
  EnableNetworkIsolation: isolated,
});

const component = {
  InferenceComponentName: "churn-ic-llm-adapter",
  InferenceComponentArn: "arn:aws:sagemaker:us-east-1:123456789012:inference-component/churn-ic-llm-adapter",
  Specification: { ModelName: "churn-llm-adapter-model" },
  InferenceComponentStatus: "Creating" as const,
  CreationTime: new Date("2026-11-26T12:00:00Z"),
};

beforeEach(() => {
  sm.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: "m-1" });
  // The event names the model; the component's own Describe is what decides (verify before destroying).
  sm.on(DescribeInferenceComponentCommand).resolves(component);
});

describe("inference components", () => {
  it("deletes an inference component that places a model without isolation, and alerts", async () => {
    sm.on(DescribeModelCommand).resolves(model(false));
    sm.on(DeleteInferenceComponentCommand).resolves({});

    const outcome = await mockedRuntime().handle(sample("CreateInferenceComponent.model-lookup.json"));

    expect(outcome.decision.verdict).toBe("NON_COMPLIANT");
    expect(outcome.remedy).toBe("deleted");
    expect(sm.commandCalls(DeleteInferenceComponentCommand)[0]?.args[0].input).toEqual({
      InferenceComponentName: "churn-ic-llm-adapter",
    });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it("keeps an inference component whose model is isolated", async () => {
    sm.on(DescribeModelCommand).resolves(model(true));

    const outcome = await mockedRuntime().handle(sample("CreateInferenceComponent.model-lookup.json"));

    expect(outcome.decision.verdict).toBe("COMPLIANT");
    expect(sm.commandCalls(DeleteInferenceComponentCommand)).toHaveLength(0);
  });

  it("judges the model the component really places, not the one a forged event names", async () => {
    const event = sample("CreateInferenceComponent.model-lookup.json");
    event.detail.requestParameters.specification.modelName = "some-open-model";
    sm.on(DescribeModelCommand, { ModelName: "churn-llm-adapter-model" }).resolves(model(true));
    sm.on(DescribeModelCommand, { ModelName: "some-open-model" }).resolves({ ...model(false), ModelName: "x" });

    const outcome = await mockedRuntime().handle(event);

    expect(outcome.decision.verdict).toBe("COMPLIANT");
    expect(sm.commandCalls(DeleteInferenceComponentCommand)).toHaveLength(0);
  });

  it("describes the component when an update does not name its model", async () => {
    const event = sample("CreateInferenceComponent.model-lookup.json");
    event.detail.eventName = "UpdateInferenceComponent";
    event.detail.requestParameters = {
      inferenceComponentName: "churn-ic-llm-adapter",
      runtimeConfig: { copyCount: 2 },
    };
    sm.on(DescribeInferenceComponentCommand).resolves({ ...component, InferenceComponentStatus: "Updating" as const });
    sm.on(DescribeModelCommand).resolves(model(false));
    sm.on(DeleteInferenceComponentCommand).resolves({});

    const outcome = await mockedRuntime().handle(event);

    expect(sm.commandCalls(DescribeInferenceComponentCommand)).toHaveLength(1);
    expect(outcome.decision.findings.map((f) => f.rule)).toEqual(["network-isolation-disabled"]);
  });
});
