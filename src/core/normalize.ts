import { arnProblem, parseSageMakerArn } from "./arn.js";
import { InvalidEventError, TrustBoundaryError } from "./errors.js";
import { checkEventLimits, checkResourceName } from "./input-limits.js";
import {
  EVENT_RESOURCE_TYPES,
  isModelConsumer,
  launchedBy,
  type ModelSource,
  needsLookup,
  parentOf,
  type ResourceTypeSpec,
  STATE_CHANGE_TYPES,
} from "./resource-types.js";
import type { Caller, EventInfo, IsolationUnit, ResourceFacts, ResourceRef } from "./types.js";
import "./zod.js";
import * as z from "zod/mini";
import { $ZodError } from "zod/v4/core";

export const CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail";
export const SAGEMAKER_SOURCE = "aws.sagemaker";
export const SAGEMAKER_EVENT_SOURCE = "sagemaker.amazonaws.com";

/** What an event amounts to before any policy is applied. */
export type NormalizedEvent =
  | { kind: "ignored"; reason: string; event: EventInfo; resource: ResourceRef | null; caller: Caller | null }
  | {
      kind: "lookup";
      reason: string;
      event: EventInfo;
      resource: ResourceRef;
      caller: Caller | null;
      /** Where to find the models, when the request named them; otherwise the enforcer describes the resource. */
      modelSource: ModelSource | null;
      /** Settings of its own the request gave beside its models (an endpoint config's top level). */
      units?: IsolationUnit[];
      trigger: "cloudtrail" | "state-change";
    }
  | { kind: "facts"; event: EventInfo; facts: ResourceFacts };

const Envelope = z.object({
  id: z.optional(z.string()),
  "detail-type": z.string({ error: "missing or not a string" }),
  source: z.string({ error: "missing or not a string" }),
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  time: z.optional(z.string()),
  resources: z.optional(z.array(z.unknown())),
  // A plain-object check, not z.record: it would walk and copy every key of a large detail.
  detail: z.custom<Record<string, unknown>>(isRecord, { error: "missing or not an object" }),
});

const OptString = z.nullish(z.string());
const UserIdentity = z.object({
  type: OptString,
  arn: OptString,
  invokedBy: OptString,
  sourceIdentity: OptString,
  sessionContext: z.nullish(
    z.object({
      sourceIdentity: OptString,
      sessionIssuer: z.nullish(z.object({ arn: OptString })),
    }),
  ),
});

const CloudTrailDetail = z.object({
  eventSource: z.string(),
  eventName: z.string().check(z.minLength(1)),
  eventID: OptString,
  eventTime: OptString,
  awsRegion: OptString,
  recipientAccountId: OptString,
  readOnly: z.nullish(z.boolean()),
  errorCode: z.optional(z.unknown()),
  userIdentity: z.nullish(UserIdentity),
  requestParameters: z.optional(z.unknown()),
  responseElements: z.optional(z.unknown()),
});

// Members that hold isolation facts or point at models; only these may force a lookup when omitted.
const RELEVANT_KEYS = new Set([
  "enableNetworkIsolation",
  "vpcConfig",
  "networkConfig",
  "algorithmSpecification",
  "primaryContainer",
  "containers",
  "trainingJobDefinition",
  "trainingJobDefinitions",
  "appSpecification",
  "modelName",
  "productionVariants",
  "shadowProductionVariants",
  "endpointConfigName",
  "directInternetAccess",
  "subnetId",
  "securityGroupIds",
  "appNetworkAccessType",
  "subnetIds",
  "defaultUserSettings",
  "defaultSpaceSettings",
  "domainSettings",
  "domainSettingsForUpdate",
  "instanceGroups",
  "restrictedInstanceGroups",
  "monitoringScheduleConfig",
  "securityConfig",
  "autoMLJobConfig",
  "inputConfig",
  "specification",
  "specifications",
]);

