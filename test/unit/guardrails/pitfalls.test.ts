import {
  denyRules,
  GUARDED_CALLS,
  type GuardedCall,
  generateGuardrails,
  principalScope,
} from "../../../src/guardrails/index.js";
import { answer, loadEvent, NOW, policy, requestParameters } from "./helpers.js";

const NO_FRAMEWORKS = { frameworkImages: { registryAccounts: [], repositories: [] } };
const ALLOWED_SUBNET = "subnet-0a1b2c3d4e5f60001";
const ALLOWED_SG = "sg-0a1b2c3d4e5f60001";

describe("absent keys and false values", () => {
  it("denies a request that leaves EnableNetworkIsolation out (Bool alone would not match an absent key)", async () => {
    // Arrange
    const event = loadEvent("CreateTrainingJob.no-isolation.json");
    // Act
    const result = await answer(event, policy(NO_FRAMEWORKS));
    // Assert
    expect(result).toEqual({ verdict: "NON_COMPLIANT", denied: true });
  });

  it("denies EnableNetworkIsolation false even inside a VPC when no framework image is allowed", async () => {
    const event = loadEvent("CreateTrainingJob.isolation-false-with-vpc.json");
    expect(await answer(event, policy(NO_FRAMEWORKS))).toEqual({ verdict: "NON_COMPLIANT", denied: true });
  });

  it("puts the absence of each key in its own statement, so one present key does not hide another's absence", async () => {
    // Arrange: isolated, but no VPC, under a policy that needs both. A single Null block over both keys
    // would be an AND and let this through.
    const p = policy({ ...NO_FRAMEWORKS, requireVpc: true });
    const event = loadEvent("CreateTrainingJob.isolated-no-vpc.json");
    // Act
    const { rules } = denyRules(p);
    const result = await answer(event, p);
    // Assert
    const training = GUARDED_CALLS.find((c) => c.action === "sagemaker:CreateTrainingJob") as GuardedCall;
    expect(rules.filter((r) => r.applies(training)).map((r) => Object.keys(r.condition.Null ?? {}))).toEqual([
      ["sagemaker:NetworkIsolation"],
      [],
      ["sagemaker:VpcSubnets"],
    ]);
    expect(result).toEqual({ verdict: "NON_COMPLIANT", denied: true });
  });

  it("allows an isolated request in a VPC under the strictest policy", async () => {
    const event = loadEvent("CreateTrainingJob.isolated.json");
    requestParameters(event).vpcConfig = { subnets: [ALLOWED_SUBNET], securityGroupIds: [ALLOWED_SG] };
    const p = policy({
      ...NO_FRAMEWORKS,
      requireVpc: true,
      allowedSubnets: [ALLOWED_SUBNET],
      allowedSecurityGroups: [ALLOWED_SG],
    });
    expect(await answer(event, p)).toEqual({ verdict: "COMPLIANT", denied: false });
  });
});

describe("framework images that cannot run isolated", () => {
  it("never denies a PyTorch job in a VPC without isolation, which the detective core decides by its routes", async () => {
    const event = loadEvent("CreateTrainingJob.pytorch-framework-vpc.json");
    expect(await answer(event, policy())).toEqual({ verdict: "NEEDS_LOOKUP", denied: false });
    expect(await answer(event, policy({ vpcEgress: "trust" }))).toEqual({ verdict: "COMPLIANT", denied: false });
  });

  it("denies isolation off without a VPC, which is non-compliant for every image", async () => {
    const pytorch = await answer(loadEvent("CreateTrainingJob.pytorch-framework-no-vpc.json"), policy());
    const custom = await answer(loadEvent("CreateTrainingJob.no-isolation.json"), policy());
    expect([pytorch, custom]).toEqual([
      { verdict: "NON_COMPLIANT", denied: true },
      { verdict: "NON_COMPLIANT", denied: true },
    ]);
  });

  it("denies EnableNetworkIsolation false without a VPC", async () => {
    const event = loadEvent("CreateTrainingJob.isolation-false-with-vpc.json");
    delete requestParameters(event).vpcConfig;
    expect(await answer(event, policy())).toEqual({ verdict: "NON_COMPLIANT", denied: true });
  });

  it("says that isolation off inside a VPC stays detective-only, and why", () => {
    const g = generateGuardrails(policy(), { format: "scp", now: NOW });
    const entry = g.detectiveOnly.find((d) => d.scope === "isolation off inside a VPC");
    expect(entry?.reason).toMatch(/image URI is in no condition key/);
    expect(g.detectiveOnly.map((d) => d.scope)).toEqual(
      expect.arrayContaining([
        "transform-job",
        "endpoint",
        "inference-component",
        "endpoint configs that leave EnableNetworkIsolation out",
        "tuning jobs with several definitions",
      ]),
    );
  });

  it("lets a custom image inside a VPC without isolation through, for the enforcer to stop", async () => {
    const event = loadEvent("CreateTrainingJob.isolation-false-with-vpc.json");
    expect(await answer(event, policy())).toEqual({ verdict: "NON_COMPLIANT", denied: false });
  });
});

