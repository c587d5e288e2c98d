import {
  AddTagsCommand,
  DeleteEndpointCommand,
  DeleteInferenceComponentCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeInferenceComponentCommand,
  DescribeModelCommand,
  ListTagsCommand,
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

/** `{a: {b: 1}}` → `{A: {B: 1}}`: a Describe output shaped like the request (SageMaker echoes it). */
function upperCamel(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(upperCamel);
  if (typeof v !== "object" || v === null) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.charAt(0).toUpperCase() + k.slice(1), upperCamel(x)]));
}

const DESCRIBE: Record<string, [unknown, string, string]> = {
  CreateInferenceComponent: [DescribeInferenceComponentCommand, "InferenceComponentName", "InferenceComponentArn"],
  CreateEndpoint: [DescribeEndpointCommand, "EndpointName", "EndpointArn"],
  CreateEndpointConfig: [DescribeEndpointConfigCommand, "EndpointConfigName", "EndpointConfigArn"],
};

/**
 * Handles a create event whose resource is what the event says (a genuine event): its Describe is the
 * request's parameters, as SageMaker echoes them. Tests of forged events mock Describe themselves.
 */
function handleGenuine(event: ReturnType<typeof sample>) {
  const found = DESCRIBE[event.detail.eventName];
  if (found) {
    const [command, nameKey, arnKey] = found;
    const params = upperCamel(event.detail.requestParameters) as Record<string, unknown>;
    const arn = Object.values(event.detail.responseElements ?? {})[0];
    // biome-ignore lint/suspicious/noExplicitAny: one helper for three Describe commands
    sm.on(command as any, { [nameKey]: params[nameKey] }).resolves({ ...params, [arnKey]: arn } as never);
  }
  return mockedRuntime().handle(event);
}

