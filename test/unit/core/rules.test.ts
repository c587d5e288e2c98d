import {
  DEFAULT_POLICY,
  type Decision,
  decide,
  decideFacts,
  normalizeEvent,
  type Policy,
  policyFromObject,
  type ResourceType,
} from "../../../src/core/index.js";
import {
  ALLOWED_SG,
  ALLOWED_SUBNET,
  CUSTOM_IMAGE,
  CUSTOMER_PYTORCH_REPO,
  facts,
  loadEvent,
  NOW,
  PYTORCH_DLC,
  PYTORCH_INFERENCE_DLC,
  requestParameters,
  type SampleEvent,
  unit,
} from "./fixtures.js";

function decideEvent(event: SampleEvent, policy: Policy = DEFAULT_POLICY): Decision {
  return decide(normalizeEvent(event), policy, NOW);
}

const rulesOf = (d: Decision) => d.findings.map((f) => f.rule);

describe("network-isolation-disabled", () => {
  it("flags a training job whose request leaves enableNetworkIsolation out (AWS's default is off)", () => {
    // Arrange
    const event = loadEvent("CreateTrainingJob.isolated.json");
    delete requestParameters(event).enableNetworkIsolation;

    // Act
    const d = decideEvent(event);

    // Assert
    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(rulesOf(d)).toEqual(["network-isolation-disabled"]);
    expect(d.findings[0]?.path).toBe("enableNetworkIsolation");
  });

  it("flags a training job that sets enableNetworkIsolation to false explicitly", () => {
    const event = loadEvent("CreateTrainingJob.isolated.json");
    requestParameters(event).enableNetworkIsolation = false;

    const d = decideEvent(event);

    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(rulesOf(d)).toEqual(["network-isolation-disabled"]);
  });

  it("names a unit's own isolation setting when it is not EnableNetworkIsolation (a notebook's DirectInternetAccess)", () => {
    const notebook = unit({
      networkIsolation: false,
      networkIsolationPath: "directInternetAccess",
      isolationSetting: { on: '"Disabled"', off: "direct internet access is enabled" },
      images: [],
    });

    const d = decideFacts(facts("training-job", { units: [notebook] }), DEFAULT_POLICY, NOW);

    expect(rulesOf(d)).toEqual(["network-isolation-disabled"]);
    expect(d.findings[0]).toMatchObject({
      path: "directInternetAccess",
      message: expect.stringMatching(/^direct internet access is enabled: /),
      fix: expect.stringMatching(/^Set directInternetAccess to "Disabled" /),
    });
  });

  it("treats enableNetworkIsolation null like an absent flag", () => {
    const event = loadEvent("CreateTrainingJob.isolated.json");
    requestParameters(event).enableNetworkIsolation = null;

    const d = decideEvent(event);

    expect(rulesOf(d)).toEqual(["network-isolation-disabled"]);
  });

  it("passes a training job with isolation on and a custom image", () => {
    const d = decideEvent(loadEvent("CreateTrainingJob.isolated.json"));

    expect(d.verdict).toBe("COMPLIANT");
    expect(d.findings).toEqual([]);
  });

  it("tells how to fix it with the SDK argument and the request path", () => {
    const d = decideEvent(loadEvent("CreateTrainingJob.no-isolation.json"));

    expect(d.findings[0]?.fix).toContain("enableNetworkIsolation");
    expect(d.findings[0]?.fix).toContain("enable_network_isolation=True");
    expect(d.findings[0]?.severity).toBe("high");
  });

  it("does not flag anything when the policy drops the isolation requirement", () => {
    const policy = policyFromObject({ requireNetworkIsolation: false });

    const d = decideEvent(loadEvent("CreateTrainingJob.no-isolation.json"), policy);

    expect(d.verdict).toBe("COMPLIANT");
    expect(d.actions).toEqual(["tag"]);
  });

  it("still requires a VPC for a framework image when isolation is not required but a VPC is", () => {
    const policy = policyFromObject({ requireNetworkIsolation: false, requireVpc: true });

    const d = decideEvent(loadEvent("CreateTrainingJob.pytorch-framework-no-vpc.json"), policy);

    expect(rulesOf(d)).toEqual(["vpc-config-missing"]);
  });
});

