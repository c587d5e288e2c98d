import { parseArgs } from "node:util";
import { createSqsClient, SqsQueue } from "../../adapters/sqs.js";
import { loadConfig } from "../../app/config.js";
import { redrive } from "../../app/redrive.js";
import { ConfigError } from "../../core/errors.js";
import { parsePolicy } from "../../core/policy-text.js";
import { createRuntime } from "../../wiring/runtime.js";
import { CliError, stderrLog } from "../io.js";

/**
 * `isolation-guard redrive --queue-url <url> [--max N] [--drop-invalid] [--quiet]`: replays dead-lettered
 * events through the enforcer (same environment as `handle`). Prints a JSON report. Exit 0 when every
 * message was handled, 1 when some still fail (they stay in the queue), 2 for bad arguments or configuration.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      "queue-url": { type: "string" },
      max: { type: "string", default: "1000" },
      "drop-invalid": { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
    },
  });
  const queueUrl = values["queue-url"];
  if (!queueUrl) throw new CliError("redrive needs --queue-url <dead-letter queue URL>");
  const max = Number(values.max);
  if (!Number.isInteger(max) || max < 1) throw new CliError("--max must be a positive integer");
  let runtime: ReturnType<typeof createRuntime>;
  try {
    runtime = createRuntime({
      config: loadConfig(process.env, parsePolicy),
      log: values.quiet ? { info() {}, warn() {}, error() {} } : stderrLog(),
    });
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(e.message, 2);
    throw e;
  }
  const queue = new SqsQueue(createSqsClient(runtime.config.region), queueUrl);
  const report = await redrive(queue, runtime, { max, dropInvalid: values["drop-invalid"] });
  process.stdout.write(`${JSON.stringify(report)}\n`);
  return report.failed + report.invalid > 0 ? 1 : 0;
}
