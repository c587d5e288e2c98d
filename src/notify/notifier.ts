import type { SNSEvent } from "aws-lambda";
import { readTopicMessage } from "./alert-document.js";
import { renderSlackMessage, type SlackMessage } from "./slack-message.js";

/** Where a rendered message goes; the adapter in src/adapters/slack.ts posts to an incoming webhook. */
export interface SlackPort {
  /** Posts one message; resolves with the number of attempts; throws when Slack did not take it. */
  post(message: SlackMessage): Promise<{ attempts: number }>;
}

export interface NotifierLog {
  info(message: string, extra?: Record<string, unknown>): void;
}

export interface NotifierDeps {
  slack: SlackPort;
  runbookUrl: string | null;
  log: NotifierLog;
}

/** What happened to one SNS record (logged; never holds the webhook URL or the message text). */
export interface NotifiedRecord {
  messageId: string;
  kind: "alert" | "alarm" | "other";
  resourceArn: string | null;
  attempts: number;
}

/**
 * Posts each SNS record of the alert topic to Slack. A failure throws (after the 429 retries the port
 * makes): Lambda retries the asynchronous invocation, then hands the event to its dead-letter queue.
 * @example await notifyRecords(snsEvent, { slack, runbookUrl, log })
 */
export async function notifyRecords(event: SNSEvent, deps: NotifierDeps): Promise<NotifiedRecord[]> {
  const done: NotifiedRecord[] = [];
  for (const record of event.Records ?? []) {
    const message = readTopicMessage(record.Sns?.Message ?? "");
    const { attempts } = await deps.slack.post(renderSlackMessage(message, { runbookUrl: deps.runbookUrl }));
    const result: NotifiedRecord = {
      messageId: record.Sns?.MessageId ?? "",
      kind: message.kind,
      resourceArn: message.kind === "alert" ? message.alert.resource.arn : null,
      attempts,
    };
    deps.log.info("posted to Slack", { ...result });
    done.push(result);
  }
  return done;
}
