import { parseArgs } from "node:util";
import type { LogPort } from "../app/enforce.js";
import { createRuntime, summarize } from "../app/runtime.js";
import { ActionFailedError, ConfigError } from "../core/errors.js";
import { parsePolicy } from "../core/policy-text.js";
import { CliError, readJsonInput, stderrLog } from "./io.js";

/**
 * `isolation-guard handle <event.json | ->`: the Lambda's code path against the AWS endpoint of the
 * environment. Prints the outcome as JSON. Exit 0 handled (any verdict), 1 an action failed,
 * 2 unreadable event or invalid configuration.
 */
export async function handleCommand(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { quiet: { type: "boolean", default: false } },
  });
  const input = positionals[0];
  if (positionals.length !== 1 || input === undefined)
    throw new CliError("handle needs exactly one event file (or - for stdin)");
  const log: LogPort = values.quiet ? { info() {}, warn() {}, error() {} } : stderrLog();
  let runtime: ReturnType<typeof createRuntime>;
  try {
    runtime = createRuntime({ log, parsePolicyText: parsePolicy });
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(e.message, 2);
    throw e;
  }
  const event = await readJsonInput(input);
  try {
    const outcome = await runtime.handle(event);
    process.stdout.write(`${JSON.stringify(summarize(outcome))}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ActionFailedError) {
      process.stderr.write(`isolation-guard handle: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
