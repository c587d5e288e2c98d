import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { loadSweepConfig } from "../../src/app/config-sweep.js";
import { createSweepRuntime } from "../../src/wiring/sweep-runtime.js";

/*
 * EventBridge schedule → this function: finds what the event path missed (events lost, resources older
 * than the deployment) and decides it with the same code. An incomplete sweep throws, so the error alarm fires.
 */
const logger = new Logger({ serviceName: "isolation-guard" });
const runtime = createSweepRuntime({
  config: loadSweepConfig(),
  log: {
    info: (message, extra = {}) => logger.info(message, extra),
    warn: (message, extra = {}) => logger.warn(message, extra),
    error: (message, extra = {}) => logger.error(message, extra),
  },
});

export const handler = middy(async (_event: unknown, context: Context) =>
  runtime.sweep(() => context.getRemainingTimeInMillis()),
).use(injectLambdaContext(logger, { resetKeys: true }));
