import { ConfigError } from "../core/errors.js";

/** Everything the Slack notifier reads from its environment, validated once at cold start. */
export interface NotifierConfig {
  region: string;
  /** Name of the SSM SecureString parameter that holds the incoming-webhook URL (never the URL itself). */
  webhookParameter: string;
  runbookUrl: string | null;
  /** Longest wait the notifier accepts for one Slack `Retry-After` before failing the invocation instead. */
  maxRetryWaitMs: number;
  /** Attempts per message when Slack answers 429 (the first included). */
  maxAttempts: number;
  /** Per-request timeout for the webhook POST. */
  timeoutMs: number;
}

// A full path ("/..."): the IAM grant is arn:...:parameter${name}, which only works with the leading slash.
const PARAMETER_NAME = /^\/[a-zA-Z0-9_.\-/]{1,2047}$/;

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, problems: string[]) {
  const raw = env[name];
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return value;
}

/**
 * The notifier's only reader of `process.env`. Variables:
 * - `AWS_REGION` (required),
 * - `GUARD_SLACK_WEBHOOK_PARAMETER` (required): SSM parameter name (SecureString) holding the webhook URL,
 * - `GUARD_RUNBOOK_URL` (optional, https): shown as a "Runbook" button,
 * - `GUARD_SLACK_MAX_RETRY_WAIT_MS` (default 20000), `GUARD_SLACK_MAX_ATTEMPTS` (default 3),
 *   `GUARD_SLACK_TIMEOUT_MS` (default 10000).
 * A webhook URL in the environment (`GUARD_SLACK_WEBHOOK_URL`, `SLACK_WEBHOOK_URL`) is refused: it is a
 * secret, and Lambda environments are readable by anyone with `lambda:GetFunctionConfiguration`.
 *
 * @example const config = loadNotifierConfig(); // throws ConfigError listing every problem
 */
export function loadNotifierConfig(env: NodeJS.ProcessEnv = process.env): NotifierConfig {
  const problems: string[] = [];
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "";
  if (!region) problems.push("AWS_REGION is not set");
  const webhookParameter = env.GUARD_SLACK_WEBHOOK_PARAMETER ?? "";
  if (!PARAMETER_NAME.test(webhookParameter)) {
    problems.push(
      `GUARD_SLACK_WEBHOOK_PARAMETER must be the full name ("/...") of the SSM SecureString parameter holding the webhook URL (got "${webhookParameter}")`,
    );
  }
  for (const name of ["GUARD_SLACK_WEBHOOK_URL", "SLACK_WEBHOOK_URL"]) {
    // The value is never echoed: it is the secret.
    if (env[name])
      problems.push(
        `${name} is set: keep the webhook URL in SSM Parameter Store (SecureString), not in the environment`,
      );
  }
  const runbookUrl = env.GUARD_RUNBOOK_URL || null;
  if (runbookUrl && (!/^https:\/\/\S+$/.test(runbookUrl) || runbookUrl.length > 3000)) {
    problems.push(`GUARD_RUNBOOK_URL must be an https URL of at most 3000 characters (got "${runbookUrl}")`);
  }
  const maxRetryWaitMs = integer(env, "GUARD_SLACK_MAX_RETRY_WAIT_MS", 20_000, 0, 600_000, problems);
  const maxAttempts = integer(env, "GUARD_SLACK_MAX_ATTEMPTS", 3, 1, 10, problems);
  const timeoutMs = integer(env, "GUARD_SLACK_TIMEOUT_MS", 10_000, 100, 60_000, problems);
  if (problems.length) throw new ConfigError(`invalid notifier configuration:\n  ${problems.join("\n  ")}`);
  return { region, webhookParameter, runbookUrl, maxRetryWaitMs, maxAttempts, timeoutMs };
}
