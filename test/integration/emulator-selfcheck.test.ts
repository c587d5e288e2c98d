import { join } from "node:path";
import { type Emulator, startEmulator } from "../support/emulator.js";
import { run } from "../support/run.js";

/*
 * The emulator's own gap-fill checks (emulator/selfcheck.py, boto3 against the running emulator): what
 * the integration tests rely on about AWS's behaviour is itself checked, with boto3's view of the API.
 */
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
}, 30_000);
afterAll(async () => emu?.stop());

test("every emulator gap-fill behaves as its README says (emulator/selfcheck.py)", async () => {
  // Awaited (test/support/run.ts): the emulator's request log is piped to this process, and a spawnSync
  // would stop draining it, so the emulator would block on a full pipe halfway through the checks.
  const r = await run(
    "python3",
    [join(import.meta.dirname, "../../emulator/selfcheck.py"), "--endpoint", emu.endpoint],
    {
      timeout: 120_000,
    },
  );
  const last = r.stdout.trim().split("\n").at(-1) ?? "";
  expect({ status: r.status, failures: r.stdout.split("\n").filter((l) => l.startsWith("FAIL")) }).toEqual({
    status: 0,
    failures: [],
  });
  expect(last).toMatch(/^(1[5-9]|[2-9]\d) passed, 0 failed$/);
}, 150_000);
