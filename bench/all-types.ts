/**
 * A read-only scan of an account that uses every resource type the guard knows (one row each of
 * src/core/resource-types.ts), against the emulator: AWS calls per resource, all services counted
 * (SageMaker, EC2 for the route tables, the record's DynamoDB, CloudTrail, SNS), beside issue 12's
 * budget of 1.15 calls per resource (the floor is one Describe each). `bench/run.ts` wires it into the
 * `surfaces` section; alone: `NODE_NO_WARNINGS=1 tsx bench/all-types.ts [--quick]`.
 */
import { pathToFileURL } from "node:url";
import { type Emulator, startEmulator } from "../scripts/emulator.js";
import {
  AlertInbox,
  clients,
  Fixtures,
  inlineMonitoring,
  type MonitoringKind,
  Networks,
  namedMonitoring,
  PYTORCH_IMAGE,
} from "../scripts/local-aws.js";
import { SageMakerLister } from "../src/adapters/sagemaker-list.js";
import { RESOURCE_TYPE_NAMES, RESOURCE_TYPES, type ResourceType } from "../src/core/resource-types.js";
import { mapPool } from "../src/sweep/pool.js";
import { Sweeper } from "../src/sweep/sweep.js";
import { countedSweepRuntime, type Row } from "./sweep.js";

/** Issue 12: a read-only scan makes at most 1.15 AWS calls per resource, all services counted. */
export const SCAN_CALLS_PER_RESOURCE_BUDGET = 1.15;

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Account {
  fx: Fixtures;
  emu: Emulator;
  /** How many of each type (the last stage's consumers name resources of earlier stages by index). */
  n: number;
  /** A private subnet (main route table, S3 endpoint) and a public one (0.0.0.0/0 to an internet gateway). */
  privateSubnet: string;
  publicSubnet: string;
  vpcId: string;
}

/**
 * How the account gets `n` resources of a type, the `i`-th one "open" (breaking the default policy) when
 * `i` is odd. `stage`: types that name resources of an earlier stage (a transform job its model) come
 * after them. A `Record` over every type: a new row in the type table does not compile until it says
 * how the bench creates it, so the scan always covers every type.
 */
const MAKERS: Record<
  ResourceType,
  { stage: number; make: (a: Account, i: number, open: boolean) => Promise<unknown> }
