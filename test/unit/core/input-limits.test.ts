import { readdirSync } from "node:fs";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import {
  arnProblem,
  EVENT_LIMITS,
  eventLimitProblem,
  InvalidEventError,
  normalizeEvent,
  resourceNameProblem,
  TrustBoundaryError,
} from "../../../src/core/index.js";
import { type AnyEvent, EVENTS_DIR, sample } from "../../support/events.js";
import { mockedRuntime } from "../../support/mocked-runtime.js";

/** The error normalizing an event raises, for assertions on its class and message. */
function refusal(event: AnyEvent): Error {
  try {
    normalizeEvent(event);
  } catch (e) {
    return e as Error;
  }
  throw new Error("the event was accepted");
}
const repeat = (items: unknown[], n: number) => Array.from({ length: n }, (_, i) => items[i % items.length]);
function withParams(file: string, edit: (p: AnyEvent) => void): AnyEvent {
  const event = sample(file);
  edit(event.detail.requestParameters);
  return event;
}

describe("caps on an event's arrays, well above AWS's own limits", () => {
  it.each([
    ["CreateHyperParameterTuningJob.multi-definition-one-bad.json", "trainingJobDefinitions", 10, 100],
    ["CreateModel.mixed-containers-no-isolation.json", "containers", 15, 150],
    ["CreateEndpointConfig.model-lookup.json", "productionVariants", 10, 100],
  ])("%s: accepts %s at AWS's maximum (%i) and refuses one over the cap (%i)", (file, key, awsMax, cap) => {
    const atAwsMax = withParams(file, (p) => {
      p[key] = repeat(p[key], awsMax);
    });
    const overCap = withParams(file, (p) => {
      p[key] = repeat(p[key], cap + 1);
    });

    expect(() => normalizeEvent(atAwsMax)).not.toThrow();
    const error = refusal(overCap);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error.message).toBe(
      `refusing an oversized event: detail.requestParameters.${key} has ${cap + 1} items; at most ${cap} are accepted`,
    );
  });

  it("refuses inference-component specifications over the cap", () => {
    const event = withParams("CreateInferenceComponent.model-lookup.json", (p) => {
      p.specifications = repeat([p.specification], EVENT_LIMITS.arrays.specifications + 1);
    });

    expect(refusal(event).message).toMatch(/specifications has 51 items; at most 50/);
  });

  it("refuses the 200,000-definition tuning job at the cap, reading no further", () => {
    const event = withParams("CreateHyperParameterTuningJob.multi-definition-one-bad.json", (p) => {
      p.trainingJobDefinitions = repeat(p.trainingJobDefinitions, 200_000);
    });

    expect(refusal(event).message).toMatch(/trainingJobDefinitions has 200000 items; at most 100 are accepted/);
  });

  it("refuses any other array over 1,000 items, an event over 1 MiB, and nesting over 64 levels", () => {
    const long = withParams("CreateTrainingJob.isolated.json", (p) => {
      p.inputDataConfig = new Array(1001).fill({});
    });
    const big = withParams("CreateTrainingJob.isolated.json", (p) => {
      p.hyperParameters = { blob: "x".repeat(EVENT_LIMITS.maxBytes) };
    });
    let deep: AnyEvent = {};
    for (let i = 0; i < 70; i++) deep = { next: deep };
    const nested = withParams("CreateTrainingJob.isolated.json", (p) => {
      p.debugHookConfig = deep;
    });

    expect(refusal(long).message).toMatch(/inputDataConfig has 1001 items; at most 1000/);
    expect(refusal(big).message).toMatch(/larger than 1048576 bytes \(EventBridge delivers at most 256 KB\)/);
    expect(refusal(nested).message).toMatch(/nested over 64 levels/);
  });

  it("accepts every bundled sample event", () => {
    const files = readdirSync(EVENTS_DIR).filter((f) => f.endsWith(".json") && f !== "expected.json");
    expect(files.length).toBeGreaterThan(30);
    for (const file of files)
      expect({ file, problem: eventLimitProblem(sample(file)) }).toEqual({ file, problem: null });
  });
});

