import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  AWS_IMAGE_REGISTRY_ACCOUNTS,
  NON_ISOLATABLE_FRAMEWORK_REPOSITORIES,
} from "../../../src/core/framework-image-data.js";
import { DEFAULT_POLICY, InvalidPolicyError, modeFor, parsePolicy, policyFromObject } from "../../../src/core/index.js";
import { EVENTS_DIR } from "./fixtures.js";

/** The error a policy input raises, for assertions on its class and message. */
function policyError(run: () => unknown): Error {
  try {
    run();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected the policy to be rejected, but it was accepted");
}

const exemption = (overrides: Record<string, unknown> = {}) => ({
  resourceName: "legacy-*",
  expires: "2030-01-01",
  reason: "SEC-1",
  ...overrides,
});

describe("policy defaults", () => {
  it("are the safe ones: enforce, isolation required, no VPC requirement, no exemptions", () => {
    const policy = policyFromObject({});

    expect(policy.mode).toBe("enforce");
    expect(policy.requireNetworkIsolation).toBe(true);
    expect(policy.requireVpc).toBe(false);
    expect(policy.allowedSubnets).toBeUndefined();
    expect(policy.allowedSecurityGroups).toBeUndefined();
    expect(policy.exemptions).toEqual([]);
    expect(policy.resourceModes).toEqual({});
  });

  it("recognise the AWS framework registries and repositories out of the box", () => {
    expect(DEFAULT_POLICY.frameworkImages.registryAccounts).toEqual([...AWS_IMAGE_REGISTRY_ACCOUNTS]);
    expect(DEFAULT_POLICY.frameworkImages.registryAccounts).toContain("763104351884");
    expect(DEFAULT_POLICY.frameworkImages.repositories).toEqual([...NON_ISOLATABLE_FRAMEWORK_REPOSITORIES]);
    expect(DEFAULT_POLICY.frameworkImages.repositories).toEqual(
      expect.arrayContaining(["pytorch-training", "pytorch-inference", "sagemaker-scikit-learn", "sagemaker-chainer"]),
    );
  });

  it("apply to a file holding {}", () => {
    expect(parsePolicy("{}\n", "braces.yaml")).toEqual(DEFAULT_POLICY);
  });

  it.each([
    ["an empty file", ""],
    ["a file holding only comments", "# nothing here yet\n"],
    ["a file of blank lines", "\n\n  \n"],
  ])("are not silently applied to %s: it is refused with a hint", (_, text) => {
    const error = policyError(() => parsePolicy(text, "policy.yaml"));

    expect(error).toBeInstanceOf(InvalidPolicyError);
    expect(error.message).toBe(
      "policy.yaml: the policy file is empty; write {} to use the default policy on purpose (see policy.example.yaml)",
    );
  });

  it("let resourceModes override the global mode for one type only", () => {
    const policy = policyFromObject({ mode: "audit", resourceModes: { "training-job": "enforce" } });

    expect(modeFor(policy, "training-job")).toBe("enforce");
    expect(modeFor(policy, "model")).toBe("audit");
  });
});

describe("policy files", () => {
  it("accepts YAML", () => {
    const policy = parsePolicy("mode: audit\nrequireVpc: true\nallowedSubnets: [subnet-0abc]\n", "p.yaml");

    expect(policy.mode).toBe("audit");
    expect(policy.requireVpc).toBe(true);
    expect(policy.allowedSubnets).toEqual(["subnet-0abc"]);
  });

  it("accepts JSON too", () => {
    const policy = parsePolicy(
      JSON.stringify({ mode: "audit", allowedSecurityGroups: ["sg-0abc"], exemptions: [exemption()] }),
      "p.json",
    );

    expect(policy.mode).toBe("audit");
    expect(policy.allowedSecurityGroups).toEqual(["sg-0abc"]);
    expect(policy.exemptions).toHaveLength(1);
  });

  it("reads an unquoted YAML date as a date-only expiry", () => {
    const policy = parsePolicy(
      "exemptions:\n  - resourceName: legacy-*\n    expires: 2030-01-01\n    reason: SEC-1\n",
      "p.yaml",
    );

    expect(policy.exemptions[0]?.expires).toEqual({ text: "2030-01-01", endsAt: Date.parse("2030-01-02T00:00:00Z") });
  });

  it.each(["exemptions.yaml", "strict.yaml"])("accepts the bundled sample policy %s", (file) => {
    const text = readFileSync(join(EVENTS_DIR, "policies", file), "utf8");

    expect(() => parsePolicy(text, file)).not.toThrow();
  });

  it("rejects invalid YAML, naming the file", () => {
    const e = policyError(() => parsePolicy("mode: [unclosed", "bad.yaml"));

    expect(e).toBeInstanceOf(InvalidPolicyError);
    expect(e.message).toMatch(/^bad\.yaml: not valid YAML or JSON/);
  });

  it("rejects a key given twice instead of silently keeping one", () => {
    const e = policyError(() => parsePolicy("mode: audit\nmode: enforce\n", "dup.yaml"));

    expect(e).toBeInstanceOf(InvalidPolicyError);
    expect(e.message).toContain("dup.yaml");
  });

  it("rejects a document that is not a mapping", () => {
    const e = policyError(() => parsePolicy("- mode: audit\n", "list.yaml"));

    expect(e).toBeInstanceOf(InvalidPolicyError);
    expect(e.message).toContain("(top level)");
  });
});

describe("policy validation", () => {
  it("rejects an unknown top-level key, naming it", () => {
    const e = policyError(() => policyFromObject({ requireIsolation: true }, "p.yaml"));

    expect(e).toBeInstanceOf(InvalidPolicyError);
    expect(e.message).toContain("p.yaml");
    expect(e.message).toContain('"requireIsolation"');
  });

  it("rejects an unknown key inside an exemption with its key path", () => {
    const e = policyError(() => policyFromObject({ exemptions: [exemption(), exemption({ foo: 1 })] }));

    expect(e.message).toContain("exemptions[1]");
    expect(e.message).toContain('"foo"');
  });

  it("rejects an unknown key inside frameworkImages", () => {
    const e = policyError(() =>
      policyFromObject({ frameworkImages: { registryAccounts: [], repositories: [], accounts: [] } }),
    );

    expect(e.message).toContain("frameworkImages");
    expect(e.message).toContain('"accounts"');
  });

  it("rejects a resource type it does not know in resourceModes", () => {
    const e = policyError(() => policyFromObject({ resourceModes: { "feature-group": "audit" } }));

    expect(e.message).toContain("resourceModes");
  });

  it("rejects wrong types with each key path", () => {
    const e = policyError(() => policyFromObject({ mode: "warn", requireVpc: "yes" }));

    expect(e.message).toMatch(/mode: .*"enforce"\|"audit"/);
    expect(e.message).toMatch(/requireVpc: .*expected boolean/);
  });

  it("rejects a subnet id that is not one, with its index", () => {
    const e = policyError(() => policyFromObject({ allowedSubnets: ["subnet-0abc", "vpc-0abc"] }));

    expect(e.message).toContain("allowedSubnets[1]: expected a subnet id");
  });

  it("rejects a security group id that is not one", () => {
    const e = policyError(() => policyFromObject({ allowedSecurityGroups: ["default"] }));

    expect(e.message).toContain("allowedSecurityGroups[0]: expected a security group id");
  });

  it("rejects a registry account that is not 12 digits", () => {
    const e = policyError(() =>
      policyFromObject({ frameworkImages: { registryAccounts: ["76310435188"], repositories: ["pytorch-*"] } }),
    );

    expect(e.message).toContain("frameworkImages.registryAccounts[0]: expected a 12-digit account id");
  });

  it("rejects a policy version it does not understand", () => {
    const e = policyError(() => policyFromObject({ version: 2 }));

    expect(e.message).toContain("version");
  });
});

describe("exemption validation", () => {
  it("rejects an exemption without a reason", () => {
    const { reason: _omit, ...noReason } = exemption();

    const e = policyError(() => policyFromObject({ exemptions: [noReason] }));

    expect(e.message).toContain("exemptions[0].reason");
  });

  it("rejects a blank reason", () => {
    const e = policyError(() => policyFromObject({ exemptions: [exemption({ reason: "   " })] }));

    expect(e.message).toContain("exemptions[0].reason");
  });

  it("rejects an exemption without an expiry", () => {
    const { expires: _omit, ...noExpiry } = exemption();

    const e = policyError(() => policyFromObject({ exemptions: [noExpiry] }));

    expect(e).toBeInstanceOf(InvalidPolicyError);
    expect(e.message).toContain("exemptions[0].expires");
  });

  it("says what a missing expiry should be, not just that the input is invalid", () => {
    const { expires: _omit, ...noExpiry } = exemption();

    const e = policyError(() => policyFromObject({ exemptions: [noExpiry] }));

    expect(e.message).toMatch(/exemptions\[0\]\.expires: .*(required|missing|date)/i);
  });

  it("rejects an expiry that is not a date", () => {
    const e = policyError(() => policyFromObject({ exemptions: [exemption({ expires: "next quarter" })] }));

    expect(e.message).toContain('exemptions[0].expires: "next quarter" is not a date');
  });

  it("rejects a date-time expiry without a time zone", () => {
    const e = policyError(() => policyFromObject({ exemptions: [exemption({ expires: "2030-01-01T00:00:00" })] }));

    expect(e.message).toContain("exemptions[0].expires");
  });

  it("rejects an expiry on a day that does not exist", () => {
    const e = policyError(() => policyFromObject({ exemptions: [exemption({ expires: "2030-02-31" })] }));

    expect(e).toBeInstanceOf(InvalidPolicyError);
    expect(e.message).toContain("exemptions[0].expires");
  });

  it("rejects an exemption that names neither a resource nor a principal", () => {
    const e = policyError(() => policyFromObject({ exemptions: [{ expires: "2030-01-01", reason: "SEC-1" }] }));

    expect(e.message).toContain("exemptions[0]: an exemption needs a resourceName or a principal");
  });

  it("rejects an empty resourceTypes list", () => {
    const e = policyError(() => policyFromObject({ exemptions: [exemption({ resourceTypes: [] })] }));

    expect(e.message).toContain("exemptions[0].resourceTypes");
  });

  it("accepts an exemption by principal alone", () => {
    const policy = policyFromObject({
      exemptions: [{ principal: "arn:aws:iam::123456789012:role/Legacy", expires: "2030-01-01", reason: "SEC-1" }],
    });

    expect(policy.exemptions[0]?.principal).toBe("arn:aws:iam::123456789012:role/Legacy");
  });

  it("accepts a date-time expiry with a zone offset", () => {
    const policy = policyFromObject({ exemptions: [exemption({ expires: "2030-01-01T09:00:00+02:00" })] });

    expect(policy.exemptions[0]?.expires.endsAt).toBe(Date.parse("2030-01-01T07:00:00Z"));
  });
});
