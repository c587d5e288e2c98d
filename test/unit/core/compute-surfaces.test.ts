import {
  DEFAULT_POLICY,
  type Decision,
  decide,
  decideFacts,
  normalizeEvent,
  type Policy,
  parseDescribed,
  policyFromObject,
  subnetsToVerify,
  TrustBoundaryError,
} from "../../../src/core/index.js";
import { loadEvent, NOW, requestParameters, type SampleEvent } from "./fixtures.js";

function decideEvent(event: SampleEvent, policy: Policy = DEFAULT_POLICY): Decision {
  return decide(normalizeEvent(event), policy, NOW);
}
const rulesOf = (d: Decision) => d.findings.map((f) => f.rule);
const encrypting = policyFromObject({ requireInterContainerEncryption: true });
// Offline, a decision that rests on a VPC waits for its routes (issue 15); `trust` keeps "has a VPC".
const trustVpc = (p: Record<string, unknown> = {}) => policyFromObject({ ...p, vpcEgress: "trust" });

describe("notebook instances", () => {
  it("flags direct internet access when the request leaves it out (AWS's default is Enabled), with a stop", () => {
    const event = loadEvent("CreateNotebookInstance.direct-internet-enabled.json");
    delete requestParameters(event).directInternetAccess;

    const d = decideEvent(event);

    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(rulesOf(d)).toEqual(["direct-internet-access-enabled"]);
    expect(d.findings[0]).toMatchObject({ severity: "high", path: "directInternetAccess" });
    expect(d.actions).toContain("stop");
  });

  it("is compliant with direct internet access Disabled in a subnet (once its routes are known), and needs a VPC otherwise", () => {
    const event = loadEvent("CreateNotebookInstance.vpc-only.json");
    const inVpc = decideEvent(event);
    const trusted = decideEvent(event, trustVpc());
    delete requestParameters(event).subnetId;

    expect(inVpc).toMatchObject({ verdict: "NEEDS_LOOKUP", reason: "the VPC's routes decide" });
    expect(trusted.verdict).toBe("COMPLIANT");
    expect(rulesOf(decideEvent(event))).toEqual(["vpc-config-missing"]);
  });

  it("reads Describe's SecurityGroups (the request says SecurityGroupIds) against the allow-list", () => {
    const policy = policyFromObject({ allowedSecurityGroups: ["sg-0a1b2c3d4e5f60001"] });
    const parsed = parseDescribed("notebook-instance", {
      NotebookInstanceName: "nb",
      DirectInternetAccess: "Disabled",
      SubnetId: "subnet-0a1b2c3d4e5f60001",
      SecurityGroups: ["sg-0badbadbadbadbad0"],
    });

    const d = decideFacts(
      {
        resource: { type: "notebook-instance", name: "nb", arn: null, account: "123456789012", region: "us-east-1" },
        caller: null,
        units: parsed.units ?? [],
      },
      policy,
      NOW,
    );

    expect(parsed.units?.[0]?.vpc?.securityGroupIds).toEqual(["sg-0badbadbadbadbad0"]);
    expect(rulesOf(d)).toEqual(["security-group-not-allowed"]);
  });

  it("reports nothing under a policy that does not require isolation", () => {
    const d = decideEvent(
      loadEvent("CreateNotebookInstance.direct-internet-omitted.json"),
      policyFromObject({ requireNetworkIsolation: false }),
    );

    expect(d.verdict).toBe("COMPLIANT");
  });
});