describe("SageMaker's name rule, before any AWS call", () => {
  it.each([
    ["a 1 MB name", "a".repeat(1_000_000), /is 1000000 characters; SageMaker allows 63/],
    ["a 64-character name", "a".repeat(64), /is 64 characters; SageMaker allows 63/],
    ["a non-ASCII name", "trainingsjob-ä", /is not a SageMaker name/],
    ["a name with a slash", "job/../other", /is not a SageMaker name/],
    ["a name ending in a hyphen", "job-", /is not a SageMaker name/],
  ])("refuses %s in the request", (_, name, message) => {
    const event = withParams("CreateTrainingJob.no-isolation.json", (p) => {
      p.trainingJobName = name;
    });
    event.detail.responseElements = null;

    const error = refusal(event);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error.message).toMatch(message);
  });

  it("refuses a bad model name that an endpoint config would make the guard describe", () => {
    const event = withParams("CreateEndpointConfig.model-lookup.json", (p) => {
      p.productionVariants[0].modelName = "model name with spaces";
    });

    expect(refusal(event).message).toMatch(/model name "model name with spaces" is not a SageMaker name/);
  });

  it("refuses a bad name in a state-change event", () => {
    const event = sample("SageMakerTrainingJobStateChange.in-progress.json");
    event.detail.TrainingJobName = "ü".repeat(10);
    event.detail.TrainingJobArn = undefined;
    event.resources = [];

    expect(refusal(event).message).toMatch(/training-job name "ü+" is not a SageMaker name/);
  });

  it("accepts names at SageMaker's limits", () => {
    expect(resourceNameProblem("training-job", `a${"-b".repeat(31)}`)).toBeNull();
    expect(resourceNameProblem("model", "A".repeat(63))).toBeNull();
    expect(resourceNameProblem("hyper-parameter-tuning-job", "016bffd3-6d71-4d3a-9710-0a332b2759fc")).toBeNull();
  });
});

describe("other partitions", () => {
  const where = { type: "training-job" as const, name: "job", account: "123456789012", region: "us-east-1" };

  it.each(["aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-eusc"])(
    "refuses an %s ARN in a us-east-1 event",
    (p) => {
      const event = sample("CreateTrainingJob.no-isolation.json");
      const name = event.detail.requestParameters.trainingJobName;
      event.detail.responseElements.trainingJobArn = `arn:${p}:sagemaker:us-east-1:123456789012:training-job/${name}`;

      const error = refusal(event);
      expect(error).toBeInstanceOf(TrustBoundaryError);
      expect(error.message).toMatch(new RegExp(`ARN partition ${p} is not aws \\(the partition of us-east-1\\)`));
    },
  );

  it("accepts the partition of the deployment's own region", () => {
    expect(arnProblem("arn:aws:sagemaker:us-east-1:123456789012:training-job/job", where)).toBeNull();
    expect(
      arnProblem("arn:aws-cn:sagemaker:cn-north-1:123456789012:training-job/job", { ...where, region: "cn-north-1" }),
    ).toBeNull();
    expect(
      arnProblem("arn:aws:sagemaker:cn-north-1:123456789012:training-job/job", { ...where, region: "cn-north-1" }),
    ).toMatch(/partition aws is not aws-cn/);
  });
});

describe("the event path", () => {
  it("logs the refusal with its reason and makes no AWS call", async () => {
    const sm = mockClient(SageMakerClient);
    const sns = mockClient(SNSClient);
    const logged: { message: string; extra?: Record<string, unknown> }[] = [];
    const rt = mockedRuntime({
      info() {},
      warn() {},
      error: (message, extra) => logged.push({ message, extra }),
    });
    const event = withParams("CreateHyperParameterTuningJob.multi-definition-one-bad.json", (p) => {
      p.trainingJobDefinitions = repeat(p.trainingJobDefinitions, 200_000);
    });

    await expect(rt.handle(event)).rejects.toBeInstanceOf(InvalidEventError);

    expect(sm.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
    expect(logged).toEqual([
      {
        message: "event rejected",
        extra: expect.objectContaining({
          error: "InvalidEventError",
          reason: expect.stringMatching(/trainingJobDefinitions has 200000 items/),
        }),
      },
    ]);
    sm.restore();
    sns.restore();
  });
});
