import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import type { SageMakerClientConfig } from "@aws-sdk/client-sagemaker";
import type { SecurityHubClient } from "@aws-sdk/client-securityhub";
import type { STSClient } from "@aws-sdk/client-sts";
import { createOrganizationsClient, OrganizationsAdapter } from "../adapters/organizations.js";
import { createSageMakerClient, SageMakerAdapter } from "../adapters/sagemaker.js";
import { createStsClient, StsAdapter } from "../adapters/sts.js";
import type { EnforcerDeps, HandleOutcome } from "../app/enforce.js";
import { handleEvent } from "../app/enforce.js";
import type { SageMakerPort } from "../app/ports.js";
import type { OrgConfig } from "./config.js";
import { handleOrgEvent, type OrgOutcome, type OrgScope } from "./enforce-org.js";
import { MemberAccess } from "./member-access.js";
import { OrgMembership } from "./membership.js";
import { RecordingPort } from "./recording-port.js";
import { type FindingsPort, publishFindings } from "./security-hub.js";

/** Clients the organization wiring builds itself unless given (tests point them at the emulator). */
export interface OrgClients {
  sts?: STSClient;
  organizations?: OrganizationsClient;
  securityHub?: SecurityHubClient;
  /** Base config of the SageMaker clients built per member account and region (endpoint, ...). */
  sagemakerConfig?: SageMakerClientConfig;
}

/** The reach of a central guard: membership, member credentials, SageMaker per (account, region). */
export function createOrgScope(
  org: OrgConfig,
  home: { account: string; region: string; sagemaker: SageMakerPort },
  clients: OrgClients,
  now: () => number,
): OrgScope & { access: MemberAccess | null } {
  const sts = clients.sts ?? createStsClient({ region: home.region });
  const access = org.memberRoleName ? new MemberAccess(new StsAdapter(sts), org.memberRoleName, now) : null;
  const membership = new OrgMembership(
    org.memberAccounts
      ? { allowList: org.memberAccounts }
      : {
          directory: new OrganizationsAdapter(
            clients.organizations ?? createOrganizationsClient({ region: home.region }),
          ),
        },
    { ttlMs: org.accountCacheMs, now },
  );
  const ports = new Map<string, SageMakerPort>();
  return {
    regions: org.regions,
    membership,
    access,
    async sagemakerFor(account, region) {
      if (account === home.account && region === home.region) return home.sagemaker;
      const key = `${account}|${region}`;
      let port = ports.get(key);
      if (!port) {
        // The guard's own account uses its own credentials: a service-managed StackSet never deploys
        // to the management account, and the central account needs no role to reach itself.
        const credentials = account === home.account || !access ? undefined : () => access.credentials(account, region);
        port = new SageMakerAdapter(
          createSageMakerClient({ ...clients.sagemakerConfig, region, ...(credentials ? { credentials } : {}) }),
        );
        ports.set(key, port);
      }
      return port;
    },
  };
}

/**
 * The event handler of a central guard (GUARD_MEMBER_ROLE_NAME set) and/or one that reports to
 * Security Hub: membership and region checked first, then the single-account path in the member
 * account, then (after the remedy, off its critical path) the Security Hub findings.
 */
export function createOrgHandler(
  org: OrgConfig,
  deps: EnforcerDeps,
  clients: OrgClients = {},
): (event: unknown) => Promise<HandleOutcome> {
  const home = { ...deps.self, sagemaker: deps.sagemaker };
  const scope = org.memberRoleName ? createOrgScope(org, home, clients, deps.now) : null;
  let hub: Promise<FindingsPort> | null = null;
  return async (event) => {
    // Per event: remembers what Describe said about the resource (its incarnation, for Security Hub).
    let port: RecordingPort | null = null;
    const recorded = (inner: SageMakerPort) => {
      port = new RecordingPort(inner);
      return port;
    };
    const outcome: OrgOutcome = scope
      ? await handleOrgEvent(event, deps, {
          ...scope,
          sagemakerFor: async (account, region) => recorded(await scope.sagemakerFor(account, region)),
        })
      : {
          ...(await handleEvent(event, org.securityHub ? { ...deps, sagemaker: recorded(deps.sagemaker) } : deps)),
          account: null,
        };
    const r = outcome.decision.resource;
    if (
      org.securityHub &&
      r &&
      port &&
      (outcome.decision.verdict === "NON_COMPLIANT" || outcome.decision.verdict === "COMPLIANT")
    ) {
      const p = port as RecordingPort;
      hub ??= import("../adapters/securityhub.js").then(
        ({ createSecurityHubClient, SecurityHubAdapter }) =>
          new SecurityHubAdapter(clients.securityHub ?? createSecurityHubClient({ region: deps.self.region })),
      );
      // The incarnation: what the event path's Describe said, else one Describe now (after the remedy).
      let createdAt = p.createdAt(r.type, r.name);
      if (!createdAt && outcome.remedy !== "deleted" && outcome.remedy !== "gone") {
        await p.describe(r.type, r.name);
        createdAt = p.createdAt(r.type, r.name);
      }
      await publishFindings(await hub, org.securityHub, outcome, {
        now: deps.now(),
        createdAt,
        accountName: outcome.account?.name ?? null,
      });
    }
    return outcome;
  };
}
