/**
 * `npm run bench`: the performance figures, each as a median over repeated runs and as a ratio to a
 * baseline measured in the same run (these machines are shared and noisy: absolute times lie).
 * Prints a table and writes bench/results.json (`--only=` refreshes some sections and keeps the rest);
 * `--quick` writes a scratch file in the temp directory instead, unless `--out=` says where.
 * Budgets are checked and reported, not asserted; the deterministic ones (bundle sizes) are also jest tests.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { AddTagsCommand, DescribeTrainingJobCommand, StopTrainingJobCommand } from "@aws-sdk/client-sagemaker";
import { PublishCommand } from "@aws-sdk/client-sns";
import Table from "cli-table3";
import { type Bundle, bundleHandlers } from "../scripts/bundle-handlers.js";
import { startEmulator } from "../scripts/emulator.js";
import { guardRuntime } from "../scripts/guard-runtime.js";
import { AlertInbox, clients, countCalls, emulatorEnv, Fixtures } from "../scripts/local-aws.js";
import { EVENTS_DIR, sample, sampleFor, stateChange } from "../scripts/sample-events.js";
import { readServerlessYml } from "../scripts/serverless-yml.js";
import { DEFAULT_RECORD_TABLE } from "../src/app/config.js";
import { decide } from "../src/core/decide.js";
import { normalizeEvent } from "../src/core/normalize.js";
import { DEFAULT_POLICY } from "../src/core/policy.js";
import { mapPool } from "../src/sweep/pool.js";
import { benchAllTypes } from "./all-types.js";
import { benchEgress } from "./egress.js";
import { benchOrgScan } from "./org.js";
import { benchSurfaces } from "./surfaces.js";
import { benchSweep, type Row } from "./sweep.js";

const ROOT = join(import.meta.dirname, "..");
const QUICK = process.argv.includes("--quick");
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

const rows: Row[] = [];
const results: Record<string, unknown> = {};
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Events/second for `fn` over the sample texts, median of `runs` time-boxed runs. */
function rate(texts: string[], fn: (t: string) => void, runs: number, ms: number): number {
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      for (const t of texts) fn(t);
      n += texts.length;
      now = performance.now();
    }
    rates.push(n / ((now - start) / 1000));
  }
  return median(rates);
}

function benchDecisionCore() {
  log("decision core: parse + decide vs JSON.parse ...");
  const texts = readdirSync(EVENTS_DIR)
    .filter((f) => f.endsWith(".json") && f !== "expected.json")
    .map((f) => readFileSync(join(EVENTS_DIR, f), "utf8"));
  const now = Date.now();
  const runs = QUICK ? 3 : 7;
  // Interleave so both see the same machine noise.
  const core: number[] = [];
  const parse: number[] = [];
  for (let i = 0; i < runs; i++) {
    parse.push(rate(texts, (t) => JSON.parse(t), 1, 300));
    core.push(rate(texts, (t) => decide(normalizeEvent(JSON.parse(t)), DEFAULT_POLICY, now), 1, 300));
  }
  // The same, from already-parsed objects: what the Lambda does (the runtime hands it a parsed event).
  const objects = texts.map((t) => JSON.parse(t));
  const decideOnly: number[] = [];
  for (let i = 0; i < runs; i++) {
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < 300) {
      for (const o of objects) decide(normalizeEvent(o), DEFAULT_POLICY, now);
      n += objects.length;
    }
    decideOnly.push(n / ((performance.now() - start) / 1000));
  }
  const d = median(decideOnly);
  rows.push({
    figure: "decision core (normalize + decide of a parsed event), events/s",
    value: Math.round(d).toLocaleString("en"),
    baseline: "-",
    ratio: "-",
    budget: ">= 100,000/s",
    ok: d >= 100_000,
  });
  const c = median(core);
  const p = median(parse);
  results.decisionCore = {
    eventsPerSecond: Math.round(c),
    jsonParsePerSecond: Math.round(p),
    ratio: round(c / p, 3),
    parsedEventsPerSecond: Math.round(d),
  };
  rows.push({
    figure: "decision core (parse + decide), events/s, one core",
    value: Math.round(c).toLocaleString("en"),
    baseline: `JSON.parse ${Math.round(p).toLocaleString("en")}/s`,
    ratio: `${round(c / p, 3)}`,
    budget: ">= 100,000/s",
    ok: c >= 100_000,
  });
}