describe("each resource type", () => {
  it("flags a processing job whose networkConfig leaves isolation off", () => {
    const event = loadEvent("CreateProcessingJob.isolated.json");
    const net = requestParameters(event).networkConfig as Record<string, unknown>;
    net.enableNetworkIsolation = false;

    const d = decideEvent(event);

    expect(d.resource?.type).toBe("processing-job");
    expect(rulesOf(d)).toEqual(["network-isolation-disabled"]);
    expect(d.findings[0]?.path).toBe("networkConfig.enableNetworkIsolation");
    expect(d.findings[0]?.fix).toContain("NetworkConfig(enable_network_isolation=True)");
  });

  it("flags a processing job without any networkConfig", () => {
    const d = decideEvent(loadEvent("CreateProcessingJob.no-network-config.json"));

    expect(d.resource?.type).toBe("processing-job");
    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(rulesOf(d)).toEqual(["network-isolation-disabled"]);
  });

  it("passes a processing job with networkConfig.enableNetworkIsolation true", () => {
    const d = decideEvent(loadEvent("CreateProcessingJob.isolated.json"));

    expect(d.resource?.type).toBe("processing-job");
    expect(d.verdict).toBe("COMPLIANT");
  });

  it("flags a model whose primary container runs without isolation", () => {
    const d = decideEvent(loadEvent("CreateModel.no-isolation.json"));

    expect(d.resource?.type).toBe("model");
    expect(rulesOf(d)).toEqual(["network-isolation-disabled"]);
  });

  it("passes a model with isolation on", () => {
    const d = decideEvent(loadEvent("CreateModel.isolated.json"));

    expect(d.resource?.type).toBe("model");
    expect(d.verdict).toBe("COMPLIANT");
  });

  it("flags a tuning job whose single trainingJobDefinition lacks isolation", () => {
    const d = decideEvent(loadEvent("CreateHyperParameterTuningJob.no-isolation.json"));

    expect(d.resource?.type).toBe("hyper-parameter-tuning-job");
    expect(rulesOf(d)).toEqual(["network-isolation-disabled"]);
    expect(d.findings[0]?.path).toBe("trainingJobDefinition.enableNetworkIsolation");
  });

  it.each<ResourceType>(["transform-job", "endpoint-config", "endpoint"])(
    "flags a %s that puts a model without isolation to work",
    (type) => {
      const f = facts(type, {
        units: [],
        models: [{ name: "churn-model", units: [unit({ networkIsolation: false })] }],
      });

      const d = decideFacts(f, DEFAULT_POLICY, NOW);

      expect(d.verdict).toBe("NON_COMPLIANT");
      expect(rulesOf(d)).toEqual(["network-isolation-disabled"]);
      expect(d.findings[0]?.path).toBe("models[churn-model].enableNetworkIsolation");
      expect(d.findings[0]?.message).toContain("model churn-model");
    },
  );

  it.each<ResourceType>(["transform-job", "endpoint-config", "endpoint"])(
    "passes a %s whose models are all isolated",
    (type) => {
      const f = facts(type, {
        units: [],
        models: [
          { name: "a", units: [unit()] },
          { name: "b", units: [unit()] },
        ],
      });

      const d = decideFacts(f, DEFAULT_POLICY, NOW);

      expect(d.verdict).toBe("COMPLIANT");
    },
  );
});

