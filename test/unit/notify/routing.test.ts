import { createHash } from "node:crypto";
import { policyFromObject } from "../../../src/core/index.js";
import { filterPoliciesFromPolicyText } from "../../../src/notify/filter-policies.js";
import { routesTo, subscriptionFilterPolicy } from "../../../src/notify/routing.js";

const attrs = (o: Record<string, string> = {}) => ({
  verdict: "NON_COMPLIANT",
  severity: "high",
  resourceType: "training-job",
  account: "123456789012",
  region: "us-east-1",
  action: "stopped",
  ...o,
});

describe("severity routing in the policy", () => {
  it("sends every alert to every channel when the policy says nothing (no filter policy)", () => {
    const policy = policyFromObject({});

    expect(subscriptionFilterPolicy(policy, "email")).toBeNull();
    expect(subscriptionFilterPolicy(policy, "slack")).toBeNull();
    expect(routesTo(policy, "slack", attrs({ severity: "medium", action: "audit-only" }))).toBe(true);
  });

  it("leaves the policy id of a policy without routing unchanged (no default is filled in)", () => {
    const policy = policyFromObject({});

    expect("notifications" in policy).toBe(false);
    expect(createHash("sha256").update(JSON.stringify(policy)).digest("hex")).toHaveLength(64);
  });

  it("turns severities and modes into an SNS filter policy that always lets the stack's alarms through", () => {
    const policy = policyFromObject({ notifications: { slack: { severities: ["high"], modes: ["enforce"] } } });

    expect(subscriptionFilterPolicy(policy, "slack")).toEqual({
      $or: [{ severity: ["high"], action: ["stopped", "deleted", "none"] }, { verdict: [{ exists: false }] }],
    });
    expect(subscriptionFilterPolicy(policy, "email")).toBeNull();
  });

  it("routes audit-mode findings to a low-noise channel only", () => {
    const policy = policyFromObject({
      notifications: { slack: { modes: ["audit"] }, email: { modes: ["enforce"], severities: ["high", "medium"] } },
    });

    expect(routesTo(policy, "slack", attrs({ action: "audit-only" }))).toBe(true);
    expect(routesTo(policy, "email", attrs({ action: "audit-only" }))).toBe(false);
    expect(routesTo(policy, "email", attrs())).toBe(true);
    expect(routesTo(policy, "slack", attrs())).toBe(false);
    expect(routesTo(policy, "slack", { AlarmName: "x" } as Record<string, string>)).toBe(true);
  });

  it("switches a channel off", () => {
    const policy = policyFromObject({ notifications: { email: { enabled: false } } });

    expect(subscriptionFilterPolicy(policy, "email")).toBe(false);
    expect(routesTo(policy, "email", attrs())).toBe(false);
  });

  it("makes a route that can match nothing explicit rather than matching everything", () => {
    const policy = policyFromObject({ notifications: { slack: { modes: ["audit"], actions: ["stopped"] } } });

    expect(subscriptionFilterPolicy(policy, "slack")).toEqual({
      $or: [{ verdict: ["__none__"] }, { verdict: [{ exists: false }] }],
    });
  });

  it("rejects unknown channels and values with their key path", () => {
    expect(() => policyFromObject({ notifications: { pager: {} } })).toThrow(/notifications: .*pager/i);
    expect(() => policyFromObject({ notifications: { slack: { severities: ["urgent"] } } })).toThrow(
      /notifications\.slack\.severities\[0\]/,
    );
  });
});

describe("the filter policies a deploy reads from the policy file", () => {
  it("are JSON text per channel, empty for no filter and 'off' for a switched-off channel", () => {
    const text = "notifications:\n  slack:\n    severities: [high]\n  email:\n    enabled: false\n";

    const out = filterPoliciesFromPolicyText(text, "policy.yaml");

    expect(out.email).toBe("off");
    expect(JSON.parse(out.slack)).toEqual({ $or: [{ severity: ["high"] }, { verdict: [{ exists: false }] }] });
    expect(filterPoliciesFromPolicyText("mode: audit\n", "p.yaml")).toEqual({ email: "", slack: "" });
  });
});
