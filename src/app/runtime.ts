import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import type { SNSClient } from "@aws-sdk/client-sns";
import { createSageMakerClient, SageMakerAdapter } from "../adapters/sagemaker.js";
import { GuardError, InvalidEventError, TrustBoundaryError } from "../core/errors.js";
import type { Policy } from "../core/policy.js";
import { type GuardConfig, loadConfig } from "./config.js";
import { type EnforcerDeps, type HandleOutcome, handleEvent, type LogPort, type MetricsPort } from "./enforce.js";
import type { AlertPort } from "./ports.js";
import { ProgressCache } from "./progress-cache.js";

/** A compact, secret-free record of an outcome, for logs and the CLI. */
export function summarize(o: HandleOutcome) {
  const d = o.decision;
  return {
    verdict: d.verdict,
    reason: d.reason,
    resource: d.resource,
    rules: [...new Set(d.findings.map((f) => f.rule))],
    mode: d.mode,
    remedy: o.remedy,
    action: o.tagAction,
    tagged: o.tagged,
    alerted: o.alerted,
    duplicateOf: o.duplicateOf,
    ...(o.remedy === "gone"
      ? {
          note: `${d.resource?.type ?? "the resource"} ${d.resource?.name ?? ""} does not exist (never created here, or already deleted): nothing to stop, alert or tag`,
        }
      : {}),
    eventId: d.event.id,
    deliveryId: d.event.deliveryId,
  };
}

/**
 * The ids of an event that could not be decided, read as `normalizeEvent` reads them: `eventId` is
 * CloudTrail's `eventID` when there is one, else EventBridge's `id`; `deliveryId` is always EventBridge's.
 */
function rawEventIds(event: unknown): { eventId: unknown; deliveryId: unknown } {
  const e = (typeof event === "object" && event !== null ? event : {}) as { id?: unknown; detail?: unknown };
  const detail = (typeof e.detail === "object" && e.detail !== null ? e.detail : {}) as { eventID?: unknown };
  const str = (v: unknown) => (typeof v === "string" ? v.slice(0, 128) : null);
  return { eventId: str(detail.eventID) ?? str(e.id), deliveryId: str(e.id) };
}

/**
 * The SNS adapter, loaded on first use: a compliant resource never needs it, and a violating job's
 * stop lands before the first alert, so the SNS client's load stays off the cold start's critical path
 * (the Lambda bundle is split by esbuild; `npm run bench` measures the module load).
 */
function lazyAlerts(config: GuardConfig, client?: SNSClient): AlertPort {
  let ready: Promise<AlertPort> | null = null;
  return {
    publish(alert) {
      ready ??= import("../adapters/sns.js").then(
        ({ createSnsClient, SnsAlerts }) =>
          new SnsAlerts(client ?? createSnsClient({ region: config.region }), config.topicArn),
      );
      return ready.then((a) => a.publish(alert));
    },
  };
}

/** Events evaluated, violations, stops, deletes, alerts sent, duplicates; by resource type. */
export function countOutcome(metrics: MetricsPort, o: HandleOutcome): void {
  const d = o.decision;
  const type = d.resource?.type ?? null;
  if (d.verdict === "IGNORED") {
    metrics.count("EventsIgnored", null);
    return;
  }
  metrics.count("EventsEvaluated", type);
  if (d.verdict === "NON_COMPLIANT") metrics.count("Violations", type);
  if (o.remedy === "stopped") metrics.count("Stops", type);
  if (o.remedy === "deleted") metrics.count("Deletes", type);
  if (o.alerted) metrics.count("AlertsSent", type);
  if (o.duplicateOf) metrics.count("Duplicates", type);
}

/** The enforcer with its clients, built once per container (cold start) and reused. */
export interface Runtime {
  config: GuardConfig;
  deps: EnforcerDeps;
  handle(event: unknown): Promise<HandleOutcome>;
}

/**
 * Builds the runtime from the environment. Clients may be injected (tests point them at the emulator).
 * @example const runtime = createRuntime({ log: myLogger }); await runtime.handle(event);
 */
export function createRuntime(options: {
  log: LogPort;
  env?: NodeJS.ProcessEnv;
  sagemaker?: SageMakerClient;
  sns?: SNSClient;
  parsePolicyText?: (text: string, source: string) => Policy;
  metrics?: MetricsPort;
}): Runtime {
  const metrics = options.metrics ?? { count() {} };
  const config = loadConfig(options.env, options.parsePolicyText);
  const deps: EnforcerDeps = {
    sagemaker: new SageMakerAdapter(options.sagemaker ?? createSageMakerClient({ region: config.region })),
    alerts: lazyAlerts(config, options.sns),
    policy: config.policy,
    policyId: config.policyId,
    self: { account: config.account, region: config.region },
    now: Date.now,
    log: options.log,
    progress: new ProgressCache(),
    settleMs: config.settleMs,
    alertRendering: { format: config.alertFormat, runbookUrl: config.runbookUrl ?? undefined },
  };
  return {
    config,
    deps,
    async handle(event) {
      try {
        const outcome = await handleEvent(event, deps);
        options.log.info("event handled", summarize(outcome));
        countOutcome(metrics, outcome);
        return outcome;
      } catch (e) {
        const kind = e instanceof InvalidEventError || e instanceof TrustBoundaryError ? "rejected" : "failed";
        options.log.error(`event ${kind}`, {
          error: e instanceof GuardError ? e.name : "UnexpectedError",
          reason: (e as Error).message,
          ...rawEventIds(event),
        });
        metrics.count(kind === "rejected" ? "EventsRejected" : "Failures", null);
        throw e;
      }
    },
  };
}