describe("tuning jobs with several training definitions", () => {
  it("is non-compliant when one definition among several lacks isolation", () => {
    const d = decideEvent(loadEvent("CreateHyperParameterTuningJob.multi-definition-one-bad.json"));

    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(d.findings).toHaveLength(1);
  });

  it("reports which tuning definition lacks isolation", () => {
    const d = decideEvent(loadEvent("CreateHyperParameterTuningJob.multi-definition-one-bad.json"));

    const finding = d.findings[0];
    expect(finding?.path).toBe("trainingJobDefinitions[1].enableNetworkIsolation");
    expect(finding?.message).toContain("trainingJobDefinitions[1]");
    expect(finding?.message).toContain('"lightgbm"');
  });

  it("reports every bad definition, each under its own index", () => {
    const event = loadEvent("CreateHyperParameterTuningJob.multi-definition-one-bad.json");
    const defs = requestParameters(event).trainingJobDefinitions as Record<string, unknown>[];
    (defs[2] as Record<string, unknown>).enableNetworkIsolation = false;

    const d = decideEvent(event);

    expect(d.findings.map((f) => f.path)).toEqual([
      "trainingJobDefinitions[1].enableNetworkIsolation",
      "trainingJobDefinitions[2].enableNetworkIsolation",
    ]);
    expect(d.findings[1]?.message).toContain('"catboost"');
  });

  it("passes when every definition is isolated", () => {
    const event = loadEvent("CreateHyperParameterTuningJob.multi-definition-one-bad.json");
    const defs = requestParameters(event).trainingJobDefinitions as Record<string, unknown>[];
    (defs[1] as Record<string, unknown>).enableNetworkIsolation = true;

    const d = decideEvent(event);

    expect(d.verdict).toBe("COMPLIANT");
  });
});

describe("framework images that cannot run isolated", () => {
  it("asks for a VPC, not isolation, for an AWS PyTorch image without a VPC", () => {
    const d = decideEvent(loadEvent("CreateTrainingJob.pytorch-framework-no-vpc.json"));

    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(rulesOf(d)).toEqual(["vpc-config-missing"]);
    expect(d.findings[0]?.path).toBe("vpcConfig");
    expect(d.findings[0]?.message).toContain("pytorch-training");
  });

  it("accepts an AWS PyTorch image in a VPC and notes the compensating control", () => {
    const d = decideEvent(loadEvent("CreateTrainingJob.pytorch-framework-vpc.json"));

    expect(d.verdict).toBe("COMPLIANT");
    expect(d.notes).toEqual([expect.stringContaining("compensating control")]);
    expect(d.notes[0]).toContain("pytorch-training");
  });

  it("treats a customer's own repository named pytorch-training as a custom image that needs isolation", () => {
    const event = loadEvent("CreateTrainingJob.pytorch-framework-vpc.json");
    const spec = requestParameters(event).algorithmSpecification as Record<string, unknown>;
    spec.trainingImage = CUSTOMER_PYTORCH_REPO;

    const d = decideEvent(event);

    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(rulesOf(d)).toEqual(["network-isolation-disabled"]);
    expect(d.notes).toEqual([]);
  });

  it("accepts an AWS scikit-learn processing image in a VPC", () => {
    const d = decideEvent(loadEvent("CreateProcessingJob.sklearn-framework-vpc.json"));

    expect(d.verdict).toBe("COMPLIANT");
    expect(d.notes.join(" ")).toContain("compensating control");
  });

  it("asks for a VPC for an AWS PyTorch inference model without one", () => {
    const d = decideEvent(loadEvent("CreateModel.pytorch-inference-no-vpc.json"));

    expect(rulesOf(d)).toEqual(["vpc-config-missing"]);
  });

  it("requires isolation for a model mixing a framework container with a custom one", () => {
    const d = decideEvent(loadEvent("CreateModel.mixed-containers-no-isolation.json"));

    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(rulesOf(d)).toEqual(["network-isolation-disabled"]);
    expect(d.notes).toEqual([]);
  });

  it("accepts a model whose containers are all AWS framework images in a VPC", () => {
    const d = decideEvent(loadEvent("CreateModel.multi-container-pytorch-vpc.json"));

    expect(d.verdict).toBe("COMPLIANT");
    expect(d.notes).toHaveLength(1);
  });

  it("reports a single vpc-config-missing, not two, when requireVpc meets a framework image without a VPC", () => {
    const policy = policyFromObject({ requireVpc: true });

    const d = decideEvent(loadEvent("CreateTrainingJob.pytorch-framework-no-vpc.json"), policy);

    expect(rulesOf(d)).toEqual(["vpc-config-missing"]);
  });

  it("does not treat a framework image as one once the policy's repository list leaves it out", () => {
    const policy = policyFromObject({ frameworkImages: { registryAccounts: ["763104351884"], repositories: [] } });
    const f = facts("training-job", {
      units: [unit({ networkIsolation: false, images: [{ uri: PYTORCH_DLC, path: "x" }] })],
    });

    const d = decideFacts(f, policy, NOW);

    expect(rulesOf(d)).toEqual(["network-isolation-disabled"]);
  });

  it("requires isolation when an algorithm has no image URI to recognise", () => {
    const f = facts("training-job", {
      units: [
        unit({
          networkIsolation: false,
          vpc: { subnets: [], securityGroupIds: [] },
          images: [{ uri: null, path: "algorithmSpecification.algorithmName" }],
        }),
      ],
    });

    const d = decideFacts(f, DEFAULT_POLICY, NOW);

    expect(rulesOf(d)).toEqual(["network-isolation-disabled"]);
  });

  it("names the model in the compensating-control note of a model consumer", () => {
    const f = facts("endpoint", {
      units: [],
      models: [
        {
          name: "vision-model",
          units: [
            unit({
              networkIsolation: false,
              vpc: { subnets: [ALLOWED_SUBNET], securityGroupIds: [ALLOWED_SG] },
              images: [{ uri: PYTORCH_INFERENCE_DLC, path: "primaryContainer.image" }],
            }),
          ],
        },
      ],
    });

    const d = decideFacts(f, DEFAULT_POLICY, NOW);

    expect(d.verdict).toBe("COMPLIANT");
    expect(d.notes[0]).toContain("model vision-model");
  });
});

