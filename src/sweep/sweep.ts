import { type EnforcerDeps, enforceResource, type HandleOutcome } from "../app/enforce.js";
import { type IncarnationRecord, incarnationKey } from "../app/ports.js";
import { parseSageMakerArn } from "../core/arn.js";
import type { SubnetVerdict } from "../core/egress.js";
import { GuardError } from "../core/errors.js";
import { SWEEP_TYPES } from "../core/resource-types.js";
import type { Finding, Mode, ResourceRef, ResourceType, Verdict } from "../core/types.js";
import { DescribeCache, SweepPort } from "./caching-port.js";
import { creatorOf } from "./creator.js";
import { mapPool } from "./pool.js";

/** The List* side the sweep needs (src/adapters/sagemaker-list.ts implements it). */
export interface ResourceLister {
  list(
    type: ResourceType,
    filter: { runningJobsOnly: boolean; createdAfter?: Date },
  ): AsyncIterable<{ type: ResourceType; name: string; arn: string; createdAt: string | null; status: string | null }>;
}
export type ListedResource = ResourceLister["list"] extends (...a: never[]) => AsyncIterable<infer R> ? R : never;

/** `GONE`: deleted between the list and the describe. `ERROR`: a call failed after the SDK's retries. */
export type SweptVerdict = Verdict | "GONE" | "ERROR";

/** One resource as the sweep or scan saw it: its verdict, why, who, how old, and what was done. */
export interface SweptResource {
  type: ResourceType;
  name: string;
  arn: string;
  account: string;
  region: string;
  verdict: SweptVerdict;
  reason: string | null;
  mode: Mode | null;
  findings: Pick<Finding, "rule" | "severity" | "message" | "fix" | "path">[];
  creator: string | null;
  createdAt: string | null;
  status: string | null;
  /** What the guard's record says it decided before, if anything (never read from the resource's tags). */
  previous: { status: string; policy: string | null; action: string | null; checkedAt: string | null } | null;
  /** Already decided under the current policy: not described again (sweep only). */
  skipped: boolean;
  remedy: HandleOutcome["remedy"];
  alerted: boolean;
  tagged: boolean;
  error: string | null;
  /** The route verdict of each subnet its decision rested on (absent when no route was read). */
  egress?: SubnetVerdict[];
}

/** Raised after a sweep in which some resources or listings failed, so the schedule's error alarm fires. */
export class SweepIncompleteError extends GuardError {}

/** Every type, jobs first (each row's `sweepOrder`): a running job is the most urgent thing to stop. */
export { SWEEP_TYPES };

export interface ListResult {
  resources: ListedResource[];
  errors: { type: ResourceType; message: string }[];
}

export interface ExamineOptions {
  /** Decide only (the scan's report); otherwise act exactly as the event path does. */
  dryRun: boolean;
  /** Skip what the guard's record says is decided and reported under the current policy (the scheduled sweep). */
  skipDecided: boolean;
  onProgress?: (done: number, total: number, item: SweptResource) => void;
  /** Checked before each resource: true stops taking new ones (a Lambda near its timeout). */
  stopWhen?: () => boolean;
}

/**
 * Finds resources without events and decides them with `enforceResource`, the event path's code:
 * lists every type (paginated), reads the guard's record for all of them (100 a call), then examines
 * resources with bounded concurrency, describing each once (models shared by several consumers are
 * described once per sweep). The resources' tags are never read: anyone who may tag can write them.
 *
 * @example
 * const sweeper = new Sweeper(deps, new SageMakerLister(client), { concurrency: 4, trigger: "sweep" });
 * const { resources } = await sweeper.list(SWEEP_TYPES, { runningJobsOnly: true, createdAfter });
 * const items = await sweeper.examine(resources, { dryRun: false, skipDecided: true });
 */
export class Sweeper {
  private readonly describes = new DescribeCache();
  private readonly ports = new Map<string, SweepPort>();