> = {
  "training-job": { stage: 0, make: (a, i, open) => a.fx.trainingJob(`all-train-${i}`, { isolated: !open }) },
  "hyper-parameter-tuning-job": {
    stage: 0,
    make: (a, i, open) => a.fx.tuningJob(`all-tune-${i}`, { isolated: !open }),
  },
  "processing-job": {
    stage: 0,
    make: (a, i, open) => a.fx.processingJob(`all-proc-${i}`, { isolated: !open }),
  },
  model: { stage: 0, make: (a, i, open) => a.fx.model(`all-model-${i}`, { isolated: !open }) },
  "notebook-instance": {
    stage: 0,
    // Open: direct internet access; closed: VPC only, in the private subnet.
    make: async (a, i, open) => {
      await a.fx.notebook(`all-nb-${i}`, open ? "Enabled" : "Disabled", { vpc: [a.privateSubnet] });
      await a.emu.setJobStatus("notebook-instance", `all-nb-${i}`, "InService");
    },
  },
  domain: {
    stage: 0,
    make: (a, i, open) =>
      a.fx.domain(`all-studio-${i}`, open ? "PublicInternetOnly" : "VpcOnly", {
        vpc: [a.privateSubnet],
        vpcId: a.vpcId,
      }),
  },
  // Open: in the public subnet (its routes reach the internet); closed: in the private one.
  cluster: {
    stage: 0,
    make: (a, i, open) => a.fx.cluster(`all-hp-${i}`, { vpc: [open ? a.publicSubnet : a.privateSubnet] }),
  },
  "automl-job": {
    stage: 0,
    make: (a, i, open) => a.fx.automlJob(`all-automl-${i}`, { vpc: [open ? a.publicSubnet : a.privateSubnet] }),
  },
  "compilation-job": {
    stage: 0,
    make: (a, i, open) => a.fx.compilationJob(`all-neo-${i}`, { vpc: [open ? a.publicSubnet : a.privateSubnet] }),
  },
  "labeling-job": {
    stage: 0,
    // A new labeling job is Initializing: the running-only listing lists Initializing and InProgress, so
    // half stay Initializing and half are moved on (open and closed ones alike), and all are swept.
    make: async (a, i, open) => {
      await a.fx.labelingJob(`all-label-${i}`, { vpc: [open ? a.publicSubnet : a.privateSubnet] });
      if (i % 4 >= 2) await a.emu.setJobStatus("labeling-job", `all-label-${i}`, "InProgress");
    },
  },
  "optimization-job": {
    stage: 0,
    make: (a, i, open) => a.fx.optimizationJob(`all-opt-${i}`, open ? {} : { vpc: [a.privateSubnet] }),
  },
  "data-quality-job-definition": definition("DataQuality"),
  "model-quality-job-definition": definition("ModelQuality"),
  "model-bias-job-definition": definition("ModelBias"),
  "model-explainability-job-definition": definition("ModelExplainability"),
  // Half inline, half naming the data-quality definition of the same index (open ones are not isolated).
  "monitoring-schedule": {
    stage: 1,
    make: async (a, i, open) => {
      const name = `all-schedule-${i}`;
      await a.fx.monitoringSchedule(
        name,
        i % 4 < 2 ? namedMonitoring(`all-DataQuality-${i}`) : inlineMonitoring({ EnableNetworkIsolation: !open }),
      );
      await a.emu.setJobStatus("monitoring-schedule", name, "Scheduled");
    },
  },
  "transform-job": {
    stage: 1,
    make: (a, i) => a.fx.transformJob(`all-xform-${i}`, `all-model-${i}`),
  },
  "inference-recommendations-job": {
    stage: 1,
    make: (a, i) => a.fx.recommendationsJob(`all-rec-${i}`, `all-model-${i}`, { vpc: [a.privateSubnet] }),
  },
  // Every tenth config hosts inference components (no model of its own, isolated when its index is even).
  "endpoint-config": {
    stage: 1,
    make: (a, i) =>
      i % 10 === 0
        ? a.fx.componentEndpointConfig(`all-cfg-${i}`, { isolated: i % 20 === 0 })
        : a.fx.endpointConfig(`all-cfg-${i}`, `all-model-${i}`),
  },
  endpoint: { stage: 2, make: (a, i) => a.fx.endpoint(`all-ep-${i}`, `all-cfg-${i}`) },
  // On the component endpoints (every tenth), half with a model of their own, half with a container.
  "inference-component": {
    stage: 3,
    make: (a, i) => {
      const host = `all-ep-${(i % Math.ceil(a.n / 10)) * 10}`;
      return i % 2
        ? a.fx.inferenceComponent(`all-ic-${i}`, host, `all-model-${i}`)
        : a.fx.containerComponent(`all-ic-${i}`, host, PYTORCH_IMAGE);
    },
  },
};

function definition(kind: MonitoringKind): (typeof MAKERS)[ResourceType] {
  return {
    stage: 0,
    make: (a, i, open) =>
      a.fx.monitoringDefinition(kind, `all-${kind}-${i}`, open ? undefined : { EnableNetworkIsolation: true }),
  };
}

/** Creates `perType` resources of every type in the table, stage by stage; returns how many were made. */
async function createAccount(a: Account): Promise<number> {
  const types = [...RESOURCE_TYPE_NAMES];
  let made = 0;
  for (const stage of [...new Set(types.map((t) => MAKERS[t].stage))].sort()) {
    const work = types
      .filter((t) => MAKERS[t].stage === stage)
      .flatMap((t) => Array.from({ length: a.n }, (_, i) => () => MAKERS[t].make(a, i, i % 2 === 1)));
    await mapPool(work, 8, (w) => w());
    made += work.length;
  }
  return made;
}

/**
 * Starts the emulator, spreads 2,000 resources (quick: 400) evenly over every type of the type table,
 * then scans them once, read-only (`scan` without `--fix`: list, the record 100 a call, decide), and
 * counts every AWS call. Per type: listed resources, verdicts, and the calls its listing and describes
 * made (shared describes, models and route tables, are counted once, where they were made).
 *
 * @example const { rows, results } = await benchAllTypes({ quick: true });
 */
