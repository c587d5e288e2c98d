import {
  GuardrailsTooLargeError,
  generateGuardrails,
  NothingToDenyError,
  SIZE_LIMITS,
} from "../../../src/guardrails/index.js";
import { answer, loadEvent, NOW, policy } from "./helpers.js";

const manySubnets = (n: number) =>
  Array.from({ length: n }, (_, i) => `subnet-${(i + 1).toString(16).padStart(17, "0")}`);

describe("the generated document", () => {
  it("merges statements with identical conditions across the create actions; endpoint configs only on an explicit false", () => {
    const g = generateGuardrails(policy(), { format: "scp", now: NOW });
    const core = [
      "sagemaker:CreateTrainingJob",
      "sagemaker:CreateHyperParameterTuningJob",
      "sagemaker:CreateProcessingJob",
      "sagemaker:CreateModel",
      "sagemaker:Create*JobDefinition",
    ];
    const [jobs, definitions] = [core.slice(0, 4), core.slice(4)];
    expect(g.document.Statement.map((s) => [s.Sid, s.Action])).toEqual([
      // Null on the isolation key would deny every model-based endpoint config (they leave it out).
      ["NoIsoNoVpc", core],
      [
        "IsoOffNoVpc",
        [
          ...jobs,
          "sagemaker:CreateEndpointConfig",
          ...definitions,
          "sagemaker:CreateMonitoringSchedule",
          "sagemaker:UpdateMonitoringSchedule",
        ],
      ],
      ["NbInternet", "sagemaker:CreateNotebookInstance"],
      ["StudioPublic", "sagemaker:CreateDomain"],
      ["StudioToPublic", "sagemaker:UpdateDomain"],
      ["NoVpc", "sagemaker:CreateCluster"],
    ]);
  });

  it("leaves out the later surfaces' statements, as detective-only, rather than fail when the SCP is full", () => {
    const exemptions = ["A", "B", "C"].map((r, i) => ({
      principal: `arn:aws:iam::123456789012:role/Role${r}`,
      expires: `2027-0${i + 1}-15`,
      reason: r,
    }));
    const g = generateGuardrails(policy({ exemptions }), { format: "scp", now: NOW });

    expect(g.size).toBeLessThanOrEqual(SIZE_LIMITS.scp);
    expect(g.text).toContain("sagemaker:CreateTrainingJob");
    expect(g.detectiveOnly.filter((d) => /left out to fit/.test(d.reason)).length).toBeGreaterThan(0);
  });

  it("is minified JSON within the SCP limit", () => {
    const g = generateGuardrails(policy({ requireVpc: true, allowedSubnets: manySubnets(20) }), {
      format: "scp",
      now: NOW,
    });
    expect(g.text).not.toMatch(/\s/);
    expect(JSON.parse(g.text)).toEqual(g.document);
    expect(g.size).toBeLessThanOrEqual(SIZE_LIMITS.scp);
  });

  it("fails clearly when it cannot fit in 5,120 characters", () => {
    const big = policy({ allowedSubnets: manySubnets(250) });
    expect(() => generateGuardrails(big, { format: "scp", now: NOW })).toThrow(GuardrailsTooLargeError);
    expect(() => generateGuardrails(big, { format: "scp", now: NOW })).toThrow(/over the 5120-character limit/);
  });

  it("refuses a policy that leaves nothing to deny", () => {
    const off = policy({ requireNetworkIsolation: false });
    expect(() => generateGuardrails(off, { format: "scp", now: NOW })).toThrow(NothingToDenyError);
  });

  it("leaves resource types in audit mode to the enforcer", () => {
    const g = generateGuardrails(policy({ resourceModes: { model: "audit" } }), { format: "scp", now: NOW });
    expect(g.text).not.toContain('"sagemaker:CreateModel"');
    expect(g.detectiveOnly).toContainEqual(expect.objectContaining({ rule: "mode", scope: "model" }));
  });

  it("works as a permissions boundary with --boundary: grants through Allow *, denies the violations", async () => {
    const g = generateGuardrails(policy(), { format: "iam", boundary: true, now: NOW });
    expect(g.document.Statement[0]).toMatchObject({ Effect: "Allow", Action: "*", Resource: "*" });
    expect(await answer(loadEvent("CreateTrainingJob.isolated.json"), policy(), { format: "boundary" })).toEqual({
      verdict: "COMPLIANT",
      denied: false,
    });
    expect(await answer(loadEvent("CreateModel.no-isolation.json"), policy(), { format: "boundary" })).toEqual({
      verdict: "NON_COMPLIANT",
      denied: true,
    });
  });
});