describe("Studio domains", () => {
  it("flags a domain left at PublicInternetOnly, with no stop and no delete", () => {
    const d = decideEvent(loadEvent("CreateDomain.public-internet-omitted.json"));

    expect(rulesOf(d)).toEqual(["direct-internet-access-enabled"]);
    expect(d.actions).toEqual(["tag", "alert"]);
    expect(d.resource?.name).toBe("d-8f2kq4xw9bzs"); // the id DescribeDomain takes, from the ARN
  });

  it("flags an update that sets PublicInternetOnly offline, and describes one that sets VpcOnly", () => {
    const toPublic = decideEvent(loadEvent("UpdateDomain.public-internet.json"));
    const toPrivate = loadEvent("UpdateDomain.public-internet.json");
    requestParameters(toPrivate).appNetworkAccessType = "VpcOnly";

    expect(toPublic).toMatchObject({ verdict: "NON_COMPLIANT", actions: ["tag", "alert"] });
    expect(decideEvent(toPrivate).verdict).toBe("NEEDS_LOOKUP");
  });

  it("reports a PublicInternetOnly domain for its internet access only: its traffic bypasses the VPC, so no routes are read", () => {
    const update = decideEvent(loadEvent("UpdateDomain.public-internet.json"));
    const describedPublic = parseDescribed("domain", {
      DomainId: "d-8f2kq4xw9bzs",
      AppNetworkAccessType: "PublicInternetOnly",
      SubnetIds: ["subnet-0a1b2c3d4e5f60001"],
    });
    const facts = (units: NonNullable<typeof describedPublic.units>) => ({
      resource: {
        type: "domain" as const,
        name: "d-8f2kq4xw9bzs",
        arn: null,
        account: "123456789012",
        region: "us-east-1",
      },
      caller: null,
      units,
    });

    expect(rulesOf(update)).toEqual(["direct-internet-access-enabled"]);
    expect(subnetsToVerify(facts(describedPublic.units ?? []), DEFAULT_POLICY)).toEqual([]);
    expect(rulesOf(decideFacts(facts(describedPublic.units ?? []), DEFAULT_POLICY, NOW))).toEqual([
      "direct-internet-access-enabled",
    ]);
  });

  it("still checks a VpcOnly domain's routes: its VPC is its only way out", () => {
    const described = parseDescribed("domain", {
      DomainId: "d-8f2kq4xw9bzs",
      AppNetworkAccessType: "VpcOnly",
      SubnetIds: ["subnet-0a1b2c3d4e5f60001"],
    });
    const facts = {
      resource: {
        type: "domain" as const,
        name: "d-8f2kq4xw9bzs",
        arn: null,
        account: "123456789012",
        region: "us-east-1",
      },
      caller: null,
      units: described.units ?? [],
    };

    expect(subnetsToVerify(facts, DEFAULT_POLICY)).toEqual(["subnet-0a1b2c3d4e5f60001"]);
    expect(decideFacts(facts, DEFAULT_POLICY, NOW).verdict).toBe("NEEDS_LOOKUP");
  });

  it("checks the domain's security groups against the allow-list", () => {
    const policy = policyFromObject({ allowedSecurityGroups: ["sg-0000000000000000a"] });

    const d = decideEvent(loadEvent("CreateDomain.vpc-only.json"), policy);

    expect(rulesOf(d)).toEqual(["security-group-not-allowed"]);
  });

  it("refuses a domain event whose ARN names another domain than the request", () => {
    const event = loadEvent("UpdateDomain.public-internet.json");
    requestParameters(event).domainId = "d-000000000000";

    expect(() => normalizeEvent(event)).toThrow(TrustBoundaryError);
  });
});

describe("HyperPod clusters", () => {
  it("flags a cluster without a VPC (an id-named ARN is no trust problem), with no stop and no delete", () => {
    const d = decideEvent(loadEvent("CreateCluster.no-vpc.json"));

    expect(d).toMatchObject({ verdict: "NON_COMPLIANT", actions: ["tag", "alert"] });
    expect(rulesOf(d)).toEqual(["vpc-config-missing"]);
    expect(d.resource).toMatchObject({ name: "fraud-llm-pretrain" });
  });

  it("lets an instance group's OverrideVpcConfig stand in for the cluster's VpcConfig, group by group", () => {
    const event = loadEvent("CreateCluster.no-vpc.json");
    const p = event.detail.requestParameters;
    p.instanceGroups = [
      {
        ...p.instanceGroups[0],
        instanceGroupName: "a",
        overrideVpcConfig: { subnets: ["subnet-1"], securityGroupIds: ["sg-1"] },
      },
      { ...p.instanceGroups[0], instanceGroupName: "b" },
    ];

    const d = decideEvent(event);

    expect(d.findings.map((f) => f.path)).toEqual(["vpcConfig"]);
    expect(d.findings[0]?.message).toContain('definition "b"');
  });

  it("still refuses a cluster ARN from another account", () => {
    const event = loadEvent("CreateCluster.no-vpc.json");
    event.detail.responseElements.clusterArn = "arn:aws:sagemaker:us-east-1:999999999999:cluster/k3p9qz8w1v2x";

    expect(() => normalizeEvent(event)).toThrow(TrustBoundaryError);
  });
});

