import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { EventBridgeEvent } from "aws-lambda";
import { createRuntime, summarize } from "../src/app/runtime.js";

/*
 * EventBridge → this function, for SageMaker create calls recorded by CloudTrail and for SageMaker's
 * own job state-change events. Failures throw: Lambda retries, then the on-failure destination keeps the event.
 */
const logger = new Logger({ serviceName: "isolation-guard" });
const runtime = createRuntime({
  log: {
    info: (message, extra = {}) => logger.info(message, extra),
    warn: (message, extra = {}) => logger.warn(message, extra),
    error: (message, extra = {}) => logger.error(message, extra),
  },
});

export const handler = middy(async (event: EventBridgeEvent<string, unknown>) =>
  summarize(await runtime.handle(event)),
).use(injectLambdaContext(logger, { resetKeys: true }));
