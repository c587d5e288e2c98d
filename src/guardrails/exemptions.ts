import type { Exemption, Policy } from "../core/policy.js";
import type { ResourceType } from "../core/types.js";
import { KEYS } from "./actions.js";
import type { Condition } from "./rules.js";

/**
 * The `aws:PrincipalArn` patterns an exemption covers, or `"all"` when it cannot be narrowed to principals
 * soundly (then it exempts every caller of its resource types until it expires: a guardrail must never deny
 * what the detective core exempts).
 */
export interface PrincipalScope {
  patterns: string[] | "all";
  note: string | null;
}

// Only IAM's own wildcards: `*` (any run, `/` and `:` included) and `?`. Other glob syntax cannot be translated.
const IAM_GLOB_SAFE = /^[^[\]{}()!+@\\]+$/;
const IAM_PRINCIPAL = /^arn:[^:]*:iam::[^:]*:/;
const ASSUMED_ROLE = /^arn:([^:]*):sts::([^:]*):assumed-role\/([^/]+)\/.+$/;
const FEDERATED_USER = /^arn:[^:]*:sts::[^:]*:federated-user\//;
const IAM_PARTS = /^arn:([^:]*):iam::([^:]*):(.*)$/;

/** Whether an IAM principal glob could match an IAM user (`user/...`): `*` runs and `?` may stand for its start. */
function couldMatchUser(resource: string): boolean {
  const literal = resource.split(/[*?]/)[0] as string;
  const wild = literal.length < resource.length;
  return literal.startsWith("user/") || (wild && "user/".startsWith(literal));
}

/**
 * Translates an exemption's principal glob (matched by the detective core against the caller ARN and its
 * session issuer) into `aws:PrincipalArn` patterns. For a role session, `aws:PrincipalArn` is the role's
 * ARN, not the `sts` session ARN (AWS global condition context keys, aws:PrincipalArn), so a session
 * pattern is widened to the role (with or without a path), and anything else that could match only
 * through a session name is widened to every principal.
 *
 * @example
 * principalScope({ principal: "arn:aws:sts::123456789012:assumed-role/Etl/*", ... })
 * // { patterns: ["arn:aws:iam::123456789012:role/Etl", "arn:aws:iam::123456789012:role/*\/Etl"], note: ... }
 */
export function principalScope(exemption: Exemption): PrincipalScope {
  const p = exemption.principal;
  if (!p) {
    return {
      patterns: "all",
      note: `exemption "${exemption.reason}" names no principal: no condition key carries the new resource's name case-insensitively, so it lifts the guardrail for every caller until ${exemption.expires.text}; add a principal to keep it narrow`,
    };
  }
  if (!IAM_GLOB_SAFE.test(p)) {
    return {
      patterns: "all",
      note: `principal "${p}" uses glob syntax IAM has no equivalent for: widened to every caller`,
    };
  }
  if (p === "*" || FEDERATED_USER.test(p)) return { patterns: [p], note: null };
  const iam = IAM_PARTS.exec(p);
  if (iam && IAM_PRINCIPAL.test(p)) {
    const [, partition, account, resource] = iam as unknown as [string, string, string, string];
    if (!couldMatchUser(resource)) return { patterns: [p], note: null };
    // The detective core also matches the session issuer, so it exempts the federated users an exempt IAM
    // user issues with GetFederationToken; their aws:PrincipalArn is arn:...:sts::ACCOUNT:federated-user/NAME
    // (a name the caller chooses), never the user's ARN. Excluding them too keeps the guardrail from
    // denying what detection exempts.
    const federated = `arn:${partition}:sts::${account}:federated-user/*`;
    return {
      patterns: [p, federated],
      note: `principal "${p}" may be an IAM user: the federated users it issues (${federated}) are exempt too, since aws:PrincipalArn names them, not the issuing user`,
    };
  }
  const session = ASSUMED_ROLE.exec(p);
  if (session) {
    const [, partition, account, role] = session;
    const base = `arn:${partition}:iam::${account}:role/`;
    return {
      patterns: [`${base}${role}`, `${base}*/${role}`],
      note: `principal "${p}" is a role session: aws:PrincipalArn holds the role ARN, so every session of role ${role} is exempt`,
    };
  }
  return {
    patterns: "all",
    note: `principal "${p}" is not an IAM ARN pattern (it could match a session name, which aws:PrincipalArn does not carry): widened to every caller`,
  };
}

/** An exemption that is still active, with what a guardrail can make of it. */
export interface ActiveExemption {
  exemption: Exemption;
  scope: PrincipalScope;
}

/**
 * Splits the exemptions into those still active at `now` and those already expired.
 * @example const { active, expired } = activeExemptions(policy, Date.now());
 */
export function activeExemptions(policy: Policy, now: number): { active: ActiveExemption[]; expired: Exemption[] } {
  const active: ActiveExemption[] = [];
  const expired: Exemption[] = [];
  for (const e of policy.exemptions) {
    if (e.expires.endsAt > now) active.push({ exemption: e, scope: principalScope(e) });
    else expired.push(e);
  }
  return { active, expired };
}

/** The exemptions that apply to one resource type. */
export function exemptionsFor(active: ActiveExemption[], type: ResourceType): ActiveExemption[] {
  return active.filter((a) => !a.exemption.resourceTypes || a.exemption.resourceTypes.includes(type));
}

/**
 * The extra conditions that carve active exemptions out of one deny, as a list of alternatives
 * (one statement each). A deny must hold when the caller is exempt by none of them, or when the exemptions
 * that cover it have expired. IAM ANDs the conditions in one statement and ORs statements, so the time line
 * is cut at each expiry t1 < t2 < ... < tn:
 *   slice 0: principal matches none of E1..En (any time);
 *   slice k: aws:CurrentTime >= tk and principal matches none of E(k+1)..En.
 * A slice whose remaining exemptions cover every caller can never match and is left out.
 * A negated operator with several values holds only when the key matches none of them.
 *
 * @example
 * exemptionSlices([]) // [{}]: the deny applies unconditionally
 */
export function exemptionSlices(exemptions: ActiveExemption[]): Condition[] {
  if (exemptions.length === 0) return [{}];
  const expiries = [...new Set(exemptions.map((e) => e.exemption.expires.endsAt))].sort((a, b) => a - b);
  const slices: Condition[] = [];
  for (let k = 0; k <= expiries.length; k++) {
    const from = k === 0 ? null : (expiries[k - 1] as number);
    const remaining = exemptions.filter((e) => from === null || e.exemption.expires.endsAt > from);
    if (remaining.some((e) => e.scope.patterns === "all")) continue;
    const patterns = [...new Set(remaining.flatMap((e) => e.scope.patterns as string[]))].sort();
    const condition: Condition = {};
    // StringNotLike, not ArnNotLike: ArnLike compares colon-delimited segments, so a glob such as
    // "*Pipeline" would never match and the deny would hit an exempt caller. StringLike's `*` and `?`
    // are the detective core's glob (`*` crosses `/` and `:`).
    if (patterns.length)
      condition.StringNotLike = { [KEYS.principal]: patterns.length === 1 ? (patterns[0] as string) : patterns };
    // Whole seconds, rounded up: the deny never returns before the detective core calls the exemption expired.
    if (from !== null) {
      const at = new Date(Math.ceil(from / 1000) * 1000).toISOString().replace(/\.000Z$/, "Z");
      condition.DateGreaterThanEquals = { [KEYS.time]: at };
    }
    slices.push(condition);
  }
  return slices;
}
