import type { EC2Client } from "@aws-sdk/client-ec2";
import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import type { SNSClient } from "@aws-sdk/client-sns";
import { createSageMakerClient } from "../adapters/sagemaker.js";
import { SageMakerLister } from "../adapters/sagemaker-list.js";
import { loadSweepConfig, type SweepConfig } from "../app/config-sweep.js";
import type { LogPort } from "../app/enforce.js";
import { createRuntime, type Runtime } from "../app/runtime.js";
import { runSweep, type SweepSummary } from "./sweep.js";

/** The scheduled sweep with its clients, built once per container. */
export interface SweepRuntime {
  config: SweepConfig;
  enforcer: Runtime;
  /** One sweep; `remainingMs` (the Lambda context's) stops taking new resources 20 s before the timeout. */
  sweep(remainingMs?: () => number): Promise<SweepSummary>;
}

/**
 * Builds the sweep from the environment (validated: see `loadSweepConfig`); clients may be injected.
 * @example const rt = createSweepRuntime({ log }); await rt.sweep(() => context.getRemainingTimeInMillis());
 */
export function createSweepRuntime(options: {
  log: LogPort;
  env?: NodeJS.ProcessEnv;
  sagemaker?: SageMakerClient;
  sns?: SNSClient;
  ec2?: EC2Client;
}): SweepRuntime {
  const config = loadSweepConfig(options.env);
  const sagemaker = options.sagemaker ?? createSageMakerClient({ region: config.region });
  const enforcer = createRuntime({ ...options, sagemaker });
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
