import { randomUUID } from "node:crypto";
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Runtime } from "../../src/wiring/runtime.js";

/**
 * Lambda's asynchronous invocation as EventBridge uses it: the first attempt plus up to two retries,
 * then the on-failure destination (an SQS queue) receives a record wrapping the event.
 */
export class AsyncInvoker {
  queueUrl = "";
  constructor(private readonly sqs: SQSClient) {}

  async createDeadLetterQueue(name = "isolation-guard-dlq") {
    this.queueUrl = (await this.sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
    return this;
  }

  async depth(): Promise<number> {
    const out = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    return (
      Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  }

  /** Invokes like Lambda would; `containers` rotate per attempt to model retries landing elsewhere. */
  async invoke(containers: Runtime[], event: unknown, attempts = 3): Promise<"handled" | "dead-lettered"> {
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      try {
        await (containers[i % containers.length] as Runtime).handle(event);
        return "handled";
      } catch (e) {
        last = e;
      }
    }
    const error = last as Error;
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify({
          version: "1.0",
          timestamp: new Date().toISOString(),
          requestContext: {
            requestId: randomUUID(),
            functionArn:
              "arn:aws:lambda:us-east-1:123456789012:function:sagemaker-isolation-guard-dev-enforcer:$LATEST",
            condition: "RetriesExhausted",
            approximateInvokeCount: attempts,
          },
          requestPayload: event,
          responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
          responsePayload: { errorType: error?.name ?? "Error", errorMessage: error?.message ?? String(error) },
        }),
      }),
    );
    return "dead-lettered";
  }
}