describe("inference components", () => {
  it("deletes an inference component that places a model without isolation, and alerts", async () => {
    sm.on(DescribeModelCommand).resolves(model(false));
    sm.on(DeleteInferenceComponentCommand).resolves({});

    const outcome = await handleGenuine(sample("CreateInferenceComponent.model-lookup.json"));

    expect(outcome.decision.verdict).toBe("NON_COMPLIANT");
    expect(outcome.remedy).toBe("deleted");
    expect(sm.commandCalls(DeleteInferenceComponentCommand)[0]?.args[0].input).toEqual({
      InferenceComponentName: "churn-ic-llm-adapter",
    });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it("keeps an inference component whose model is isolated", async () => {
    sm.on(DescribeModelCommand).resolves(model(true));

    const outcome = await handleGenuine(sample("CreateInferenceComponent.model-lookup.json"));

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

    const outcome = await handleGenuine(event);

    expect(sm.commandCalls(DescribeInferenceComponentCommand)).toHaveLength(1);
    expect(outcome.decision.findings.map((f) => f.rule)).toEqual(["network-isolation-disabled"]);
  });
});

/* A component may run its own container: its endpoint's config (top-level fields) isolates it, or not. */
const endpoint = {
  EndpointName: "shared-llm-endpoint",
  EndpointArn: "arn:aws:sagemaker:us-east-1:123456789012:endpoint/shared-llm-endpoint",
  EndpointConfigName: "llm-host-config",
  EndpointStatus: "InService" as const,
};
const hostConfig = (settings: Record<string, unknown>) => ({
  EndpointConfigName: "llm-host-config",
  EndpointConfigArn: "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/llm-host-config",
  ProductionVariants: [{ VariantName: "AllTraffic", InstanceType: "ml.g5.12xlarge" as const }],
  ...settings,
});
const PYTORCH_INFERENCE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-gpu-py311";

describe("inference components with their own container", () => {
  it("deletes a component whose endpoint config leaves network isolation off, naming the config in the finding", async () => {
    sm.on(DescribeEndpointCommand).resolves(endpoint);
    sm.on(DescribeEndpointConfigCommand).resolves(hostConfig({}));
    sm.on(DeleteInferenceComponentCommand).resolves({});

    const outcome = await handleGenuine(sample("CreateInferenceComponent.own-container.json"));

    expect(outcome.decision.verdict).toBe("NON_COMPLIANT");
    expect(outcome.decision.findings).toMatchObject([
      {
        rule: "network-isolation-disabled",
        path: "endpointConfig[llm-host-config].enableNetworkIsolation",
        message: expect.stringContaining("endpoint config llm-host-config"),
      },
    ]);
    expect(outcome.remedy).toBe("deleted");
    expect(sm.commandCalls(DescribeEndpointCommand)[0]?.args[0].input).toEqual({
      EndpointName: "shared-llm-endpoint",
    });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    // Its environment (a token here) never reaches the alert.
    expect(JSON.stringify(sns.commandCalls(PublishCommand)[0]?.args[0].input)).not.toContain("hf_EXAMPLE");
  });

  it("keeps a component on an endpoint whose config isolates every container", async () => {
    sm.on(DescribeEndpointCommand).resolves(endpoint);
    sm.on(DescribeEndpointConfigCommand).resolves(hostConfig({ EnableNetworkIsolation: true }));

    const outcome = await handleGenuine(sample("CreateInferenceComponent.own-container.json"));

    expect(outcome.decision.verdict).toBe("COMPLIANT");
    expect(sm.commandCalls(DeleteInferenceComponentCommand)).toHaveLength(0);
  });

  it("accepts a framework image in the config's VPC as the compensating control, and requires the VPC otherwise", async () => {
    const event = sample("CreateInferenceComponent.own-container.json");
    event.detail.requestParameters.specification.container.image = PYTORCH_INFERENCE;
    sm.on(DescribeEndpointCommand).resolves(endpoint);
    sm.on(DescribeEndpointConfigCommand).resolves(
      hostConfig({ VpcConfig: { Subnets: ["subnet-0a1b2c3d4e5f60001"], SecurityGroupIds: ["sg-0a1b2c3d4e5f60001"] } }),
    );
    expect((await handleGenuine(event)).decision.verdict).toBe("COMPLIANT");

    sm.on(DescribeEndpointConfigCommand).resolves(hostConfig({}));
    sm.on(DeleteInferenceComponentCommand).resolves({});
    const outcome = await handleGenuine(event);
    expect(outcome.decision.findings.map((f) => [f.rule, f.path])).toEqual([
      ["vpc-config-missing", "endpointConfig[llm-host-config].vpcConfig"],
    ]);
  });

  it("reports the component as unverifiable when its endpoint's config cannot be found", async () => {
    sm.on(DescribeEndpointCommand).resolves(endpoint);
    sm.on(DescribeEndpointConfigCommand).rejects(
      Object.assign(new Error("Could not find endpoint configuration"), { name: "ValidationException" }),
    );
    sm.on(DeleteInferenceComponentCommand).resolves({});

    const outcome = await handleGenuine(sample("CreateInferenceComponent.own-container.json"));

    expect(outcome.decision.verdict).toBe("NON_COMPLIANT");
    expect(outcome.decision.findings.map((f) => f.rule)).toEqual(["model-unverifiable"]);
    expect(outcome.decision.findings[0]?.message).toMatch(/^endpoint-config llm-host-config could not be found/);
  });

  it("reads the Describe path: Specification.Container.DeployedImage and the component's EndpointName", async () => {
    const event = sample("CreateInferenceComponent.own-container.json");
    event.detail.eventName = "UpdateInferenceComponent";
    event.detail.requestParameters = { inferenceComponentName: "support-bot-tgi", runtimeConfig: { copyCount: 2 } };
    sm.on(DescribeInferenceComponentCommand).resolves({
      InferenceComponentName: "support-bot-tgi",
      InferenceComponentArn: "arn:aws:sagemaker:us-east-1:123456789012:inference-component/support-bot-tgi",
      EndpointName: "shared-llm-endpoint",
      Specification: { Container: { DeployedImage: { SpecifiedImage: PYTORCH_INFERENCE } } },
      InferenceComponentStatus: "InService" as const,
    });
    sm.on(DescribeEndpointCommand).resolves(endpoint);
    sm.on(DescribeEndpointConfigCommand).resolves(hostConfig({}));
    sm.on(DeleteInferenceComponentCommand).resolves({});

    const outcome = await handleGenuine(event);

    expect(outcome.decision.findings.map((f) => f.rule)).toEqual(["vpc-config-missing"]);
    expect(outcome.decision.findings[0]?.message).toContain(PYTORCH_INFERENCE);
  });

  it("finds the endpoint of an UpdateInferenceComponent that swaps in a container but names no endpoint", async () => {
    const event = sample("CreateInferenceComponent.own-container.json");
    event.detail.eventName = "UpdateInferenceComponent";
    delete event.detail.requestParameters.endpointName;
    delete event.detail.requestParameters.variantName;
    sm.on(DescribeInferenceComponentCommand).resolves({
      InferenceComponentName: "support-bot-tgi",
      InferenceComponentArn: "arn:aws:sagemaker:us-east-1:123456789012:inference-component/support-bot-tgi",
      EndpointName: "shared-llm-endpoint",
      // Verify first: the container is judged as the component's own Describe reports it.
      Specification: {
        Container: {
          DeployedImage: { SpecifiedImage: "123456789012.dkr.ecr.us-east-1.amazonaws.com/support-bot-tgi:2.4.0" },
        },
      },
      InferenceComponentStatus: "Updating" as const,
    });
    sm.on(DescribeEndpointCommand).resolves(endpoint);
    sm.on(DescribeEndpointConfigCommand).resolves(hostConfig({}));
    sm.on(DeleteInferenceComponentCommand).resolves({});

    const outcome = await mockedRuntime().handle(event);

    expect(sm.commandCalls(DescribeEndpointCommand)[0]?.args[0].input).toEqual({ EndpointName: "shared-llm-endpoint" });
    expect(outcome.decision.findings.map((f) => f.rule)).toEqual(["network-isolation-disabled"]);
    expect(outcome.remedy).toBe("deleted");
  });

  it("decides every model of Specifications[]", async () => {
    sm.on(DescribeModelCommand, { ModelName: "ranker-model-a" }).resolves({
      ...model(true),
      ModelName: "ranker-model-a",
    });
    sm.on(DescribeModelCommand, { ModelName: "ranker-model-b" }).resolves({
      ...model(false),
      ModelName: "ranker-model-b",
    });
    sm.on(DeleteInferenceComponentCommand).resolves({});

    const outcome = await handleGenuine(sample("CreateInferenceComponent.specifications.json"));

    expect(sm.commandCalls(DescribeModelCommand).map((c) => c.args[0].input.ModelName)).toEqual([
      "ranker-model-a",
      "ranker-model-b",
    ]);
    expect(outcome.decision.findings.map((f) => f.path)).toEqual(["models[ranker-model-b].enableNetworkIsolation"]);
    expect(outcome.remedy).toBe("deleted");
  });

  it("leaves an adapter to its base component, which runs the container", async () => {
    const event = sample("CreateInferenceComponent.own-container.json");
    event.detail.requestParameters.specification = { baseInferenceComponentName: "support-bot-tgi" };

    const outcome = await handleGenuine(event);

    expect(outcome.decision.verdict).toBe("IGNORED");
    expect(outcome.decision.reason).toMatch(/adapter on inference component support-bot-tgi/);
    // Only its own Describe (the event is not taken at its word).
    expect(sm.calls().map((c) => c.args[0].constructor.name)).toEqual(["DescribeInferenceComponentCommand"]);
  });
});

describe("endpoints and endpoint configs for inference components", () => {
  it("keeps an endpoint whose config names no model and leaves isolation off, saying its components decide", async () => {
    sm.on(DescribeEndpointConfigCommand).resolves(hostConfig({}));
    const event = sample("CreateEndpoint.model-lookup.json");

    const outcome = await handleGenuine(event);

    expect(outcome.decision.verdict).toBe("IGNORED");
    expect(outcome.decision.reason).toMatch(/^hosts inference components: each is decided with endpoint config /);
    expect(sm.commandCalls(DeleteEndpointCommand)).toHaveLength(0);
  });

  it("calls an endpoint compliant when its config isolates every container deployed to it", async () => {
    sm.on(DescribeEndpointConfigCommand).resolves(hostConfig({ EnableNetworkIsolation: true }));

    const outcome = await handleGenuine(sample("CreateEndpoint.model-lookup.json"));

    expect(outcome.decision.verdict).toBe("COMPLIANT");
  });

  it("decides model-based variants from their models, never crediting the config's own isolation to them", async () => {
    sm.on(DescribeModelCommand).resolves({ ...model(false), ModelName: "fraud-detector-model-v32" });
    sm.on(ListTagsCommand).resolves({ Tags: [] });
    sm.on(AddTagsCommand).resolves({});
    const event = sample("CreateEndpointConfig.model-lookup.json");
    event.detail.requestParameters.enableNetworkIsolation = true;

    const outcome = await handleGenuine(event);

    expect(outcome.decision.verdict).toBe("NON_COMPLIANT");
    expect(outcome.decision.findings.map((f) => f.path)).toEqual([
      "models[fraud-detector-model-v32].enableNetworkIsolation",
    ]);
  });
});
