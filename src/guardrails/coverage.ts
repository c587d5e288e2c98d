import { modeFor, type Policy } from "../core/policy.js";
import type { Decision, IsolationUnit, ResourceFacts } from "../core/types.js";
import { DETECTIVE_ONLY_TYPES, GUARDED_CALLS, type GuardedCall, isGuardedType } from "./actions.js";
import { activeExemptions, exemptionsFor } from "./exemptions.js";
import { frameworkImagesPossible } from "./rules.js";

/** How the preventive answer relates to the detective verdict for one request. */
export type Agreement = "agree" | "detective-only" | "DISAGREE" | "n/a";

export interface Judgement {
  agreement: Agreement;
  note: string;
}

/** IAM `StringLike`: `*` any run of characters, `?` one character. */
function iamGlob(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

function unitExpressible(u: IsolationUnit, policy: Policy, call: GuardedCall): boolean {
  const outside = (values: string[], allowed: string[] | undefined) =>
    allowed !== undefined && values.some((v) => !allowed.includes(v));
  if (
    u.vpc &&
    (outside(u.vpc.subnets, policy.allowedSubnets) || outside(u.vpc.securityGroupIds, policy.allowedSecurityGroups))
  )
    return call.vpc !== null;
  if (policy.requireNetworkIsolation && u.directInternet?.enabled && call.access) return true;
  if (policy.requireInterContainerEncryption && u.interContainerEncryption && !u.interContainerEncryption.enabled)
    if (call.encryption === "full") return true;
  if (!u.vpc && call.vpc === "full" && (policy.requireVpc || (policy.requireNetworkIsolation && u.control === "vpc")))
    return true;
  return (
    call.isolation === "full" &&
    !u.control &&
    policy.requireNetworkIsolation &&
    !u.networkIsolation &&
    (!u.vpc || !frameworkImagesPossible(policy))
  );
}

/**
 * Why a guardrail lets a non-compliant request through, or `null` when it should have denied it.
 * @example whyAllowed(facts, policy, "arn:aws:iam::123456789012:role/Etl", Date.now())
 */
export function whyAllowed(facts: ResourceFacts, policy: Policy, principalArn: string, now: number): string | null {
  const type = facts.resource.type;
  // The type's create call: the first of its calls in the table.
  const call = GUARDED_CALLS.find((c) => c.type === type);
  if (!call) return DETECTIVE_ONLY_TYPES[type] ?? "no condition key judges this call";
  if (modeFor(policy, type) === "audit") return "audit mode";
  const exempt = exemptionsFor(activeExemptions(policy, now).active, type).find(
    (a) => a.scope.patterns === "all" || a.scope.patterns.some((p) => iamGlob(p).test(principalArn)),
  );
  if (exempt) {
    return `the caller is exempt for every ${type} name until ${exempt.exemption.expires.text} (${exempt.exemption.reason}); the enforcer judges the name`;
  }
  if (facts.units.length > 1 && type === "hyper-parameter-tuning-job") {
    return "several definitions share one request: how AWS fills the single-valued isolation key for them is undocumented, and the VPC keys are their union";
  }
  if (call.explicitFalseOnly) {
    return "an endpoint config is denied only for an explicit EnableNetworkIsolation false without a VPC: a Null test would deny every model-based config";
  }
  if (!facts.units.some((u) => unitExpressible(u, policy, call))) {
    if (call.isolation === "bool") {
      return "a monitoring schedule's isolation key is judged only when the request sets it false (a schedule may name a job definition instead)";
    }
    return "isolation off inside a VPC: compliant for framework images only, and the image URI is in no condition key";
  }
  return null;
}

/**
 * Compares the preventive answer with the detective verdict: a guardrail may deny only what the detective
 * core calls NON_COMPLIANT, and must deny every non-compliant request it can express.
 *
 * @example
 * judge(decide(normalizeEvent(event), policy, now), facts, true, policy, principalArn, now) // { agreement: "agree", ... }
 */
export function judge(
  decision: Decision,
  facts: ResourceFacts | null,
  denied: boolean | null,
  policy: Policy,
  principalArn: string,
  now: number,
): Judgement {
  if (denied === null) {
    const type = decision.resource?.type;
    const unguarded = type && !isGuardedType(type) ? (DETECTIVE_ONLY_TYPES[type] ?? null) : null;
    return { agreement: "n/a", note: unguarded ?? decision.reason ?? "no create request to evaluate" };
  }
  const nonCompliant = decision.verdict === "NON_COMPLIANT";
  if (denied) {
    return nonCompliant
      ? { agreement: "agree", note: [...new Set(decision.findings.map((f) => f.rule))].join(", ") }
      : { agreement: "DISAGREE", note: `denied a ${decision.verdict} request` };
  }
  // No condition key sees a subnet's route table: a decision that waits for routes is the enforcer's alone.
  if (decision.verdict === "NEEDS_LOOKUP") return { agreement: "detective-only", note: decision.reason ?? "" };
  if (!nonCompliant) return { agreement: "agree", note: "" };
  const why = facts ? whyAllowed(facts, policy, principalArn, now) : decision.reason;
  return why
    ? { agreement: "detective-only", note: why }
    : { agreement: "DISAGREE", note: "allowed a non-compliant request a condition key can express" };
}