describe("state changes of the new types (names as the EventBridge reference lists them)", () => {
  it("describes a monitoring schedule whose state change carries only its ARN: AWS documents no detail for it", () => {
    const event = loadEvent("SageMakerMonitoringScheduleStateChange.scheduled.json") as SampleEvent & {
      detail: Record<string, unknown>;
    };
    event.detail = {};

    const n = normalizeEvent(event);

    expect(n.kind).toBe("lookup");
    expect(n.kind === "lookup" && n.resource.name).toBe("churn-data-drift-hourly");
  });

  it("still ignores a schedule that the state change says is Stopped, and refuses a notebook event without its status", () => {
    const stopped = loadEvent("SageMakerMonitoringScheduleStateChange.scheduled.json") as SampleEvent & {
      detail: Record<string, unknown>;
    };
    stopped.detail.MonitoringScheduleStatus = "Stopped";
    const notebook = loadEvent("SageMakerNotebookInstanceStateChange.in-service.json") as SampleEvent & {
      detail: Record<string, unknown>;
    };
    delete notebook.detail.NotebookInstanceStatus;

    expect(decideEvent(stopped).verdict).toBe("IGNORED");
    expect(() => normalizeEvent(notebook)).toThrow(/NotebookInstanceStatus/);
  });

  it("reads the HyperPod state change as the SageMaker guide's sample has it (ClusterName, ClusterStatus InService)", () => {
    const event = loadEvent("SageMakerHyperPodClusterStateChange.in-service.json") as SampleEvent & {
      detail: Record<string, unknown>;
    };

    const n = normalizeEvent(event);

    expect(event["detail-type"]).toBe("SageMaker HyperPod Cluster State Change");
    expect(event.detail.ClusterStatus).toBe("InService");
    expect(n.kind === "lookup" && n.resource.type).toBe("cluster");
  });
});

describe("Model Monitor", () => {
  it("treats a job definition without networkConfig as not isolated, with a delete", () => {
    const d = decideEvent(loadEvent("CreateDataQualityJobDefinition.no-network-config.json"));

    expect(rulesOf(d)).toEqual(["network-isolation-disabled"]);
    expect(d.actions).toContain("delete");
    expect(d.findings[0]?.path).toBe("networkConfig.enableNetworkIsolation");
  });

  it("needs the named job definition for a schedule that does not define its job inline", () => {
    const d = decideEvent(loadEvent("CreateMonitoringSchedule.named-definition.json"));

    expect(d.verdict).toBe("NEEDS_LOOKUP");
    expect(d.reason).toContain("model-quality-job-definition churn-model-quality");
  });

  it("refuses a schedule naming an unknown monitoring type as unreadable", () => {
    const event = loadEvent("CreateMonitoringSchedule.named-definition.json");
    event.detail.requestParameters.monitoringScheduleConfig.monitoringType = "Drift";

    expect(() => normalizeEvent(event)).toThrow(/monitoringType/);
  });
});

describe("inter-container traffic encryption (optional rule)", () => {
  it("is off by default", () => {
    expect(
      decideEvent(loadEvent("CreateModelQualityJobDefinition.no-isolation.json")).findings.map((f) => f.rule),
    ).toEqual(["network-isolation-disabled"]);
  });

  it("flags monitoring definitions and AutoML jobs without it when the policy asks, at medium severity", () => {
    const quality = decideEvent(loadEvent("CreateModelQualityJobDefinition.no-isolation.json"), encrypting);
    const automl = decideEvent(loadEvent("CreateAutoMLJob.no-vpc.json"), encrypting);
    const isolated = decideEvent(loadEvent("CreateDataQualityJobDefinition.isolated.json"), encrypting);

    expect(rulesOf(quality)).toEqual(["network-isolation-disabled", "inter-container-encryption-disabled"]);
    expect(quality.findings[1]).toMatchObject({ severity: "medium" });
    expect(automl.findings).toEqual([
      expect.objectContaining({
        rule: "inter-container-encryption-disabled",
        path: "autoMLJobConfig.securityConfig.enableInterContainerTrafficEncryption",
      }),
    ]);
    expect(automl.actions).toContain("stop");
    expect(isolated.verdict).toBe("COMPLIANT");
  });

  it("does not apply to types whose API has no such setting", () => {
    expect(decideEvent(loadEvent("CreateCompilationJob.no-vpc.json"), encrypting).verdict).toBe("COMPLIANT");
  });
});

