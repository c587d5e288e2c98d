/**
 * `scan --org` at organization scale, against the emulator: N accounts x 2 regions x M resources, the
 * CLI as an operator runs it. Resources/second and AWS calls per resource (the emulator's own call
 * counts, STS and Organizations included) beside the single-account scan of one account and region in
 * the same run, and the speed-up `--concurrency` gives; then the central shape's scheduled sweep over the
 * same organization (first run acting on everything, second run with everything decided) against
 * Lambda's 15-minute limit. `bench/run.ts` wires it in; alone:
 * `NODE_NO_WARNINGS=1 tsx bench/org.ts [--quick]`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { STSClient } from "@aws-sdk/client-sts";
import { startEmulator } from "../scripts/emulator.js";
import { AlertInbox, clientConfig, clients, emulatorEnv, Fixtures } from "../scripts/local-aws.js";
import { createLocalOrg } from "../scripts/local-org.js";
import { loadSweepConfig } from "../src/app/config-sweep.js";
import { mapPool } from "../src/sweep/pool.js";
import { createSweepRuntime } from "../src/wiring/sweep-runtime.js";
import type { Row } from "./sweep.js";

const BIN = join(import.meta.dirname, "../bin/isolation-guard.js");
const REGIONS = ["us-east-1", "eu-west-1"];
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Half training jobs, half models; half of each without isolation. */
async function populate(fx: Fixtures, prefix: string, n: number) {
  const work = Array.from(
    { length: n },
    (_, i) => () =>
      i % 2 === 0
        ? fx.trainingJob(`${prefix}-job-${i}`, { isolated: i % 4 === 0, vpc: i % 4 === 0 })
        : fx.model(`${prefix}-model-${i}`, { isolated: i % 4 === 1, vpc: i % 4 === 1 }),
  );
  await mapPool(work, 8, (w) => w());
}

/**
 * @example const { rows, results } = await benchOrgScan({ quick: true });
 */
