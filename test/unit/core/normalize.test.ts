import {
  GuardError,
  InvalidEventError,
  lowerCamelKeys,
  type NormalizedEvent,
  normalizeEvent,
  TrustBoundaryError,
} from "../../../src/core/index.js";
import { loadEvent, requestParameters, type SampleEvent } from "./fixtures.js";

/** The error normalizing `event` raises. */
function normalizeError(event: unknown): Error {
  try {
    normalizeEvent(event);
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected normalizeEvent to throw, but it returned");
}

function expectKind<K extends NormalizedEvent["kind"]>(
  n: NormalizedEvent,
  kind: K,
): Extract<NormalizedEvent, { kind: K }> {
  expect(n.kind).toBe(kind);
  return n as Extract<NormalizedEvent, { kind: K }>;
}

describe("events with nothing to decide", () => {
  it("ignores a failed call: nothing was created", () => {
    const n = expectKind(normalizeEvent(loadEvent("CreateTrainingJob.failed-call.json")), "ignored");

    expect(n.reason).toContain("failed");
    expect(n.reason).toContain("ValidationException");
    expect(n.resource).toBeNull();
  });

  it("ignores a failed CreateModel call", () => {
    const n = normalizeEvent(loadEvent("CreateModel.failed-call.json"));

    expect(n.kind).toBe("ignored");
  });

  it("ignores a failed call whatever shape CloudTrail gives its errorCode", () => {
    const event = loadEvent("CreateTrainingJob.failed-call.json");
    event.detail.errorCode = JSON.parse('{"toString": 1}');

    const n = normalizeEvent(event);

    expect(n.kind).toBe("ignored");
  });

  it("ignores a read-only call", () => {
    const n = expectKind(normalizeEvent(loadEvent("DescribeTrainingJob.read-only.json")), "ignored");

    expect(n.reason).toContain("read-only");
  });

  it("ignores a read-only call flagged readOnly even when its name looks like a write", () => {
    const event = loadEvent("CreateTrainingJob.no-isolation.json");
    event.detail.eventName = "RenderUiTemplate";
    event.detail.readOnly = true;

    const n = expectKind(normalizeEvent(event), "ignored");

    expect(n.reason).toContain("read-only");
  });

  it("ignores another service's call", () => {
    const n = expectKind(normalizeEvent(loadEvent("PutObject.other-service.json")), "ignored");

    expect(n.reason).toContain("not a SageMaker call");
  });

  it("ignores an aws.sagemaker envelope whose CloudTrail eventSource is another service", () => {
    const event = loadEvent("CreateTrainingJob.no-isolation.json");
    event.detail.eventSource = "s3.amazonaws.com";

    const n = expectKind(normalizeEvent(event), "ignored");

    expect(n.reason).toContain("eventSource s3.amazonaws.com");
  });

  it("ignores a SageMaker eventSource under another envelope source", () => {
    const event = loadEvent("CreateTrainingJob.no-isolation.json");
    event.source = "aws.s3";

    const n = normalizeEvent(event);

    expect(n.kind).toBe("ignored");
  });

  it("ignores a SageMaker create call outside the supported set", () => {
    const event = loadEvent("CreateTrainingJob.no-isolation.json");
    event.detail.eventName = "CreateWorkteam";

    const n = expectKind(normalizeEvent(event), "ignored");

    expect(n.reason).toContain("CreateWorkteam");
  });

  it("ignores an EventBridge event of another detail-type", () => {
    const event = loadEvent("CreateTrainingJob.no-isolation.json");
    event["detail-type"] = "EC2 Instance State-change Notification";

    const n = expectKind(normalizeEvent(event), "ignored");

    expect(n.reason).toContain("EC2 Instance State-change Notification");
  });

  it("keeps the caller of an ignored call for the record", () => {
    const n = expectKind(normalizeEvent(loadEvent("CreateTrainingJob.failed-call.json")), "ignored");

    expect(n.caller?.arn).toMatch(/^arn:aws:sts::123456789012:assumed-role\//);
  });
});

describe("events whose facts CloudTrail omitted", () => {
  it("needs a lookup when requestParameters were replaced by the omitted marker, keeping the name from the ARN", () => {
    const n = expectKind(normalizeEvent(loadEvent("CreateTrainingJob.omitted.json")), "lookup");

    expect(n.resource).toEqual({
      type: "training-job",
      name: "genomics-variant-caller-2026-11-03-15-30-55",
      arn: "arn:aws:sagemaker:us-east-1:123456789012:training-job/genomics-variant-caller-2026-11-03-15-30-55",
      account: "123456789012",
      region: "us-east-1",
    });
    expect(n.trigger).toBe("cloudtrail");
  });

  it("needs a lookup when requestParameters are missing altogether", () => {
    const event = loadEvent("CreateTrainingJob.no-isolation.json");
    delete event.detail.requestParameters;

    const n = expectKind(normalizeEvent(event), "lookup");

    expect(n.resource.name).toBe("churn-xgb-custom-2026-11-03-14-10-45");
  });

  it("needs a lookup when a nested relevant field was omitted, keeping the request's own name", () => {
    const event = loadEvent("CreateTrainingJob.pytorch-framework-vpc.json");
    requestParameters(event).vpcConfig = { omitted: true, originalSize: 40960 };

    const n = expectKind(normalizeEvent(event), "lookup");

    expect(n.resource.name).toBe("pytorch-training-2026-11-03-14-33-52-118");
  });

  it("needs a lookup when one tuning definition's VPC was omitted", () => {
    const event = loadEvent("CreateHyperParameterTuningJob.multi-definition-one-bad.json");
    const defs = requestParameters(event).trainingJobDefinitions as Record<string, unknown>[];
    (defs[2] as Record<string, unknown>).vpcConfig = { omitted: true };

    const n = normalizeEvent(event);

    expect(n.kind).toBe("lookup");
  });

  it("still decides when only an irrelevant field (the environment) was omitted", () => {
    const event = loadEvent("CreateTrainingJob.with-secret-env.json");
    requestParameters(event).environment = { omitted: true, originalSize: 102400 };

    const n = expectKind(normalizeEvent(event), "facts");

    expect(n.facts.units[0]?.networkIsolation).toBe(false);
  });

  it("rejects an omitted request whose resource cannot be identified", () => {
    const event = loadEvent("CreateTrainingJob.omitted.json");
    event.detail.responseElements = null;

    const e = normalizeError(event);

    expect(e).toBeInstanceOf(InvalidEventError);
    expect(e.message).toContain("responseElements.trainingJobArn");
  });
});

describe("events that put models to work", () => {
  it("needs a lookup of the model a transform job names", () => {
    const n = expectKind(normalizeEvent(loadEvent("CreateTransformJob.model-lookup.json")), "lookup");

    expect(n.resource.type).toBe("transform-job");
    expect(n.modelSource?.modelNames).toHaveLength(1);
  });

  it("needs a lookup of an endpoint config's variant models", () => {
    const n = expectKind(normalizeEvent(loadEvent("CreateEndpointConfig.model-lookup.json")), "lookup");

    expect(n.resource.type).toBe("endpoint-config");
    expect(n.modelSource?.modelNames.length).toBeGreaterThan(0);
  });

  it("needs a lookup of the endpoint config an endpoint names", () => {
    const n = expectKind(normalizeEvent(loadEvent("CreateEndpoint.model-lookup.json")), "lookup");

    expect(n.resource.type).toBe("endpoint");
    expect(n.modelSource?.endpointConfigName).toEqual(expect.any(String));
  });

  it("treats UpdateEndpoint as putting a new config to work", () => {
    const event = loadEvent("CreateEndpoint.model-lookup.json");
    event.detail.eventName = "UpdateEndpoint";

    const n = expectKind(normalizeEvent(event), "lookup");

    expect(n.resource.type).toBe("endpoint");
  });
});

describe("facts read from the request", () => {
  it("reads the resource, the caller and the isolation facts of a training job", () => {
    const n = expectKind(normalizeEvent(loadEvent("CreateTrainingJob.pytorch-framework-vpc.json")), "facts");

    expect(n.facts.resource.type).toBe("training-job");
    expect(n.facts.caller).toEqual({
      type: "AssumedRole",
      arn: "arn:aws:sts::123456789012:assumed-role/DataScientist/alice",
      sessionIssuerArn: "arn:aws:iam::123456789012:role/DataScientist",
      sourceIdentity: "alice@example.com",
      invokedBy: null,
    });
    expect(n.facts.units).toEqual([
      expect.objectContaining({
        networkIsolation: false,
        vpc: {
          subnets: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
          securityGroupIds: ["sg-0a1b2c3d4e5f60001"],
        },
      }),
    ]);
    expect(n.event.name).toBe("CreateTrainingJob");
  });

  it("reads one unit per tuning definition, labelled with its name", () => {
    const n = expectKind(
      normalizeEvent(loadEvent("CreateHyperParameterTuningJob.multi-definition-one-bad.json")),
      "facts",
    );

    expect(n.facts.units.map((u) => [u.basePath, u.label])).toEqual([
      ["trainingJobDefinitions[0]", "xgb"],
      ["trainingJobDefinitions[1]", "lightgbm"],
      ["trainingJobDefinitions[2]", "catboost"],
    ]);
  });

  it("reads every container image of a multi-container model", () => {
    const n = expectKind(normalizeEvent(loadEvent("CreateModel.mixed-containers-no-isolation.json")), "facts");

    expect(n.facts.units[0]?.images.map((i) => i.path)).toEqual(["containers[0].image", "containers[1].image"]);
  });

  it("treats an absent networkConfig of a processing job as no isolation and no VPC", () => {
    const n = expectKind(normalizeEvent(loadEvent("CreateProcessingJob.no-network-config.json")), "facts");

    expect(n.facts.units[0]).toMatchObject({ networkIsolation: false, vpc: null });
  });
});

describe("malformed input", () => {
  it("rejects enableNetworkIsolation given as a string, naming the path", () => {
    const event = loadEvent("CreateTrainingJob.isolated.json");
    requestParameters(event).enableNetworkIsolation = "yes";

    const e = normalizeError(event);

    expect(e).toBeInstanceOf(InvalidEventError);
    expect(e.message).toContain("requestParameters.enableNetworkIsolation");
  });

  it("rejects a vpcConfig whose subnets are not a list, naming the path", () => {
    const event = loadEvent("CreateTrainingJob.pytorch-framework-vpc.json");
    (requestParameters(event).vpcConfig as Record<string, unknown>).subnets = "subnet-0a1b2c3d4e5f60001";

    const e = normalizeError(event);

    expect(e).toBeInstanceOf(InvalidEventError);
    expect(e.message).toContain("requestParameters.vpcConfig.subnets");
  });

  it("rejects a tuning definition of the wrong type, naming its index", () => {
    const event = loadEvent("CreateHyperParameterTuningJob.multi-definition-one-bad.json");
    (requestParameters(event).trainingJobDefinitions as unknown[])[1] = "lightgbm";

    const e = normalizeError(event);

    expect(e).toBeInstanceOf(InvalidEventError);
    expect(e.message).toContain("requestParameters.trainingJobDefinitions.1");
  });

  it("rejects a detail that is not an object", () => {
    const event = loadEvent("CreateTrainingJob.isolated.json");
    event.detail = "CreateTrainingJob";

    const e = normalizeError(event);

    expect(e).toBeInstanceOf(InvalidEventError);
    expect(e.message).toContain("detail");
  });

  it("rejects an envelope without a detail-type", () => {
    const event = loadEvent("CreateTrainingJob.isolated.json");
    delete event["detail-type"];

    const e = normalizeError(event);

    expect(e).toBeInstanceOf(InvalidEventError);
    expect(e.message).toContain("detail-type");
  });

  it("rejects a CloudTrail detail without an eventName", () => {
    const event = loadEvent("CreateTrainingJob.isolated.json");
    delete event.detail.eventName;

    const e = normalizeError(event);

    expect(e).toBeInstanceOf(InvalidEventError);
    expect(e.message).toContain("detail.eventName");
  });

  it("rejects a create call without a resource name", () => {
    const event = loadEvent("CreateTrainingJob.isolated.json");
    delete requestParameters(event).trainingJobName;

    const e = normalizeError(event);

    expect(e).toBeInstanceOf(InvalidEventError);
    expect(e.message).toContain("requestParameters.trainingJobName");
  });

  it("rejects a create call that names no account or region", () => {
    const event = loadEvent("CreateTrainingJob.isolated.json");
    delete event.detail.awsRegion;
    delete event.region;

    const e = normalizeError(event);

    expect(e).toBeInstanceOf(InvalidEventError);
    expect(e.message).toContain("region");
  });

  it.each([null, 42, "event", [], true])("rejects %p as not an EventBridge event", (input) => {
    const e = normalizeError(input);

    expect(e).toBeInstanceOf(InvalidEventError);
    expect(e.message).toMatch(/^not an EventBridge event/);
  });

  it("raises errors that share the GuardError base class", () => {
    const e = normalizeError({});

    expect(e).toBeInstanceOf(GuardError);
    expect(e.name).toBe("InvalidEventError");
  });
});

describe("trust boundary", () => {
  const withArn = (arn: string): SampleEvent => {
    const event = loadEvent("CreateTrainingJob.no-isolation.json");
    event.detail.responseElements.trainingJobArn = arn;
    return event;
  };

  it("refuses a response ARN in another account", () => {
    const event = withArn("arn:aws:sagemaker:us-east-1:999999999999:training-job/churn-xgb-custom-2026-11-03-14-10-45");

    const e = normalizeError(event);

    expect(e).toBeInstanceOf(TrustBoundaryError);
    expect(e.message).toContain("999999999999");
  });

  it("refuses a response ARN in another region", () => {
    const event = withArn("arn:aws:sagemaker:eu-west-1:123456789012:training-job/churn-xgb-custom-2026-11-03-14-10-45");

    const e = normalizeError(event);

    expect(e).toBeInstanceOf(TrustBoundaryError);
    expect(e.message).toContain("eu-west-1");
  });

  it("refuses a response ARN that names another resource", () => {
    const event = withArn("arn:aws:sagemaker:us-east-1:123456789012:training-job/someone-elses-job");

    const e = normalizeError(event);

    expect(e).toBeInstanceOf(TrustBoundaryError);
  });

  it("refuses a response ARN of another resource type", () => {
    const event = withArn("arn:aws:sagemaker:us-east-1:123456789012:model/churn-xgb-custom-2026-11-03-14-10-45");

    const e = normalizeError(event);

    expect(e).toBeInstanceOf(TrustBoundaryError);
  });

  it("refuses an omitted request whose ARN belongs to another account", () => {
    const event = loadEvent("CreateTrainingJob.omitted.json");
    event.detail.responseElements.trainingJobArn = event.detail.responseElements.trainingJobArn.replace(
      "123456789012",
      "999999999999",
    );

    const e = normalizeError(event);

    expect(e).toBeInstanceOf(TrustBoundaryError);
  });

  it("accepts an ARN whose name SageMaker lower-cased", () => {
    const event = loadEvent("CreateTrainingJob.no-isolation.json");
    requestParameters(event).trainingJobName = "Churn-XGB-Custom-2026-11-03-14-10-45";

    const n = normalizeEvent(event);

    expect(n.kind).toBe("facts");
  });

  it("decides an event consistently in another region", () => {
    const n = expectKind(normalizeEvent(loadEvent("CreateTrainingJob.other-region.json")), "facts");

    expect(n.facts.resource.region).toBe("eu-west-1");
  });
});

describe("SageMaker state-change events", () => {
  it("needs a lookup for a job entering InProgress", () => {
    const n = expectKind(normalizeEvent(loadEvent("SageMakerTrainingJobStateChange.in-progress.json")), "lookup");

    expect(n.trigger).toBe("state-change");
    expect(n.resource).toMatchObject({ type: "training-job", name: "vision-qc-train-2026-11-03-18-35-02" });
    expect(n.caller).toBeNull();
  });

  it("needs a lookup for processing and tuning jobs entering InProgress", () => {
    const processing = expectKind(
      normalizeEvent(loadEvent("SageMakerProcessingJobStateChange.in-progress.json")),
      "lookup",
    );
    const tuning = expectKind(
      normalizeEvent(loadEvent("SageMakerHyperParameterTuningJobStateChange.in-progress.json")),
      "lookup",
    );

    expect(processing.resource.type).toBe("processing-job");
    expect(tuning.resource.type).toBe("hyper-parameter-tuning-job");
  });

  it("ignores a completed job", () => {
    const n = expectKind(normalizeEvent(loadEvent("SageMakerTrainingJobStateChange.completed.json")), "ignored");

    expect(n.reason).toContain("Completed");
  });

  it("ignores a state-change detail-type from another source", () => {
    const event = loadEvent("SageMakerTrainingJobStateChange.in-progress.json");
    event.source = "custom.app";

    const n = normalizeEvent(event);

    expect(n.kind).toBe("ignored");
  });

  it("rejects a state change without a status", () => {
    const event = loadEvent("SageMakerTrainingJobStateChange.in-progress.json");
    delete event.detail.TrainingJobStatus;

    const e = normalizeError(event);

    expect(e).toBeInstanceOf(InvalidEventError);
    expect(e.message).toContain("TrainingJobStatus");
  });

  it("refuses a state change about a job in another account", () => {
    const event = loadEvent("SageMakerTrainingJobStateChange.in-progress.json");
    event.detail.TrainingJobArn = event.detail.TrainingJobArn.replace("123456789012", "999999999999");

    const e = normalizeError(event);

    expect(e).toBeInstanceOf(TrustBoundaryError);
  });
});

describe("lowerCamelKeys", () => {
  it("lower-cases the first letter of every key, deeply", () => {
    const out = lowerCamelKeys({ TrainingJobName: "j", VpcConfig: { Subnets: ["subnet-1"], SecurityGroupIds: [] } });

    expect(out).toEqual({ trainingJobName: "j", vpcConfig: { subnets: ["subnet-1"], securityGroupIds: [] } });
  });

  it("drops container environments and hyperparameters, which may hold secrets", () => {
    const out = lowerCamelKeys({
      TrainingJobName: "j",
      Environment: { DB_PASSWORD: "hunter2" },
      HyperParameters: { api_token: "tok" },
      TrainingJobDefinitions: [{ StaticHyperParameters: { key: "v" }, DefinitionName: "d" }],
      Containers: [{ Image: "img", Environment: { SECRET: "s" } }],
    });

    expect(out).toEqual({
      trainingJobName: "j",
      trainingJobDefinitions: [{ definitionName: "d" }],
      containers: [{ image: "img" }],
    });
    expect(JSON.stringify(out)).not.toMatch(/hunter2|tok|SECRET/);
  });

  it("turns dates into ISO strings", () => {
    const out = lowerCamelKeys({ CreationTime: new Date("2026-11-03T14:10:46Z") });

    expect(out).toEqual({ creationTime: "2026-11-03T14:10:46.000Z" });
  });

  it("keeps a __proto__ key as data instead of changing the prototype", () => {
    const input = JSON.parse('{"__proto__": {"EnableNetworkIsolation": true}}');

    const out = lowerCamelKeys(input) as Record<string, unknown>;

    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out.enableNetworkIsolation).toBeUndefined();
  });
});
