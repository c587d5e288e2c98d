import { spawn } from "node:child_process";
import { join } from "node:path";

/** The CLI as users run it (`npx isolation-guard`). */
export const BIN = join(import.meta.dirname, "../../bin/isolation-guard.js");

export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed (absent: stdin is closed at once). */
  input?: string;
  /** Killed (SIGTERM) after this many milliseconds; the result then has `signal` set. */
  timeout?: number;
  cwd?: string;
}

/**
 * Runs a command as a child process and waits for it without blocking this process's event loop.
 * Never spawnSync against an emulator the test process started: the emulator's request log is piped
 * to this process (scripts/emulator.ts), a blocked event loop stops draining it, and once the pipe
 * fills the emulator stalls mid-request, so the child waits on the emulator and the test times out.
 *
 * @example const r = await run(process.execPath, [BIN, "scan", "--format", "json"], { env });
 */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const timer = options.timeout ? setTimeout(() => child.kill("SIGTERM"), options.timeout) : null;
    child.on("error", (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on("close", (status, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
    // A child that exits before reading its input closes the pipe: that is its answer, not an error here.
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}

/** `isolation-guard ARGS...` (bin/isolation-guard.js with this Node), awaited. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return run(process.execPath, [BIN, ...args], options);
}