describe("vpc-config-missing under requireVpc", () => {
  it("flags an isolated job without a VPC when the policy requires one", () => {
    const policy = policyFromObject({ requireVpc: true });

    const d = decideEvent(loadEvent("CreateTrainingJob.isolated-no-vpc.json"), policy);

    expect(rulesOf(d)).toEqual(["vpc-config-missing"]);
    expect(d.findings[0]?.message).toContain("policy requires");
  });

  it("passes an isolated job without a VPC under the default policy", () => {
    const d = decideEvent(loadEvent("CreateTrainingJob.isolated-no-vpc.json"));

    expect(d.verdict).toBe("COMPLIANT");
  });

  it("points at networkConfig.vpcConfig for a processing job", () => {
    const policy = policyFromObject({ requireVpc: true });

    const d = decideEvent(loadEvent("CreateProcessingJob.isolated.json"), policy);

    expect(d.findings.map((f) => f.path)).toContain("networkConfig.vpcConfig");
  });

  it("reports both rules when isolation is off and a VPC is required for a custom image", () => {
    const policy = policyFromObject({ requireVpc: true });

    const d = decideEvent(loadEvent("CreateTrainingJob.no-isolation.json"), policy);

    expect(rulesOf(d)).toEqual(["network-isolation-disabled", "vpc-config-missing"]);
  });
});

