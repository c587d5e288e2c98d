import { partitionOf } from "../core/arn.js";
import type { AssumeRolePort, MemberCredentials } from "./ports.js";

/** Renew this long before expiry, so no call is signed with credentials about to lapse. */
const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * Credentials of the member role, one AssumeRole per account until they expire (they are valid in
 * every region of the partition). Concurrent callers share one AssumeRole.
 *
 * @example
 * const access = new MemberAccess(new StsAdapter(sts), "IsolationGuardMember", Date.now);
 * const creds = await access.credentials("111122223333", "eu-west-1");
 */
export class MemberAccess {
  private readonly cache = new Map<string, Promise<MemberCredentials>>();

  constructor(
    private readonly sts: AssumeRolePort,
    readonly roleName: string,
    private readonly now: () => number,
    private readonly sessionName = "isolation-guard",
  ) {}

  roleArn(account: string, region: string): string {
    return `arn:${partitionOf(region)}:iam::${account}:role/${this.roleName}`;
  }

  async credentials(account: string, region: string): Promise<MemberCredentials> {
    const key = `${partitionOf(region)}:${account}`;
    const cached = this.cache.get(key);
    if (cached) {
      try {
        const c = await cached;
        if (c.expiration.getTime() - RENEW_BEFORE_MS > this.now()) return c;
      } catch {
        // A failed AssumeRole is not cached: the next event or region tries again.
      }
      if (this.cache.get(key) !== cached) return this.credentials(account, region);
    }
    const fresh = this.sts.assumeRole(this.roleArn(account, region), this.sessionName);
    this.cache.set(key, fresh);
    fresh.catch(() => {
      if (this.cache.get(key) === fresh) this.cache.delete(key);
    });
    return fresh;
  }
}
