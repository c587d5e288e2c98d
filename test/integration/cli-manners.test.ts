import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emulatorEnv } from "../support/aws.js";
import { type Emulator, startEmulator } from "../support/emulator.js";
import { sample } from "../support/events.js";
import { run, runCli } from "../support/run.js";

const ROOT = join(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/tsx/dist/cli.mjs");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";
let emu: Emulator;
let dir: string;

function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, {
    timeout: 60_000,
    env: { PATH: process.env.PATH, ...(emu ? emulatorEnv(emu.endpoint) : {}), GUARD_SETTLE_MS: "0", ...env },
  });
}
/** The README's `npm run local -- <verb> <event>` (scripts/local-enforcer.ts). */
function local(verb: string, file: string, env: Record<string, string>) {
  return run(process.execPath, [TSX, join(ROOT, "scripts/local-enforcer.ts"), verb, file], {
    timeout: 60_000,
    env: { PATH: process.env.PATH, ...emulatorEnv(emu.endpoint), ...env },
  });
}
const logLines = (stderr: string) =>
  stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  emu = await startEmulator();
  dir = mkdtempSync(join(tmpdir(), "ig-manners-"));
}, 30_000);
afterAll(async () => {
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => emu.reset());

describe("the CLI's manners", () => {
  it.each(["evaluate", "handle", "guardrails", "scan", "redrive"])(
    "answers `%s --help` with its usage and exit 0",
    async (c) => {
      const result = await cli([c, "--help"]);

      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`isolation-guard ${c}`);
      expect(result.stderr).toBe("");
    },
  );

  it("answers --help before judging the other arguments", async () => {
    const result = await cli(["scan", "--format", "xml", "-h"]);

    expect(result.status).toBe(0);
    expect(result.stdout).toContain("isolation-guard scan");
  });

  it("lists every command with --help in the overview", async () => {
    const result = await cli(["--help"]);

    expect(result.status).toBe(0);
    for (const c of ["evaluate", "handle", "guardrails", "scan", "redrive"])
      expect(result.stdout).toContain(`isolation-guard ${c}`);
    expect(result.stdout).toContain("isolation-guard --version");
  });

  it("prints the package's version for --version", async () => {
    const result = await cli(["--version"]);

    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${VERSION}\n`);
  });

  it("refuses an empty policy file with a hint, and takes {} as the defaults", async () => {
    const empty = join(dir, "empty.yaml");
    writeFileSync(empty, "# TODO\n");
    const braces = join(dir, "braces.yaml");
    writeFileSync(braces, "{}\n");
    const event = join(ROOT, "events/CreateTrainingJob.isolated.json");

    const refused = await cli(["evaluate", event, "--policy", empty]);
    const defaults = await cli(["evaluate", event, "--policy", braces]);

    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`${empty}: the policy file is empty; write {} to use the default policy`);
    expect(defaults.status).toBe(0);
  });
});

describe("the README's local enforcer recipe", () => {
  const EVENT = join(ROOT, "events/CreateTrainingJob.no-isolation.json");
  const env = { GUARD_ALERT_TOPIC_ARN: TOPIC, GUARD_MODE: "enforce" };

  it("creates what it needs, then shows a stop, an alert and the tags", async () => {
    const setup = await local("setup", EVENT, env);
    expect(setup.status).toBe(0);

    const handled = await cli(["handle", EVENT], env);
    const shown = await local("show", EVENT, env);

    expect(handled.status).toBe(0);
    expect(JSON.parse(handled.stdout)).toMatchObject({ remedy: "stopped", alerted: true, tagged: true });
    expect(handled.stderr).not.toMatch(/NodeVersionSupportWarning|SNS|Error/);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toMatch(/^training-job churn-xgb-custom-2026-11-03-14-10-45: Stopped$/m);
    expect(shown.stdout).toContain("tag isolation-guard:status = NON_COMPLIANT");
    expect(shown.stdout).toContain("tag isolation-guard:action = stopped");
    expect(shown.stdout).toMatch(/^alert: \[Isolation Guard\] Stopped training-job churn-xgb-custom/m);
  });

  it("says a resource that does not exist does not exist, not that the event is a duplicate", async () => {
    const handled = await cli(["handle", EVENT], env);

    expect(handled.status).toBe(0);
    const out = JSON.parse(handled.stdout);
    expect(out).toMatchObject({ remedy: "gone", alerted: false, tagged: false, duplicateOf: null });
    expect(out.note).toMatch(/does not exist/);
  });

  it("gives each log field one meaning: eventId is CloudTrail's eventID, deliveryId EventBridge's id", async () => {
    const event = sample("CreateTrainingJob.no-isolation.json");
    const handled = await cli(["handle", EVENT], env);
    const broken = join(dir, "broken.json");
    writeFileSync(broken, JSON.stringify({ ...event, detail: { ...event.detail, eventName: 42 } }));
    const rejected = await cli(["handle", broken], env);

    expect(rejected.status).toBe(2);
    const lines = [...logLines(handled.stderr), ...logLines(rejected.stderr)];
    expect(lines.map((l) => l.message)).toEqual(["event handled", "event rejected"]);
    for (const line of lines) {
      expect(line.eventId).toBe(event.detail.eventID);
      expect(line.deliveryId).toBe(event.id);
    }
  });
});

describe("the CLI's start", () => {
  it("drops only the AWS SDK's Node-version warning (emitted with name Warning, the text as message)", async () => {
    const script = `
      const { installWarningFilter } = await import(${JSON.stringify(join(ROOT, "bin/preflight.js"))});
      installWarningFilter();
      process.emitWarning("NodeVersionSupportWarning: The AWS SDK for JavaScript (v3) ...");
      process.emitWarning("something else went odd", "DeprecationWarning");
      await new Promise((r) => setTimeout(r, 10));`;

    const result = await run(process.execPath, ["--input-type=module", "-e", script]);

    expect(result.status).toBe(0);
    expect(result.stderr).not.toContain("NodeVersionSupportWarning");
    expect(result.stderr).toContain("DeprecationWarning: something else went odd");
  });
});
