import { spawn } from "node:child_process";
import { join } from "node:path";
import { type Emulator, startEmulator } from "../support/emulator.js";

/*
 * The emulator's own gap-fill checks (emulator/selfcheck.py, boto3 against the running emulator): what
 * the integration tests rely on about AWS's behaviour is itself checked, with boto3's view of the API.
 */
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
}, 30_000);
afterAll(async () => emu?.stop());

/** Runs a process without blocking the event loop: the emulator's stderr (its request log) must keep
 * draining into this process, or its pipe fills and the emulator blocks mid-request. */
function run(cmd: string, args: string[], timeoutMs: number): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (d) => {
      stdout += String(d);
    });
    const timer = setTimeout(() => child.kill(), timeoutMs);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout });
    });
  });
}

test("every emulator gap-fill behaves as its README says (emulator/selfcheck.py)", async () => {
  const r = await run(
    "python3",
    [join(import.meta.dirname, "../../emulator/selfcheck.py"), "--endpoint", emu.endpoint],
    120_000,
  );
  const last = r.stdout.trim().split("\n").at(-1) ?? "";
  expect({ status: r.status, failures: r.stdout.split("\n").filter((l) => l.startsWith("FAIL")) }).toEqual({
    status: 0,
    failures: [],
  });
  expect(last).toMatch(/^(1[5-9]|[2-9]\d) passed, 0 failed$/);
}, 150_000);