/**
 * Raw package budget, KB: 400, and 460 for the functions that carry the record's DynamoDB client and
 * CloudTrail's as lazy chunks (loaded after the stop; README "Performance"). Same as bundle-size.test.ts.
 */
const rawBudget = (name: string) => (name === "slackNotifier" ? 400 : 460);

function benchBundles(bundles: Bundle[]) {
  log("bundle sizes ...");
  const sizes: Record<string, unknown> = {};
  for (const b of bundles) {
    sizes[b.name] = { rawBytes: b.rawBytes, zippedBytes: b.zippedBytes, loadedAtColdStartBytes: b.staticBytes };
    rows.push({
      figure: `bundle ${b.name} (raw / zipped; loaded at a cold start)`,
      value: `${round(b.rawBytes / 1024, 1)} KB / ${round(b.zippedBytes / 1024, 1)} KB; ${round(b.staticBytes / 1024, 1)} KB`,
      baseline: "-",
      ratio: `${round(b.rawBytes / (rawBudget(b.name) * 1024), 2)} / ${round(b.zippedBytes / (150 * 1024), 2)} / ${round(b.staticBytes / (340 * 1024), 2)} of budget`,
      budget: `<= ${rawBudget(b.name)} KB / 150 KB; <= 340 KB`,
      ok: b.rawBytes <= rawBudget(b.name) * 1024 && b.zippedBytes <= 150 * 1024 && b.staticBytes <= 340 * 1024,
    });
  }
  results.bundles = sizes;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
};

/**
 * Each handler bundle imported by a fresh `node` process, against `node -e 0`, the two interleaved so
 * each pair sees the same machine. The budget figure is the median load minus the median bare start;
 * the spread of the paired differences (p25-p75) shows how noisy the run was.
 */
