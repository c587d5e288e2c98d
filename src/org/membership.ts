import type { AccountDirectoryPort, OrgAccount } from "./ports.js";

/** Whether an account is one the deployment owns, and its name when Organizations gave one. */
export type Membership = { member: true; name: string | null } | { member: false; reason: string };

/**
 * The trust boundary of a central guard: the organization's ACTIVE accounts (ListAccounts, cached for
 * `ttlMs`), or a fixed allow-list. An account missing from a cached list triggers one early refresh
 * (an account created minutes ago), at most once per `refreshFloorMs`, so forged events naming random
 * accounts cannot turn into a ListAccounts storm (Organizations allows about one request per second).
 *
 * @example
 * const m = new OrgMembership({ directory: new OrganizationsAdapter(client) }, { ttlMs: 300_000, now: Date.now });
 * if (!(await m.check("111122223333")).member) return;
 */
export class OrgMembership {
  private cache: { at: number; accounts: Map<string, OrgAccount> } | null = null;
  private loading: Promise<Map<string, OrgAccount>> | null = null;

  constructor(
    private readonly source: { directory: AccountDirectoryPort } | { allowList: readonly string[] },
    private readonly options: { ttlMs: number; now: () => number; refreshFloorMs?: number },
  ) {}

  async check(account: string): Promise<Membership> {
    if ("allowList" in this.source) {
      return this.source.allowList.includes(account)
        ? { member: true, name: null }
        : { member: false, reason: `account ${account} is not in GUARD_MEMBER_ACCOUNTS` };
    }
    const now = this.options.now();
    let accounts = await this.accounts(now);
    const floor = this.options.refreshFloorMs ?? 60_000;
    if (!accounts.has(account) && this.cache && now - this.cache.at >= floor) accounts = await this.accounts(now, true);
    const found = accounts.get(account);
    if (!found) return { member: false, reason: `account ${account} is not in the organization` };
    if (found.status !== "ACTIVE") {
      return { member: false, reason: `account ${account} is ${found.status} in the organization, not ACTIVE` };
    }
    return { member: true, name: found.name };
  }

  /** Every ACTIVE account (the allow-list's, when there is one: names unknown). */
  async activeAccounts(): Promise<OrgAccount[]> {
    if ("allowList" in this.source) return this.source.allowList.map((id) => ({ id, name: null, status: "ACTIVE" }));
    return [...(await this.accounts(this.options.now())).values()].filter((a) => a.status === "ACTIVE");
  }

  /** Name of a known account, without a call. */
  nameOf(account: string): string | null {
    return this.cache?.accounts.get(account)?.name ?? null;
  }

  private async accounts(now: number, force = false): Promise<Map<string, OrgAccount>> {
    if (!force && this.cache && now - this.cache.at < this.options.ttlMs) return this.cache.accounts;
    const directory = (this.source as { directory: AccountDirectoryPort }).directory;
    this.loading ??= directory
      .listAccounts()
      .then((list) => {
        const accounts = new Map(list.map((a) => [a.id, a]));
        this.cache = { at: now, accounts };
        return accounts;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }
}
