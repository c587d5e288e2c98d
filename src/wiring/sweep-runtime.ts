import { createSageMakerClient } from "../adapters/sagemaker.js";
import { SageMakerLister } from "../adapters/sagemaker-list.js";
import type { SweepConfig } from "../app/config-sweep.js";
import type { LogPort } from "../app/enforce.js";
import { runSweep, type SweepSummary } from "../sweep/sweep.js";
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
export function createSweepRuntime(options: { config: SweepConfig; log: LogPort; clients?: AwsClients }): SweepRuntime {
  const { config } = options;
  const sagemaker = options.clients?.sagemaker ?? createSageMakerClient({ region: config.region });
  const enforcer = createRuntime({ ...options, clients: { ...options.clients, sagemaker } });
  const lister = new SageMakerLister(sagemaker);
  return {
    config,
    enforcer,
    sweep: (remainingMs) =>
      runSweep(enforcer.deps, lister, {
        concurrency: config.concurrency,
        lookbackMinutes: config.lookbackMinutes,
        stopWhen: remainingMs ? () => remainingMs() < 20_000 : undefined,
      }),
  };
}