function benchColdLoad(bundles: Bundle[]) {
  log("cold module load ...");
  const env = {
    PATH: process.env.PATH,
    AWS_REGION: "us-east-1",
    GUARD_ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:alerts",
    GUARD_SLACK_WEBHOOK_PARAMETER: "/isolation-guard/dev/slack-webhook",
    NODE_NO_WARNINGS: "1",
  };
  const time = (args: string[]) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { env, stdio: "ignore" });
    if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed`);
    return performance.now() - t;
  };
  const n = QUICK ? 7 : 31;
  const cold: Record<string, unknown> = {};
  // One warm-up each, so the first sample does not pay for the page cache.
  time(["-e", "0"]);
  for (const b of bundles) time(["--input-type=module", "-e", `await import(${JSON.stringify(b.file)})`]);
  for (const b of bundles) {
    const bare: number[] = [];
    const load: number[] = [];
    for (let i = 0; i < n; i++) {
      bare.push(time(["-e", "0"]));
      load.push(time(["--input-type=module", "-e", `await import(${JSON.stringify(b.file)})`]));
    }
    const extra = median(load) - median(bare);
    const paired = load.map((x, i) => x - (bare[i] as number));
    cold[b.name] = {
      runs: n,
      medianMs: round(median(load), 1),
      bareNodeMs: round(median(bare), 1),
      extraMs: round(extra, 1),
      pairedExtraMs: {
        p25: round(quantile(paired, 0.25), 1),
        median: round(median(paired), 1),
        p75: round(quantile(paired, 0.75), 1),
      },
    };
    rows.push({
      figure: `cold load ${b.name}, ms above bare node (p25-p75 of pairs)`,
      value: `${round(extra, 1)} ms (${round(quantile(paired, 0.25), 1)}-${round(quantile(paired, 0.75), 1)})`,
      baseline: `node -e 0: ${round(median(bare), 1)} ms`,
      ratio: `${round(median(load) / median(bare), 2)}x`,
      budget: "<= 50 ms above",
      ok: extra <= 50,
    });
  }
  results.coldLoad = cold;
}

/**
 * What the 50 ms load budget is for: a cold enforcer (fresh process, bundled handler) handed a violating
 * CreateTrainingJob event against the emulator. Times, from the process's own start: handler loaded, the
 * StopTrainingJob request arriving at the emulator, and the event fully handled (stop, alert, tag). Beside
 * it, in the same run: a bare `node -e 0` and the same Stop call made by an already warm SDK client.
 */
async function benchColdToStop(bundle: Bundle) {
  log("cold start to stop, against the emulator ...");
  const emu = await startEmulator();
  try {
    const aws = clients(emu.endpoint, 3);
    const fx = new Fixtures(aws.sm);
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create("bench-cold-alerts");
    const env = {
      PATH: process.env.PATH,
      NODE_NO_WARNINGS: "1",
      ...emulatorEnv(emu.endpoint),
      GUARD_ALERT_TOPIC_ARN: inbox.topicArn,
      AWS_LAMBDA_FUNCTION_NAME: "isolation-guard-bench-enforcer",
    };
    // The child reports on fd 3: the handler's logs and metrics own stdout.
    const child = `
      import { writeSync } from "node:fs";
      const { handler } = await import(${JSON.stringify(bundle.file)});
      const loaded = performance.now();
      const context = { awsRequestId: "bench", functionName: "enforcer", functionVersion: "$LATEST",
        invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:enforcer", memoryLimitInMB: "256",
        logGroupName: "bench", logStreamName: "bench", callbackWaitsForEmptyEventLoop: true,
        getRemainingTimeInMillis: () => 30000, done() {}, fail() {}, succeed() {} };
      const result = await handler(JSON.parse(process.env.BENCH_EVENT), context);
      const handled = performance.now();
      writeSync(3, JSON.stringify({ origin: performance.timeOrigin, loaded, handled, result }));`;
    const callTimes = async () =>
      (await (await fetch(`${emu.endpoint}/guard-api/call-times`)).json()) as Record<string, number>;
    const n = QUICK ? 5 : 15;
    const loaded: number[] = [];
    const stopped: number[] = [];
    const handled: number[] = [];
    const bare: number[] = [];
    const warmStop: number[] = [];
    for (let i = 0; i < n; i++) {
      const name = `bench-cold-${i}`;
      const arn = await fx.trainingJob(name);
      const event = sampleFor("CreateTrainingJob.no-isolation.json", name, arn);
      const r = spawnSync(process.execPath, ["--input-type=module", "-e", child], {
        env: { ...env, BENCH_EVENT: JSON.stringify(event) },
        stdio: ["ignore", "ignore", "pipe", "pipe"],
      });
      if (r.status !== 0) throw new Error(`cold handler run failed: ${r.stderr?.toString().slice(0, 2000)}`);
      const out = JSON.parse(String(r.output[3])) as {
        origin: number;
        loaded: number;
        handled: number;
        result: unknown;
      };
      const stopAt = (await callTimes())["sagemaker:StopTrainingJob"];
      if (stopAt === undefined)
        throw new Error(`no StopTrainingJob reached the emulator: ${JSON.stringify(out.result)}`);
      loaded.push(out.loaded);
      stopped.push(stopAt * 1000 - out.origin);
      handled.push(out.handled);
      let t = performance.now();
      spawnSync(process.execPath, ["-e", "0"], { env, stdio: "ignore" });
      bare.push(performance.now() - t);
      await fx.trainingJob(`bench-warm-${i}`);
      t = performance.now();
      await aws.sm.send(new StopTrainingJobCommand({ TrainingJobName: `bench-warm-${i}` }));
      warmStop.push(performance.now() - t);
    }
    const alerts = await inbox.drain();
    results.coldToStop = {
      runs: n,
      loadedMs: round(median(loaded), 1),
      stopReceivedMs: round(median(stopped), 1),
      handledMs: round(median(handled), 1),
      bareNodeMs: round(median(bare), 1),
      warmStopCallMs: round(median(warmStop), 1),
      alertsReceived: alerts.length,
    };
    rows.push({
      figure: "cold enforcer: process start -> stop reaches AWS (loaded / whole event)",
      value: `${round(median(stopped), 1)} ms (${round(median(loaded), 1)} / ${round(median(handled), 1)} ms)`,
      baseline: `node -e 0 ${round(median(bare), 1)} ms; warm Stop call ${round(median(warmStop), 1)} ms`,
      ratio: `${round(median(stopped) / median(bare), 2)}x bare node`,
      budget: "-",
      ok: alerts.length === n ? null : false,
    });
  } finally {
    await emu.stop();
  }
}

/**
 * The burst's concurrency: `--concurrency=N`, else serverless.yml's `reservedConcurrency` parameter (the
 * deployed cap on concurrent enforcer executions), else 10 when none is reserved (Lambda then scales with
 * the burst; 10 concurrent handlers is what this 2-core machine can drive without measuring itself).
 */
function burstConcurrency(): { concurrency: number; concurrencySource: string } {
  const flag = process.argv.find((a) => a.startsWith("--concurrency="))?.slice(14);
  if (flag) {
    const n = Number(flag);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--concurrency must be a positive integer, got "${flag}"`);
    return { concurrency: n, concurrencySource: "--concurrency" };
  }
  const reserved = Number(readServerlessYml().params.default.reservedConcurrency ?? 0);
  if (Number.isInteger(reserved) && reserved > 0)
    return { concurrency: reserved, concurrencySource: "serverless.yml reservedConcurrency" };
  return { concurrency: 10, concurrencySource: "default (serverless.yml reserves none)" };
}

