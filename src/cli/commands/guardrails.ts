import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import {
  type GuardrailFormat,
  GuardrailsTooLargeError,
  generateGuardrails,
  NothingToDenyError,
} from "../../guardrails/index.js";
import { CliError, loadPolicyFile } from "../io.js";

const FORMATS: readonly GuardrailFormat[] = ["scp", "iam"];

/**
 * `isolation-guard guardrails --policy <file> [--format scp|iam] [--boundary] [--out <file>]`: writes the
 * preventive policy derived from the policy file (stdout unless `--out`), and tells on stderr which rules
 * stay detective-only and why. Exit 0 written, 2 bad input, invalid policy, or a document that does not fit.
 *
 * @example await run(["--policy", "policy.yaml", "--format", "scp", "--out", "scp.json"])
 */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      policy: { type: "string" },
      format: { type: "string", default: "scp" },
      out: { type: "string" },
      boundary: { type: "boolean", default: false },
    },
  });
  if (positionals.length) throw new CliError(`unexpected argument "${positionals[0]}"`);
  if (!values.policy) throw new CliError("--policy <file> is required (the same policy file the enforcer uses)");
  const format = values.format as GuardrailFormat;
  if (!FORMATS.includes(format)) throw new CliError(`--format must be scp or iam, not "${values.format}"`);
  if (values.boundary && format !== "iam") {
    throw new CliError("--boundary applies to --format iam only (an SCP grants nothing, so it needs no Allow)");
  }
  const policy = await loadPolicyFile(values.policy);

  let result: ReturnType<typeof generateGuardrails>;
  try {
    result = generateGuardrails(policy, { format, now: Date.now(), boundary: values.boundary ?? false });
  } catch (e) {
    if (e instanceof GuardrailsTooLargeError || e instanceof NothingToDenyError) {
      throw new CliError(`${values.policy}: ${e.message}`);
    }
    throw e;
  }

  const text = `${result.text}\n`;
  if (values.out) {
    try {
      await writeFile(values.out, text);
    } catch (e) {
      throw new CliError(`${values.out}: cannot write: ${(e as Error).message}`);
    }
  } else {
    process.stdout.write(text);
  }
  const err = (s: string) => process.stderr.write(`${s}\n`);
  const statements = result.document.Statement.length;
  err(
    `guardrails: ${format === "scp" ? "SCP" : values.boundary ? "permissions boundary" : "IAM policy"}, ${statements} statement${statements === 1 ? "" : "s"}, ${result.size}/${result.limit} characters${values.out ? ` -> ${values.out}` : ""}`,
  );
  err("detective-only (the event-driven enforcer still catches these):");
  for (const d of result.detectiveOnly) err(`  - ${d.rule} [${d.scope}]: ${d.reason}`);
  for (const n of result.notes) err(`note: ${n}`);
  return 0;
}
