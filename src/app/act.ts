import { ActionFailedError } from "../core/errors.js";
import { RESOURCE_TYPES, stopApplies } from "../core/resource-types.js";
import type { Caller, Decision, ResourceRef } from "../core/types.js";
import { type AlertOutcome, renderAlert, type TagAction } from "./alert-message.js";
import type { EnforcerDeps } from "./enforce.js";
import { describedStatus } from "./enforce.js";
import type { ClaimResult, Incarnation, IncarnationRecord } from "./ports.js";

/** Tag keys written on every decided resource (the contract): a label for people, never read to decide. */
export const TAGS = {
  status: "isolation-guard:status",
  rules: "isolation-guard:rules",
  action: "isolation-guard:action",
  checkedAt: "isolation-guard:checked-at",
  policy: "isolation-guard:policy",
} as const;

/** What happened to one event: the decision, and each action's result. */
export interface HandleOutcome {
  decision: Decision;
  remedy: "stopped" | "deleted" | "not-running" | "gone" | "busy" | "failed" | null;
  tagAction: TagAction | null;
  tagged: boolean;
  alerted: boolean;
  /** Set when another delivery (duplicate, the other trigger, a retry, another container) reports this violation. */
  duplicateOf: string | null;
  /** The event said something the resource's own Describe* contradicts (forged or tampered with). */
  eventMismatch?: boolean;
  /** What Describe said, when the resource was described: status and creation time only. */
  described?: { status: string | null; createdAt: string | null };
  /** The guard's record was written for this decision: under which incarnation, stamped when. */
  recorded?: { incarnation: Incarnation; decidedAt: string };
}

export const ignoredOutcome = (decision: Decision): HandleOutcome => ({
  decision,
  remedy: null,
  tagAction: null,
  tagged: false,
  alerted: false,
  duplicateOf: null,
});

/** Everything `act` works from: a decision verified against Describe*, and the incarnation it is about. */
export interface ActContext {
  /** Decided from the resource's current Describe* output (never from the event's request parameters). */
  decision: Decision;
  /** The status Describe* gave (`InProgress`, `InService`, ...), when the type has one. */
  status: string | null;
  incarnation: Incarnation;
  /** The caller the CloudTrail event named, written to the record for the other trigger and the sweep. */
  eventCaller: Caller | null;
  /** The event's own decision, when it claimed a violation the resource does not have. */
  suspicious: Decision | null;
}

/** What the remedy step did. */
export interface RemedyResult {
  remedy: HandleOutcome["remedy"];
  tagAction: TagAction;
  detail: string;
  /** The remedy failed (or SageMaker refused it while the job still runs): reported, then the invocation fails. */
  error: ActionFailedError | null;
}

const rulesOf = (d: Decision) => [...new Set(d.findings.map((f) => f.rule))].join(",");

const DETAIL: Record<"stopped" | "deleted" | "gone" | "not-running" | "busy", (status: string | null) => string> = {
  stopped: () => "the guard stopped it",
  deleted: () => "the guard deleted it",
  gone: () => "it no longer exists",
  "not-running": (status) => `it was no longer running when the guard acted${status ? ` (status ${status})` : ""}`,
  busy: () =>
    "SageMaker refuses to delete it while it is being created or updated; the guard deletes it when it reaches InService",
};

function unverifiable(d: Decision): boolean {
  return d.notes.some((n) => n.startsWith("creator unverifiable"));
}

/**
 * Step 1, the remedy: on the critical path, first, alone. A stop SageMaker refuses counts only when
 * Describe confirms the job has left InProgress; otherwise it is a failure (retried, then dead-lettered).
 */
