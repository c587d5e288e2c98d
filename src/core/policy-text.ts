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
  return policyFromObject(data, source);
}
