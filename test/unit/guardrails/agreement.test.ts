import { agreementRows, samplePolicies } from "../../../scripts/guardrails-check.js";
import { NOW } from "./helpers.js";

describe("guardrails agree with the detective core on every sample event", () => {
  let rows: Awaited<ReturnType<typeof agreementRows>>;
  const row = (event: string, policy: string) => rows.find((r) => r.event === event && r.policy === policy);

  beforeAll(async () => {
    rows = await agreementRows(samplePolicies(), NOW);
  });

  it("never disagrees, under the default, strict and exemptions policies, as SCP and as IAM policy", () => {
    // Arrange: rows built above. Act:
    const disagreements = rows.filter((r) => r.agreement === "DISAGREE");
    // Assert
    expect(disagreements).toEqual([]);
    expect(new Set(rows.map((r) => r.policy))).toEqual(new Set(["default", "strict", "exemptions"]));
  });

  it("never denies a COMPLIANT or EXEMPT request", () => {
    const wrong = rows.filter((r) => (r.verdict === "COMPLIANT" || r.verdict === "EXEMPT") && r.scp === "deny");
    expect(wrong).toEqual([]);
  });

  it("denies what a condition key can express and explains what it lets through", () => {
    expect(row("CreateTrainingJob.no-isolation", "default")).toMatchObject({ scp: "deny", iam: "deny" });
    expect(row("CreateModel.pytorch-inference-no-vpc", "default")).toMatchObject({ scp: "deny", iam: "deny" });
    expect(row("CreateTrainingJob.pytorch-framework-vpc", "default")).toMatchObject({ scp: "allow", iam: "allow" });
    expect(row("CreateTrainingJob.isolation-false-with-vpc", "default")).toMatchObject({
      scp: "allow",
      agreement: "detective-only",
    });
    expect(row("CreateTrainingJob.subnet-not-allowed", "strict")).toMatchObject({ scp: "deny", agreement: "agree" });
    expect(row("CreateTrainingJob.exempt-legacy", "exemptions")).toMatchObject({ verdict: "EXEMPT", scp: "allow" });
    expect(row("CreateTrainingJob.exempt-legacy", "default")).toMatchObject({ scp: "deny" });
    expect(row("CreateTrainingJob.exemption-expired", "exemptions")).toMatchObject({ scp: "deny" });
  });

  it("has no preventive answer for calls no condition key covers", () => {
    expect(row("CreateTransformJob.model-lookup", "default")).toMatchObject({ scp: "-", agreement: "n/a" });
    expect(row("CreateTrainingJob.omitted", "default")).toMatchObject({ scp: "-", agreement: "n/a" });
    expect(row("CreateTrainingJob.failed-call", "default")).toMatchObject({ scp: "-", agreement: "n/a" });
  });
});
