import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import type { SageMakerClient, SageMakerClientConfig } from "@aws-sdk/client-sagemaker";
import type { SecurityHubClient } from "@aws-sdk/client-securityhub";
import type { STSClient } from "@aws-sdk/client-sts";
import { createOrganizationsClient, OrganizationsAdapter } from "../adapters/organizations.js";
import { createSageMakerClient, SageMakerAdapter } from "../adapters/sagemaker.js";
import { SageMakerLister } from "../adapters/sagemaker-list.js";
import { createStsClient, StsAdapter } from "../adapters/sts.js";
import type { EnforcerDeps, HandleOutcome } from "../app/enforce.js";
import { handleEvent } from "../app/enforce.js";
import type { SageMakerPort } from "../app/ports.js";
import { type RunSweepOptions, runSweep, runSweepOver, type SweepSummary } from "../sweep/units.js";
import type { OrgConfig } from "./config.js";
import { handleOrgEvent, type OrgOutcome, type OrgScope } from "./enforce-org.js";
import { MemberAccess } from "./member-access.js";
import { OrgMembership } from "./membership.js";
import { RecordingPort } from "./recording-port.js";
import { type FindingsPort, type FindingsTarget, mirrorDecision, sweepFindings } from "./security-hub.js";

/** Clients the organization wiring builds itself unless given (tests point them at the emulator). */
export interface OrgClients {
  sts?: STSClient;
  organizations?: OrganizationsClient;
  securityHub?: SecurityHubClient;
  /** Base config of the SageMaker clients built per member account and region (endpoint, ...). */
  sagemakerConfig?: SageMakerClientConfig;
}

/**
 * Security Hub in the home account and region, its adapter loaded on first use (a compliant resource's
 * event never loads the client), or `null` when `securityHub` is off.
 */
export function securityHubTarget(org: OrgConfig, region: string, client?: SecurityHubClient): FindingsTarget | null {
  if (!org.securityHub) return null;
  let ready: Promise<FindingsPort> | null = null;
  const get = () => {
    ready ??= import("../adapters/securityhub.js").then(
      ({ createSecurityHubClient, SecurityHubAdapter }) =>
        new SecurityHubAdapter(client ?? createSecurityHubClient({ region })),
    );
    return ready;
  };
  return {
    productArn: org.securityHub.productArn,
    port: {
      findingsOf: async (arn, product) => (await get()).findingsOf(arn, product),
      importFindings: async (findings) => (await get()).importFindings(findings),
    },
  };
}

/** The reach of a central guard: membership, member credentials, SageMaker per (account, region). */
export function createOrgScope(
  org: OrgConfig,
  home: { account: string; region: string; sagemaker: SageMakerPort; client?: SageMakerClient },
  clients: OrgClients,
  now: () => number,
): OrgScope & { access: MemberAccess | null; clientFor(account: string, region: string): SageMakerClient } {
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
  const ports = new Map<string, { client: SageMakerClient; port: SageMakerPort }>();
  const reachOf = (account: string, region: string) => {
    const key = `${account}|${region}`;
    let entry = ports.get(key);
    if (!entry) {
      // The guard's own account uses its own credentials: a service-managed StackSet never deploys
      // to the management account, and the central account needs no role to reach itself.
      const credentials = account === home.account || !access ? undefined : () => access.credentials(account, region);
      const client = createSageMakerClient({
        ...clients.sagemakerConfig,
        region,
        ...(credentials ? { credentials } : {}),
      });
      entry = { client, port: new SageMakerAdapter(client) };
      ports.set(key, entry);
    }
    return entry;
  };
  return {
    regions: org.regions,
    membership,
    access,
    async sagemakerFor(account, region) {
      if (account === home.account && region === home.region) return home.sagemaker;
      return reachOf(account, region).port;
    },
    clientFor(account, region) {
      if (account === home.account && region === home.region && home.client) return home.client;
      return reachOf(account, region).client;
    },
  };
}

/**
 * The central shape's scheduled sweep: every account the enforcer would act in (the organization's
 * ACTIVE accounts, or the allow-list) x every region of `GUARD_REGIONS`, each through the member role
 * (the credentials cache the event path uses; the guard's own account with its own credentials), swept
 * by `runSweepOver`, the code `scan --org` runs. An account whose role cannot be assumed is reported in
 * the summary and fails the sweep (its error alarm), never skipped in silence. With Security Hub on,
 * every decision is mirrored there as on the event path.
 *
 * @example const sweep = createOrgSweep(org, deps, client, {}); await sweep({ concurrency: 4, unitConcurrency: 4, lookbackMinutes: 35 });
 */
export function createOrgSweep(
  org: OrgConfig,
  deps: EnforcerDeps,
  homeClient: SageMakerClient,
  clients: OrgClients = {},
): (options: RunSweepOptions) => Promise<SweepSummary> {
  const hub = securityHubTarget(org, deps.self.region, clients.securityHub);
  const findings = hub ? sweepFindings(hub) : undefined;
  if (!org.memberRoleName) {
    const lister = new SageMakerLister(homeClient);
    return (options) => runSweep(deps, lister, { ...options, findings });
  }
  const scope = createOrgScope(org, { ...deps.self, sagemaker: deps.sagemaker, client: homeClient }, clients, deps.now);
  return async (options) => {
    // A failed ListAccounts fails the whole sweep (logged by the handler, the error alarm fires).
    const accounts = await scope.membership.activeAccounts();
    const targets = accounts.flatMap((a) => scope.regions.map((region) => ({ account: a.id, region })));
    return runSweepOver(
      deps,
      targets,
      async (account, region) => {
        // Assumed first, so a refused role is this unit's reason ("cannot assume ...") rather than N listing errors.
        if (account !== deps.self.account) await scope.access?.credentials(account, region);
        const client = scope.clientFor(account, region);
        return {
          deps: {
            ...deps,
            sagemaker: await scope.sagemakerFor(account, region),
            self: { account, region },
            alertRendering: { ...deps.alertRendering, accountName: scope.membership.nameOf(account) },
          },
          lister: new SageMakerLister(client),
        };
      },
      { ...options, findings },
    );
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
  const hub = securityHubTarget(org, deps.self.region, clients.securityHub);
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
          ...(await handleEvent(event, hub ? { ...deps, sagemaker: recorded(deps.sagemaker) } : deps)),
          account: null,
        };
    const r = outcome.decision.resource;
    if (
      hub &&
      r &&
      port &&
      (outcome.decision.verdict === "NON_COMPLIANT" || outcome.decision.verdict === "COMPLIANT")
    ) {
      const p = port as RecordingPort;
      // The incarnation: what the event path's Describe said, else one Describe now (after the remedy).
      let createdAt = p.createdAt(r.type, r.name);
      if (!createdAt && outcome.remedy !== "deleted" && outcome.remedy !== "gone") {
        await p.describe(r.type, r.name);
        createdAt = p.createdAt(r.type, r.name);
      }
      await mirrorDecision(hub, outcome, {
        now: deps.now(),
        createdAt,
        accountName: outcome.account?.name ?? null,
        record: deps.record,
      });
    }
    return outcome;
  };
}