export async function benchOrgScan(opts: {
  quick: boolean;
}): Promise<{ rows: Row[]; results: Record<string, unknown> }> {
  const accounts = opts.quick ? 4 : 20;
  const perUnit = opts.quick ? 20 : 100;
  const emu = await startEmulator();
  const dir = mkdtempSync(join(tmpdir(), "bench-org-"));
  try {
    log(`org: ${accounts} accounts x ${REGIONS.length} regions x ${perUnit} resources ...`);
    // The central (management) account is one of the N accounts, scanned with its own credentials.
    const names = Array.from({ length: accounts - 1 }, (_, i) => `bench-${i}`);
    const org = await createLocalOrg(emu.endpoint, names);
    const central = (region: string) => new Fixtures(new SageMakerClient({ ...clientConfig(emu.endpoint), region }));
    const units = [
      ...REGIONS.map((r) => () => populate(central(r), `central-${r}`, perUnit)),
      ...org.members.flatMap((m) => REGIONS.map((r) => () => populate(m.fx(r), `${m.name}-${r}`, perUnit))),
    ];
    await mapPool(units, 2, (u) => u());

    const run = async (label: string, args: string[]) => {
      await emu.resetCalls();
      const out = join(dir, `${label}.json`);
      const t = performance.now();
      // Not spawnSync: a blocked event loop stops draining the emulator's log pipe, which then stalls it.
      const r = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, "scan", ...args, "--format", "json", "--out", out], {
          env: { PATH: process.env.PATH, ...emulatorEnv(emu.endpoint), NODE_NO_WARNINGS: "1" },
          stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr.on("data", (d) => {
          stderr = (stderr + String(d)).slice(-4000);
        });
        child.on("exit", (status) => resolve({ status, stderr }));
      });
      const seconds = (performance.now() - t) / 1000;
      if (r.status !== 1) throw new Error(`${label}: exit ${r.status}: ${r.stderr}`);
      const report = JSON.parse(readFileSync(out, "utf8"));
      const calls = Object.values(await emu.calls()).reduce((n, c) => n + c, 0);
      const resources = report.totals.resources as number;
      log(`  ${label}: ${resources} resources in ${round(seconds, 1)} s, ${calls} calls`);
      return { resources, seconds, calls, perSecond: resources / seconds, perResource: calls / resources };
    };
    const single = await run("single", ["--region", "us-east-1"]);
    const orgScan = (concurrency: number) =>
      run(`org-c${concurrency}`, [
        "--org",
        "--role-name",
        "IsolationGuardMember",
        "--regions",
        REGIONS.join(","),
        "--concurrency",
        String(concurrency),
      ]);
    const org1 = await orgScan(1);
    const org8 = await orgScan(8);

    // The central shape's scheduled sweep over the same organization, in process as the Lambda runs it
    // (default concurrency: 4 accounts x regions at once, 4 resources each). Last: it stops and deletes.
    const aws = clients(emu.endpoint, 3);
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create("bench-org-alerts");
    const sweepRuntime = createSweepRuntime({
      log: { info() {}, warn: (m, e) => log(`${m} ${JSON.stringify(e).slice(0, 400)}`), error: (m) => log(m) },
      config: loadSweepConfig({
        AWS_REGION: "us-east-1",
        GUARD_ALERT_TOPIC_ARN: inbox.topicArn,
        GUARD_MEMBER_ROLE_NAME: "IsolationGuardMember",
        GUARD_REGIONS: REGIONS.join(","),
        GUARD_SWEEP_LOOKBACK_MINUTES: "0",
      }),
      clients: {
        sagemaker: new SageMakerClient({ ...clientConfig(emu.endpoint, 8), retryMode: "adaptive" }),
        sns: aws.sns,
        dynamodb: aws.ddb,
        cloudtrail: aws.ct,
      },
      org: {
        sts: new STSClient(clientConfig(emu.endpoint)),
        organizations: new OrganizationsClient(clientConfig(emu.endpoint)),
        sagemakerConfig: { ...clientConfig(emu.endpoint, 8), retryMode: "adaptive" },
        ec2Config: clientConfig(emu.endpoint),
        cloudtrailConfig: clientConfig(emu.endpoint),
      },
    });
    const sweepOnce = async (label: string) => {
      await emu.resetCalls();
      const t = performance.now();
      const summary = await sweepRuntime.sweep();
      const seconds = (performance.now() - t) / 1000;
      const calls = Object.values(await emu.calls()).reduce((n, c) => n + c, 0);
      log(`  ${label}: ${summary.listed} resources in ${round(seconds, 1)} s, ${calls} calls`);
      return { summary, seconds, calls };
    };
    log("org: central sweep (first run: decides and acts on everything) ...");
    const sweep1 = await sweepOnce("central sweep, first run");
    log("org: central sweep (second run: everything already decided) ...");
    const sweep2 = await sweepOnce("central sweep, second run");
    // The sweep stops taking resources 20 s before Lambda's 15-minute limit.
    const window = 900 - 20;
    const sweepRate = sweep1.summary.listed / sweep1.seconds;

    const shape = `${accounts} accounts x ${REGIONS.length} regions x ${perUnit} resources`;
    const rows: Row[] = [
      {
        figure: `scan --org, ${shape}, --concurrency 8`,
        value: `${round(org8.perSecond, 1)} resources/s, ${round(org8.perResource)} calls/resource`,
        baseline: `single-account scan (${single.resources} resources): ${round(single.perSecond, 1)} resources/s, ${round(single.perResource)} calls/resource`,
        ratio: `${round(org8.perSecond / single.perSecond)}x resources/s, ${round(org8.perResource / single.perResource)}x calls/resource`,
        // Per account and region: one more listing round and, per account, one AssumeRole.
        budget: "calls/resource <= 1.25x single-account",
        ok: org8.perResource / single.perResource <= 1.25,
      },
      {
        figure: `scan --org, ${shape}: --concurrency 8 vs 1`,
        value: `${round(org8.seconds, 1)} s vs ${round(org1.seconds, 1)} s`,
        baseline: `--concurrency 1: ${round(org1.perSecond, 1)} resources/s`,
        ratio: `${round(org1.seconds / org8.seconds)}x faster`,
        // Not a budget: against the emulator (one Python process on a shared 2-core machine) the emulator
        // itself is the bottleneck; AWS serves each account and region from its own endpoints.
        budget: "-",
        ok: null,
      },
    ];
    rows.push(
      {
        figure: `central sweep (shape central), ${shape}, first run (acts on every violation)`,
        value: `${round(sweep1.seconds, 1)} s, ${round(sweepRate, 1)} resources/s, ${round(sweep1.calls / sweep1.summary.listed)} calls/resource`,
        baseline: `scan --org --concurrency 8: ${round(org8.seconds, 1)} s`,
        ratio: `${round(sweep1.seconds / org8.seconds)}x the scan's time; ${round(sweep1.seconds / window, 3)} of the ${window} s a run may use`,
        // The Lambda's limit: one run must finish (it stops taking new units 20 s before; the rest are
        // reported not examined and the next run covers them).
        budget: `< ${window} s (Lambda's 15 min)`,
        ok: sweep1.seconds < window,
      },
      {
        figure: `central sweep, ${shape}, second run (all already decided)`,
        value: `${round(sweep2.seconds, 1)} s, ${round(sweep2.calls / Math.max(1, sweep2.summary.listed))} calls/resource`,
        baseline: `first run: ${round(sweep1.seconds, 1)} s`,
        ratio: `${round(sweep2.seconds / sweep1.seconds)}x the first run`,
        budget: "-",
        ok: null,
      },
    );
    const results = {
      orgSweep: {
        accounts,
        regions: REGIONS.length,
        resourcesPerAccountRegion: perUnit,
        first: {
          listed: sweep1.summary.listed,
          stopped: sweep1.summary.stopped,
          deleted: sweep1.summary.deleted,
          seconds: round(sweep1.seconds),
          calls: sweep1.calls,
        },
        second: {
          listed: sweep2.summary.listed,
          skipped: sweep2.summary.skipped,
          seconds: round(sweep2.seconds),
          calls: sweep2.calls,
        },
        resourcesPerSecond: round(sweepRate, 1),
        // At this rate, how many resources one run can decide and act on before the 880 s mark.
        resourcesPerRunAtThisRate: Math.floor(sweepRate * window),
      },
      orgScan: {
        accounts,
        regions: REGIONS.length,
        resourcesPerAccountRegion: perUnit,
        single: { resources: single.resources, seconds: round(single.seconds), calls: single.calls },
        concurrency1: { resources: org1.resources, seconds: round(org1.seconds), calls: org1.calls },
        concurrency8: { resources: org8.resources, seconds: round(org8.seconds), calls: org8.calls },
        callsPerResourceRatio: round(org8.perResource / single.perResource, 3),
        resourcesPerSecondRatio: round(org8.perSecond / single.perSecond, 3),
        concurrencySpeedUp: round(org1.seconds / org8.seconds, 2),
      },
    };
    return { rows, results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await emu.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { rows, results } = await benchOrgScan({ quick: process.argv.includes("--quick") });
  process.stdout.write(`${JSON.stringify({ rows, results }, null, 2)}\n`);
}
