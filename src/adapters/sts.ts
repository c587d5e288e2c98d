import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, type STSClientConfig } from "@aws-sdk/client-sts";
import { MemberAccessError } from "../org/errors.js";
import type { AssumeRolePort, MemberCredentials } from "../org/ports.js";

/** The STS client of the central guard: regional endpoint of the home region, adaptive retry. */
export function createStsClient(config: STSClientConfig = {}): STSClient {
  return new STSClient({ retryMode: "adaptive", maxAttempts: 5, ...config });
}

/**
 * AssumeRole into member accounts. One hour sessions (the default maximum of a role): the credential
 * cache in src/org/member-access.ts renews them before they expire.
 */
export class StsAdapter implements AssumeRolePort {
  constructor(private readonly client: STSClient) {}

  async assumeRole(roleArn: string, sessionName: string): Promise<MemberCredentials> {
    try {
      const out = await this.client.send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: 3600 }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
        throw new Error("AssumeRole returned no credentials");
      }
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: new Date(c.Expiration),
      };
    } catch (e) {
      const err = e as { name?: string; message?: string };
      throw new MemberAccessError(
        `cannot assume ${roleArn}: ${err.name ?? "Error"}: ${err.message ?? String(e)}`,
        "assume-role",
        { cause: e },
      );
    }
  }

  /** The account the caller's own credentials belong to (needs no permission). */
  async callerAccount(): Promise<string> {
    const out = await this.client.send(new GetCallerIdentityCommand({}));
    if (!out.Account) throw new MemberAccessError("GetCallerIdentity named no account", "get-caller-identity");
    return out.Account;
  }
}