async function benchAgainstEmulator() {
  log("against the emulator: calls per verdict, handler overhead, throughput ...");
  const emu = await startEmulator();
  try {
    const aws = clients(emu.endpoint, 3);
    const fx = new Fixtures(aws.sm);
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create();
    const calls: string[] = [];
    countCalls([aws.sm, aws.sns, aws.ddb, aws.ct], calls);
    /** The baseline for bursts: `n` plain AddTags calls over `arns` at the same concurrency, straight to the emulator. */
    const rawTagCalls = (arns: string[], n: number, concurrency: number) =>
      mapPool(
        Array.from({ length: n }, (_, i) => arns[i % arns.length] as string),
        concurrency,
        (arn) => aws.sm.send(new AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: "k", Value: "v" }] })),
      );
    const runtimeWith = (env: Record<string, string> = {}) =>
      guardRuntime(
        emu.endpoint,
        { GUARD_ALERT_TOPIC_ARN: inbox.topicArn, ...env },
        { clients: { sagemaker: aws.sm, sns: aws.sns, dynamodb: aws.ddb, cloudtrail: aws.ct, ec2: aws.ec2 } },
      );
    const rt = runtimeWith();

    // Calls per event, by verdict, counted by SDK middleware.
    const exemptRt = runtimeWith({
      GUARD_POLICY_JSON: JSON.stringify({
        exemptions: [{ resourceName: "bench-exempt-*", expires: "2099-12-31", reason: "bench: an exempt job" }],
      }),
    });
    const auditRt = runtimeWith({ GUARD_MODE: "audit" });
    const jobEvent = async (file: string, name: string, isolated: boolean) =>
      sampleFor(file, name, await fx.trainingJob(name, { isolated }));
    const untilRemedy = (c: string[], remedy: string) => c.indexOf(remedy) + 1;
    // The record (DynamoDB) is written after the remedy, never before it: nothing of it delays the stop.
    const recordAfter = (c: string[], remedy: string) => c.slice(0, c.indexOf(remedy)).every((x) => !/Item$/.test(x));
    // An inference component running its own container on an endpoint whose config is (not) isolated.
    const componentEvent = async (endpoint: string, isolated: boolean) => {
      await fx.componentEndpointConfig(`${endpoint}-config`, { isolated });
      await fx.endpoint(endpoint, `${endpoint}-config`);
      await emu.setJobStatus("endpoint", endpoint, "InService");
      const arn = await fx.containerComponent(`${endpoint}-ic`, endpoint);
      return sampleFor("CreateInferenceComponent.own-container.json", `${endpoint}-ic`, arn, (p) => {
        p.endpointName = endpoint;
      });
    };
    const configEvent = async (file: string, name: string, isolated: boolean) =>
      sampleFor(file, name, await fx.componentEndpointConfig(name, { isolated }));
    const specs: {
      key: string;
      figure: string;
      runtime: typeof rt;
      event: unknown;
      budget: string;
      ok: (c: string[]) => boolean | null;
      remedy?: string;
    }[] = [
      {
        key: "compliant",
        figure: "compliant job (describe, label, record)",
        runtime: rt,
        event: await jobEvent("CreateTrainingJob.isolated.json", "bench-compliant", true),
        budget: "<= 3",
        ok: (c) => c.length <= 3,
      },
      {
        key: "exempt",
        figure: "exempt job (policy exemption)",
        runtime: exemptRt,
        event: await jobEvent("CreateTrainingJob.no-isolation.json", "bench-exempt-1", false),
        budget: "<= 3",
        ok: (c) => c.length <= 3,
      },
      {
        key: "violating",
        figure: "violating job (until stop / total; the record after the stop)",
        runtime: rt,
        event: await jobEvent("CreateTrainingJob.no-isolation.json", "bench-violating", false),
        budget: "<= 2 / <= 7",
        ok: (c) => untilRemedy(c, "StopTrainingJob") <= 2 && recordAfter(c, "StopTrainingJob") && c.length <= 7,
        remedy: "StopTrainingJob",
      },
      {
        key: "violatingAudit",
        figure: "violating job, audit mode",
        runtime: auditRt,
        event: await jobEvent("CreateTrainingJob.no-isolation.json", "bench-audit", false),
        budget: "<= 6, no stop",
        ok: (c) => !c.includes("StopTrainingJob") && c.length <= 6,
      },
      {
        key: "violatingModel",
        figure: "violating model (until delete / total)",
        runtime: rt,
        event: sampleFor("CreateModel.no-isolation.json", "bench-open-model", await fx.model("bench-open-model")),
        budget: "<= 2 / <= 6",
        ok: (c) => untilRemedy(c, "DeleteModel") <= 2 && recordAfter(c, "DeleteModel") && c.length <= 6,
        remedy: "DeleteModel",
      },
      {
        key: "violatingComponent",
        figure: "inference component with its own container, config not isolated (until delete / total)",
        runtime: rt,
        event: await componentEvent("bench-open-host", false),
        // Verify first: the component, its endpoint and that endpoint's config are described.
        budget: "4 / <= 8",
        ok: (c) =>
          untilRemedy(c, "DeleteInferenceComponent") === 4 &&
          recordAfter(c, "DeleteInferenceComponent") &&
          c.length <= 8,
        remedy: "DeleteInferenceComponent",
      },
      {
        key: "compliantComponent",
        figure: "inference component with its own container, isolated config",
        runtime: rt,
        event: await componentEvent("bench-closed-host", true),
        budget: "<= 5",
        ok: (c) => !c.includes("DeleteInferenceComponent") && c.length <= 5,
      },
      {
        key: "violatingEndpointConfig",
        figure: "endpoint config for inference components, isolation left out",
        runtime: rt,
        event: await configEvent("CreateEndpointConfig.components-not-isolated.json", "bench-open-config", false),
        budget: "<= 6, one describe",
        ok: (c) => c.filter((x) => x.startsWith("Describe")).length === 1 && c.length <= 6,
      },
      {
        key: "compliantEndpointConfig",
        figure: "endpoint config for inference components, isolated",
        runtime: rt,
        event: await configEvent("CreateEndpointConfig.components-isolated.json", "bench-closed-config", true),
        budget: "<= 3",
        ok: (c) => c.length <= 3,
      },
      {
        key: "ignored",
        figure: "event of another service",
        runtime: rt,
        event: sample("PutObject.other-service.json"),
        budget: "0",
        ok: (c) => c.length === 0,
      },
      {
        key: "stateChange",
        figure: "state change of a job whose create event was lost",
        runtime: rt,
        event: stateChange(
          "SageMakerTrainingJobStateChange.in-progress.json",
          "bench-state-change",
          await fx.trainingJob("bench-state-change", { isolated: false }),
        ),
        budget: "-",
        ok: () => null,
        remedy: "StopTrainingJob",
      },
    ];
    const cases: ((typeof specs)[number] & { calls: string[] })[] = [];
    for (const spec of specs) {
      calls.length = 0;
      await spec.runtime.handle(spec.event);
      cases.push({ ...spec, calls: calls.map((x) => x.replace(/Command$/, "")) });
    }
    const violating = cases.find((c) => c.key === "violating")?.calls ?? [];
    results.callsPerEvent = {
      ...Object.fromEntries(cases.map((c) => [c.key, c.calls])),
      violatingBeforeStopLands: untilRemedy(violating, "StopTrainingJob"),
    };
    for (const c of cases)
      rows.push({
        figure: `AWS calls, ${c.figure}`,
        value: `${c.remedy ? `${untilRemedy(c.calls, c.remedy)} / ` : ""}${c.calls.length} (${c.calls.join(", ") || "none"})`,
        baseline: "-",
        ratio: "-",
        budget: c.budget,
        ok: c.ok(c.calls),
      });

    // Handler overhead: the handler vs the same unavoidable calls made directly, interleaved (since issue 12
    // these are seven: the describe that verifies the event and the record's three writes included).
    const n = QUICK ? 10 : 30;
    const viaHandler: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = await fx.trainingJob(`bench-h-${i}`);
      const event = sampleFor("CreateTrainingJob.no-isolation.json", `bench-h-${i}`, a);
      let t = performance.now();
      await rt.handle(event);
      viaHandler.push(performance.now() - t);
      const b = await fx.trainingJob(`bench-d-${i}`);
      // The same seven calls, in the same order: verify, stop, claim, alert, complete, label, record.
      const key = (k: string) => ({ pk: { S: `bench#${i}#${k}` } });
      t = performance.now();
      await aws.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: `bench-d-${i}` }));
      await aws.sm.send(new StopTrainingJobCommand({ TrainingJobName: `bench-d-${i}` }));
      await aws.ddb.send(
        new PutItemCommand({
          TableName: DEFAULT_RECORD_TABLE,
          Item: key("claim"),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      await aws.sns.send(new PublishCommand({ TopicArn: inbox.topicArn, Message: "x" }));
      const update = (k: string) =>
        aws.ddb.send(
          new UpdateItemCommand({
            TableName: DEFAULT_RECORD_TABLE,
            Key: key(k),
            UpdateExpression: "SET v = :v",
            ExpressionAttributeValues: { ":v": { S: "x" } },
          }),
        );
      await update("claim");
      await aws.sm.send(new AddTagsCommand({ ResourceArn: b, Tags: [{ Key: "k", Value: "v" }] }));
      await update("record");
      direct.push(performance.now() - t);
    }
    const overhead = median(viaHandler) / median(direct);
    results.handlerOverhead = {
      handlerMs: round(median(viaHandler)),
      directSdkMs: round(median(direct)),
      ratio: round(overhead),
    };
    rows.push({
      figure: "violating event: handler vs direct SDK calls",
      value: `${round(median(viaHandler), 1)} ms`,
      baseline: `direct ${round(median(direct), 1)} ms`,
      ratio: `${round(overhead)}`,
      budget: "<= 1.3",
      ok: overhead <= 1.3,
    });

    // "A team launching fifty jobs": 50 violating jobs arrive at once; when does each stop land, counted
    // from the burst's start, at the configured concurrency (the Lambda's parallel executions)?
    {
      const { concurrency } = burstConcurrency();
      const team = 50;
      const repeatsTeam = QUICK ? 1 : 3;
      const lastStop: number[] = [];
      const medianStop: number[] = [];
      const rawTimes: number[] = [];
      for (let r = 0; r < repeatsTeam; r++) {
        await inbox.drain();
        const events: unknown[] = [];
        const arns: string[] = [];
        for (let i = 0; i < team; i++) {
          const name = `bench-team-${r}-${i}`;
          arns.push(await fx.trainingJob(name));
          events.push(sampleFor("CreateTrainingJob.no-isolation.json", name, arns[i] as string));
        }
        const start = performance.now();
        const stopTimes = (await mapPool(events, concurrency, async (event) => {
          const outcome = await rt.handle(event);
          if (outcome.remedy !== "stopped") throw new Error(`a team job was not stopped: ${JSON.stringify(outcome)}`);
          return performance.now() - start;
        })) as number[];
        lastStop.push(Math.max(...stopTimes));
        medianStop.push(median(stopTimes));
        // Baseline: the emulator answering the same number of calls (3 per job) at the same concurrency.
        const t0 = performance.now();
        await rawTagCalls(arns, team * 3, concurrency);
        rawTimes.push(performance.now() - t0);
      }
      results.teamBurst = {
        jobs: team,
        concurrency,
        repeats: repeatsTeam,
        lastHandledMs: round(median(lastStop), 1),
        medianHandledMs: round(median(medianStop), 1),
        emulatorSameCallsMs: round(median(rawTimes), 1),
      };
      rows.push({
        figure: `${team} violating jobs at once, concurrency ${concurrency}: every one stopped, alerted, tagged within`,
        value: `${round(median(lastStop), 1)} ms (median job ${round(median(medianStop), 1)} ms)`,
        baseline: `the emulator answers the same ${team * 3} calls in ${round(median(rawTimes), 1)} ms`,
        ratio: `${round(median(lastStop) / median(rawTimes), 2)}`,
        budget: "-",
        ok: null,
      });
    }

    // Throughput: bursts through the handler at the configured concurrency, each followed by the
    // emulator's raw rate for as many plain AddTags calls at the same concurrency (the baseline).
    const burst = QUICK ? 200 : 1000;
    const repeats = QUICK ? 1 : 3;
    const { concurrency, concurrencySource } = burstConcurrency();
    const eventRates: number[] = [];
    const rawRates: number[] = [];
    const callRatios: number[] = [];
    let callsMade = 0;
    for (let r = 0; r < repeats; r++) {
      // Alerts are consumed between bursts, as a subscriber would (a growing queue slows the emulator).
      await inbox.drain();
      log(`  burst ${r + 1}/${repeats}: creating ${burst} jobs ...`);
      const events: unknown[] = [];
      const arns: string[] = [];
      for (let i = 0; i < burst; i++) {
        const compliantJob = i % 2 === 0;
        const name = `bench-burst-${r}-${i}`;
        const arn = await fx.trainingJob(name, { isolated: compliantJob });
        arns.push(arn);
        events.push(
          sampleFor(
            compliantJob ? "CreateTrainingJob.isolated.json" : "CreateTrainingJob.no-isolation.json",
            name,
            arn,
          ),
        );
      }
      calls.length = 0;
      let t = performance.now();
      await mapPool(events, concurrency, (e) => rt.handle(e));
      const burstSeconds = (performance.now() - t) / 1000;
      callsMade = calls.length;
      t = performance.now();
      await rawTagCalls(arns, callsMade, concurrency);
      const rawSeconds = (performance.now() - t) / 1000;
      eventRates.push(burst / burstSeconds);
      rawRates.push(callsMade / rawSeconds);
      callRatios.push(callsMade / burstSeconds / (callsMade / rawSeconds));
    }
    const eventsPerSecond = median(eventRates);
    const rawCallsPerSecond = median(rawRates);
    results.throughput = {
      events: burst,
      bursts: repeats,
      concurrency,
      concurrencySource,
      eventsPerSecond: round(eventsPerSecond, 1),
      eventsPerSecondEachBurst: eventRates.map((x) => round(x, 1)),
      awsCallsPerBurst: callsMade,
      emulatorRawCallsPerSecond: round(rawCallsPerSecond, 1),
      handlerCallRateVsRaw: round(median(callRatios)),
    };
    rows.push({
      figure: `burst of ${burst} events (half violating), concurrency ${concurrency}, median of ${repeats}`,
      value: `${round(eventsPerSecond, 1)} events/s`,
      baseline: `emulator raw ${round(rawCallsPerSecond, 1)} calls/s`,
      ratio: `${round(median(callRatios))} of raw call rate`,
      budget: "-",
      ok: null,
    });
  } finally {
    await emu.stop();
  }
}

