import { readFile } from "node:fs/promises";
import type { LogPort } from "../app/enforce.js";
import { GuardError } from "../core/errors.js";
import { DEFAULT_POLICY, type Policy } from "../core/policy.js";
import { parsePolicy } from "../core/policy-text.js";

/** A CLI failure with its exit status (2: unreadable input or invalid policy). */
export class CliError extends GuardError {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads a file (or stdin for `-`) as JSON; errors name the file. */
export async function readJsonInput(path: string): Promise<unknown> {
  const label = path === "-" ? "<stdin>" : path;
  let text: string;
  try {
    text = path === "-" ? await readStdin() : await readFile(path, "utf8");
  } catch (e) {
    throw new CliError(`${label}: cannot read: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${label}: not valid JSON: ${(e as Error).message}`);
  }
}

/** Loads and validates a policy file, or the defaults when no file is given. */
export async function loadPolicyFile(path: string | undefined): Promise<Policy> {
  if (!path) return DEFAULT_POLICY;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new CliError(`${path}: cannot read policy: ${(e as Error).message}`);
  }
  return parsePolicy(text, path);
}

/** Structured log lines on stderr (stdout is for the command's result); `quiet` drops info. */
export function stderrLog(quiet = false): LogPort {
  const line = (level: string) => (message: string, extra?: Record<string, unknown>) =>
    process.stderr.write(`${JSON.stringify({ level, message, ...extra })}\n`);
  return { info: quiet ? () => {} : line("INFO"), warn: line("WARN"), error: line("ERROR") };
}