describe("AutoML, compilation and optimization jobs", () => {
  it("reads AutoML V1's VPC under autoMLJobConfig and V2's at the top, and Describe V2's for both", () => {
    const strict = trustVpc({ requireVpc: true });
    const v1 = loadEvent("CreateAutoMLJob.no-vpc.json");
    v1.detail.requestParameters.autoMLJobConfig.securityConfig.vpcConfig = {
      subnets: ["subnet-1"],
      securityGroupIds: ["sg-1"],
    };
    const described = parseDescribed("automl-job", {
      AutoMLJobName: "j",
      SecurityConfig: { VpcConfig: { Subnets: ["subnet-1"], SecurityGroupIds: ["sg-1"] } },
    });

    expect(decideEvent(v1, strict).verdict).toBe("COMPLIANT");
    expect(decideEvent(loadEvent("CreateAutoMLJobV2.vpc.json"), strict).verdict).toBe("COMPLIANT");
    expect(described.units?.[0]?.vpc).toEqual({ subnets: ["subnet-1"], securityGroupIds: ["sg-1"] });
  });

  it("applies the subnet allow-list to a compilation job in a VPC", () => {
    const d = decideEvent(
      loadEvent("CreateCompilationJob.vpc.json"),
      policyFromObject({ allowedSubnets: ["subnet-0000000000000000a"] }),
    );

    expect(rulesOf(d)).toEqual(["subnet-not-allowed"]);
    expect(d.actions).toContain("stop");
  });
});

describe("Ground Truth labeling jobs (parents of their auto-labeling jobs)", () => {
  it("is compliant with a note under the default policy: its containers are AWS's labeling algorithms", () => {
    const d = decideEvent(loadEvent("CreateLabelingJob.auto-labeling-no-vpc.json"));

    expect(d.verdict).toBe("COMPLIANT");
    expect(d.resource?.type).toBe("labeling-job");
    expect(d.notes.join(" ")).toContain("runs only SageMaker's own containers");
  });

  it("needs a VPC under requireVpc and is stopped for lacking one, at the resource-config path", () => {
    const d = decideEvent(
      loadEvent("CreateLabelingJob.auto-labeling-no-vpc.json"),
      policyFromObject({ requireVpc: true }),
    );

    expect(rulesOf(d)).toEqual(["vpc-config-missing"]);
    expect(d.findings[0]?.path).toBe("labelingJobAlgorithmsConfig.labelingJobResourceConfig.vpcConfig");
    expect(d.actions).toContain("stop");
  });

  it("applies the allow-lists to the VPC its auto-labeling runs in", () => {
    const d = decideEvent(
      loadEvent("CreateLabelingJob.auto-labeling-vpc.json"),
      trustVpc({ allowedSubnets: ["subnet-0a1b2c3d4e5f60001"], allowedSecurityGroups: ["sg-0a1b2c3d4e5f69999"] }),
    );

    expect(rulesOf(d).sort()).toEqual(["security-group-not-allowed", "subnet-not-allowed"]);
  });

  it("reads Describe's PascalCase resource config, and a human-only job (no algorithms config) runs no container", () => {
    const described = parseDescribed("labeling-job", {
      LabelingJobName: "j",
      LabelingJobAlgorithmsConfig: {
        LabelingJobAlgorithmSpecificationArn:
          "arn:aws:sagemaker:us-east-1:027400017018:labeling-job-algorithm-specification/object-detection",
        LabelingJobResourceConfig: { VpcConfig: { Subnets: ["subnet-1"], SecurityGroupIds: ["sg-1"] } },
      },
    });
    const humanOnly = loadEvent("CreateLabelingJob.auto-labeling-no-vpc.json");
    delete humanOnly.detail.requestParameters.labelingJobAlgorithmsConfig;

    expect(described.units?.[0]?.vpc).toEqual({ subnets: ["subnet-1"], securityGroupIds: ["sg-1"] });
    const d = decideEvent(humanOnly, policyFromObject({ requireVpc: true }));
    expect(d.verdict).toBe("COMPLIANT");
    expect(d.findings).toEqual([]);
  });

  it("keeps its auto-labeling training and transform jobs IGNORED: they are decided with it", () => {
    const parent = "arn:aws:sagemaker:us-east-1:123456789012:labeling-job/parts-defects-auto";
    const child = loadEvent("SageMakerTrainingJobStateChange.in-progress.json") as SampleEvent & {
      detail: Record<string, unknown>;
    };
    child.detail.LabelingJobArn = parent;

    const d = decideEvent(child);
    expect(d.verdict).toBe("IGNORED");
    expect(d.reason).toBe(`launched by ${parent}: decided with its parent`);
  });
});

