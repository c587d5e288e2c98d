import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { SNSEvent } from "aws-lambda";
import { createSlackNotifier } from "../../src/adapters/slack.js";
import { loadNotifierConfig } from "../../src/app/config-notifier.js";

/*
 * Alert topic (SNS, asynchronous invocation) → this function → Slack incoming webhook, as Block Kit.
 * Failures throw: Lambda retries twice, then the event goes to the function's dead-letter queue.
 * The webhook URL is read from SSM on first use and never logged.
 */
const logger = new Logger({ serviceName: "isolation-guard-notifier" });
const notifier = createSlackNotifier({
  config: loadNotifierConfig(),
  log: { info: (message, extra = {}) => logger.info(message, extra) },
});

export const handler = middy(async (event: SNSEvent) => ({ posted: await notifier.handle(event) })).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
