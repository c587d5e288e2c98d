import { partitionOf } from "../core/arn.js";
import { ConfigError } from "../core/errors.js";

/** Organization and Security Hub settings of a central guard, validated at cold start. */
export interface OrgConfig {
  /** Name of the member role to assume in each account; `null` = single-account mode. */
  memberRoleName: string | null;
  /** Explicit allow-list of member accounts; `null` = the organization's ACTIVE accounts (ListAccounts). */
  memberAccounts: string[] | null;
  /** Regions the deployment owns (default: the home region). */
  regions: string[];
  /** How long the organization's account list is trusted. */
  accountCacheMs: number;
  /** Security Hub findings in the central account, or `null` when off. */
  securityHub: { productArn: string } | null;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ACCOUNT = /^\d{12}$/;

function list(value: string | undefined): string[] {
  return [...new Set((value ?? "").split(/[\s,]+/).filter(Boolean))];
}

/**
 * Reads the organization settings (next to src/app/config.ts, which reads the rest):
 * - `GUARD_MEMBER_ROLE_NAME`: act in the event's account through `arn:aws:iam::<account>:role/<name>`,
 * - `GUARD_MEMBER_ACCOUNTS` (comma-separated ids): allow-list instead of Organizations ListAccounts,
 * - `GUARD_REGIONS` (comma-separated; default the home region), `GUARD_ACCOUNT_CACHE_SECONDS` (default 300),
 * - `GUARD_SECURITY_HUB` (`true`/`false`), `GUARD_SECURITY_HUB_PRODUCT_ARN` (default: the home account's
 *   default product, `arn:aws:securityhub:<region>:<account>:product/<account>/default`).
 *
 * @example const org = loadOrgConfig(process.env, { account: "123456789012", region: "us-east-1" });
 */
export function loadOrgConfig(env: NodeJS.ProcessEnv, home: { account: string; region: string }): OrgConfig {
  const problems: string[] = [];
  const roleName = env.GUARD_MEMBER_ROLE_NAME || null;
  if (roleName && !ROLE_NAME.test(roleName))
    problems.push(`GUARD_MEMBER_ROLE_NAME "${roleName}" is not an IAM role name`);
  const accounts = env.GUARD_MEMBER_ACCOUNTS ? list(env.GUARD_MEMBER_ACCOUNTS) : null;
  for (const a of accounts ?? [])
    if (!ACCOUNT.test(a)) problems.push(`GUARD_MEMBER_ACCOUNTS: "${a}" is not an account id`);
  const regions = env.GUARD_REGIONS ? list(env.GUARD_REGIONS) : [home.region];
  for (const r of regions) if (!REGION.test(r)) problems.push(`GUARD_REGIONS: "${r}" is not an AWS region`);
  const cacheSeconds = Number(env.GUARD_ACCOUNT_CACHE_SECONDS ?? 300);
  if (!Number.isInteger(cacheSeconds) || cacheSeconds < 0 || cacheSeconds > 86_400) {
    problems.push("GUARD_ACCOUNT_CACHE_SECONDS must be an integer between 0 and 86400");
  }
  const hub = (env.GUARD_SECURITY_HUB ?? "false").toLowerCase();
  if (!["true", "false", ""].includes(hub)) problems.push(`GUARD_SECURITY_HUB must be true or false (got "${hub}")`);
  const productArn =
    env.GUARD_SECURITY_HUB_PRODUCT_ARN ||
    `arn:${partitionOf(home.region)}:securityhub:${home.region}:${home.account}:product/${home.account}/default`;
  if (!/^arn:aws[a-z-]*:securityhub:[a-z0-9-]+:\d{12}:product\/[\w-]+\/[\w.-]+$/.test(productArn)) {
    problems.push(`GUARD_SECURITY_HUB_PRODUCT_ARN "${productArn}" is not a Security Hub product ARN`);
  }
  if (problems.length) throw new ConfigError(`invalid configuration:\n  ${problems.join("\n  ")}`);
  return {
    memberRoleName: roleName,
    memberAccounts: accounts,
    regions,
    accountCacheMs: cacheSeconds * 1000,
    securityHub: hub === "true" ? { productArn } : null,
  };
}

/** True when the runtime needs the organization wiring (member roles or Security Hub). */
export function needsOrgWiring(c: OrgConfig): boolean {
  return c.memberRoleName !== null || c.securityHub !== null;
}