  constructor(
    private readonly deps: EnforcerDeps,
    private readonly lister: ResourceLister,
    private readonly options: {
      concurrency: number;
      trigger: string;
      /**
       * Mirrors each decision into Security Hub (src/org/security-hub.ts `mirrorDecision`). With it, a
       * resource the record calls decided is skipped only when Security Hub reflects that decision.
       */
      findings?: (outcome: HandleOutcome, deps: EnforcerDeps) => Promise<void>;
    },
  ) {}

  /** Security Hub after a decision; a failed import is the resource's error (the sweep retries it). */
  private async mirror(outcome: HandleOutcome, deps: EnforcerDeps): Promise<string | null> {
    if (!this.options.findings) return null;
    try {
      await this.options.findings(outcome, deps);
      return null;
    } catch (e) {
      return `Security Hub: ${(e as Error).message}`;
    }
  }

  async list(
    types: readonly ResourceType[],
    filter: { runningJobsOnly: boolean; createdAfter?: Date },
  ): Promise<ListResult> {
    const errors: ListResult["errors"] = [];
    const lists = await mapPool(types, this.options.concurrency, async (type) => {
      const found: ListedResource[] = [];
      try {
        for await (const r of this.lister.list(type, filter)) found.push(r);
      } catch (e) {
        errors.push({ type, message: (e as Error).message });
      }
      return found;
    });
    return { resources: lists.flatMap((l) => l ?? []), errors };
  }

  /** The record's entries for these resources; an unreadable record means nothing is skipped. */
  private async recordsFor(resources: readonly ListedResource[]): Promise<Map<string, IncarnationRecord> | null> {
    try {
      return await this.deps.record.getMany(resources.map((r) => ({ arn: r.arn, createdAt: r.createdAt })));
    } catch (e) {
      this.deps.log.warn("the guard's record could not be read: every resource is decided afresh", {
        reason: (e as Error).message,
      });
      return null;
    }
  }

  async examine(resources: readonly ListedResource[], options: ExamineOptions): Promise<SweptResource[]> {
    let done = 0;
    const records = await this.recordsFor(resources);
    const out = await mapPool(
      resources,
      this.options.concurrency,
      async (r) => {
        const known = records
          ? (records.get(incarnationKey({ arn: r.arn, createdAt: r.createdAt })) ?? null)
          : undefined;
        const item = await this.examineOne(r, options, known);
        options.onProgress?.(++done, resources.length, item);
        return item;
      },
      options.stopWhen,
    );
    return out.filter((x): x is SweptResource => x !== undefined);
  }

  /**
   * Applies the policy's remedies (stop, delete, alert, tag) to violations found by a dry run, reusing
   * what the dry run read: the remedy, the alert and the tag are then the only calls.
   */
  async fix(items: readonly SweptResource[], onProgress?: (done: number, total: number) => void) {
    const todo = items.filter((i) => i.verdict === "NON_COMPLIANT");
    let done = 0;
    const fixed = await mapPool(todo, this.options.concurrency, async (item) => {
      const result = { ...item };
      try {
        const deps = this.depsFor(item.arn, item.account);
        const outcome = await enforceResource(this.refOf(item), deps, { trigger: this.options.trigger });
        Object.assign(result, fromOutcome(outcome));
        result.error = await this.mirror(outcome, deps);
      } catch (e) {
        result.error = (e as Error).message;
      }
      onProgress?.(++done, todo.length);
      return result;
    });
    const byArn = new Map(fixed.flatMap((f) => (f ? [[f.arn, f] as const] : [])));
    return items.map((i) => byArn.get(i.arn) ?? i);
  }

  private refOf(r: { type: ResourceType; name: string; arn: string; account: string; region: string }): ResourceRef {
    return { type: r.type, name: r.name, arn: r.arn, account: r.account, region: r.region };
  }