export async function benchAllTypes(opts: {
  quick: boolean;
}): Promise<{ rows: Row[]; results: Record<string, unknown> }> {
  const types = [...RESOURCE_TYPE_NAMES];
  const total = opts.quick ? 400 : 2000;
  const n = Math.max(2, Math.floor(total / types.length));
  const emu = await startEmulator();
  try {
    const aws = clients(emu.endpoint, 3);
    const net = new Networks(aws.ec2);
    const privateNet = await net.vpc("private");
    const publicNet = await net.vpc("internet-gateway");
    log(`all types: creating ${n} of each of ${types.length} types ...`);
    const t0 = performance.now();
    const created = await createAccount({
      fx: new Fixtures(aws.sm),
      emu,
      n,
      privateSubnet: privateNet.subnetId,
      publicSubnet: publicNet.subnetId,
      vpcId: privateNet.vpcId,
    });
    log(`  created ${created} in ${round((performance.now() - t0) / 1000, 1)} s`);

    const inbox = await new AlertInbox(aws.sns, aws.sqs).create("bench-all-types-alerts");
    const { sm, calls, rt } = countedSweepRuntime(emu.endpoint, aws, inbox.topicArn);
    const concurrency = rt.config.concurrency;
    const sweeper = new Sweeper(rt.enforcer.deps, new SageMakerLister(sm), { concurrency, trigger: "scan" });

    calls.length = 0;
    const t = performance.now();
    const listed = await sweeper.list(types, { runningJobsOnly: true });
    const listCalls = calls.length;
    const items = await sweeper.examine(listed.resources, { dryRun: true, skipDecided: false });
    const seconds = (performance.now() - t) / 1000;
    const byOperation: Record<string, number> = {};
    for (const c of calls) {
      const op = c.replace(/Command$/, "");
      byOperation[op] = (byOperation[op] ?? 0) + 1;
    }
    const perType = Object.fromEntries(
      types.map((type) => {
        const mine = items.filter((x) => x.type === type);
        const verdicts: Record<string, number> = {};
        for (const x of mine) verdicts[x.verdict] = (verdicts[x.verdict] ?? 0) + 1;
        // Its own operations (the List pages and the Describes of its type): shared calls (the record,
        // route tables, a model or definition described for a consumer) are counted where they were made.
        const { operation } = RESOURCE_TYPES[type].api.list;
        const own = (byOperation[operation] ?? 0) + (byOperation[RESOURCE_TYPES[type].api.describe] ?? 0);
        return [
          type,
          {
            created: n,
            listed: mine.length,
            verdicts,
            ownCalls: own,
            ownCallsPerResource: round(own / Math.max(1, mine.length), 3),
          },
        ];
      }),
    );
    const perResource = calls.length / Math.max(1, items.length);
    const missing = types.filter((type) => !items.some((x) => x.type === type));
    const errors = items.filter((x) => x.verdict === "ERROR").length + listed.errors.length;
    const ec2Calls = calls.filter((c) => c.startsWith("Describe") && /Subnets|RouteTables/.test(c)).length;
    log(
      `  scan: ${items.length} resources in ${round(seconds, 1)} s, ${calls.length} calls (${round(perResource, 3)}/resource)`,
    );
    const rows: Row[] = [
      {
        figure: `read-only scan of ${items.length} resources over all ${types.length} types (${n} each), concurrency ${concurrency}`,
        value: `${round(perResource, 3)} calls/resource (${calls.length} calls: ${listCalls} listing, ${ec2Calls} EC2, the rest describes and the record); ${round(items.length / seconds, 1)} resources/s`,
        baseline: `floor: 1 Describe each = 1.00`,
        ratio: `${round(perResource / SCAN_CALLS_PER_RESOURCE_BUDGET, 3)} of budget`,
        budget: `<= ${SCAN_CALLS_PER_RESOURCE_BUDGET} calls/resource, every type listed, no error`,
        ok: perResource <= SCAN_CALLS_PER_RESOURCE_BUDGET && missing.length === 0 && errors === 0,
      },
    ];
    return {
      rows,
      results: {
        scanAllTypes: {
          types: types.length,
          perType: n,
          created,
          scanned: items.length,
          concurrency,
          seconds: round(seconds, 2),
          resourcesPerSecond: round(items.length / seconds, 1),
          calls: calls.length,
          callsPerResource: round(perResource, 3),
          budget: SCAN_CALLS_PER_RESOURCE_BUDGET,
          ratioToBudget: round(perResource / SCAN_CALLS_PER_RESOURCE_BUDGET, 3),
          listingCalls: listCalls,
          ec2Calls,
          errors,
          typesNotListed: missing,
          callsByOperation: byOperation,
          byType: perType,
        },
      },
    };
  } finally {
    await emu.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { rows, results } = await benchAllTypes({ quick: process.argv.includes("--quick") });
  process.stdout.write(`${JSON.stringify({ rows, results }, null, 2)}\n`);
}