describe("allow-lists on the multivalued VPC keys", () => {
  const strict = policy({ allowedSubnets: [ALLOWED_SUBNET], allowedSecurityGroups: [ALLOWED_SG] });

  it("denies a request when any one subnet or security group is outside the list", async () => {
    const event = loadEvent("CreateTrainingJob.isolated.json");
    requestParameters(event).vpcConfig = {
      subnets: [ALLOWED_SUBNET, "subnet-0ffffffffffffffff"],
      securityGroupIds: [ALLOWED_SG],
    };
    expect(await answer(event, strict)).toEqual({ verdict: "NON_COMPLIANT", denied: true });
  });

  it("allows a request whose subnets and security groups are all listed", async () => {
    const event = loadEvent("CreateTrainingJob.isolated.json");
    requestParameters(event).vpcConfig = { subnets: [ALLOWED_SUBNET], securityGroupIds: [ALLOWED_SG] };
    expect(await answer(event, strict)).toEqual({ verdict: "COMPLIANT", denied: false });
  });

  it("does not deny a request without a VPC on allow-lists alone (ForAnyValue is false for an absent key)", async () => {
    const event = loadEvent("CreateTrainingJob.isolated-no-vpc.json");
    expect(await answer(event, strict)).toEqual({ verdict: "COMPLIANT", denied: false });
  });

  it("denies any VPC when the allow-list is empty", async () => {
    const event = loadEvent("CreateTrainingJob.pytorch-framework-vpc.json");
    expect(await answer(event, policy({ allowedSubnets: [] }))).toEqual({ verdict: "NON_COMPLIANT", denied: true });
  });
});

describe("exemptions as principal conditions that expire", () => {
  const EXPIRY = "2026-12-01";
  const END = Date.parse("2026-12-02T00:00:00Z");
  const legacy = policy({
    exemptions: [
      {
        resourceName: "legacy-*",
        principal: "arn:aws:iam::123456789012:role/LegacyPipeline",
        expires: EXPIRY,
        reason: "SEC-1",
      },
    ],
  });
  const event = () => loadEvent("CreateTrainingJob.exempt-legacy.json");

  it("allows the exempt role's session (aws:PrincipalArn is the role ARN) before the expiry", async () => {
    expect(await answer(event(), legacy, { at: END - 1000 })).toEqual({ verdict: "EXEMPT", denied: false });
  });

  it("denies the same request once the exemption has expired, without regenerating the policy", async () => {
    expect(await answer(event(), legacy, { at: END })).toEqual({ verdict: "NON_COMPLIANT", denied: true });
  });

  it("still denies other principals while the exemption is active", async () => {
    const e = event();
    e.detail.userIdentity.sessionContext.sessionIssuer.arn = "arn:aws:iam::123456789012:role/DataScientist";
    e.detail.userIdentity.arn = "arn:aws:sts::123456789012:assumed-role/DataScientist/bob";
    expect(await answer(e, legacy, { at: END - 1000 })).toEqual({ verdict: "NON_COMPLIANT", denied: true });
  });

  it("leaves out an exemption already expired when the policy is generated, and says so", () => {
    const g = generateGuardrails(legacy, { format: "scp", now: END });
    expect(g.text).not.toContain("LegacyPipeline");
    expect(g.notes.join("\n")).toMatch(/expired on 2026-12-01/);
  });

  it("honours two exemptions with different expiries, each until its own date", async () => {
    const two = policy({
      exemptions: [
        { principal: "arn:aws:iam::123456789012:role/LegacyPipeline", expires: EXPIRY, reason: "A" },
        { principal: "arn:aws:iam::123456789012:role/DataScientist", expires: "2027-06-30", reason: "B" },
      ],
    });
    const ds = loadEvent("CreateTrainingJob.no-isolation.json");
    const later = Date.parse("2027-01-15T00:00:00Z");
    expect(await answer(event(), two, { at: later })).toEqual({ verdict: "NON_COMPLIANT", denied: true });
    expect(await answer(ds, two, { at: later })).toEqual({ verdict: "EXEMPT", denied: false });
    expect(await answer(ds, two, { at: Date.parse("2027-07-01T00:00:00Z") })).toEqual({
      verdict: "NON_COMPLIANT",
      denied: true,
    });
  });

  it("widens a role-session principal to the role, which is what aws:PrincipalArn holds", async () => {
    const p = policy({
      exemptions: [
        { principal: "arn:aws:sts::123456789012:assumed-role/LegacyPipeline/*", expires: EXPIRY, reason: "S" },
      ],
    });
    expect(principalScope(p.exemptions[0] as never).patterns).toEqual([
      "arn:aws:iam::123456789012:role/LegacyPipeline",
      "arn:aws:iam::123456789012:role/*/LegacyPipeline",
    ]);
    expect(await answer(event(), p, { at: END - 1000 })).toEqual({ verdict: "EXEMPT", denied: false });
  });

  it("matches globs that are not whole ARNs (StringNotLike, where ArnNotLike would deny the exempt caller)", async () => {
    const p = policy({ exemptions: [{ principal: "arn:aws:iam::*Legacy*", expires: EXPIRY, reason: "G" }] });
    expect(await answer(event(), p, { at: END - 1000 })).toEqual({ verdict: "EXEMPT", denied: false });
  });

  it("lifts the deny for everyone until expiry for a name-only exemption, and reports it", async () => {
    const p = policy({ exemptions: [{ resourceName: "legacy-*", expires: EXPIRY, reason: "N" }] });
    const g = generateGuardrails(p, { format: "scp", now: NOW });
    expect(g.notes.join("\n")).toMatch(/names no principal/);
    expect(await answer(event(), p, { at: END - 1000 })).toEqual({ verdict: "EXEMPT", denied: false });
    expect(await answer(event(), p, { at: END })).toEqual({ verdict: "NON_COMPLIANT", denied: true });
  });

  it("applies an exemption only to its resource types", async () => {
    const p = policy({
      exemptions: [
        { principal: "arn:aws:iam::123456789012:role/*", resourceTypes: ["model"], expires: EXPIRY, reason: "M" },
      ],
    });
    expect(await answer(event(), p, { at: END - 1000 })).toEqual({ verdict: "NON_COMPLIANT", denied: true });
  });
});
