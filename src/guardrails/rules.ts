import type { Policy } from "../core/policy.js";
import type { RuleId } from "../core/types.js";
import { type GuardedCall, KEYS } from "./actions.js";

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
  /** The calls whose keys can carry it (a Null test on a key a call lacks would deny every such call). */
  applies: (call: GuardedCall) => boolean;
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
 * rules.map((r) => r.sid) // ["NoIsoNoVpc", "IsoOffNoVpc", "NbInternet", "StudioPublic", "StudioToPublic", "NoVpc"]
 */
const isolationFull = (c: GuardedCall) => c.isolation === "full";
const isolationAny = (c: GuardedCall) => c.isolation !== null;

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
          applies: isolationFull,
        },
        {
          sid: "IsoOff",
          rule: "network-isolation-disabled",
          condition: { Bool: { [KEYS.isolation]: "false" } },
          description: "EnableNetworkIsolation false",
          applies: isolationAny,
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
            applies: (c) => c.isolation === "full" && c.vpc === "full",
          },
          {
            sid: "IsoOffNoVpc",
            rule: "network-isolation-disabled",
            condition: { Bool: { [KEYS.isolation]: "false" }, Null: { [KEYS.subnets]: "true" } },
            description: "EnableNetworkIsolation false and no VPC (non-compliant for every image)",
            // Bool false is only ever true when the request sets the flag, and then its VPC keys too.
            applies: (c) => isolationAny(c) && c.vpc !== null,
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

  if (policy.requireNetworkIsolation) {
    // Notebooks and Studio domains: their own switch for internet access outside any VPC.
    rules.push(
      {
        sid: "NbInternet",
        rule: "direct-internet-access-enabled",
        // StringNotEquals is true when the key is absent too: absent means Enabled (CreateNotebookInstance).
        condition: { StringNotEquals: { [KEYS.directInternet]: "Disabled" } },
        description: "a notebook instance with DirectInternetAccess Enabled or left out",
        applies: (c) => c.access === "notebook",
      },
      {
        sid: "StudioPublic",
        rule: "direct-internet-access-enabled",
        // Absent means PublicInternetOnly on CreateDomain.
        condition: { StringNotEquals: { [KEYS.appNetworkAccess]: "VpcOnly" } },
        description: "a Studio domain created with AppNetworkAccessType PublicInternetOnly or left out",
        applies: (c) => c.access === "domain-create",
      },
      {
        sid: "StudioToPublic",
        rule: "direct-internet-access-enabled",
        // An update that leaves the key out keeps the domain's setting: only an explicit change is judged.
        condition: { StringEquals: { [KEYS.appNetworkAccess]: "PublicInternetOnly" } },
        description: "a Studio domain updated to AppNetworkAccessType PublicInternetOnly",
        applies: (c) => c.access === "domain-update",
      },
    );
  }
  if (policy.requireVpc || policy.requireNetworkIsolation) {
    rules.push({
      sid: "NoVpc",
      rule: "vpc-config-missing",
      condition: { Null: { [KEYS.subnets]: "true" } },
      description: "no VpcConfig",
      // requireVpc: every call whose request always carries its VPC; otherwise only the types that
      // cannot be isolated, for which a VPC is the control (notebooks, HyperPod clusters).
      // (A notebook without a subnet must have DirectInternetAccess Enabled, which NbInternet denies.)
      applies: (c) => c.vpc === "full" && (policy.requireVpc || (c.vpcIsControl === true && c.access !== "notebook")),
    });
  }
  if (policy.requireInterContainerEncryption) {
    rules.push(
      {
        sid: "NoEnc",
        rule: "inter-container-encryption-disabled",
        condition: { Null: { [KEYS.encryption]: "true" } },
        description: "EnableInterContainerTrafficEncryption absent (off by default)",
        applies: (c) => c.encryption === "full",
      },
      {
        sid: "EncOff",
        rule: "inter-container-encryption-disabled",
        condition: { Bool: { [KEYS.encryption]: "false" } },
        description: "EnableInterContainerTrafficEncryption false",
        applies: (c) => c.encryption !== null,
      },
    );
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
      return {
        sid,
        rule,
        condition: { Null: { [key]: "false" } },
        description: `any ${what} (none allowed)`,
        applies: (c) => c.vpc !== null,
      };
    }
    return {
      sid,
      rule,
      condition: { "ForAnyValue:StringNotEquals": { [key]: [...allowed].sort() } },
      description: `a ${what} outside the allowed list`,
      applies: (c) => c.vpc !== null,
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
  if (policy.requireNetworkIsolation) {
    detectiveOnly.push({
      rule: "network-isolation-disabled",
      scope: "monitoring schedules that name a job definition",
      reason:
        "the schedule's request carries no NetworkConfig of its own (the named definition's decides, and how AWS fills the isolation key then is undocumented): the enforcer describes the definition",
    });
  }
  if (policy.requireVpc || policy.requireNetworkIsolation) {
    detectiveOnly.push({
      rule: "vpc-config-missing",
      scope: "UpdateCluster, UpdateDomain, monitoring schedules",
      reason:
        "these requests name only what they change (or a job definition), so an absent VPC key says nothing about the resource: the enforcer describes it",
    });
  }
  return { rules, detectiveOnly };
}
