import { decide, decideFacts, normalizeEvent, policyFromObject } from "../../../src/core/index.js";
import { facts, loadEvent, NOW, unit } from "./fixtures.js";

const REASON = "SEC-1042: legacy pipeline migrating to a VPC";
const FAR_FUTURE = "2099-12-31";
const nonCompliant = (name = "legacy-churn-model-2026") =>
  facts("training-job", { units: [unit({ networkIsolation: false })] }, name);

function exemptionPolicy(exemption: Record<string, unknown>) {
  return policyFromObject({ exemptions: [{ expires: FAR_FUTURE, reason: REASON, ...exemption }] });
}

describe("exemption by resource name", () => {
  it("exempts a non-compliant resource whose name matches the glob", () => {
    const policy = exemptionPolicy({ resourceName: "legacy-*" });

    const d = decideFacts(nonCompliant(), policy, NOW);

    expect(d.verdict).toBe("EXEMPT");
    expect(d.exemption).toEqual({ reason: REASON, expires: FAR_FUTURE, resourceName: "legacy-*", principal: null });
    expect(d.notes).toEqual([`exempt until ${FAR_FUTURE}: ${REASON}`]);
  });

  it("keeps the findings of an exempt resource so the record shows what was waived", () => {
    const policy = exemptionPolicy({ resourceName: "legacy-*" });

    const d = decideFacts(nonCompliant(), policy, NOW);

    expect(d.findings.map((f) => f.rule)).toEqual(["network-isolation-disabled"]);
  });

  it("matches the name glob case-insensitively", () => {
    const policy = exemptionPolicy({ resourceName: "LEGACY-Churn-*" });

    const d = decideFacts(nonCompliant(), policy, NOW);

    expect(d.verdict).toBe("EXEMPT");
  });

  it("does not exempt a resource whose name does not match", () => {
    const policy = exemptionPolicy({ resourceName: "legacy-*" });

    const d = decideFacts(nonCompliant("churn-model-2026"), policy, NOW);

    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(d.exemption).toBeNull();
    expect(d.notes).toEqual([]);
  });

  it("has nothing to exempt on a compliant resource", () => {
    const policy = exemptionPolicy({ resourceName: "*" });

    const d = decideFacts(facts("training-job", {}, "legacy-ok"), policy, NOW);

    expect(d.verdict).toBe("COMPLIANT");
    expect(d.exemption).toBeNull();
  });
});

describe("exemption by principal", () => {
  const CALLER = "arn:aws:sts::123456789012:assumed-role/LegacyPipeline/airflow-churn-retrain";
  const ISSUER = "arn:aws:iam::123456789012:role/LegacyPipeline";
  const withCaller = (arn: string | null, sessionIssuerArn: string | null) =>
    facts("training-job", {
      units: [unit({ networkIsolation: false })],
      caller: { type: "AssumedRole", arn, sessionIssuerArn, sourceIdentity: null, invokedBy: null },
    });

  it("matches the caller's own ARN", () => {
    const policy = exemptionPolicy({ principal: "arn:aws:sts::123456789012:assumed-role/LegacyPipeline/airflow-*" });

    const d = decideFacts(withCaller(CALLER, null), policy, NOW);

    expect(d.verdict).toBe("EXEMPT");
  });

  it("matches the session issuer's ARN behind an assumed role", () => {
    const policy = exemptionPolicy({ principal: ISSUER });

    const d = decideFacts(withCaller(CALLER, ISSUER), policy, NOW);

    expect(d.verdict).toBe("EXEMPT");
  });

  it("lets `*` cross `/` in an ARN, as IAM's StringLike does", () => {
    const policy = exemptionPolicy({ principal: "arn:aws:sts::123456789012:*" });

    const d = decideFacts(withCaller(CALLER, null), policy, NOW);

    expect(d.verdict).toBe("EXEMPT");
  });

  it("does not exempt another principal", () => {
    const policy = exemptionPolicy({ principal: ISSUER });

    const d = decideFacts(
      withCaller(
        "arn:aws:sts::123456789012:assumed-role/DataScientist/alice",
        "arn:aws:iam::123456789012:role/DataScientist",
      ),
      policy,
      NOW,
    );

    expect(d.verdict).toBe("NON_COMPLIANT");
  });

  it("neither applies nor rules out a principal exemption when the caller is unknown: no verdict, no stop", () => {
    const policy = exemptionPolicy({ principal: "*" });
    const f = { ...withCaller(null, null), caller: null };

    const d = decideFacts(f, policy, NOW);

    expect(d.verdict).toBe("NEEDS_LOOKUP");
    expect(d.actions).toEqual([]);
  });

  it("does not apply a principal exemption to a caller with no ARN", () => {
    const policy = exemptionPolicy({ principal: "*" });

    const d = decideFacts(withCaller(null, null), policy, NOW);

    expect(d.verdict).toBe("NON_COMPLIANT");
  });

  it("needs both the name and the principal to match when it names both", () => {
    const policy = exemptionPolicy({ resourceName: "legacy-*", principal: ISSUER });

    const wrongName = decideFacts(
      { ...withCaller(CALLER, ISSUER), resource: nonCompliant("new-job").resource },
      policy,
      NOW,
    );
    const wrongPrincipal = decideFacts(withCaller("arn:aws:iam::123456789012:user/bob", null), policy, NOW);

    expect(wrongName.verdict).toBe("NON_COMPLIANT");
    expect(wrongPrincipal.verdict).toBe("NON_COMPLIANT");
  });

  it("exempts the sample legacy pipeline event through its session issuer", () => {
    const policy = exemptionPolicy({ resourceName: "legacy-*", principal: ISSUER });

    const d = decide(normalizeEvent(loadEvent("CreateTrainingJob.exempt-legacy.json")), policy, NOW);

    expect(d.verdict).toBe("EXEMPT");
  });
});

