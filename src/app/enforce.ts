import { arnProblem } from "../core/arn.js";
import { creatorUnverifiable, decide, decideFacts, mayBeExempt, parseDescribed } from "../core/decide.js";
import { InvalidEventError, TrustBoundaryError } from "../core/errors.js";
import { lowerCamelKeys, type NormalizedEvent, normalizeEvent } from "../core/normalize.js";
import type { Policy } from "../core/policy.js";
import {
  componentUnit,
  isModelConsumer,
  launchedBy,
  type ModelSource,
  modelPackageUnit,
  parentOf,
  RESOURCE_TYPES,
} from "../core/resource-types.js";
import type { Decision, ModelPosture, ResourceFacts, ResourceRef, ResourceType } from "../core/types.js";
import { act, type HandleOutcome, ignoredOutcome } from "./act.js";
import type { AlertRenderOptions } from "./alert-message.js";
import { withRoutes } from "./egress.js";
import type {
  AlertPort,
  CreatorLookup,
  Incarnation,
  IncarnationRecord,
  RecordStore,
  RoutesPort,
  SageMakerPort,
} from "./ports.js";

export { type HandleOutcome, TAGS } from "./act.js";

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
  /** The guard's own record: who reports, who created what, what was decided (never the resource's tags). */
  record: RecordStore;
  /** Finds a creator no event named (CloudTrail LookupEvents); `null`: unknown creators are unverifiable. */
  creators: CreatorLookup | null;
  /** Route tables of the subnets a VPC-reliant decision rests on (src/app/egress.ts). */
  routes: RoutesPort;
  policy: Policy;
  /** Short id of the policy in force, written in the record and a tag so a sweep can tell stale decisions. */
  policyId: string;
  /** The only account and region this guard may act in. */
  self: { account: string; region: string };
  now: () => number;
  log: LogPort;
  /**
   * How long a claim to report stays another delivery's before it may be taken over (its holder died
   * before alerting): the function's timeout, so a live holder is never overtaken.
   */
  leaseMs: number;
  /** Alert body format and runbook link. */
  alertRendering?: AlertRenderOptions;
  /** Who may have sent a forged event, named in its "suspicious event" report (SECURITY.md). */
  senders?: string;
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
  for (const pkg of source?.modelPackages ?? []) {
    // A model package version an inference recommendations job deploys: its containers, in the job's VPC.
    const out = await deps.sagemaker.describe("model-package", pkg.arn);
    const unit = out ? modelPackageUnit(lowerCamelKeys(out), pkg.arn, pkg.vpc, ref.account) : null;
    if (unit) units = [...units, unit];
    // Gone, or naming no container: nothing says what it runs, so it is never assumed compliant.
    else models.push({ name: `model-package/${pkg.arn}`, units: null });
  }
  // A pure model consumer, or a job that deploys models or model packages (inference recommendations).
  const judgesModels = isModelConsumer(ref.type) || modelNames.length > 0 || !!source?.modelPackages?.length;
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
 * Handles one EventBridge event end to end: normalize, then *verify*: the resource's own Describe* decides
 * (an event's word never stops or deletes anything), then act: remedy first, claim, alert, label, record.
 * Same code for the Lambdas and the CLI. Throws InvalidEventError for unreadable events (before any AWS
 * call) and ActionFailedError when an action failed after the SDK's retries, so the Lambda is retried and
 * finally dead-lettered.
 *
 * @example const outcome = await handleEvent(event, deps); console.log(outcome.decision.verdict);
 */
export async function handleEvent(raw: unknown, deps: EnforcerDeps): Promise<HandleOutcome> {
  const n = normalizeEvent(raw);
  const now = deps.now();
  const claimed = decide(n, deps.policy, now);
  const resource = n.kind === "facts" ? n.facts.resource : n.kind === "lookup" ? n.resource : null;

  if (n.kind === "ignored" || !resource) return ignoredOutcome(claimed);
  if (resource.account !== deps.self.account || resource.region !== deps.self.region) {
    return ignoredOutcome({
      ...claimed,
      verdict: "IGNORED",
      actions: [],
      reason: `event is about account ${resource.account} in ${resource.region}; this guard acts only in account ${deps.self.account}, ${deps.self.region}`,
    });
  }
  // Verify: the event's request parameters are what its sender wrote; the resource's Describe* is what runs.
  // The models too: an event naming an endpoint config is not proof of the config the endpoint runs.
  const request: Extract<NormalizedEvent, { kind: "lookup" }> =
    n.kind === "lookup"
      ? { ...n, modelSource: null }
      : {
          kind: "lookup",
          reason: "verify the event against the resource",
          event: n.event,
          resource,
          caller: n.facts.caller,
          modelSource: null,
          trigger: "cloudtrail",
        };
  const found = await lookUp(deps, request);
  if ("ignored" in found) {
    const outcome = ignoredOutcome({ ...claimed, verdict: "IGNORED", actions: [], reason: found.ignored });
    // Nothing to verify, stop, alert or tag: the outcome says the resource is gone (not a duplicate).
    return found.ignored === `${resource.type} ${resource.name} no longer exists`
      ? { ...outcome, remedy: "gone" }
      : outcome;
  }
  // A decision that rests on a VPC also rests on its subnets' routes, read for the subnets Describe names.
  const facts = await withRoutes(found.facts, deps);
  const incarnation = incarnationOf(facts.resource, found.createdAt);
  const decision = await withCreator(
    decideFacts(facts, deps.policy, now, n.event),
    { ...found, facts },
    incarnation,
    deps,
  );
  const suspicious =
    n.kind === "facts" && violates(claimedWithRoutes(n.facts, facts, deps.policy, now)) !== violates(decision)
      ? claimed
      : null;
  return act({ decision, status: found.status, incarnation, eventCaller: request.caller, suspicious }, deps);
}

const violates = (d: Decision) => d.verdict === "NON_COMPLIANT";

/**
 * What the event claimed, decided with the route tables read for the resource: an event cannot know
 * routes, so without them every route finding would read as an event that disagrees with the resource.
 * No further lookup before the stop: a claim naming subnets Describe does not still waits for their
 * routes, counts as no violation, and so is reported as disagreeing when the resource violates.
 */
function claimedWithRoutes(claimed: ResourceFacts, described: ResourceFacts, policy: Policy, now: number): Decision {
  return decideFacts({ ...claimed, routes: { ...claimed.routes, ...described.routes } }, policy, now);
}

function incarnationOf(r: ResourceRef, createdAt: string | null): Incarnation {
  return { arn: r.arn ?? `${r.type}/${r.name}`, createdAt };
}

/**
 * A violation that a principal-scoped exemption might cover, found without its creator (state-change
 * event, sweep): the creator comes from the record the CloudTrail path wrote, else from CloudTrail's
 * event history; when neither knows, the violation is reported as unverifiable, never skipped.
 */
async function withCreator(
  decision: Decision,
  found: LookedUp,
  incarnation: Incarnation,
  deps: EnforcerDeps,
  known?: IncarnationRecord | null,
): Promise<Decision> {
  if (!mayBeExempt(decision)) return decision;
  const r = found.facts.resource;
  let caller = (known === undefined ? await deps.record.get(incarnation) : known)?.caller ?? null;
  if (!caller && deps.creators) {
    try {
      caller = await deps.creators.creatorOf(r.type, r.name, found.createdAt);
    } catch (e) {
      deps.log.warn("creator lookup failed", { resourceArn: incarnation.arn, reason: (e as Error).message });
    }
  }
  if (!caller) return creatorUnverifiable(decision);
  return decideFacts({ ...found.facts, caller }, deps.policy, deps.now(), decision.event);
}

/**
 * Decides and (unless `dryRun`) acts on a resource found without an event, such as by the scheduled
 * sweep or `isolation-guard scan --fix`: the same describe, decision, remedy, alert and record as the
 * event path, with the same duplicate protection. The creator, for principal-scoped exemptions, comes
 * from the record (`known`, when the caller read it already) or CloudTrail.
 *
 * @example await enforceResource({ type: "training-job", name, arn, account, region }, deps, { trigger: "sweep" })
 */
export async function enforceResource(
  resource: ResourceRef,
  deps: EnforcerDeps,
  options: { dryRun?: boolean; trigger?: string; known?: IncarnationRecord | null } = {},
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
  const facts = await withRoutes(found.facts, deps);
  const incarnation = incarnationOf(facts.resource, found.createdAt);
  const decision = await withCreator(
    decideFacts(facts, deps.policy, deps.now(), event),
    { ...found, facts },
    incarnation,
    deps,
    options.known,
  );
  const described = { status: found.status, createdAt: found.createdAt };
  if (options.dryRun) return { ...ignoredOutcome(decision), tagAction: null, described };
  const outcome = await act({ decision, status: found.status, incarnation, eventCaller: null, suspicious: null }, deps);
  return { ...outcome, described };
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
export function describedStatus(type: ResourceType, out: Record<string, unknown> | null): string | null {
  // Types without a state change keep their status under the List summary's member (AutoMLJobStatus, ...).
  const key = RESOURCE_TYPES[type].stateChange?.statusKey ?? RESOURCE_TYPES[type].api.list.statusKey;
  const status = key ? out?.[key] : undefined;
  return typeof status === "string" ? status : null;
}