const SECTIONS = ["core", "bundle", "cold", "emulator", "surfaces", "sweep", "egress", "org"] as const;
type Section = (typeof SECTIONS)[number];
interface SectionRun {
  date: string;
  quick: boolean;
  node: string;
  resultKeys: string[];
  rows: Row[];
  /** The machine's 1/5/15-minute load averages as the section started and ended (these machines are shared). */
  load?: { start: number[]; end: number[] };
}
interface ResultsFile {
  machine: Record<string, unknown>;
  results: Record<string, unknown>;
  sections: Partial<Record<Section, SectionRun>>;
  rows: Row[];
}

async function main() {
  const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);
  const chosen = only ? only.split(",") : [...SECTIONS];
  const unknown = chosen.filter((k) => !(SECTIONS as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw new Error(`--only: unknown section(s) ${unknown.join(", ")}; known: ${SECTIONS.join(", ")}`);
  const want = (k: Section) => chosen.includes(k);
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? "?",
    node: process.version,
    date: new Date().toISOString(),
  };
  const ran: Partial<Record<Section, SectionRun>> = {};
  const section = async (name: Section, run: () => unknown) => {
    const keys = new Set(Object.keys(results));
    const firstRow = rows.length;
    const start = loadavg().map((x) => round(x));
    await run();
    ran[name] = {
      date: new Date().toISOString(),
      quick: QUICK,
      node: process.version,
      resultKeys: Object.keys(results).filter((k) => !keys.has(k)),
      rows: rows.slice(firstRow),
      load: { start, end: loadavg().map((x) => round(x)) },
    };
  };

  if (want("core")) await section("core", benchDecisionCore);
  if (want("bundle") || want("cold")) {
    const bundles = await bundleHandlers(join(tmpdir(), "isolation-guard-bench"));
    if (want("bundle")) await section("bundle", () => benchBundles(bundles));
    if (want("cold"))
      await section("cold", async () => {
        benchColdLoad(bundles);
        await benchColdToStop(bundles.find((b) => b.name === "enforcer") as Bundle);
      });
  }
  if (want("emulator")) await section("emulator", benchAgainstEmulator);
  if (want("surfaces"))
    await section("surfaces", async () => {
      const s = await benchSurfaces();
      rows.push(...s.rows);
      Object.assign(results, s.results);
      const all = await benchAllTypes({ quick: QUICK });
      rows.push(...all.rows);
      Object.assign(results, all.results);
    });
  if (want("sweep"))
    await section("sweep", async () => {
      const s = await benchSweep({ quick: QUICK });
      rows.push(...s.rows);
      Object.assign(results, s.results);
    });
  if (want("egress"))
    await section("egress", async () => {
      const s = await benchEgress({ quick: QUICK });
      rows.push(...s.rows);
      Object.assign(results, s.results);
    });

  if (want("org"))
    await section("org", async () => {
      const o = await benchOrgScan({ quick: QUICK });
      rows.push(...o.rows);
      Object.assign(results, o.results);
    });

  const table = new Table({
    head: ["figure", "value", "baseline (same run)", "ratio", "budget", "ok"],
    style: { head: [], border: [] },
  });
  for (const r of rows)
    table.push([r.figure, r.value, r.baseline, r.ratio, r.budget, r.ok === null ? "-" : r.ok ? "yes" : "NO"]);
  process.stdout.write(
    `${table.toString()}\nmachine: ${machine.cpus} x ${machine.cpu}, node ${machine.node}; load ${Object.entries(ran)
      .map(([name, r]) => `${name} ${r.load?.start.join("/")} -> ${r.load?.end.join("/")}`)
      .join(", ")}\n`,
  );

  // `--only` refreshes its sections and keeps the others from the last run; each section says when it ran.
  // A quick run is a smoke test, not figures to keep: it never overwrites the committed full run unless
  // --out names that file on purpose.
  const file =
    process.argv.find((a) => a.startsWith("--out="))?.slice(6) ??
    (QUICK ? join(tmpdir(), "isolation-guard-bench-quick.json") : join(ROOT, "bench/results.json"));
  const previous: Partial<ResultsFile> = only && existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  const sections: Partial<Record<Section, SectionRun>> = {};
  const merged: Record<string, unknown> = {};
  for (const name of SECTIONS) {
    const run = ran[name] ?? previous.sections?.[name];
    if (!run) continue;
    sections[name] = run;
    const from = ran[name] ? results : (previous.results ?? {});
    for (const k of run.resultKeys) merged[k] = from[k];
  }
  const out: ResultsFile = {
    machine,
    results: merged,
    sections,
    rows: SECTIONS.flatMap((name) => sections[name]?.rows ?? []),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  if (only) log(`${file}: refreshed ${chosen.join(", ")}; other sections kept from their last run`);
  else log(`wrote ${file}${QUICK ? " (--quick: a scratch file; bench/results.json keeps the last full run)" : ""}`);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