describe("inference recommendations jobs that deploy the user's model or model package", () => {
  const ref = {
    type: "inference-recommendations-job" as const,
    name: "rec",
    arn: null,
    account: "123456789012",
    region: "us-east-1",
  };
  const VPC = { Subnets: ["subnet-0a1b2c3d4e5f60001"], SecurityGroupIds: ["sg-0a1b2c3d4e5f60001"] };
  const OWN = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn-serving:3";

  it("says the model's containers decide, in the job's VPC, not that SageMaker runs only its own", () => {
    const job = parseDescribed("inference-recommendations-job", {
      JobName: "rec",
      InputConfig: { ModelName: "churn-model", VpcConfig: VPC },
    });
    const model = parseDescribed("model", {
      ModelName: "churn-model",
      EnableNetworkIsolation: true,
      PrimaryContainer: { Image: OWN },
    });

    const d = decideFacts(
      {
        resource: ref,
        caller: null,
        units: job.units ?? [],
        models: [{ name: "churn-model", units: model.units ?? [] }],
      },
      trustVpc(),
      NOW,
    );

    expect(d.verdict).toBe("COMPLIANT");
    const notes = d.notes.join(" ");
    expect(notes).toContain("deploys model churn-model: its containers decide");
    expect(notes).toContain("on endpoints in the job's VPC (inputConfig.vpcConfig)");
    expect(notes).not.toContain("runs only SageMaker's own containers");
  });

  it("is not compliant for its note: a model without isolation still breaks the policy", () => {
    const job = parseDescribed("inference-recommendations-job", {
      JobName: "rec",
      InputConfig: { ModelName: "open-model" },
    });
    const model = parseDescribed("model", { ModelName: "open-model", PrimaryContainer: { Image: OWN } });

    const d = decideFacts(
      {
        resource: ref,
        caller: null,
        units: job.units ?? [],
        models: [{ name: "open-model", units: model.units ?? [] }],
      },
      DEFAULT_POLICY,
      NOW,
    );

    expect(rulesOf(d)).toEqual(["network-isolation-disabled"]);
    expect(d.actions).toContain("stop");
    expect(d.notes.join(" ")).toContain("deploys model open-model: its containers decide");
    expect(d.notes.join(" ")).toContain("and the job sets no VPC (inputConfig.vpcConfig)");
  });

  it("says a model package's containers decide, and keeps the AWS-managed note for a job that names no model", () => {
    const pkg = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-xgb/3";
    const withPackage = parseDescribed("inference-recommendations-job", {
      JobName: "rec",
      InputConfig: { ModelPackageVersionArn: pkg },
    });
    const bare = parseDescribed("inference-recommendations-job", { JobName: "rec", InputConfig: { VpcConfig: VPC } });

    expect(withPackage.units?.[0]?.deployed).toBe(
      `deploys model package ${pkg}: its containers decide (a package has no isolation flag; the job's VPC stands in), and the job sets no VPC (inputConfig.vpcConfig)`,
    );
    expect(bare.units?.[0]?.deployed).toBeUndefined();
    const d = decideFacts({ resource: ref, caller: null, units: bare.units ?? [] }, trustVpc(), NOW);
    expect(d.notes.join(" ")).toContain("runs only SageMaker's own containers");
  });
});