export async function remedy(ctx: ActContext, deps: EnforcerDeps): Promise<RemedyResult> {
  const d = ctx.decision;
  const r = d.resource as ResourceRef;
  const stop = d.actions.includes("stop");
  if (!stop && !d.actions.includes("delete")) {
    const detail =
      d.verdict !== "NON_COMPLIANT"
        ? "no action was needed"
        : unverifiable(d)
          ? "its creator could not be verified against the policy's principal exemptions: reported, not stopped or deleted"
          : d.mode === "audit"
            ? "audit mode: found, tagged and reported, not stopped"
            : "tagged and reported";
    return {
      remedy: null,
      tagAction: d.verdict === "NON_COMPLIANT" && d.mode === "audit" ? "audit-only" : "none",
      detail,
      error: null,
    };
  }
  try {
    let status = ctx.status;
    let result: Exclude<HandleOutcome["remedy"], "failed" | null>;
    if (stop) {
      // Statuses in which SageMaker refuses the stop because the resource is still starting (a notebook
      // Pending): reported now, stopped at the state change that announces a stoppable status.
      const spec = RESOURCE_TYPES[r.type];
      const later = spec.remedy === "stop" ? (spec.stopsLater ?? []) : [];
      if (status && later.includes(status)) result = "busy";
      else if (status && !stopApplies(r.type, status)) result = "not-running";
      else {
        result = await deps.sagemaker.stop(r.type, r.name);
        if (result === "not-running") {
          const now = await deps.sagemaker.describe(r.type, r.name);
          status = describedStatus(r.type, now);
          if (!now) result = "gone";
          else if (status && later.includes(status)) result = "busy";
          else if (status === null || stopApplies(r.type, status)) {
            throw new ActionFailedError(
              `SageMaker refused to stop ${r.type} ${r.name}, which is still ${status ?? "of unknown status"}`,
              "stop",
            );
          }
        }
      }
    } else result = await deps.sagemaker.delete(r.type, r.name);
    if (result === "stopped" || result === "deleted")
      deps.log.info(`${result} ${r.type}`, { resourceArn: r.arn, eventId: d.event.id, deliveryId: d.event.deliveryId });
    const tagAction = result === "stopped" ? "stopped" : result === "deleted" ? "deleted" : "none";
    const detail =
      result === "busy" && stop
        ? `SageMaker cannot stop it while it is ${status ?? "starting"}; the guard stops it when it reaches ${RESOURCE_TYPES[r.type].remedy === "stop" ? (RESOURCE_TYPES[r.type] as { stopWhile: readonly string[] }).stopWhile.join(" or ") : "a stoppable state"}`
        : DETAIL[result](status);
    return { remedy: result, tagAction, detail, error: null };
  } catch (e) {
    if (!(e instanceof ActionFailedError)) throw e;
    // Report the failure (a silent one is the worst outcome), then fail the invocation so Lambda retries
    // and, at last, dead-letters the event.
    deps.log.error("remedy failed", {
      resourceArn: r.arn,
      eventId: d.event.id,
      deliveryId: d.event.deliveryId,
      reason: e.message,
    });
    const verb = stop ? "stop" : "delete";
    return {
      remedy: "failed",
      tagAction: "none",
      detail: `the guard could not ${verb} it (${e.message}); it keeps retrying`,
      error: e,
    };
  }
}

/**
 * The claim key: one alert per incarnation, verdict and rules (and mode: a violation reported in audit
 * mode is reported again when enforce mode stops it). A "could not stop", "deletes it when InService" or
 * "creator unverifiable" alert is interim: it does not stand for the final one.
 */
export function alertKey(ctx: ActContext, done: RemedyResult): string | null {
  if (ctx.suspicious) return "suspicious-event";
  const d = ctx.decision;
  if (!d.actions.includes("alert") || done.remedy === "gone") return null;
  const phase =
    done.remedy === "failed" ? "#failed" : done.remedy === "busy" ? "#busy" : unverifiable(d) ? "#unverifiable" : "";
  return `${d.mode}#${d.verdict}#${rulesOf(d)}${phase}`;
}

/** Step 2, the claim: a conditional write in the record decides which delivery reports. */
export async function claim(ctx: ActContext, key: string | null, deps: EnforcerDeps): Promise<ClaimResult | null> {
  return key ? deps.record.claim(ctx.incarnation, key, deps.leaseMs) : null;
}

/** The suspicious-event report: the event claimed a violation; the resource has none. Nothing was stopped. */
function suspiciousDetail(ctx: ActContext, deps: EnforcerDeps): string {
  const e = ctx.suspicious as Decision;
  const r = ctx.decision.resource as ResourceRef;
  const claimedBy = e.caller?.arn ?? "no caller";
  return [
    `suspicious event ${e.event.id ?? "(no id)"}: it says ${r.type} ${r.name} breaks ${rulesOf(e) || "the policy"} (caller ${claimedBy}),`,
    "but the resource's own Describe output complies: nothing was stopped or deleted.",
    `It could have been sent by ${deps.senders ?? "any principal allowed lambda:InvokeFunction on the guard's functions, or sqs:SendMessage on its dead-letter queue followed by a redrive"} (see SECURITY.md).`,
  ].join(" ");
}

/** Step 3, the alert: only the claim's winner publishes; a failed publish gives the claim back for the retry. */
export async function alert(
  ctx: ActContext,
  done: RemedyResult,
  key: string | null,
  won: ClaimResult | null,
  deps: EnforcerDeps,
): Promise<boolean> {
  if (!key || won?.state !== "won") return false;
  const o: AlertOutcome = ctx.suspicious
    ? {
        action: "none",
        detail: suspiciousDetail(ctx, deps),
        decidedAt: new Date(deps.now()).toISOString(),
        suspicious: true,
      }
    : { action: done.tagAction, detail: done.detail, decidedAt: new Date(deps.now()).toISOString() };
  const decision = ctx.suspicious ? { ...ctx.decision, caller: ctx.suspicious.caller } : ctx.decision;
  let messageId: string;
  try {
    messageId = await deps.alerts.publish(renderAlert(decision, o, deps.alertRendering));
  } catch (e) {
    await deps.record.release(ctx.incarnation, key, won.token).catch(() => undefined);
    throw e;
  }
  await deps.record.complete(ctx.incarnation, key, won.token, messageId);
  deps.log.info("alert published", { resourceArn: ctx.incarnation.arn, eventId: ctx.decision.event.id, key });
  return true;
}

