import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SageMakerLister } from "../adapters/sagemaker-list.js";
import type { EnforcerDeps } from "../app/enforce.js";
import { type RunSweepOptions, runSweep, runSweepOver, type SweepSummary } from "../sweep/units.js";
import type { OrgConfig } from "./config.js";
import { sweepFindings } from "./security-hub.js";
import { createOrgScope, type OrgClients, securityHubRouter } from "./wiring.js";

// Apart from wiring.ts, so the enforcer's organization chunk carries no sweep code.

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
  if (!org.memberRoleName) {
    const hub = securityHubRouter(org, deps.self, clients, null);
    const lister = new SageMakerLister(homeClient);
    return (options) => runSweep(deps, lister, { ...options, findings: hub ? sweepFindings(hub) : undefined });
  }
  const scope = createOrgScope(
    org,
    {
      ...deps.self,
      sagemaker: deps.sagemaker,
      client: homeClient,
      routes: deps.routes,
      creators: deps.creators ?? undefined,
    },
    clients,
    deps.now,
  );
  const access = scope.access;
  const hub = securityHubRouter(org, deps.self, clients, access ? (a, r) => access.credentials(a, r) : null);
  const findings = hub ? sweepFindings(hub) : undefined;
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
            routes: scope.routesFor(account, region),
            creators: deps.creators && scope.creatorsFor(account, region),
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
