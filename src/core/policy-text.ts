import { parse as parseYaml } from "yaml";
import { InvalidPolicyError } from "./errors.js";
import { type Policy, policyFromObject } from "./policy.js";

// Kept apart from policy.ts so the Lambda bundle (which receives the policy as JSON) carries no YAML parser.

/**
 * Parses policy text, YAML or JSON (JSON is YAML), and validates it.
 * @example parsePolicy("mode: audit\nrequireVpc: true\n", "policy.yaml")
 */
export function parsePolicy(text: string, source = "policy"): Policy {
  let data: unknown;
  try {
    data = parseYaml(text, { uniqueKeys: true });
  } catch (cause) {
    throw new InvalidPolicyError(`${source}: not valid YAML or JSON: ${(cause as Error).message}`, { cause });
  }
  // An empty file (or one of comments only) is more likely a mistake, a truncated copy or a wrong path
  // than a wish for the defaults: refuse it and say how to ask for the defaults on purpose.
  if (data === null || data === undefined) {
    throw new InvalidPolicyError(
      `${source}: the policy file is empty; write {} to use the default policy on purpose (see policy.example.yaml)`,
    );
  }
  return policyFromObject(data, source);
}