/** Step 4, the label: the guard's tags, for people (nothing reads them to decide). A deleted resource has none. */
export async function label(ctx: ActContext, tagAction: TagAction, deps: EnforcerDeps): Promise<boolean> {
  const d = ctx.decision;
  if (!d.actions.includes("tag")) return false;
  await deps.sagemaker.addTags(ctx.incarnation.arn, {
    [TAGS.status]: d.verdict,
    [TAGS.rules]: rulesOf(d),
    [TAGS.action]: tagAction,
    [TAGS.checkedAt]: new Date(deps.now()).toISOString(),
    [TAGS.policy]: deps.policyId,
  });
  return true;
}

/**
 * Carries out a verified decision as named steps: remedy → claim → alert → label, then the record.
 * Alert before the label, and the record last, so that nothing says "reported" unless the alert went out.
 *
 * @example const outcome = await act({ decision, status, incarnation, eventCaller, suspicious: null }, deps);
 */
export async function act(ctx: ActContext, deps: EnforcerDeps): Promise<HandleOutcome> {
  const d = ctx.decision;
  const outcome: HandleOutcome = { ...ignoredOutcome(d), tagAction: "none", eventMismatch: ctx.suspicious !== null };
  if (ctx.suspicious) {
    deps.log.warn("event disagrees with the resource", {
      resourceArn: ctx.incarnation.arn,
      eventId: ctx.suspicious.event.id,
      eventVerdict: ctx.suspicious.verdict,
      describedVerdict: d.verdict,
    });
  }
  const done = await remedy(ctx, deps);
  outcome.remedy = done.remedy;
  let known: IncarnationRecord | null = null;
  if (done.remedy === "not-running") {
    // Stopped before: by this guard (another delivery, the other trigger, a retry after a failed alert) or
    // by itself. The record knows which, so the alert and the label say what really happened.
    known = await deps.record.get(ctx.incarnation);
    if (known?.remedy === "stopped") Object.assign(done, { tagAction: "stopped", detail: DETAIL.stopped(null) });
  }
  outcome.tagAction = done.tagAction;

  const fields: IncarnationRecord = {
    verdict: d.verdict,
    rules: rulesOf(d),
    policyId: deps.policyId,
    decidedAt: new Date(deps.now()).toISOString(),
  };
  const caller = ctx.eventCaller ?? d.caller;
  if (caller) fields.caller = caller;
  if (done.remedy && ["stopped", "deleted", "busy", "failed"].includes(done.remedy)) fields.remedy = done.remedy;

  let result: HandleOutcome | null = null;
  let failure: unknown = null;
  try {
    result = await reportAndLabel();
  } catch (e) {
    failure = e;
  }
  // The record last, whatever happened: the caller for the other trigger, the remedy for the retry.
  try {
    await deps.record.put(ctx.incarnation, fields);
  } catch (e) {
    failure ??= e;
  }
  if (failure) throw failure;
  return {
    ...(result as HandleOutcome),
    recorded: { incarnation: ctx.incarnation, decidedAt: fields.decidedAt as string },
  };

  async function reportAndLabel(): Promise<HandleOutcome> {
    const key = alertKey(ctx, done);
    const won = await claim(ctx, key, deps);
    if (won && won.state !== "won") {
      outcome.duplicateOf =
        won.state === "done" ? "an earlier delivery or the other trigger" : "another delivery, reporting it now";
    }
    outcome.alerted = await alert(ctx, done, key, won, deps);
    const interim = key?.includes("#") && /#(failed|busy|unverifiable)$/.test(key);
    if (!d.actions.includes("alert") && !ctx.suspicious) fields.alert = "none";
    else if (won?.state === "done" || outcome.alerted) fields.alert = interim ? "pending" : "reported";
    if (done.error) {
      fields.alert = "pending";
      throw done.error;
    }
    // A duplicate labels only when the label is stale (the policy changed since the reporter wrote it).
    const duplicate = won !== null && won.state !== "won";
    if (duplicate && won.state === "busy") return outcome;
    if (duplicate) {
      known ??= await deps.record.get(ctx.incarnation);
      if (known?.policyId === deps.policyId) return outcome;
      if (known?.remedy === "stopped") outcome.tagAction = "stopped";
    }
    outcome.tagged = await label(ctx, outcome.tagAction ?? "none", deps);
    return outcome;
  }
}