describe("subnet-not-allowed and security-group-not-allowed", () => {
  const strict = policyFromObject({ allowedSubnets: [ALLOWED_SUBNET], allowedSecurityGroups: [ALLOWED_SG] });

  it("names the subnet outside the allowed list", () => {
    const f = facts("training-job", {
      units: [unit({ vpc: { subnets: [ALLOWED_SUBNET, "subnet-0badbadbad"], securityGroupIds: [ALLOWED_SG] } })],
    });

    const d = decideFacts(f, strict, NOW);

    expect(rulesOf(d)).toEqual(["subnet-not-allowed"]);
    expect(d.findings[0]?.message).toContain("subnet-0badbadbad");
    expect(d.findings[0]?.message).not.toContain(ALLOWED_SUBNET);
    expect(d.findings[0]?.path).toBe("vpcConfig.subnets");
    expect(d.findings[0]?.severity).toBe("medium");
  });

  it("names the security group outside the allowed list", () => {
    const f = facts("training-job", {
      units: [unit({ vpc: { subnets: [ALLOWED_SUBNET], securityGroupIds: ["sg-0feedfeed"] } })],
    });

    const d = decideFacts(f, strict, NOW);

    expect(rulesOf(d)).toEqual(["security-group-not-allowed"]);
    expect(d.findings[0]?.message).toContain("sg-0feedfeed");
    expect(d.findings[0]?.path).toBe("vpcConfig.securityGroupIds");
  });

  it("ignores subnets when the policy sets no allow-list", () => {
    const f = facts("training-job", {
      units: [unit({ vpc: { subnets: ["subnet-0any"], securityGroupIds: ["sg-0any"] } })],
    });

    const d = decideFacts(f, DEFAULT_POLICY, NOW);

    expect(d.verdict).toBe("COMPLIANT");
  });

  it("rejects every subnet when the allow-list is empty", () => {
    const policy = policyFromObject({ allowedSubnets: [] });
    const f = facts("training-job", {
      units: [unit({ vpc: { subnets: [ALLOWED_SUBNET], securityGroupIds: [] } })],
    });

    const d = decideFacts(f, policy, NOW);

    expect(rulesOf(d)).toEqual(["subnet-not-allowed"]);
    expect(d.findings[0]?.fix).toContain("(none allowed)");
  });

  it("checks the VPC of a sample event with a subnet and a security group outside the lists", () => {
    const d = decideEvent(loadEvent("CreateTrainingJob.subnet-not-allowed.json"), strict);

    expect(rulesOf(d).sort()).toEqual(["security-group-not-allowed", "subnet-not-allowed"]);
  });

  it("checks a VPC that a compensating framework image runs in", () => {
    const f = facts("training-job", {
      units: [
        unit({
          networkIsolation: false,
          vpc: { subnets: ["subnet-0badbadbad"], securityGroupIds: [ALLOWED_SG] },
          images: [{ uri: PYTORCH_DLC, path: "algorithmSpecification.trainingImage" }],
        }),
      ],
    });

    const d = decideFacts(f, strict, NOW);

    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(rulesOf(d)).toEqual(["subnet-not-allowed"]);
  });
});

describe("model-unverifiable", () => {
  it("flags a model consumer whose model could not be found", () => {
    const f = facts("endpoint-config", { units: [], models: [{ name: "gone-model", units: null }] });

    const d = decideFacts(f, DEFAULT_POLICY, NOW);

    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(rulesOf(d)).toEqual(["model-unverifiable"]);
    expect(d.findings[0]?.message).toContain("gone-model");
    expect(d.findings[0]?.path).toBe("models[gone-model]");
  });

  it("reports the missing model alongside a found one that is fine", () => {
    const f = facts("endpoint", {
      units: [],
      models: [
        { name: "ok-model", units: [unit()] },
        { name: "gone-model", units: null },
      ],
    });

    const d = decideFacts(f, DEFAULT_POLICY, NOW);

    expect(rulesOf(d)).toEqual(["model-unverifiable"]);
  });

  it("is non-compliant even when the policy requires nothing", () => {
    const policy = policyFromObject({ requireNetworkIsolation: false });
    const f = facts("transform-job", { units: [], models: [{ name: "gone-model", units: null }] });

    const d = decideFacts(f, policy, NOW);

    expect(d.verdict).toBe("NON_COMPLIANT");
  });
});

