import { ConfigError } from "../core/errors.js";
import type { Policy } from "../core/policy.js";
import { type GuardConfig, loadConfig } from "./config.js";

/** The sweep's settings on top of the enforcer's, validated once at cold start. */
export interface SweepConfig extends GuardConfig {
  /** Resources decided at the same time (describe + act), per account and region. */
  concurrency: number;
  /** Accounts x regions swept at the same time (central shape). */
  unitConcurrency: number;
  /** The schedule's interval, from `GUARD_SWEEP_RATE` (`rate(15 minutes)`). */
  intervalMinutes: number;
  /**
   * Models, endpoint configs and endpoints created in the last `lookbackMinutes` are swept; `0` means
   * all of them. Running jobs are always all swept (a job is listed while it is `InProgress`).
   */
  lookbackMinutes: number;
}

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const UNIT_MINUTES: Record<string, number> = { minute: 1, minutes: 1, hour: 60, hours: 60, day: 1440, days: 1440 };

/** Minutes between runs for an EventBridge `rate(...)` expression, or `null` if it is not one. */
export function rateMinutes(rate: string): number | null {
  const m = RATE.exec(rate.trim());
  if (!m) return null;
  const n = Number(m[1]);
  return n > 0 ? n * (UNIT_MINUTES[m[2] as string] as number) : null;
}

function integer(env: NodeJS.ProcessEnv, key: string, dflt: number, min: number, max: number, problems: string[]) {
  const raw = env[key];
  if (raw === undefined || raw === "") return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${key} must be an integer between ${min} and ${max} (got "${raw}")`);
    return dflt;
  }
  return n;
}

/**
 * The sweep's environment: everything `loadConfig` reads, plus
 * - `GUARD_SWEEP_RATE` (default `rate(15 minutes)`): the schedule, as deployed (serverless.yml passes the same value);
 * - `GUARD_SWEEP_LOOKBACK_MINUTES` (default: twice the interval plus 5 minutes, so one failed or late
 *   run is still covered): how far back models, endpoint configs and endpoints are listed; `0` = all;
 *   must not be shorter than the interval (that would leave gaps);
 * - `GUARD_SWEEP_CONCURRENCY` (default 4, 1 to 32): resources decided at the same time (per account and region);
 * - `GUARD_SWEEP_ACCOUNT_CONCURRENCY` (default 4, 1 to 32): accounts x regions swept at the same time
 *   (central shape; the sweep makes at most the product of the two SageMaker calls at once).
 *
 * @example const config = loadSweepConfig(); // throws ConfigError listing every problem
 */
export function loadSweepConfig(
  env: NodeJS.ProcessEnv = process.env,
  parsePolicyText?: (text: string, source: string) => Policy,
): SweepConfig {
  const problems: string[] = [];
  let base: GuardConfig | null = null;
  try {
    base = loadConfig(env, parsePolicyText);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(
      ...e.message
        .split("\n")
        .slice(1)
        .map((l) => l.trim()),
    );
  }
  const rate = env.GUARD_SWEEP_RATE || "rate(15 minutes)";
  const intervalMinutes = rateMinutes(rate);
  if (intervalMinutes === null) problems.push(`GUARD_SWEEP_RATE must be like "rate(15 minutes)" (got "${rate}")`);
  const interval = intervalMinutes ?? 15;
  const concurrency = integer(env, "GUARD_SWEEP_CONCURRENCY", 4, 1, 32, problems);
  const unitConcurrency = integer(env, "GUARD_SWEEP_ACCOUNT_CONCURRENCY", 4, 1, 32, problems);
  const lookbackMinutes = integer(env, "GUARD_SWEEP_LOOKBACK_MINUTES", interval * 2 + 5, 0, 525_600, problems);
  if (lookbackMinutes !== 0 && lookbackMinutes < interval)
    problems.push(
      `GUARD_SWEEP_LOOKBACK_MINUTES (${lookbackMinutes}) is shorter than the sweep interval (${interval} min): resources created in between would never be swept`,
    );
  if (problems.length || !base) throw new ConfigError(`invalid configuration:\n  ${problems.join("\n  ")}`);
  return { ...base, concurrency, unitConcurrency, intervalMinutes: interval, lookbackMinutes };
}