  private portFor(arn: string): SweepPort {
    let port = this.ports.get(arn);
    if (!port) {
      port = new SweepPort(this.deps.sagemaker, this.describes);
      this.ports.set(arn, port);
    }
    return port;
  }

  /** The enforcer's deps for one resource. An empty `self.account` (the CLI without GUARD_ACCOUNT_ID) trusts the listing's account. */
  private depsFor(arn: string, account: string): EnforcerDeps {
    return {
      ...this.deps,
      self: { account: this.deps.self.account || account, region: this.deps.self.region },
      sagemaker: this.portFor(arn),
    };
  }

  /**
   * @param known the record's entry (`null`: none), or `undefined` when the record could not be read.
   */
  private async examineOne(
    r: ListedResource,
    options: ExamineOptions,
    known: IncarnationRecord | null | undefined,
  ): Promise<SweptResource> {
    const parsed = parseSageMakerArn(r.arn);
    const item: SweptResource = {
      type: r.type,
      name: r.name,
      arn: r.arn,
      account: parsed?.account ?? this.deps.self.account,
      region: parsed?.region ?? this.deps.self.region,
      verdict: "ERROR",
      reason: null,
      mode: null,
      findings: [],
      creator: null,
      createdAt: r.createdAt,
      status: r.status,
      previous: null,
      skipped: false,
      remedy: null,
      alerted: false,
      tagged: false,
      error: null,
    };
    if (known?.verdict) {
      item.previous = {
        status: known.verdict,
        policy: known.policyId ?? null,
        action: known.remedy ?? null,
        checkedAt: known.decidedAt ?? null,
      };
    }
    try {
      if (options.skipDecided && known && decided(known, this.deps.policyId, !!this.options.findings)) {
        return {
          ...item,
          verdict: known.verdict as Verdict,
          reason: "already decided and reported under the current policy (the guard's record)",
          skipped: true,
          creator: known.caller?.arn ?? null,
          findings: (known.rules ?? "")
            .split(",")
            .filter(Boolean)
            .map((rule) => ({ rule: rule as Finding["rule"], severity: "high", message: "", fix: "", path: "" })),
        };
      }
      const deps = this.depsFor(r.arn, item.account);
      const outcome = await enforceResource(this.refOf(item), deps, {
        dryRun: options.dryRun,
        trigger: this.options.trigger,
        known,
      });
      if (outcome.decision.verdict === "IGNORED" && /no longer exists/.test(outcome.decision.reason ?? "")) {
        return { ...item, verdict: "GONE", reason: "deleted before it could be examined" };
      }
      return {
        ...item,
        ...fromOutcome(outcome),
        error: await this.mirror(outcome, deps),
        createdAt: outcome.described?.createdAt ?? item.createdAt,
        status: outcome.described?.status ?? item.status,
        creator:
          outcome.decision.caller?.arn ??
          known?.caller?.arn ??
          creatorOf(null, await this.describes.peek(r.type, r.name)),
      };
    } catch (e) {
      return { ...item, verdict: "ERROR", error: (e as Error).message };
    }
  }
}

/** Decided under this policy, and reported (or nothing to report): the sweep need not look again. */
function decided(known: IncarnationRecord, policyId: string, findings: boolean): boolean {
  if (!known.verdict || known.policyId !== policyId || known.alert === "pending") return false;
  if (findings && known.findings !== known.decidedAt) return false;
  return known.remedy !== "failed" && known.remedy !== "busy";
}

function fromOutcome(o: HandleOutcome): Partial<SweptResource> {
  const d = o.decision;
  return {
    verdict: d.verdict,
    reason: d.reason,
    mode: d.mode,
    findings: d.findings.map(({ rule, severity, message, fix, path }) => ({ rule, severity, message, fix, path })),
    remedy: o.remedy,
    alerted: o.alerted,
    tagged: o.tagged,
    ...(d.egress ? { egress: d.egress } : {}),
  };
}