describe("planned actions", () => {
  const badUnits = { units: [unit({ networkIsolation: false })] };
  const badModels = { units: [], models: [{ name: "m", units: [unit({ networkIsolation: false })] }] };

  it.each<ResourceType>(["training-job", "hyper-parameter-tuning-job", "processing-job"])(
    "stops, tags and alerts on a non-compliant %s in enforce mode",
    (type) => {
      const d = decideFacts(facts(type, badUnits), DEFAULT_POLICY, NOW);

      expect(d.actions).toEqual(["stop", "tag", "alert"]);
    },
  );

  it("stops, tags and alerts on a transform job running a non-compliant model", () => {
    const d = decideFacts(facts("transform-job", badModels), DEFAULT_POLICY, NOW);

    expect(d.actions).toEqual(["stop", "tag", "alert"]);
  });

  it("deletes and alerts on a non-compliant model (a deleted model cannot be tagged)", () => {
    const d = decideFacts(facts("model", badUnits), DEFAULT_POLICY, NOW);

    expect(d.actions).toEqual(["delete", "alert"]);
  });

  it("deletes and alerts on an endpoint running a non-compliant model", () => {
    const d = decideFacts(facts("endpoint", badModels), DEFAULT_POLICY, NOW);

    expect(d.actions).toEqual(["delete", "alert"]);
  });

  it("only tags and alerts on a non-compliant endpoint config, which has no remedy", () => {
    const d = decideFacts(facts("endpoint-config", badModels), DEFAULT_POLICY, NOW);

    expect(d.actions).toEqual(["tag", "alert"]);
  });

  it.each<[ResourceType, object]>([
    ["training-job", badUnits],
    ["model", badUnits],
    ["endpoint", badModels],
  ])("never stops or deletes a non-compliant %s in audit mode", (type, overrides) => {
    const policy = policyFromObject({ mode: "audit" });

    const d = decideFacts(facts(type, overrides), policy, NOW);

    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(d.actions).toEqual(["tag", "alert"]);
    expect(d.mode).toBe("audit");
  });

  it("applies a per-type mode from resourceModes over the global mode", () => {
    const policy = policyFromObject({ mode: "enforce", resourceModes: { model: "audit" } });

    const model = decideFacts(facts("model", badUnits), policy, NOW);
    const job = decideFacts(facts("training-job", badUnits), policy, NOW);

    expect(model.actions).toEqual(["tag", "alert"]);
    expect(model.mode).toBe("audit");
    expect(job.actions).toEqual(["stop", "tag", "alert"]);
    expect(job.mode).toBe("enforce");
  });

  it("enforces one type from resourceModes while the rest audit", () => {
    const policy = policyFromObject({ mode: "audit", resourceModes: { "training-job": "enforce" } });

    const job = decideFacts(facts("training-job", badUnits), policy, NOW);
    const processing = decideFacts(facts("processing-job", badUnits), policy, NOW);

    expect(job.actions).toEqual(["stop", "tag", "alert"]);
    expect(processing.actions).toEqual(["tag", "alert"]);
  });

  it.each<ResourceType>(["training-job", "model", "endpoint-config"])("only tags a compliant %s", (type) => {
    const overrides = type === "endpoint-config" ? { units: [], models: [{ name: "m", units: [unit()] }] } : {};

    const d = decideFacts(facts(type, overrides), DEFAULT_POLICY, NOW);

    expect(d.verdict).toBe("COMPLIANT");
    expect(d.actions).toEqual(["tag"]);
  });

  it("only tags an exempt resource", () => {
    const policy = policyFromObject({
      exemptions: [{ resourceName: "my-resource", expires: "2099-01-01", reason: "SEC-1" }],
    });

    const d = decideFacts(facts("model", badUnits), policy, NOW);

    expect(d.verdict).toBe("EXEMPT");
    expect(d.actions).toEqual(["tag"]);
  });

  it("plans nothing for an ignored event", () => {
    const d = decideEvent(loadEvent("CreateTrainingJob.failed-call.json"));

    expect(d.verdict).toBe("IGNORED");
    expect(d.actions).toEqual([]);
  });

  it("plans nothing for an event that needs a lookup", () => {
    const d = decideEvent(loadEvent("CreateTrainingJob.omitted.json"));

    expect(d.verdict).toBe("NEEDS_LOOKUP");
    expect(d.actions).toEqual([]);
  });

  it("deletes a VPC-bound model whose custom container runs beside a framework one without isolation", () => {
    const f = facts("model", {
      units: [
        unit({
          networkIsolation: false,
          vpc: { subnets: [ALLOWED_SUBNET], securityGroupIds: [ALLOWED_SG] },
          images: [
            { uri: PYTORCH_INFERENCE_DLC, path: "containers[0].image" },
            { uri: CUSTOM_IMAGE, path: "containers[1].image" },
          ],
        }),
      ],
    });

    const d = decideFacts(f, DEFAULT_POLICY, NOW);

    expect(d.actions).toEqual(["delete", "alert"]);
  });
});
