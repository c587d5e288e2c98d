import {
  ListAccountsCommand,
  OrganizationsClient,
  type OrganizationsClientConfig,
} from "@aws-sdk/client-organizations";
import { MemberAccessError } from "../org/errors.js";
import type { AccountDirectoryPort, OrgAccount } from "../org/ports.js";

/**
 * Organizations is a global service whose endpoint lives in us-east-1 (aws partition); the SDK
 * resolves it from any region.
 */
export function createOrganizationsClient(config: OrganizationsClientConfig = {}): OrganizationsClient {
  return new OrganizationsClient({ retryMode: "adaptive", maxAttempts: 8, ...config });
}

/**
 * ListAccounts, every page. Callable from the management account or a delegated administrator.
 * `State` replaced `Status` in 2025 (Status is deprecated but still returned); either is read.
 */
export class OrganizationsAdapter implements AccountDirectoryPort {
  constructor(private readonly client: OrganizationsClient) {}

  async listAccounts(): Promise<OrgAccount[]> {
    const accounts: OrgAccount[] = [];
    let token: string | undefined;
    try {
      do {
        const out = await this.client.send(new ListAccountsCommand({ NextToken: token }));
        for (const a of out.Accounts ?? []) {
          if (!a.Id) continue;
          const state = (a as { State?: string }).State;
          accounts.push({ id: a.Id, name: a.Name ?? null, status: state ?? a.Status ?? "UNKNOWN" });
        }
        token = out.NextToken;
      } while (token);
    } catch (e) {
      const err = e as { name?: string; message?: string };
      throw new MemberAccessError(
        `cannot list the organization's accounts: ${err.name ?? "Error"}: ${err.message ?? String(e)}`,
        "list-accounts",
        { cause: e },
      );
    }
    return accounts;
  }
}