describe("exemption expiry", () => {
  it("does not apply an expired exemption and says it expired", () => {
    const policy = exemptionPolicy({ resourceName: "legacy-*", expires: "2024-01-01" });

    const d = decideFacts(nonCompliant(), policy, NOW);

    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(d.exemption).toBeNull();
    expect(d.notes).toEqual([expect.stringContaining("expired on 2024-01-01")]);
    expect(d.notes[0]).toContain(REASON);
    expect(d.actions).toEqual(["stop", "tag", "alert"]);
  });

  it("keeps a date-only expiry valid through the last millisecond of that day, UTC", () => {
    const policy = exemptionPolicy({ resourceName: "legacy-*", expires: "2026-11-26" });

    const d = decideFacts(nonCompliant(), policy, Date.parse("2026-11-26T23:59:59.999Z"));

    expect(d.verdict).toBe("EXEMPT");
  });

  it("ends a date-only expiry at midnight UTC after that day", () => {
    const policy = exemptionPolicy({ resourceName: "legacy-*", expires: "2026-11-26" });

    const d = decideFacts(nonCompliant(), policy, Date.parse("2026-11-27T00:00:00Z"));

    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(d.notes[0]).toContain("expired on 2026-11-26");
  });

  it("ends a date-time expiry at that instant", () => {
    const policy = exemptionPolicy({ resourceName: "legacy-*", expires: "2026-11-26T12:00:00Z" });

    const before = decideFacts(nonCompliant(), policy, Date.parse("2026-11-26T11:59:59Z"));
    const at = decideFacts(nonCompliant(), policy, Date.parse("2026-11-26T12:00:00Z"));

    expect(before.verdict).toBe("EXEMPT");
    expect(at.verdict).toBe("NON_COMPLIANT");
  });

  it("uses an unexpired exemption when an expired one also matches, without noting the expired one", () => {
    const policy = policyFromObject({
      exemptions: [
        { resourceName: "legacy-*", expires: "2024-01-01", reason: "old" },
        { resourceName: "legacy-*", expires: FAR_FUTURE, reason: "renewed" },
      ],
    });

    const d = decideFacts(nonCompliant(), policy, NOW);

    expect(d.verdict).toBe("EXEMPT");
    expect(d.exemption?.reason).toBe("renewed");
  });

  it("does not exempt the sample job whose exemption ended on 2024-01-01", () => {
    const d = decide(
      normalizeEvent(loadEvent("CreateTrainingJob.exemption-expired.json")),
      exemptionPolicy({ resourceName: "expired-*", expires: "2024-01-01" }),
      NOW,
    );

    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(d.notes.join(" ")).toContain("expired");
  });
});

describe("exemption restricted to resource types", () => {
  it("applies to a listed type", () => {
    const policy = exemptionPolicy({ resourceName: "legacy-*", resourceTypes: ["training-job"] });

    const d = decideFacts(nonCompliant(), policy, NOW);

    expect(d.verdict).toBe("EXEMPT");
  });

  it("does not apply to a type it does not list", () => {
    const policy = exemptionPolicy({ resourceName: "legacy-*", resourceTypes: ["model"] });

    const d = decideFacts(nonCompliant(), policy, NOW);

    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(d.notes).toEqual([]);
  });
});

describe("a principal-scoped exemption when the creator is unknown", () => {
  const policy = policyFromObject({
    exemptions: [
      {
        resourceName: "legacy-*",
        principal: "arn:aws:iam::123456789012:role/LegacyPipeline",
        expires: "2099-12-31",
        reason: "SEC-1042",
      },
    ],
  });
  const resource = {
    type: "training-job" as const,
    name: "legacy-churn",
    arn: null,
    account: "123456789012",
    region: "us-east-1",
  };
  const open = {
    basePath: "",
    label: null,
    networkIsolation: false,
    networkIsolationPath: "enableNetworkIsolation",
    vpc: null,
    vpcPath: "vpcConfig",
    images: [{ uri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1", path: "algorithmSpecification.trainingImage" }],
  };

  it("plans no stop for a job found without its CloudTrail record whose name an exemption covers", () => {
    const d = decideFacts({ resource, caller: null, units: [open] }, policy, Date.parse("2026-11-26T00:00:00Z"));

    expect(d.verdict).toBe("NEEDS_LOOKUP");
    expect(d.actions).toEqual([]);
    expect(d.reason).toContain("LegacyPipeline");
  });

  it("still stops a job with that name when the CloudTrail record shows another creator", () => {
    const caller = {
      type: "AssumedRole",
      arn: "arn:aws:sts::123456789012:assumed-role/DataScientist/bob",
      sessionIssuerArn: "arn:aws:iam::123456789012:role/DataScientist",
      sourceIdentity: null,
      invokedBy: null,
    };

    const d = decideFacts({ resource, caller, units: [open] }, policy, Date.parse("2026-11-26T00:00:00Z"));

    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(d.actions).toContain("stop");
  });
});
