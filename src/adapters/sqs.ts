import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { QueuedMessage, QueuePort } from "../app/redrive.js";

/**
 * A dead-letter queue read by `isolation-guard redrive`. Receipt handles stay inside the adapter.
 * @example await redrive(new SqsQueue(new SQSClient({}), url), runtime)
 */
export class SqsQueue implements QueuePort {
  private readonly receipts = new Map<string, string>();

  constructor(
    private readonly client: SQSClient,
    readonly queueUrl: string,
  ) {}

  async receive(max: number): Promise<QueuedMessage[]> {
    const out = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: Math.max(1, Math.min(10, max)),
        WaitTimeSeconds: 1,
        VisibilityTimeout: 300,
      }),
    );
    return (out.Messages ?? []).map((m) => {
      const id = m.MessageId ?? "";
      this.receipts.set(id, m.ReceiptHandle ?? "");
      return { id, body: m.Body ?? "" };
    });
  }

  async delete(id: string): Promise<void> {
    const receipt = this.receipts.get(id);
    if (!receipt) return;
    await this.client.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receipt }));
    this.receipts.delete(id);
  }
}

export function createSqsClient(region: string): SQSClient {
  return new SQSClient({ region, retryMode: "adaptive", maxAttempts: 8 });
}
