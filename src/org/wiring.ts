import type { CloudTrailClientConfig } from "@aws-sdk/client-cloudtrail";
import type { EC2ClientConfig } from "@aws-sdk/client-ec2";
import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import type { SageMakerClient, SageMakerClientConfig } from "@aws-sdk/client-sagemaker";
import type { SecurityHubClient, SecurityHubClientConfig } from "@aws-sdk/client-securityhub";
import type { STSClient } from "@aws-sdk/client-sts";
import { createOrganizationsClient, OrganizationsAdapter } from "../adapters/organizations.js";
import { createSageMakerClient, SageMakerAdapter } from "../adapters/sagemaker.js";
import { createStsClient, StsAdapter } from "../adapters/sts.js";
import { CachedRoutes } from "../app/egress.js";
import type { EnforcerDeps, HandleOutcome } from "../app/enforce.js";
import { handleEvent } from "../app/enforce.js";
import type { CreatorLookup, RoutesPort, SageMakerPort } from "../app/ports.js";
import { partitionOf } from "../core/arn.js";
import { lazyCreators, ROUTE_CACHE_MS } from "../wiring/runtime.js";
import type { OrgConfig } from "./config.js";
import { handleOrgEvent, type OrgOutcome, type OrgScope } from "./enforce-org.js";
import { MemberAccess } from "./member-access.js";
import { OrgMembership } from "./membership.js";
import type { MemberCredentials } from "./ports.js";
import { RecordingPort } from "./recording-port.js";
import {
  defaultProductArn,
  type FindingsPort,
  type FindingsRouter,
  type FindingsTarget,
  mirrorDecision,
} from "./security-hub.js";

/** Clients the organization wiring builds itself unless given (tests point them at the emulator). */
export interface OrgClients {
  sts?: STSClient;
  organizations?: OrganizationsClient;
  /** Security Hub of the home account and region. */
  securityHub?: SecurityHubClient;
  /** Base config of the Security Hub clients built per account and region (endpoint, ...). */
  securityHubConfig?: SecurityHubClientConfig;
  /** Base config of the EC2 clients built per account and region for the egress check (endpoint, ...). */
  ec2Config?: EC2ClientConfig;
  /** Base config of the CloudTrail clients built per account and region for the creator lookup (endpoint, ...). */
  cloudtrailConfig?: CloudTrailClientConfig;
  /** Base config of the SageMaker clients built per member account and region (endpoint, ...). */
  sagemakerConfig?: SageMakerClientConfig;
}

/**
 * Security Hub per account and region (`FindingsRouter`), each adapter loaded on first use (a compliant
 * resource's event never loads the client), or `null` when `securityHub` is off. The home account and
 * region use the guard's own credentials and `GUARD_SECURITY_HUB_PRODUCT_ARN`; another region of the
 * home account its own credentials; a member account the member role's (`credentialsFor`).
 */
export function securityHubRouter(
  org: OrgConfig,
  home: { account: string; region: string },
  clients: Pick<OrgClients, "securityHub" | "securityHubConfig">,
  credentialsFor: ((account: string, region: string) => Promise<MemberCredentials>) | null,
): FindingsRouter | null {
  const settings = org.securityHub;
  if (!settings) return null;
  const targets = new Map<string, FindingsTarget>();
  return (account, region) => {
    const key = `${account}|${region}`;
    let target = targets.get(key);
    if (target) return target;
    const atHome = account === home.account && region === home.region;
    let ready: Promise<FindingsPort> | null = null;
    const get = () => {
      ready ??= import("../adapters/securityhub.js").then(({ createSecurityHubClient, SecurityHubAdapter }) => {
        if (atHome && clients.securityHub) return new SecurityHubAdapter(clients.securityHub);
        const credentials =
          account !== home.account && credentialsFor ? () => credentialsFor(account, region) : undefined;
        return new SecurityHubAdapter(
          createSecurityHubClient({ ...clients.securityHubConfig, region, ...(credentials ? { credentials } : {}) }),
        );
      });
      return ready;
    };
    target = {
      productArn: atHome ? settings.productArn : defaultProductArn(account, region, partitionOf(region)),
      port: {
        findingsOf: async (arn, product) => (await get()).findingsOf(arn, product),
        importFindings: async (findings) => (await get()).importFindings(findings),
      },
    };
    targets.set(key, target);
    return target;
  };
}

/** The reach of a central guard: membership, member credentials, SageMaker per (account, region). */
export function createOrgScope(
  org: OrgConfig,
  home: {
    account: string;
    region: string;
    sagemaker: SageMakerPort;
    client?: SageMakerClient;
    routes?: RoutesPort;
    creators?: CreatorLookup;
  },
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
  const routes = new Map<string, RoutesPort>();
  const creators = new Map<string, CreatorLookup>();
  return {
    regions: org.regions,
    membership,
    access,
    routesFor(account, region) {
      if (account === home.account && region === home.region && home.routes) return home.routes;
      const key = `${account}|${region}`;
      let port = routes.get(key);
      if (!port) {
        const credentials = account === home.account || !access ? undefined : () => access.credentials(account, region);
        // Loaded on first use, as in the single-account runtime: only a VPC-reliant decision reads routes.
        let ready: Promise<RoutesPort> | null = null;
        const inner: RoutesPort = {
          subnetRoutes: async (subnets) => {
            ready ??= import("../adapters/ec2.js").then(
              ({ createEc2Client, Ec2Routes }) =>
                new Ec2Routes(
                  createEc2Client({ ...clients.ec2Config, region, ...(credentials ? { credentials } : {}) }),
                ),
            );
            return (await ready).subnetRoutes(subnets);
          },
        };
        port = new CachedRoutes(inner, ROUTE_CACHE_MS, now);
        routes.set(key, port);
      }
      return port;
    },
    creatorsFor(account, region) {
      if (account === home.account && region === home.region && home.creators) return home.creators;
      const key = `${account}|${region}`;
      let port = creators.get(key);
      if (!port) {
        // The member account's own event history, through the member role (the central account's holds
        // none of its calls); the client loads on first use, after the stop, like the single-account one.
        const credentials = account === home.account || !access ? undefined : () => access.credentials(account, region);
        port = lazyCreators(region, undefined, {
          ...clients.cloudtrailConfig,
          ...(credentials ? { credentials } : {}),
        });
        creators.set(key, port);
      }
      return port;
    },
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
 * The event handler of a central guard (GUARD_MEMBER_ROLE_NAME set) and/or one that reports to
 * Security Hub: membership and region checked first, then the single-account path in the member
 * account, then (after the remedy, off its critical path) the Security Hub findings.
 */
export function createOrgHandler(
  org: OrgConfig,
  deps: EnforcerDeps,
  clients: OrgClients = {},
): (event: unknown) => Promise<HandleOutcome> {
  const home = { ...deps.self, sagemaker: deps.sagemaker, routes: deps.routes, creators: deps.creators ?? undefined };
  const scope = org.memberRoleName ? createOrgScope(org, home, clients, deps.now) : null;
  const access = scope?.access ?? null;
  const hub = securityHubRouter(org, deps.self, clients, access ? (a, r) => access.credentials(a, r) : null);
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
      await mirrorDecision(hub(r.account, r.region), outcome, {
        now: deps.now(),
        createdAt,
        accountName: outcome.account?.name ?? null,
        record: deps.record,
      });
    }
    return outcome;
  };
}
