import { randomUUID } from "node:crypto";
import { arnProblem, sageMakerArn } from "../core/arn.js";
import { decide, decideFacts, parseDescribed } from "../core/decide.js";
import { ActionFailedError, InvalidEventError, TrustBoundaryError } from "../core/errors.js";
import { type NormalizedEvent, normalizeEvent } from "../core/normalize.js";
import type { Policy } from "../core/policy.js";
import {
  componentUnit,
  isModelConsumer,
  launchedBy,
  type ModelSource,
  parentOf,
  RESOURCE_TYPES,
  stopApplies,
} from "../core/resource-types.js";
import type { Decision, ModelPosture, ResourceFacts, ResourceRef, ResourceType } from "../core/types.js";
import { type AlertOutcome, type AlertRenderOptions, renderAlert, type TagAction } from "./alert-message.js";
import type { AlertPort, SageMakerPort } from "./ports.js";
import type { ProgressCache } from "./progress-cache.js";

/** Tag keys written on every decided resource (the contract). */
export const TAGS = {
  status: "isolation-guard:status",
  rules: "isolation-guard:rules",
  action: "isolation-guard:action",
  checkedAt: "isolation-guard:checked-at",
  policy: "isolation-guard:policy",
  /** Who reports a violation that no remedy settles (see claimReport). */
  claim: "isolation-guard:claim",
} as const;

