import { GuardError, InvalidEventError, TrustBoundaryError } from "../core/errors.js";
import type { HandleOutcome } from "./enforce.js";

/** What redrive needs of the runtime (src/wiring/runtime.ts builds it). */
export interface Runtime {
  handle(event: unknown): Promise<HandleOutcome>;
}

/** A dead-letter queue message. */
export interface QueuedMessage {
  id: string;
  body: string;
}

/** What redrive needs from SQS (src/adapters/sqs.ts implements it). */
export interface QueuePort {
  receive(max: number): Promise<QueuedMessage[]>;
  delete(id: string): Promise<void>;
}

export interface RedriveReport {
  received: number;
  replayed: number;
  failed: number;
  invalid: number;
  deleted: number;
  failures: { messageId: string; reason: string }[];
}

/**
 * The event inside a dead-letter message: a Lambda on-failure destination record wraps it in
 * `requestPayload`; an EventBridge dead-letter message is the event itself.
 */
export function eventFromDeadLetter(body: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (cause) {
    throw new InvalidEventError(`dead-letter message is not JSON: ${(cause as Error).message}`, { cause });
  }
  if (parsed && typeof parsed === "object" && "requestPayload" in parsed && "requestContext" in parsed) {
    return (parsed as { requestPayload: unknown }).requestPayload;
  }
  return parsed;
}

/**
 * Replays dead-lettered events through the enforcer's own path. Idempotent like every delivery: a
 * violation already stopped and reported is not stopped or reported again. A message is deleted only
 * once its event was handled; one that still fails stays for the next attempt. Unreadable events are
 * kept (and counted) unless `dropInvalid`.
 *
 * @example const report = await redrive(queue, runtime, { max: 100 });
 */
export async function redrive(
  queue: QueuePort,
  runtime: Runtime,
  options: { max?: number; dropInvalid?: boolean } = {},
): Promise<RedriveReport> {
  const max = options.max ?? 1000;
  const report: RedriveReport = { received: 0, replayed: 0, failed: 0, invalid: 0, deleted: 0, failures: [] };
  const seen = new Set<string>();
  while (report.received < max) {
    const batch = (await queue.receive(Math.min(10, max - report.received))).filter((m) => !seen.has(m.id));
    if (batch.length === 0) break;
    for (const message of batch) {
      seen.add(message.id);
      report.received++;
      try {
        await runtime.handle(eventFromDeadLetter(message.body));
        report.replayed++;
        await queue.delete(message.id);
        report.deleted++;
      } catch (e) {
        const invalid = e instanceof InvalidEventError || e instanceof TrustBoundaryError;
        if (invalid) report.invalid++;
        else report.failed++;
        report.failures.push({ messageId: message.id, reason: e instanceof GuardError ? e.message : String(e) });
        if (invalid && options.dropInvalid) {
          await queue.delete(message.id);
          report.deleted++;
        }
      }
    }
  }
  return report;
}
