import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { ConfigError, InvalidPolicyError } from "../core/errors.js";
import { DEFAULT_POLICY, type Policy, policyFromObject } from "../core/policy.js";

/** Everything the enforcer reads from its environment, validated once at cold start. */
export interface GuardConfig {
  region: string;
  account: string;
  /** The alert topic; `null` only for read-only uses (`scan` without `--fix`), which never publish. */
  topicArn: string | null;
  policy: Policy;
  /** Short, stable id of the policy in force (in the record and a tag). */
  policyId: string;
  /** The guard's record table (DynamoDB), `GUARD_RECORD_TABLE`. */
  recordTable: string;
  /** How long a claim to report may stand before another delivery takes it over (its holder died): the function timeout. */
  claimLeaseMs: number;
  /** This Lambda function's name, named in suspicious-event reports as one way in (SECURITY.md). */
  functionName: string | null;
  /** `json`, or `chatbot` (Amazon Q Developer in chat applications custom notifications). */
  alertFormat: "json" | "chatbot";
  runbookUrl: string | null;
}

/** The record table's name when GUARD_RECORD_TABLE is not set (the emulator creates it under this name). */
export const DEFAULT_RECORD_TABLE = "isolation-guard-record";
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):[\w-]+$/;

function parseJsonPolicy(text: string, source: string): Policy {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new InvalidPolicyError(
      `${source}: not valid JSON (YAML policies are read by the CLI): ${(cause as Error).message}`,
    );
  }
  return policyFromObject(data, source);
}

function policyId(policy: Policy): string {
  return createHash("sha256").update(JSON.stringify(policy)).digest("hex").slice(0, 12);
}

/**
 * The only place that reads `process.env`. Variables:
 * - `AWS_REGION` (required), `GUARD_ALERT_TOPIC_ARN` (required, same account and region),
 * - `GUARD_ACCOUNT_ID` (optional; default: the topic's account),
 * - `GUARD_POLICY_FILE` (YAML/JSON path) or `GUARD_POLICY_JSON` (inline JSON); default: safe defaults,
 * - `GUARD_MODE` (`enforce`|`audit`): `audit` forces audit for every type; `enforce` keeps the policy's modes,
 * - `GUARD_RECORD_TABLE` (default `isolation-guard-record`): the guard's record (DynamoDB),
 * - `GUARD_CLAIM_LEASE_MS` (default 60000, the function timeout): when a dead claimer's claim may be taken over,
 * - `GUARD_ALERT_FORMAT` (`json` default; `chatbot` for Amazon Q Developer in chat applications), `GUARD_RUNBOOK_URL`.
 *
 * @example const config = loadConfig(); // throws ConfigError with every problem listed
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  /** Parses a policy file's text; the CLI passes the YAML-aware parser, the Lambda gets JSON only. */
  parsePolicyText: (text: string, source: string) => Policy = parseJsonPolicy,
): GuardConfig {
  const problems: string[] = [];
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "";
  if (!region) problems.push("AWS_REGION is not set");
  const topicArn = env.GUARD_ALERT_TOPIC_ARN ?? "";
  const topic = SNS_TOPIC_ARN.exec(topicArn);
  if (!topic) problems.push(`GUARD_ALERT_TOPIC_ARN must be an SNS topic ARN (got "${topicArn}")`);
  const account = env.GUARD_ACCOUNT_ID ?? topic?.[2] ?? "";
  if (!/^\d{12}$/.test(account)) problems.push(`GUARD_ACCOUNT_ID must be a 12-digit account id (got "${account}")`);
  if (topic && region && topic[1] !== region)
    problems.push(`the alert topic is in ${topic[1]}, not in AWS_REGION ${region}`);

  let policy = DEFAULT_POLICY;
  try {
    if (env.GUARD_POLICY_FILE) {
      policy = parsePolicyText(readFileSync(env.GUARD_POLICY_FILE, "utf8"), env.GUARD_POLICY_FILE);
    } else if (env.GUARD_POLICY_JSON) policy = policyFromObject(JSON.parse(env.GUARD_POLICY_JSON), "GUARD_POLICY_JSON");
  } catch (e) {
    problems.push(e instanceof InvalidPolicyError ? e.message : `cannot read the policy: ${(e as Error).message}`);
  }
  const mode = env.GUARD_MODE;
  // `audit` forces audit everywhere (the safe first deploy); `enforce` leaves the policy's own modes alone,
  // so a policy file that says `mode: audit` is never turned into stops by the deploy default.
  if (mode === "audit") policy = { ...policy, mode: "audit", resourceModes: {} };
  else if (mode && mode !== "enforce") problems.push(`GUARD_MODE must be enforce or audit (got "${mode}")`);

  const recordTable = env.GUARD_RECORD_TABLE || DEFAULT_RECORD_TABLE;
  if (!TABLE_NAME.test(recordTable))
    problems.push(`GUARD_RECORD_TABLE is not a DynamoDB table name (got "${recordTable}")`);
  const claimLeaseMs = Number(env.GUARD_CLAIM_LEASE_MS ?? 60_000);
  if (!Number.isInteger(claimLeaseMs) || claimLeaseMs < 1_000 || claimLeaseMs > 900_000) {
    problems.push("GUARD_CLAIM_LEASE_MS must be an integer between 1000 and 900000");
  }
  const format = env.GUARD_ALERT_FORMAT ?? "json";
  if (!["json", "none", "webhook", "chatbot"].includes(format)) {
    problems.push(`GUARD_ALERT_FORMAT must be json, webhook, chatbot or none (got "${format}")`);
  }
  const alertFormat = format === "chatbot" ? "chatbot" : "json";
  const runbookUrl = env.GUARD_RUNBOOK_URL || null;
  if (runbookUrl && !/^https:\/\/\S+$/.test(runbookUrl)) problems.push("GUARD_RUNBOOK_URL must be an https:// URL");
  if (problems.length) throw new ConfigError(`invalid configuration:\n  ${problems.join("\n  ")}`);
  return {
    region,
    account,
    topicArn,
    policy,
    policyId: policyId(policy),
    recordTable,
    claimLeaseMs,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME || null,
    alertFormat,
    runbookUrl,
  };
}

/**
 * A config built from values rather than the environment (the CLI's `scan`), with the same defaults.
 * @example const config = configFrom({ region: "eu-west-1", account: "123456789012", policy });
 */
export function configFrom(
  values: Pick<GuardConfig, "region" | "account" | "policy"> & Partial<GuardConfig>,
): GuardConfig {
  return {
    topicArn: null,
    recordTable: DEFAULT_RECORD_TABLE,
    claimLeaseMs: 60_000,
    functionName: null,
    alertFormat: "json",
    runbookUrl: null,
    ...values,
    policyId: policyId(values.policy),
  };
}