/** Minimal structured logger (Powertools Logger satisfies it). */
export interface LogPort {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Counters for dashboards and alarms (Powertools Metrics in the Lambda). */
export interface MetricsPort {
  count(name: string, resourceType: string | null): void;
}

export interface EnforcerDeps {
  sagemaker: SageMakerPort;
  alerts: AlertPort;
  policy: Policy;
  /** Short id of the policy in force, written in a tag so a sweep can tell stale decisions. */
  policyId: string;
  /** The only account and region this guard may act in. */
  self: { account: string; region: string };
  now: () => number;
  log: LogPort;
  progress: ProgressCache;
  /**
   * How long to wait before concluding that a job which is no longer running was not handled by the
   * other trigger (CloudTrail vs state-change events race by a few hundred ms).
   */
  settleMs: number;
  sleep?: (ms: number) => Promise<void>;
  /** Alert body format and runbook link. */
  alertRendering?: AlertRenderOptions;
}

/** What happened to one event: the decision, and each action's result. */
export interface HandleOutcome {
  decision: Decision;
  remedy: "stopped" | "deleted" | "not-running" | "gone" | "busy" | "failed" | null;
  tagAction: TagAction | null;
  tagged: boolean;
  alerted: boolean;
  /** Set when the event repeated a decision already carried out (duplicate delivery or second trigger). */
  duplicateOf: string | null;
  /** What Describe said, when the resource was described: status and creation time only. */
  described?: { status: string | null; createdAt: string | null };
}

const ignoredOutcome = (decision: Decision): HandleOutcome => ({
  decision,
  remedy: null,
  tagAction: null,
  tagged: false,
  alerted: false,
  duplicateOf: null,
});

function rulesOf(d: Decision): string {
  return [...new Set(d.findings.map((f) => f.rule))].join(",");
}

/** Rule lists as tagged: comma-separated, or "+"-separated where AWS refused the comma (see the adapter). */
function sameRules(tagged: string | undefined, rules: string): boolean {
  return (tagged ?? "").replace(/\+/g, ",") === rules;
}

interface LookedUp {
  facts: ResourceFacts;
  status: string | null;
  createdAt: string | null;
}

async function describeModels(deps: EnforcerDeps, names: string[]): Promise<ModelPosture[]> {
  return Promise.all(
    names.map(async (name) => {
      const out = await deps.sagemaker.describe("model", name);
      return { name, units: out ? (parseDescribed("model", out).units ?? []) : null };
    }),
  );
}

/** Where the containers an inference component runs itself get their settings: its endpoint's config. */
async function describeComponentHost(
  deps: EnforcerDeps,
  containers: NonNullable<ModelSource["containers"]>,
  componentName: string,
): Promise<{ units: ResourceFacts["units"]; models: ModelPosture[] }> {
  let endpointName = containers.endpointName;
  if (!endpointName) {
    // UpdateInferenceComponent names no endpoint: the component says where it runs.
    const ic = await deps.sagemaker.describe("inference-component", componentName);
    endpointName = typeof ic?.EndpointName === "string" ? ic.EndpointName : null;
    if (!endpointName) return { units: [], models: [{ name: `inference-component/${componentName}`, units: null }] };
  }
  const endpoint = await deps.sagemaker.describe("endpoint", endpointName);
  const configName = endpoint ? parseDescribed("endpoint", endpoint).models?.endpointConfigName : null;
  if (!configName) return { units: [], models: [{ name: `endpoint/${endpointName}`, units: null }] };
  const config = await deps.sagemaker.describe("endpoint-config", configName);
  const host = config ? parseDescribed("endpoint-config", config).hostSettings : undefined;
  if (!host) return { units: [], models: [{ name: `endpoint-config/${configName}`, units: null }] };
  return { units: [componentUnit(containers.images, configName, host)], models: [] };
}

/**
 * Builds facts from Describe* for NEEDS_LOOKUP events: the resource itself when the event could not
 * say, then what decides it (its models, its endpoint's config, the endpoint behind an inference
 * component's own containers). Ends in facts that decide, or in `ignored` with the reason (gone,
 * launched by a parent, an adapter on a base component): never undecided.
 */
async function lookUp(
  deps: EnforcerDeps,
  n: Extract<NormalizedEvent, { kind: "lookup" }>,
): Promise<LookedUp | { ignored: string }> {
  const ref = n.resource;
  let source: ModelSource | null = n.modelSource;
  let arn = ref.arn;
  let status: string | null = null;
  let createdAt: string | null = null;
  let units: ResourceFacts["units"] = n.units ?? [];

  if (!source) {
    const out = await deps.sagemaker.describe(ref.type, ref.name);
    if (!out) return { ignored: `${ref.type} ${ref.name} no longer exists` };
    arn = describedArn(ref, out) ?? arn;
    status = describedStatus(ref.type, out);
    const created = out.CreationTime;
    createdAt = created instanceof Date ? created.toISOString() : typeof created === "string" ? created : null;
    const parent = parentOf(ref.type, out);
    if (parent) return { ignored: launchedBy(parent) };
    const parsed = parseDescribed(ref.type, out);
    if (parsed.describe) {
      // A Describe output is the resource as it is: it must decide (never a silent pass on no units).
      throw new InvalidEventError(`${RESOURCE_TYPES[ref.type].api.describe} ${ref.name}: ${parsed.describe}`);
    }
    units = parsed.units ?? [];
    source = parsed.models ?? null;
    if (ref.type === "inference-component" && source?.containers && !source.containers.endpointName) {
      source.containers.endpointName = typeof out.EndpointName === "string" ? out.EndpointName : null;
    }
    for (const def of parsed.definitions ?? []) {
      // A monitoring schedule that names a job definition runs with that definition's settings.
      const described = await deps.sagemaker.describe(def.type, def.name);
      if (!described) {
        return {
          ignored: `${ref.type} ${ref.name} names ${def.type} ${def.name}, which no longer exists: it cannot start a job`,
        };
      }
      for (const u of parseDescribed(def.type, described).units ?? []) {
        units.push({ ...u, basePath: def.path, label: `${RESOURCE_TYPES[def.type].names.one} ${def.name}` });
      }
    }
  }
  const found = (facts: Omit<ResourceFacts, "resource" | "caller">): LookedUp => ({
    facts: { resource: { ...ref, arn }, caller: n.caller, ...facts },
    status,
    createdAt,
  });
  if (source?.baseComponentName && source.modelNames.length === 0 && !source.containers) {
    return {
      ignored: `an adapter on inference component ${source.baseComponentName}: it runs in that component's container and is decided with it`,
    };
  }
  let modelNames = source?.modelNames ?? [];
  let hostsComponentsOf: string | undefined;
  const configName = source?.endpointConfigName ?? null;
  if (configName) {
    const config = await deps.sagemaker.describe("endpoint-config", configName);
    if (!config) return found({ units: [], models: [{ name: `endpoint-config/${configName}`, units: null }] });
    const parsed = parseDescribed("endpoint-config", config);
    modelNames = parsed.models?.modelNames ?? [];
    if (modelNames.length === 0 && parsed.units?.length) {
      // An endpoint for inference components: its config's top-level settings are all there is to it.
      units = parsed.units;
      hostsComponentsOf = configName;
    }
  }
  const models: ModelPosture[] = [];
  if (source?.containers) {
    const host = await describeComponentHost(deps, source.containers, ref.name);
    units = [...units, ...host.units];
    models.push(...host.models);
  }
  // A pure model consumer, or a job that deploys models (inference recommendations).
  const judgesModels = isModelConsumer(ref.type) || modelNames.length > 0;
  if (judgesModels) models.push(...(await describeModels(deps, modelNames)));
  if (isModelConsumer(ref.type) && models.length === 0 && units.length === 0) {
    // Nothing names what it runs (a Describe without Specification): never assume it is compliant.
    models.push({ name: `${ref.type}/${ref.name}`, units: null });
  }
  return found({
    units,
    ...(judgesModels ? { models } : {}),
    ...(hostsComponentsOf ? { hostsComponentsOf } : {}),
  });
}

/**
 * Handles one EventBridge event end to end: normalize, decide (describing the resource when the
 * event cannot say), then act: remedy first, alert, tag. Same code for the Lambdas and the CLI.
 * Throws InvalidEventError for unreadable events (before any AWS call) and ActionFailedError when an
 * action failed after the SDK's retries, so the Lambda is retried and finally dead-lettered.
 *
 * @example const outcome = await handleEvent(event, deps); console.log(outcome.decision.verdict);
 */
export async function handleEvent(raw: unknown, deps: EnforcerDeps): Promise<HandleOutcome> {
  const n = normalizeEvent(raw);
  const now = deps.now();
  let decision = decide(n, deps.policy, now);
  const resource = n.kind === "facts" ? n.facts.resource : n.kind === "lookup" ? n.resource : null;

  if (n.kind === "ignored" || !resource) return ignoredOutcome(decision);
  if (resource.account !== deps.self.account || resource.region !== deps.self.region) {
    return ignoredOutcome({
      ...decision,
      verdict: "IGNORED",
      actions: [],
      reason: `event is about account ${resource.account} in ${resource.region}; this guard acts only in account ${deps.self.account}, ${deps.self.region}`,
    });
  }

  let status: string | null = null;
  if (n.kind === "lookup") {
    const found = await lookUp(deps, n);
    if ("ignored" in found) return ignoredOutcome({ ...decision, verdict: "IGNORED", reason: found.ignored });
    status = found.status;
    decision = decideFacts(found.facts, deps.policy, now, n.event);
  }
  return act(decision, status, deps);
}

/**
 * Decides and (unless `dryRun`) acts on a resource found without an event, such as by the scheduled
 * sweep or `isolation-guard scan --fix`: the same describe, decision, remedy, alert and tags as the
 * event path, with the same duplicate protection. The caller is unknown, so principal-scoped
 * exemptions do not apply.
 *
 * @example await enforceResource({ type: "training-job", name, arn, account, region }, deps, { trigger: "sweep" })
 */
export async function enforceResource(
  resource: ResourceRef,
  deps: EnforcerDeps,
  options: { dryRun?: boolean; trigger?: string } = {},
): Promise<HandleOutcome> {
  const event: Decision["event"] = {
    id: null,
    deliveryId: null,
    name: options.trigger ?? "sweep",
    time: null,
    source: "isolation-guard",
    detailType: null,
  };
  const base = decide({ kind: "ignored", reason: "", event, resource: null, caller: null }, deps.policy, deps.now());
  if (resource.account !== deps.self.account || resource.region !== deps.self.region) {
    return ignoredOutcome({
      ...base,
      reason: `${resource.arn ?? resource.name} is outside ${deps.self.account}/${deps.self.region}`,
    });
  }
  const found = await lookUp(deps, {
    kind: "lookup",
    reason: "found without an event",
    event,
    resource,
    caller: null,
    modelSource: null,
    trigger: "state-change",
  });
  if ("ignored" in found) return ignoredOutcome({ ...base, resource, reason: found.ignored });
  const decision = decideFacts(found.facts, deps.policy, deps.now(), event);
  const described = { status: found.status, createdAt: found.createdAt };
  if (options.dryRun) return { ...ignoredOutcome(decision), tagAction: null, described };
  return { ...(await act(decision, found.status, deps)), described };
}

async function act(decision: Decision, knownStatus: string | null, deps: EnforcerDeps): Promise<HandleOutcome> {
  let status = knownStatus;
  const r = decision.resource as ResourceRef;
  const arn = r.arn ?? (await arnFromDescribe(deps, r)) ?? sageMakerArn(r.type, r.name, r.account, r.region);
  const resource = { ...r, arn };
  decision = { ...decision, resource };
  const now = deps.now();
  const key = `${arn}|${decision.verdict}|${rulesOf(decision)}`;
  const done = deps.progress.get(key, now);
  const outcome: HandleOutcome = { ...ignoredOutcome(decision), tagAction: "none" };
  const log = {
    resourceArn: arn,
    eventId: decision.event.id,
    deliveryId: decision.event.deliveryId,
    verdict: decision.verdict,
    rules: rulesOf(decision),
  };

  // 1. The remedy: on the critical path, first, alone.
  let detail = "no action was needed";
  let remedyError: ActionFailedError | null = null;
  try {
    if (decision.actions.includes("stop")) {
      const spec = RESOURCE_TYPES[r.type];
      const later = spec.remedy === "stop" ? (spec.stopsLater ?? []) : [];
      outcome.remedy =
        done.remedy ??
        (status && later.includes(status)
          ? "busy"
          : status && !stopApplies(r.type, status)
            ? "not-running"
            : await deps.sagemaker.stop(r.type, r.name));
      if (outcome.remedy === "not-running" && !status && !done.remedy) {
        // Say what state the job is really in (finished by itself, or stopped by an earlier attempt or its owner).
        status = describedStatus(r.type, await deps.sagemaker.describe(r.type, r.name));
        // Refused because it is still starting (a notebook Pending): its state change brings the stop.
        if (status && later.includes(status)) outcome.remedy = "busy";
      }
      // A stop refused while the resource starts is retried at its next state change: not remembered as done.
      if (outcome.remedy !== "busy") deps.progress.update(key, now, { remedy: outcome.remedy });
      outcome.tagAction = outcome.remedy === "stopped" ? "stopped" : "none";
      detail =
        outcome.remedy === "stopped"
          ? "the guard stopped it"
          : outcome.remedy === "gone"
            ? "it no longer exists"
            : outcome.remedy === "busy"
              ? `SageMaker cannot stop it while it is ${status ?? "starting"}; the guard stops it when it reaches ${spec.remedy === "stop" ? spec.stopWhile.join(" or ") : "a stoppable state"}`
              : `it was no longer running when the guard acted${status ? ` (status ${status})` : ""}`;
    } else if (decision.actions.includes("delete")) {
      outcome.remedy = done.remedy ?? (await deps.sagemaker.delete(r.type, r.name));
      // A refused delete is retried by the resource's next state change: not remembered as done.
      if (outcome.remedy !== "busy") deps.progress.update(key, now, { remedy: outcome.remedy });
      outcome.tagAction = outcome.remedy === "deleted" ? "deleted" : "none";
      detail =
        outcome.remedy === "deleted"
          ? "the guard deleted it"
          : outcome.remedy === "busy"
            ? "SageMaker refuses to delete it while it is being created or updated; the guard deletes it when it reaches InService"
            : "it no longer exists";
    } else if (decision.verdict === "NON_COMPLIANT") {
      outcome.tagAction = decision.mode === "audit" ? "audit-only" : "none";
      detail =
        decision.mode === "audit" ? "audit mode: found, tagged and reported, not stopped" : "tagged and reported";
    }
  } catch (e) {
    if (!(e instanceof ActionFailedError)) throw e;
    // The remedy failed after the SDK's retries: report that (a silent failure is the worst outcome),
    // then fail the invocation so Lambda retries and, at last, dead-letters the event.
    remedyError = e;
    outcome.remedy = "failed";
    outcome.tagAction = "none";
    detail = `the guard could not ${decision.actions.includes("stop") ? "stop" : "delete"} it (${e.message}); it keeps retrying`;
    deps.log.error("remedy failed", { ...log, reason: e.message });
  }
  if (outcome.remedy === "stopped" || outcome.remedy === "deleted") {
    deps.log.info(`${outcome.remedy} ${r.type}`, log);
  }

  // 2. Was this violation already reported? Only asked when we did not just carry out the remedy ourselves.
  const wantsAlert = decision.actions.includes("alert");
  // A "could not stop" or "will delete when InService" alert does not stand for the final one.
  const interim = outcome.remedy === "failed" || outcome.remedy === "busy";
  const interimKey = `${key}|${outcome.remedy}`;
  let alreadyReported = interim ? deps.progress.get(interimKey, now).alerted === true : done.alerted === true;
  let staleRecord = false;
  if (alreadyReported) outcome.duplicateOf = "a delivery this container already handled";
  const ownReport = ["stopped", "deleted", "failed", "busy"].includes(outcome.remedy ?? "");
  if (wantsAlert && !alreadyReported && !ownReport) {
    if (outcome.remedy === "gone") {
      // Deleted earlier (by this guard on a previous delivery, or by its owner): nothing left to report on.
      alreadyReported = true;
    } else {
      if (outcome.remedy === "not-running" && deps.settleMs > 0) await (deps.sleep ?? delay)(deps.settleMs);
      const tags = await deps.sagemaker.listTags(arn);
      const reported =
        tags !== null && tags[TAGS.status] === decision.verdict && sameRules(tags[TAGS.rules], rulesOf(decision));
      // Reported before, but under another policy: refresh the record (no second alert). Only a real
      // record counts: a delivery that merely lost the claim must not write the verdict tags.
      staleRecord = reported && tags[TAGS.policy] !== deps.policyId;
      alreadyReported = tags === null || reported;
      if (!alreadyReported && outcome.remedy === null) alreadyReported = !(await claimReport(deps, arn, decision));
    }
    // A resource that does not exist is not a duplicate: the outcome says it is gone (see `summarize`).
    if (alreadyReported && outcome.remedy !== "gone") outcome.duplicateOf = "an earlier delivery or the other trigger";
  }

  // 3. Alert before the tag: the tag marks the violation as reported, so it must not exist unless the alert went out.
  const decidedAt = new Date(now).toISOString();
  if (wantsAlert && !alreadyReported) {
    const o: AlertOutcome = { action: outcome.tagAction ?? "none", detail, decidedAt };
    await deps.alerts.publish(renderAlert(decision, o, deps.alertRendering));
    deps.progress.update(interim ? interimKey : key, now, { alerted: true });
    outcome.alerted = true;
    deps.log.info("alert published", log);
  }

  // 4. Tag (a deleted resource cannot be: its alert carries the record).
  const duplicate = (alreadyReported && outcome.duplicateOf !== null) || outcome.remedy === "gone";
  if (remedyError) throw remedyError;
  if (decision.actions.includes("tag") && (!duplicate || staleRecord) && !done.tagged) {
    await deps.sagemaker.addTags(arn, {
      [TAGS.status]: decision.verdict,
      [TAGS.rules]: rulesOf(decision),
      [TAGS.action]: outcome.tagAction ?? "none",
      [TAGS.checkedAt]: decidedAt,
      [TAGS.policy]: deps.policyId,
    });
    deps.progress.update(key, now, { tagged: true });
    outcome.tagged = true;
  }
  return outcome;
}

/**
 * With no remedy to decide who reports (audit mode, endpoint configs), two deliveries in two containers
 * could both find the violation unreported. Each writes its own claim tag, waits `settleMs` for the
 * other's write to land, and reads back: the last writer reports, the other stands down. A claimer that
 * dies before reporting leaves no alert behind, but its retry claims afresh.
 */
async function claimReport(deps: EnforcerDeps, arn: string, decision: Decision): Promise<boolean> {
  if (deps.settleMs <= 0) return true;
  const mine = `${deps.now()}-${randomUUID().slice(0, 8)}`;
  await deps.sagemaker.addTags(arn, { [TAGS.claim]: mine });
  await (deps.sleep ?? delay)(deps.settleMs);
  const tags = await deps.sagemaker.listTags(arn);
  if (tags === null) return false;
  if (tags[TAGS.status] === decision.verdict && sameRules(tags[TAGS.rules], rulesOf(decision))) return false;
  return tags[TAGS.claim] === mine;
}

/**
 * An event without the ARN (CloudTrail events carry it in responseElements; hand-made ones may not):
 * ask SageMaker rather than guess, since the ARN's case of the name differs between AWS and emulators.
 */
async function arnFromDescribe(deps: EnforcerDeps, r: ResourceRef): Promise<string | null> {
  return describedArn(r, await deps.sagemaker.describe(r.type, r.name));
}

/** The ARN a Describe* output gives, checked to name this resource in this account and region. */
function describedArn(r: ResourceRef, out: Record<string, unknown> | null): string | null {
  const key = RESOURCE_TYPES[r.type].arnKey;
  const arn = out?.[key.charAt(0).toUpperCase() + key.slice(1)];
  if (typeof arn !== "string") return null;
  // Only an ARN that ends in the name can be checked against it (HyperPod clusters' end in an id).
  const name = (RESOURCE_TYPES[r.type].arnSegment ?? "name") === "id" ? undefined : r.name;
  const problem = arnProblem(arn, { type: r.type, name, account: r.account, region: r.region });
  if (problem) throw new TrustBoundaryError(`refusing ${r.type} ${r.name}: ${problem}`);
  return arn;
}

/** The status a Describe* output gives (TrainingJobStatus, EndpointStatus, ...), when the type has one. */
function describedStatus(type: ResourceType, out: Record<string, unknown> | null): string | null {
  const key = RESOURCE_TYPES[type].stateChange?.statusKey ?? RESOURCE_TYPES[type].api.list.statusKey;
  const status = key ? out?.[key] : undefined;
  return typeof status === "string" ? status : null;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
