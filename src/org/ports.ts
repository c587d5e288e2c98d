/** Temporary credentials of an assumed member role. */
export interface MemberCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** What the guard needs from STS (src/adapters/sts.ts). */
export interface AssumeRolePort {
  /** Throws MemberAccessError when the role cannot be assumed (missing, not trusting the caller, ...). */
  assumeRole(roleArn: string, sessionName: string): Promise<MemberCredentials>;
}

/** An account of the organization, as Organizations lists it. */
export interface OrgAccount {
  id: string;
  name: string | null;
  /** `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE` (Organizations' State, or the older Status). */
  status: string;
}

/** What the guard needs from Organizations (src/adapters/organizations.ts): every account, paginated. */
export interface AccountDirectoryPort {
  listAccounts(): Promise<OrgAccount[]>;
}
