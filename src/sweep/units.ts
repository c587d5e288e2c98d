import type { EnforcerDeps, HandleOutcome } from "../app/enforce.js";
import type { ResourceType } from "../core/types.js";
import { mapPool } from "./pool.js";
import {
  type ExamineOptions,
  type ResourceLister,
  SWEEP_TYPES,
  Sweeper,
  SweepIncompleteError,
  type SweptResource,
} from "./sweep.js";

/** One account and region to sweep. */
export interface UnitTarget {
  account: string;
  region: string;
}

/** How one account and region is reached: the enforcer's deps there (member credentials) and its lister. */
export interface UnitReach {
  deps: EnforcerDeps;
  lister: ResourceLister;
}

/** What one account and region gave: its resources, or why it could not be examined. */
export interface UnitResult extends UnitTarget {
  examined: boolean;
  /** Why it was not (fully) examined: role not assumable, no type listable, time ran out, a listing failed. */
  reason: string | null;
  /** Its sweeper, for `--fix` (null when not examined). */
  sweeper: Sweeper | null;
  listed: number;
  items: SweptResource[];
  listErrors: { type: ResourceType; message: string }[];
}

export interface SweepUnitsOptions {
  /** Accounts and regions swept at the same time. */
  concurrency: number;
  /** Resources decided at the same time within one account and region. */
  unitConcurrency: number;
  trigger: string;
  /** Throws when the account cannot be reached (its member role refused): the unit is reported, not skipped. */
  reach(account: string, region: string): Promise<UnitReach>;
  filter: { runningJobsOnly: boolean; createdAfter?: Date };
  examine: Omit<ExamineOptions, "onProgress" | "stopWhen">;
  /** Security Hub after each decision (Sweeper's `findings`). */
  findings?: (outcome: HandleOutcome, deps: EnforcerDeps) => Promise<void>;
  /** True stops taking new units and resources (a Lambda near its timeout); the rest are reported. */
  stopWhen?: () => boolean;
  onUnit?: (done: number, total: number) => void;
  /** Errors that end the whole walk instead of one unit (bad configuration). */
  fatal?: (e: unknown) => boolean;
}

/** Why a unit the walk never started was left: it is listed as not examined, never dropped. */
export const NOT_REACHED = "not reached: the sweep stopped before its timeout (the next run starts over)";

/**
 * Sweeps every account x region with bounded concurrency, the one org walker behind `scan --org`
 * (dry run, then `--fix`) and the central shape's scheduled sweep: each unit is reached (member
 * credentials), listed and examined by the Sweeper, the event path's code. A unit that cannot be
 * reached, none of whose types could be listed, or that time ran out for, is returned `examined: false`
 * with the reason, so callers report it (exit 3, the sweep's error alarm) instead of calling it clean.
 *
 * @example const units = await sweepUnits(targets, { concurrency: 4, unitConcurrency: 4, trigger: "scan", reach, filter, examine: { dryRun: true, skipDecided: false } });
 */
export async function sweepUnits(targets: readonly UnitTarget[], o: SweepUnitsOptions): Promise<UnitResult[]> {
  let done = 0;
  let started = 0;
  // At least one unit always starts (its resources then obey stopWhen one by one).
  const stop = () => started > 0 && (o.stopWhen?.() ?? false);
  const results = await mapPool(
    targets,
    o.concurrency,
    async ({ account, region }): Promise<UnitResult> => {
      started++;
      const unit: UnitResult = {
        account,
        region,
        examined: false,
        reason: null,
        sweeper: null,
        listed: 0,
        items: [],
        listErrors: [],
      };
      try {
        const { deps, lister } = await o.reach(account, region);
        const sweeper = new Sweeper(deps, lister, {
          concurrency: o.unitConcurrency,
          trigger: o.trigger,
          findings: o.findings,
        });
        const listed = await sweeper.list(SWEEP_TYPES, o.filter);
        unit.listErrors = listed.errors;
        if (listed.errors.length === SWEEP_TYPES.length) {
          unit.reason = `no resource type could be listed (${listed.errors[0]?.message})`;
          return unit;
        }
        unit.listed = listed.resources.length;
        unit.items = await sweeper.examine(listed.resources, { ...o.examine, stopWhen: o.stopWhen });
        unit.sweeper = sweeper;
        unit.examined = true;
        if (listed.errors.length) unit.reason = listed.errors.map((e) => `list ${e.type}: ${e.message}`).join("; ");
        if (unit.items.length < unit.listed) {
          unit.reason = [unit.reason, `${unit.listed - unit.items.length} resources not reached before the timeout`]
            .filter(Boolean)
            .join("; ");
        }
        return unit;
      } catch (e) {
        if (o.fatal?.(e)) throw e;
        unit.reason = (e as Error).message;
        return unit;
      } finally {
        o.onUnit?.(++done, targets.length);
      }
    },
    stop,
  );
  // Array.from, not map: the units never started are holes in mapPool's result, which map would skip.
  return Array.from(
    results,
    (r, i) =>
      r ?? {
        ...(targets[i] as UnitTarget),
        examined: false,
        reason: NOT_REACHED,
        sweeper: null,
        listed: 0,
        items: [],
        listErrors: [],
      },
  );
}

