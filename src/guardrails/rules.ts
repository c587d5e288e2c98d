import type { Policy } from "../core/policy.js";
import type { RuleId } from "../core/types.js";
import { KEYS } from "./actions.js";

/** An IAM `Condition` block: operator → key → value(s). Keys under one operator, and operators, are ANDed. */
export type Condition = Record<string, Record<string, string | string[]>>;

/** One thing the policy forbids, as a single IAM condition (a conjunction). */
export interface DenyRule {
  /** Statement id stem: alphanumeric, short (it counts against the SCP size). */
  sid: string;
  rule: RuleId;
  condition: Condition;
  /** What it denies, for people. */
  description: string;
  /** It matches only a request that sets EnableNetworkIsolation false (a `Bool` test): safe for endpoint configs. */
  explicitFalse?: boolean;
}

/** A rule (or part of one) no condition key can express: the enforcer alone catches it. */
export interface DetectiveOnly {
  rule: RuleId | "all" | "exemption" | "mode";
  scope: string;
  reason: string;
}

/** Whether any image could be a framework container that cannot run isolated (and so needs a VPC instead). */
export function frameworkImagesPossible(policy: Policy): boolean {
  return policy.frameworkImages.registryAccounts.length > 0 && policy.frameworkImages.repositories.length > 0;
}

/**
 * The deny conditions that are non-compliant for every image, derived from the policy.
 *
 * Pitfalls handled (IAM condition operators reference,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html):
 * - `Bool` never matches an absent key, so "isolation off" needs a `Null` statement (key absent) and a
 *   `Bool` statement (key false), each its own statement: keys in one `Null` block are ANDed.
 * - Framework images (recognised only by image URI, which no condition key carries) are compliant
 *   without isolation when they run in a VPC. So unless the policy has no framework images, only
 *   "isolation off AND no VPC" is denied: `Null` on both keys in one block is exactly that AND.
 * - Allow-lists use `ForAnyValue:StringNotEquals` on the multivalued VPC keys: true when any subnet is
 *   outside the list, false when the key is absent (a missing VPC is the VPC rule's business).
 *
 * @example
 * const { rules, detectiveOnly } = denyRules(DEFAULT_POLICY);
 * rules.map((r) => r.sid) // ["NoIsoNoVpc", "IsoOffNoVpc"]
 */
export function denyRules(policy: Policy): { rules: DenyRule[]; detectiveOnly: DetectiveOnly[] } {
  const rules: DenyRule[] = [];
  const detectiveOnly: DetectiveOnly[] = [];
  const frameworks = frameworkImagesPossible(policy);

  if (policy.requireNetworkIsolation) {
    if (!frameworks) {
      rules.push(
        {
          sid: "NoIso",
          rule: "network-isolation-disabled",
          condition: { Null: { [KEYS.isolation]: "true" } },
          description: "EnableNetworkIsolation absent (SageMaker's default is off)",
        },
        {
          sid: "IsoOff",
          rule: "network-isolation-disabled",
          condition: { Bool: { [KEYS.isolation]: "false" } },
          description: "EnableNetworkIsolation false",
          explicitFalse: true,
        },
      );
    } else {
      if (!policy.requireVpc) {
        rules.push(
          {
            sid: "NoIsoNoVpc",
            rule: "network-isolation-disabled",
            condition: { Null: { [KEYS.isolation]: "true", [KEYS.subnets]: "true" } },
            description: "EnableNetworkIsolation absent and no VPC (non-compliant for every image)",
          },
          {
            sid: "IsoOffNoVpc",
            rule: "network-isolation-disabled",
            condition: { Bool: { [KEYS.isolation]: "false" }, Null: { [KEYS.subnets]: "true" } },
            description: "EnableNetworkIsolation false and no VPC (non-compliant for every image)",
            explicitFalse: true,
          },
        );
      }
      detectiveOnly.push({
        rule: "network-isolation-disabled",
        scope: "isolation off inside a VPC",
        reason:
          "compliant for framework images (PyTorch, Scikit-learn, Chainer, RL) that cannot run isolated, non-compliant for any other image; the image URI is in no condition key, so a deny would block compliant framework jobs",
      });
    }
  }

  if (policy.requireVpc) {
    rules.push({
      sid: "NoVpc",
      rule: "vpc-config-missing",
      condition: { Null: { [KEYS.subnets]: "true" } },
      description: "no VpcConfig",
    });
  }

  const allowList = (
    sid: string,
    rule: RuleId,
    key: string,
    allowed: string[] | undefined,
    what: string,
  ): DenyRule | null => {
    if (!allowed) return null;
    if (allowed.length === 0) {
      // Nothing is allowed: any VPC at all breaks the rule (a VpcConfig always has at least one of each).
      return { sid, rule, condition: { Null: { [key]: "false" } }, description: `any ${what} (none allowed)` };
    }
    return {
      sid,
      rule,
      condition: { "ForAnyValue:StringNotEquals": { [key]: [...allowed].sort() } },
      description: `a ${what} outside the allowed list`,
    };
  };
  const subnet = allowList("Subnet", "subnet-not-allowed", KEYS.subnets, policy.allowedSubnets, "subnet");
  const sg = allowList(
    "Sg",
    "security-group-not-allowed",
    KEYS.securityGroups,
    policy.allowedSecurityGroups,
    "security group",
  );
  if (subnet) rules.push(subnet);
  if (sg) rules.push(sg);
  return { rules, detectiveOnly };
}
