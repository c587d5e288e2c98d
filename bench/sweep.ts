/**
 * The sweep and scan at scale, against the emulator: resources/second and AWS calls per resource,
 * beside the emulator's raw call rate measured in the same run (absolute times on shared machines lie).
 * `bench/run.ts` wires it in; alone: `NODE_NO_WARNINGS=1 tsx bench/sweep.ts [--quick]`.
 */
import { pathToFileURL } from "node:url";
import { ListTagsCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { startEmulator } from "../scripts/emulator.js";
import { AlertInbox, clientConfig, clients, countCalls, Fixtures } from "../scripts/local-aws.js";
import { SageMakerLister } from "../src/adapters/sagemaker-list.js";
import { loadSweepConfig } from "../src/app/config-sweep.js";
import { mapPool } from "../src/sweep/pool.js";
import { SWEEP_TYPES, Sweeper } from "../src/sweep/sweep.js";
import { createSweepRuntime } from "../src/wiring/sweep-runtime.js";

/** One line of the bench's table (bench/run.ts prints them and writes them to bench/results.json). */
export interface Row {
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
  budget: string;
  ok: boolean | null;
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const log = (s: string) => process.stderr.write(`${s}\n`);

/** The account: 50% training jobs, 10% processing jobs, 30% models, 5% transform jobs, 5% endpoint configs + endpoints; half the jobs and models open. */
async function createResources(fx: Fixtures, total: number): Promise<number> {
  const n = (share: number) => Math.max(2, Math.round(total * share));
  const work: (() => Promise<unknown>)[] = [];
  for (let i = 0; i < n(0.5); i++) work.push(() => fx.trainingJob(`bench-sweep-train-${i}`, { isolated: i % 2 === 0 }));
  for (let i = 0; i < n(0.1); i++)
    work.push(() => fx.processingJob(`bench-sweep-proc-${i}`, { isolated: i % 2 === 0 }));
  for (let i = 0; i < n(0.3); i++) work.push(() => fx.model(`bench-sweep-model-${i}`, { isolated: i % 2 === 0 }));
  await mapPool(work, 8, (w) => w());
  const consumers: (() => Promise<unknown>)[] = [];
  for (let i = 0; i < n(0.05); i++)
    consumers.push(() => fx.transformJob(`bench-sweep-xform-${i}`, `bench-sweep-model-${(i * 2) % n(0.3)}`));
  for (let i = 0; i < n(0.025); i++)
    consumers.push(async () => {
      await fx.endpointConfig(`bench-sweep-cfg-${i}`, `bench-sweep-model-${(i * 2) % n(0.3)}`);
      await fx.endpoint(`bench-sweep-ep-${i}`, `bench-sweep-cfg-${i}`);
    });
  await mapPool(consumers, 8, (w) => w());
  return work.length + n(0.05) + 2 * n(0.025);
}

/**
 * The scheduled sweep's runtime against the emulator, with the deployed client settings (adaptive retry,
 * 8 attempts) and every call of every service (SageMaker, SNS, EC2, DynamoDB, CloudTrail) counted by
 * SDK middleware into `calls`.
 */
export function countedSweepRuntime(endpoint: string, aws: ReturnType<typeof clients>, topicArn: string) {
  const sm = new SageMakerClient({ ...clientConfig(endpoint, 8), retryMode: "adaptive" });
  const calls: string[] = [];
  countCalls([sm, aws.sns, aws.ec2, aws.ddb, aws.ct], calls);
  const rt = createSweepRuntime({
    log: { info() {}, warn: (m, e) => log(`${m} ${JSON.stringify(e)}`), error: (m) => log(m) },
    config: loadSweepConfig({
      AWS_REGION: "us-east-1",
      GUARD_ALERT_TOPIC_ARN: topicArn,
      GUARD_SWEEP_LOOKBACK_MINUTES: "0",
    }),
    clients: { sagemaker: sm, sns: aws.sns, ec2: aws.ec2, dynamodb: aws.ddb, cloudtrail: aws.ct },
  });
  return { sm, calls, rt };
}

/**
 * Starts the emulator, creates 2,000 resources (200 when `quick`), then measures a scan (decide only),
 * a first sweep (decides and acts on everything) and a second sweep (everything already decided).
 *
 * @example const { rows, results } = await benchSweep({ quick: true });
 */
export async function benchSweep(opts: { quick: boolean }): Promise<{ rows: Row[]; results: Record<string, unknown> }> {
  const rows: Row[] = [];
  const results: Record<string, unknown> = {};
  const emu = await startEmulator();
  try {
    const aws = clients(emu.endpoint, 3);
    const fx = new Fixtures(aws.sm);
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create("bench-sweep-alerts");
    const target = opts.quick ? 200 : 2000;
    log(`sweep: creating ${target} resources ...`);
    const created = await createResources(fx, target);

    const { sm, calls, rt } = countedSweepRuntime(emu.endpoint, aws, inbox.topicArn);
    const concurrency = rt.config.concurrency;

    const measure = async (label: string, fn: () => Promise<number>) => {
      calls.length = 0;
      const t = performance.now();
      const resources = await fn();
      const seconds = (performance.now() - t) / 1000;
      const perType: Record<string, number> = {};
      for (const c of calls) perType[c.replace(/Command$/, "")] = (perType[c.replace(/Command$/, "")] ?? 0) + 1;
      log(`  ${label}: ${resources} resources in ${round(seconds, 1)} s, ${calls.length} calls`);
      return { resources, seconds, calls: calls.length, perType };
    };

    log("sweep: scan (decide only) ...");
    const scan = await measure("scan", async () => {
      const sweeper = new Sweeper(rt.enforcer.deps, new SageMakerLister(sm), { concurrency, trigger: "scan" });
      const { resources } = await sweeper.list(SWEEP_TYPES, { runningJobsOnly: true });
      return (await sweeper.examine(resources, { dryRun: true, skipDecided: false })).length;
    });
    log("sweep: first sweep (decides and acts) ...");
    const first = await measure("first sweep", async () => (await rt.sweep()).listed);
    log("sweep: second sweep (everything already decided) ...");
    const second = await measure("second sweep", async () => (await rt.sweep()).listed);

    // Baseline: the emulator's raw rate for the same number of simple calls at the same concurrency.
    const raw = aws.sm;
    const arn = "arn:aws:sagemaker:us-east-1:123456789012:model/bench-sweep-model-0";
    const n = Math.min(first.calls, opts.quick ? 400 : 2000);
    const t = performance.now();
    await mapPool(
      Array.from({ length: n }, () => arn),
      concurrency,
      (a) => raw.send(new ListTagsCommand({ ResourceArn: a })),
    );
    const rawRate = n / ((performance.now() - t) / 1000);

    const alerts = (await inbox.drain()).length;
    const figure = (label: string, m: typeof scan, budget: string, ok: boolean | null) => {
      const perResource = m.calls / Math.max(1, m.resources);
      rows.push({
        figure: `${label}, ${m.resources} resources, concurrency ${concurrency}`,
        value: `${round(m.resources / m.seconds, 1)} resources/s, ${round(perResource)} calls/resource`,
        baseline: `emulator raw ${round(rawRate, 1)} calls/s`,
        ratio: `${round(m.calls / m.seconds / rawRate)} of raw call rate`,
        budget,
        ok,
      });
      return {
        resources: m.resources,
        seconds: round(m.seconds, 2),
        resourcesPerSecond: round(m.resources / m.seconds, 1),
        calls: m.calls,
        callsPerResource: round(perResource, 3),
        callsByOperation: m.perType,
      };
    };
    results.sweep = {
      created,
      concurrency,
      emulatorRawCallsPerSecond: round(rawRate, 1),
      alertsSent: alerts,
      // Listing pages + one Describe per resource (+ models for consumers) + the record, 100 keys a call.
      // No ListTags: tags are a label, never read (issue 12; 2.04 calls/resource before).
      scan: figure("scan (decide only)", scan, "<= 1.15 calls/resource", scan.calls / scan.resources <= 1.15),
      firstSweep: figure("first sweep (acts: stop/delete, alert, tag)", first, "-", null),
      secondSweep: figure(
        "second sweep (all decided: the record, 100 a call, and the listings)",
        second,
        "<= 0.2 calls/resource",
        second.calls / second.resources <= 0.2,
      ),
    };
  } finally {
    await emu.stop();
  }
  return { rows, results };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { rows, results } = await benchSweep({ quick: process.argv.includes("--quick") });
  process.stdout.write(`${JSON.stringify({ rows, results }, null, 2)}\n`);
}