/** What one scheduled sweep did, for its log line and metrics. */
export interface SweepSummary {
  listed: number;
  examined: number;
  skipped: number;
  notReached: number;
  verdicts: Record<string, number>;
  stopped: number;
  deleted: number;
  alerted: number;
  errors: { resource: string; message: string }[];
  createdAfter: string | null;
  durationMs: number;
  /** Accounts x regions swept (1 in the `account` shape), and those that could not be examined, with why. */
  units: number;
  notExamined: { account: string; region: string; reason: string }[];
}

export interface RunSweepOptions {
  /** Resources decided at the same time (per account and region). */
  concurrency: number;
  lookbackMinutes: number;
  stopWhen?: () => boolean;
  /** Accounts and regions swept at the same time (central shape). */
  unitConcurrency?: number;
  findings?: SweepUnitsOptions["findings"];
}

/**
 * One scheduled sweep of one account and region (the `account` shape): running jobs (all), plus
 * models, endpoint configs and endpoints created in the lookback window (or all when
 * `lookbackMinutes` is 0); decided resources under the current policy are skipped; the rest are
 * decided and acted on by the event path's code. Throws SweepIncompleteError (after logging the
 * summary) when a listing or a resource failed.
 *
 * @example const summary = await runSweep(runtime.deps, lister, { concurrency: 4, lookbackMinutes: 35 });
 */
export function runSweep(deps: EnforcerDeps, lister: ResourceLister, options: RunSweepOptions): Promise<SweepSummary> {
  return runSweepOver(deps, [deps.self], async () => ({ deps, lister }), options);
}

/**
 * The scheduled sweep over several accounts and regions (the central shape: every member account x
 * configured region, reached through the member role by `reach`), with the same per-unit work as
 * `runSweep` and `scan --org`. An account or region that cannot be examined is named in the summary's
 * `notExamined` and in the log, and makes the sweep throw SweepIncompleteError (the sweep's error alarm).
 *
 * @example const summary = await runSweepOver(deps, targets, reach, { concurrency: 4, unitConcurrency: 4, lookbackMinutes: 35 });
 */
export async function runSweepOver(
  deps: EnforcerDeps,
  targets: readonly UnitTarget[],
  reach: SweepUnitsOptions["reach"],
  options: RunSweepOptions,
): Promise<SweepSummary> {
  const started = deps.now();
  const createdAfter = options.lookbackMinutes > 0 ? new Date(started - options.lookbackMinutes * 60_000) : undefined;
  const units = await sweepUnits(targets, {
    concurrency: options.unitConcurrency ?? 1,
    unitConcurrency: options.concurrency,
    trigger: "sweep",
    reach,
    filter: { runningJobsOnly: true, createdAfter },
    examine: { dryRun: false, skipDecided: true },
    findings: options.findings,
    stopWhen: options.stopWhen,
  });
  const items = units.flatMap((u) => u.items);
  const listed = units.reduce((n, u) => n + u.listed, 0);
  const verdicts: Record<string, number> = {};
  for (const i of items) if (!i.skipped) verdicts[i.verdict] = (verdicts[i.verdict] ?? 0) + 1;
  const where = (u: UnitTarget) => (targets.length > 1 ? ` in ${u.account}/${u.region}` : "");
  const summary: SweepSummary = {
    listed,
    examined: items.filter((i) => !i.skipped).length,
    skipped: items.filter((i) => i.skipped).length,
    notReached: listed - items.length,
    verdicts,
    stopped: items.filter((i) => i.remedy === "stopped").length,
    deleted: items.filter((i) => i.remedy === "deleted").length,
    alerted: items.filter((i) => i.alerted).length,
    errors: [
      ...units.flatMap((u) => u.listErrors.map((e) => ({ resource: `list ${e.type}${where(u)}`, message: e.message }))),
      ...items.filter((i) => i.error).map((i) => ({ resource: i.arn, message: i.error as string })),
    ],
    createdAfter: createdAfter?.toISOString() ?? null,
    durationMs: 0,
    units: targets.length,
    notExamined: units
      .filter((u) => !u.examined)
      .map((u) => ({ account: u.account, region: u.region, reason: u.reason ?? "not examined" })),
  };
  summary.durationMs = deps.now() - started;
  const problems = summary.errors.length + summary.notReached + summary.notExamined.length;
  deps.log[problems ? "warn" : "info"]("sweep finished", {
    ...summary,
    errors: summary.errors.slice(0, 20),
    notExamined: summary.notExamined.slice(0, 50),
  });
  if (problems) {
    const unitsPart = summary.notExamined.length
      ? `, ${summary.notExamined.length} of ${targets.length} account/region(s) not examined (${summary.notExamined
          .slice(0, 3)
          .map((u) => `${u.account}/${u.region}: ${u.reason}`)
          .join("; ")})`
      : "";
    throw new SweepIncompleteError(
      `sweep incomplete: ${summary.errors.length} failures, ${summary.notReached} resources not reached${unitsPart} (the next run retries them)`,
    );
  }
  return summary;
}
