import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { loadConfig } from "../app/config.js";
import type { LogPort } from "../app/enforce.js";
import { ActionFailedError, ConfigError, InvalidEventError, TrustBoundaryError } from "../core/errors.js";
import { parsePolicy } from "../core/policy-text.js";
import { createRuntime, type Runtime, summarize } from "../wiring/runtime.js";
import { CliError, stderrLog } from "./io.js";
import { jsonDocuments, type StreamItem } from "./json-stream.js";

/** Exit statuses, worst last: 0 handled (any verdict), 1 an action failed, 2 unreadable input. */
type Status = 0 | 1 | 2;

async function* fileDocuments(path: string): AsyncGenerator<StreamItem> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    yield { error: `cannot read: ${(e as Error).message}` };
    return;
  }
  yield { text };
}

/** Handles one document and prints its outcome line; returns its exit status. */
async function handleOne(runtime: Runtime, label: string, item: StreamItem): Promise<Status> {
  const fail = (status: Status, message: string): Status => {
    process.stderr.write(`isolation-guard handle: ${label}: ${message}\n`);
    process.stdout.write(`${JSON.stringify({ input: label, error: message, exit: status })}\n`);
    return status;
  };
  if ("error" in item) return fail(2, item.error);
  let event: unknown;
  try {
    event = JSON.parse(item.text);
  } catch (e) {
    return fail(2, `not valid JSON: ${(e as Error).message}`);
  }
  try {
    const outcome = await runtime.handle(event);
    process.stdout.write(`${JSON.stringify(summarize(outcome))}\n`);
    return 0;
  } catch (e) {
    if (e instanceof InvalidEventError || e instanceof TrustBoundaryError) return fail(2, e.message);
    if (e instanceof ActionFailedError || e instanceof ConfigError) return fail(1, e.message);
    throw e;
  }
}

/**
 * `isolation-guard handle <event.json | -> [<event.json> ...]`: the Lambda's code path against the AWS
 * endpoint of the environment, several events in order in one runtime (as one warm container would).
 * `-` reads a stream of events from stdin (JSON Lines, or pretty-printed documents one after another)
 * and handles each as soon as it is complete. One JSON outcome line per event on stdout. Exit status:
 * the worst of the events (0 handled, 1 an action failed, 2 unreadable event); 2 for invalid configuration.
 */
export async function handleCommand(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { quiet: { type: "boolean", default: false } },
  });
  if (positionals.length === 0) throw new CliError("handle needs one or more event files (or - for stdin)");
  const log: LogPort = values.quiet ? { info() {}, warn() {}, error() {} } : stderrLog();
  let runtime: Runtime;
  try {
    runtime = createRuntime({ config: loadConfig(process.env, parsePolicy), log });
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(e.message, 2);
    throw e;
  }
  let worst: Status = 0;
  for (const input of positionals) {
    const documents = input === "-" ? jsonDocuments(process.stdin) : fileDocuments(input);
    let n = 0;
    for await (const item of documents) {
      n++;
      const label = input === "-" ? `<stdin>#${n}` : input;
      worst = Math.max(worst, await handleOne(runtime, label, item)) as Status;
    }
  }
  return worst;
}