function describeIssues(error: $ZodError, prefix: string): string {
  return error.issues
    .map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join(".")}: ${i.message}`)
    .join("; ");
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** CloudTrail writes `{"omitted": true, "originalSize": n}` in place of an oversized field. */
function isOmitted(v: unknown): boolean {
  return isRecord(v) && v.omitted === true;
}

function hasOmitted(v: unknown, depth: number): boolean {
  if (depth > 8) return false;
  if (isOmitted(v)) return true;
  if (Array.isArray(v)) return v.some((x) => hasOmitted(x, depth + 1));
  if (isRecord(v)) return Object.values(v).some((x) => hasOmitted(x, depth + 1));
  return false;
}

function relevantOmitted(params: Record<string, unknown>): boolean {
  for (const key of RELEVANT_KEYS) {
    if (Object.hasOwn(params, key) && hasOmitted(params[key], 0)) return true;
  }
  return false;
}

/**
 * Who made a call, from a CloudTrail record's `userIdentity` (an event's, or one LookupEvents returned).
 * @example callerFromIdentity(JSON.parse(e.CloudTrailEvent).userIdentity)
 */
export function callerFromIdentity(identity: unknown): Caller | null {
  const parsed = UserIdentity.safeParse(identity);
  return parsed.success ? callerOf(parsed.data) : null;
}

function callerOf(identity: z.infer<typeof UserIdentity> | null | undefined): Caller | null {
  if (!identity) return null;
  return {
    type: identity.type ?? null,
    arn: identity.arn ?? null,
    sessionIssuerArn: identity.sessionContext?.sessionIssuer?.arn ?? null,
    sourceIdentity: identity.sourceIdentity ?? identity.sessionContext?.sourceIdentity ?? null,
    invokedBy: identity.invokedBy ?? null,
  };
}

function stringOrNull(v: unknown): string | null {
  return typeof v === "string" && v.length > 0 ? v : null;
}

/**
 * Turns one parsed EventBridge event into resource facts, or says why there is nothing to decide.
 * Pure: no AWS call, no clock. Throws {@link InvalidEventError} for input that is not a readable
 * event, and {@link TrustBoundaryError} when the event's ARN belongs to another account or region.
 *
 * @example
 * const n = normalizeEvent(JSON.parse(fs.readFileSync("events/CreateTrainingJob.isolated.json", "utf8")));
 * if (n.kind === "facts") console.log(n.facts.units[0].networkIsolation);
 */
export function normalizeEvent(input: unknown): NormalizedEvent {
  checkEventLimits(input);
  const envelope = Envelope.safeParse(input);
  if (!envelope.success) {
    throw new InvalidEventError(`not an EventBridge event: ${describeIssues(envelope.error, "")}`);
  }
  const env = envelope.data;
  const detailType = env["detail-type"];
  const baseEvent: EventInfo = {
    id: env.id ?? null,
    deliveryId: env.id ?? null,
    name: null,
    time: env.time ?? null,
    source: env.source,
    detailType,
  };

  if (detailType === CLOUDTRAIL_DETAIL_TYPE) return normalizeCloudTrail(env, baseEvent);

  const stateSpec = STATE_CHANGE_TYPES.get(detailType);
  if (stateSpec && env.source === SAGEMAKER_SOURCE) return normalizeStateChange(env, stateSpec, baseEvent);

  return {
    kind: "ignored",
    reason: `not a supported event: source ${env.source}, detail-type "${detailType}"`,
    event: baseEvent,
    resource: null,
    caller: null,
  };
}

function normalizeCloudTrail(env: z.infer<typeof Envelope>, baseEvent: EventInfo): NormalizedEvent {
  const parsed = CloudTrailDetail.safeParse(env.detail);
  if (!parsed.success) {
    throw new InvalidEventError(`malformed CloudTrail detail: ${describeIssues(parsed.error, "detail")}`);
  }
  const d = parsed.data;
  const event: EventInfo = {
    ...baseEvent,
    id: d.eventID ?? baseEvent.id,
    name: d.eventName,
    time: d.eventTime ?? baseEvent.time,
  };
  const caller = callerOf(d.userIdentity);
  const ignore = (reason: string): NormalizedEvent => ({ kind: "ignored", reason, event, resource: null, caller });

  if (env.source !== SAGEMAKER_SOURCE || d.eventSource !== SAGEMAKER_EVENT_SOURCE) {
    return ignore(`not a SageMaker call: source ${env.source}, eventSource ${d.eventSource}`);
  }
  if (d.errorCode !== undefined && d.errorCode !== null) {
    const code = typeof d.errorCode === "string" ? d.errorCode : "error";
    return ignore(`the ${d.eventName} call failed (${code.slice(0, 100)}): nothing was created`);
  }
  const spec = EVENT_RESOURCE_TYPES.get(d.eventName);
  if (!spec) {
    if (d.readOnly === true || /^(Describe|List|Get|Search|Query|BatchDescribe|BatchGet)/.test(d.eventName)) {
      return ignore(`${d.eventName} is a read-only call`);
    }
    return ignore(`${d.eventName} is not a call that creates a resource the guard checks`);
  }

  const account = d.recipientAccountId ?? env.account;
  const region = d.awsRegion ?? env.region;
  if (!account || !region) {
    throw new InvalidEventError("event names no account (recipientAccountId) or region (awsRegion)");
  }

  const response = isRecord(d.responseElements) ? d.responseElements : {};
  const arn = stringOrNull(response[spec.arnKey]);
  const params = d.requestParameters;

  if (!isRecord(params) || isOmitted(params) || relevantOmitted(params)) {
    const nameFromParams = isRecord(params) ? stringOrNull(params[spec.nameKey]) : null;
    const fromArn = arn ? (parseSageMakerArn(arn)?.name ?? null) : null;
    // An ARN ending in an id other than the name says nothing about the name (HyperPod clusters).
    const name = nameFromParams ?? (spec.arnSegment === "id" ? null : fromArn);
    if (!name) {
      throw new InvalidEventError(
        `${d.eventName}: requestParameters were omitted and responseElements.${spec.arnKey} is missing: cannot identify the resource`,
      );
    }
    const resource = checkedResource(spec, name, arn, account, region);
    return {
      kind: "lookup",
      reason: "CloudTrail omitted the request parameters (oversized): the resource must be described",
      event,
      resource,
      caller,
      modelSource: null,
      trigger: "cloudtrail",
    };
  }

  let parsedParams: ReturnType<ResourceTypeSpec["parse"]>;
  try {
    parsedParams = spec.parse(params, d.eventName);
  } catch (cause) {
    if (cause instanceof $ZodError) {
      throw new InvalidEventError(
        `${d.eventName}: unexpected request parameters: ${describeIssues(cause, "requestParameters")}`,
        { cause },
      );
    }
    throw cause;
  }
  const ownName = spec.arnSegment === "identity" ? stringOrNull(params[spec.nameKey]) : parsedParams.name;
  if (!ownName && !arn) {
    throw new InvalidEventError(
      `${d.eventName}: responseElements.${spec.arnKey} is missing and the request names no ${spec.nameKey}: cannot identify the resource`,
    );
  }
  // A domain named only by its ARN (CreateDomain): the id the ARN ends in is its name.
  const resource = checkedResource(
    spec,
    ownName ?? (arn ? (parseSageMakerArn(arn)?.name ?? "") : ""),
    arn,
    account,
    region,
  );
  for (const model of parsedParams.models?.modelNames ?? []) checkResourceName("model", model);
  if (parsedParams.models?.endpointConfigName)
    checkResourceName("endpoint-config", parsedParams.models.endpointConfigName);

  if (parsedParams.describe || parsedParams.definitions?.length) {
    const named = parsedParams.definitions?.map((x) => `${x.type} ${x.name}`).join(", ");
    return {
      kind: "lookup",
      reason: parsedParams.describe ?? `it runs ${named}, whose settings decide: they must be described`,
      event,
      resource,
      caller,
      modelSource: null,
      trigger: "cloudtrail",
    };
  }
  // Decided from the request alone when it holds every setting (an endpoint config whose variants name
  // no model); otherwise its models, its endpoint's config, or the resource itself are described.
  if (needsLookup(parsedParams) || (isModelConsumer(spec.type) && !parsedParams.units?.length)) {
    return {
      kind: "lookup",
      reason: parsedParams.models?.containers
        ? `the ${spec.type} runs its own container: the endpoint config it is deployed with decides its isolation`
        : `the posture of a ${spec.type} is that of the models it runs: they must be described`,
      event,
      resource,
      caller,
      modelSource: needsLookup(parsedParams) ? (parsedParams.models ?? null) : null,
      ...(parsedParams.units?.length ? { units: parsedParams.units } : {}),
      trigger: "cloudtrail",
    };
  }
  return { kind: "facts", event, facts: { resource, caller, units: parsedParams.units ?? [] } };
}

function checkedResource(
  spec: ResourceTypeSpec,
  name: string,
  arn: string | null,
  account: string,
  region: string,
): ResourceRef {
  checkResourceName(spec.type, name);
  if (arn) {
    const segment = spec.arnSegment ?? "name";
    const problem = arnProblem(arn, { type: spec.type, name: segment === "name" ? name : undefined, account, region });
    if (problem) throw new TrustBoundaryError(`refusing ${spec.type} ${name}: ${problem}`);
    // A domain is known by the id its ARN ends in (what DescribeDomain takes), whatever the request named.
    if (segment === "identity") {
      const id = parseSageMakerArn(arn)?.name ?? name;
      if (name && id.toLowerCase() !== name.toLowerCase()) {
        throw new TrustBoundaryError(`refusing ${spec.type} ${name}: ARN ${arn} names ${id}`);
      }
      return { type: spec.type, name: id, arn, account, region };
    }
  }
  return { type: spec.type, name, arn, account, region };
}

function normalizeStateChange(
  env: z.infer<typeof Envelope>,
  spec: ResourceTypeSpec,
  baseEvent: EventInfo,
): NormalizedEvent {
  const sc = spec.stateChange as NonNullable<ResourceTypeSpec["stateChange"]>;
  const detail = env.detail;
  const status = sc.statusKey ? stringOrNull(detail[sc.statusKey]) : null;
  const firstResource = env.resources?.find((r): r is string => typeof r === "string") ?? null;
  const arn = stringOrNull(detail[sc.arnKey]) ?? firstResource;
  const name = stringOrNull(detail[sc.nameKey]) ?? (arn ? (parseSageMakerArn(arn)?.name ?? null) : null);
  const event: EventInfo = { ...baseEvent, name: env["detail-type"] };
  const parent = parentOf(spec.type, detail);
  if (parent) {
    // A job SageMaker launched for a parent (a tuning job's training jobs, a training job's Debugger
    // rule jobs): the parent is decided and stopped as one, never one alert per child. Decided from the
    // detail alone (only SageMaker can send aws.sagemaker events), without any AWS call.
    return {
      kind: "ignored",
      reason: launchedBy(parent),
      event,
      resource: null,
      caller: null,
    };
  }
  if ((sc.statusKey && !status && !sc.undocumentedDetail) || !name) {
    const missing = sc.statusKey ? `detail.${sc.statusKey} or detail.${sc.nameKey}` : `detail.${sc.nameKey}`;
    throw new InvalidEventError(`${env["detail-type"]}: ${missing} is missing`);
  }
  if (!env.account || !env.region) throw new InvalidEventError("state-change event names no account or region");
  if (status !== null && !sc.activeStatuses.includes(status)) {
    return {
      kind: "ignored",
      reason: `${spec.type} is ${status}: only a resource entering ${sc.activeStatuses[0]} needs a decision`,
      event,
      resource: null,
      caller: null,
    };
  }
  // An ARN that does not parse as this type's (documentation samples carry placeholders) is dropped and
  // the resource is described by name; one naming another account or region is refused.
  const parsedArn = arn ? parseSageMakerArn(arn) : null;
  const usableArn = parsedArn && parsedArn.resourceType === spec.type ? arn : null;
  if (parsedArn && (parsedArn.account !== env.account || parsedArn.region !== env.region)) {
    throw new TrustBoundaryError(`refusing ${spec.type} ${name}: ARN ${arn} is outside ${env.account}/${env.region}`);
  }
  const resource = checkedResource(spec, name, usableArn, env.account, env.region);
  return {
    kind: "lookup",
    reason: "state-change events do not carry the isolation settings: the resource must be described",
    event,
    resource,
    caller: null,
    modelSource: null,
    trigger: "state-change",
  };
}

/**
 * Lower-cases the first letter of every key, so a Describe output (PascalCase) reads like CloudTrail
 * request parameters. Container environments and hyperparameters are dropped: they may hold secrets
 * and never decide anything.
 */
export function lowerCamelKeys(value: unknown, depth = 0): unknown {
  if (depth > 32) return undefined;
  if (Array.isArray(value)) return value.map((v) => lowerCamelKeys(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const k = key.charAt(0).toLowerCase() + key.slice(1);
    if (k === "environment" || k === "hyperParameters" || k === "staticHyperParameters") continue;
    Object.defineProperty(out, k, {
      value: lowerCamelKeys(v, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
