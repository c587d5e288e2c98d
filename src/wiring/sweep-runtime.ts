import { createSageMakerClient } from "../adapters/sagemaker.js";
import { SageMakerLister } from "../adapters/sagemaker-list.js";
import type { SweepConfig } from "../app/config-sweep.js";
import type { LogPort } from "../app/enforce.js";
import { needsOrgWiring } from "../org/config.js";
import type { OrgClients } from "../org/wiring.js";
import { type RunSweepOptions, runSweep, type SweepSummary } from "../sweep/units.js";
import { type AwsClients, createRuntime, type Runtime } from "./runtime.js";

/** The scheduled sweep with its clients, built once per container. */
export interface SweepRuntime {
  config: SweepConfig;
  enforcer: Runtime;
  /** One sweep; `remainingMs` (the Lambda context's) stops taking new resources 20 s before the timeout. */
  sweep(remainingMs?: () => number): Promise<SweepSummary>;
}

/**
 * Builds the sweep from a validated config (`loadSweepConfig()`); clients may be injected.
 * @example const rt = createSweepRuntime({ config: loadSweepConfig(), log }); await rt.sweep(() => context.getRemainingTimeInMillis());
 */
export function createSweepRuntime(options: {
  config: SweepConfig;
  log: LogPort;
  clients?: AwsClients;
  /** Clients of the organization wiring (central shape, Security Hub). */
  org?: OrgClients;
}): SweepRuntime {
  const { config } = options;
  const sagemaker = options.clients?.sagemaker ?? createSageMakerClient({ region: config.region });
  const enforcer = createRuntime({ ...options, clients: { ...options.clients, sagemaker } });
  const lister = new SageMakerLister(sagemaker);
  const org = config.org;
  // Loaded only when configured, as in the enforcer (src/wiring/runtime.ts).
  let orgSweep: Promise<(o: RunSweepOptions) => Promise<SweepSummary>> | null = null;
  return {
    config,
    enforcer,
    async sweep(remainingMs) {
      const run: RunSweepOptions = {
        concurrency: config.concurrency,
        unitConcurrency: config.unitConcurrency,
        lookbackMinutes: config.lookbackMinutes,
        stopWhen: remainingMs ? () => remainingMs() < 20_000 : undefined,
      };
      if (!org || !needsOrgWiring(org)) return runSweep(enforcer.deps, lister, run);
      orgSweep ??= import("../org/sweep-wiring.js").then((m) =>
        m.createOrgSweep(org, enforcer.deps, sagemaker, options.org),
      );
      return (await orgSweep)(run);
    },
  };
}
