import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { EventBridgeEvent } from "aws-lambda";
import { loadConfig } from "../../src/app/config.js";
import { createRuntime, summarize } from "../../src/wiring/runtime.js";

/*
 * EventBridge → this function, for SageMaker create calls recorded by CloudTrail and for SageMaker's
 * own job state-change events. Failures throw: Lambda retries, then the on-failure destination keeps the event.
 */
const logger = new Logger({ serviceName: "isolation-guard" });
const metrics = new Metrics({ namespace: "IsolationGuard", serviceName: "isolation-guard" });
const runtime = createRuntime({
  config: loadConfig(),
  log: {
    info: (message, extra = {}) => logger.info(message, extra),
    warn: (message, extra = {}) => logger.warn(message, extra),
    error: (message, extra = {}) => logger.error(message, extra),
  },
  metrics: {
    count: (name, resourceType) => {
      if (resourceType)
        metrics.singleMetric().addDimension("resourceType", resourceType).addMetric(name, MetricUnit.Count, 1);
      metrics.addMetric(name, MetricUnit.Count, 1);
    },
  },
});

export const handler = middy(async (event: EventBridgeEvent<string, unknown>) => summarize(await runtime.handle(event)))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
