import { DescribeTrainingJobCommand, ListTagsCommand } from "@aws-sdk/client-sagemaker";
import { guardRuntime } from "../../scripts/guard-runtime.js";
import type { LogPort } from "../../src/app/enforce.js";
import type { Runtime } from "../../src/wiring/runtime.js";
import { AlertInbox, clients, Fixtures } from "../support/aws.js";
import { type Emulator, startEmulator } from "../support/emulator.js";
import { sample, sampleFor } from "../support/events.js";
import { AsyncInvoker } from "../support/lambda-async.js";

/*
 * A burst of 1,000 mixed events through the handler code against the emulator, spread over several
 * "containers" (runtimes that share nothing), at the deployed concurrency. Every event must be
 * accounted for: acted on, ignored with a reason, or dead-lettered.
 */
const TOTAL = 1000;
const COMPLIANT = 300;
const VIOLATING = 300;
const DUPLICATES = 200;
const MALFORMED = 100;
const IGNORABLE = TOTAL - COMPLIANT - VIOLATING - DUPLICATES - MALFORMED;
const CONCURRENCY = 10;

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
}, 30_000);
afterAll(async () => emu?.stop());

it("accounts for every one of 1,000 mixed events: no compliant job stopped, no violation missed, one alert each", async () => {
  const aws = clients(emu.endpoint, 8);
  const fx = new Fixtures(aws.sm);
  const inbox = await new AlertInbox(aws.sns, aws.sqs).create("load-alerts");
  const invoker = await new AsyncInvoker(aws.sqs).createDeadLetterQueue("load-dlq");
  const reasons: string[] = [];
  const log: LogPort = {
    info: (m, e) => {
      if (m === "event handled" && e?.verdict === "IGNORED") reasons.push(String(e.reason));
    },
    warn() {},
    error() {},
  };
  const containers: Runtime[] = Array.from({ length: 4 }, () => {
    // Duplicates race their originals across containers: the record's conditional claims keep them apart.
    return guardRuntime(emu.endpoint, { GUARD_ALERT_TOPIC_ARN: inbox.topicArn }, { log, maxAttempts: 8 });
  });

  const events: unknown[] = [];
  for (let i = 0; i < COMPLIANT; i++) {
    const arn = await fx.trainingJob(`load-ok-${i}`, { isolated: true });
    events.push(sampleFor("CreateTrainingJob.isolated.json", `load-ok-${i}`, arn));
  }
  for (let i = 0; i < VIOLATING; i++) {
    const arn = await fx.trainingJob(`load-bad-${i}`);
    events.push(sampleFor("CreateTrainingJob.no-isolation.json", `load-bad-${i}`, arn));
  }
  for (let i = 0; i < DUPLICATES; i++) events.push(events[(i * 7) % (COMPLIANT + VIOLATING)]);
  for (let i = 0; i < MALFORMED; i++) {
    const kinds = [
      { nope: true },
      { "detail-type": "AWS API Call via CloudTrail", source: "aws.sagemaker", detail: "x" },
      "[]",
    ];
    events.push(kinds[i % kinds.length]);
  }
  const ignorable = [
    "CreateTrainingJob.failed-call.json",
    "DescribeTrainingJob.read-only.json",
    "PutObject.other-service.json",
  ];
  for (let i = 0; i < IGNORABLE; i++) events.push(sample(ignorable[i % ignorable.length] as string));
  // Shuffle deterministically so duplicates and originals interleave.
  for (let i = events.length - 1; i > 0; i--) {
    const j = (i * 7919) % (i + 1);
    [events[i], events[j]] = [events[j], events[i]];
  }
  expect(events).toHaveLength(TOTAL);

  const results = { handled: 0, deadLettered: 0 };
  let next = 0;
  let k = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < events.length) {
        const event = events[next++];
        const start = k++ % containers.length;
        const rotated = [...containers.slice(start), ...containers.slice(0, start)];
        const r = await invoker.invoke(rotated, event);
        if (r === "handled") results.handled++;
        else results.deadLettered++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;

  const alerts = await inbox.drain();
  const alertedNames = alerts.map((a) => JSON.parse(a.Message).resource.name as string);
  let compliantStopped = 0;
  let violationsMissed = 0;
  for (let i = 0; i < COMPLIANT; i++) {
    const job = await aws.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: `load-ok-${i}` }));
    if (job.TrainingJobStatus !== "InProgress") compliantStopped++;
  }
  for (let i = 0; i < VIOLATING; i++) {
    const job = await aws.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: `load-bad-${i}` }));
    const tags = await aws.sm.send(new ListTagsCommand({ ResourceArn: job.TrainingJobArn }));
    const status = tags.Tags?.find((t) => t.Key === "isolation-guard:status")?.Value;
    if (job.TrainingJobStatus !== "Stopped" || status !== "NON_COMPLIANT") violationsMissed++;
  }
  const counts = {
    events: TOTAL,
    handled: results.handled,
    ignoredWithReason: reasons.length,
    deadLettered: results.deadLettered,
    dlqDepth: await invoker.depth(),
    alerts: alerts.length,
    distinctAlerted: new Set(alertedNames).size,
    compliantStopped,
    violationsMissed,
    eventsPerSecond: Math.round(TOTAL / seconds),
  };
  process.stdout.write(`load: ${JSON.stringify(counts)}\n`);

  expect(results.handled + results.deadLettered).toBe(TOTAL);
  expect(results.deadLettered).toBe(MALFORMED);
  expect(counts.dlqDepth).toBe(MALFORMED);
  expect(reasons.length).toBe(IGNORABLE);
  expect(reasons.every((r) => r.length > 0)).toBe(true);
  expect(compliantStopped).toBe(0);
  expect(violationsMissed).toBe(0);
  expect(alerts).toHaveLength(VIOLATING);
  expect(new Set(alertedNames).size).toBe(VIOLATING);
}, 600_000);
