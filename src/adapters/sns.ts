import { PublishCommand, SNSClient, type SNSClientConfig } from "@aws-sdk/client-sns";
import type { AlertMessage, AlertPort } from "../app/ports.js";
import { ActionFailedError } from "../core/errors.js";

/** The SNS client the Lambdas and CLI use: adaptive retry. */
export function createSnsClient(config: SNSClientConfig = {}): SNSClient {
  return new SNSClient({
    retryMode: "adaptive",
    maxAttempts: 8,
    // A hung connection must not eat the minutes a job spends starting: time out and retry.
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
    ...config,
  });
}

/**
 * Publishes alerts to one topic with per-protocol bodies (MessageStructure=json).
 * @example await new SnsAlerts(createSnsClient(), topicArn).publish(renderAlert(decision, outcome))
 */
export class SnsAlerts implements AlertPort {
  constructor(
    private readonly client: SNSClient,
    readonly topicArn: string,
  ) {}

  async publish(alert: AlertMessage): Promise<string> {
    try {
      const out = await this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: alert.subject,
          MessageStructure: "json",
          Message: JSON.stringify(alert.bodies),
          MessageAttributes: Object.fromEntries(
            Object.entries(alert.attributes).map(([k, v]) => [k, { DataType: "String", StringValue: v }]),
          ),
        }),
      );
      return out.MessageId ?? "";
    } catch (e) {
      throw new ActionFailedError(`SNS Publish to ${this.topicArn} failed: ${(e as Error).message}`, "alert", {
        cause: e,
      });
    }
  }
}
