import { loadConfig } from "../src/app/config.js";
import { loadSweepConfig } from "../src/app/config-sweep.js";
import type { LogPort, MetricsPort } from "../src/app/enforce.js";
import { type AwsClients, createRuntime, type Runtime } from "../src/wiring/runtime.js";
import { createSweepRuntime, type SweepRuntime } from "../src/wiring/sweep-runtime.js";
import { clients } from "./local-aws.js";

const quiet: LogPort = { info() {}, warn() {}, error() {} };

/** The clients a runtime talks to the emulator with (SageMaker, SNS, the record's DynamoDB, CloudTrail). */
function emulatorClients(endpoint: string, maxAttempts: number) {
  const c = clients(endpoint, maxAttempts);
  return { sagemaker: c.sm, sns: c.sns, dynamodb: c.ddb, cloudtrail: c.ct };
}

/**
 * The event path's runtime against the emulator, configured from `env` as the Lambda is (validated by
 * `loadConfig`; AWS_REGION defaults to us-east-1).
 * @example const rt = guardRuntime(emu.endpoint, { GUARD_ALERT_TOPIC_ARN: inbox.topicArn });
 */
export function guardRuntime(
  endpoint: string,
  env: Record<string, string | undefined>,
  options: {
    log?: LogPort;
    maxAttempts?: number;
    metrics?: MetricsPort;
    now?: () => number;
    clients?: AwsClients;
  } = {},
): Runtime {
  return createRuntime({
    config: loadConfig({ AWS_REGION: "us-east-1", ...env }),
    log: options.log ?? quiet,
    metrics: options.metrics,
    now: options.now,
    clients: { ...emulatorClients(endpoint, options.maxAttempts ?? 3), ...options.clients },
  });
}

/** The scheduled sweep's runtime against the emulator, configured from `env` (`loadSweepConfig`). */
export function guardSweepRuntime(
  endpoint: string,
  env: Record<string, string | undefined>,
  options: { log?: LogPort; maxAttempts?: number } = {},
): SweepRuntime {
  return createSweepRuntime({
    config: loadSweepConfig({ AWS_REGION: "us-east-1", ...env }),
    log: options.log ?? quiet,
    clients: emulatorClients(endpoint, options.maxAttempts ?? 3),
  });
}
