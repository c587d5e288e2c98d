/**
 * The egress check's cost in AWS calls, against the emulator: EC2 calls per VPC-reliant decision with a
 * cold and a warm route cache (beside an isolated job, which reads no route), and a scan's calls per
 * resource over VPC-reliant jobs sharing a few subnets (beside the same scan of isolated jobs).
 * `bench/run.ts` wires it in; alone: `NODE_NO_WARNINGS=1 tsx bench/egress.ts [--quick]`.
 */
import { pathToFileURL } from "node:url";
import { startEmulator } from "../scripts/emulator.js";
import { guardRuntime } from "../scripts/guard-runtime.js";
import { AlertInbox, clients, countCalls, Fixtures, Networks, PYTORCH_IMAGE } from "../scripts/local-aws.js";
import { sampleFor } from "../scripts/sample-events.js";
import { SageMakerLister } from "../src/adapters/sagemaker-list.js";
import { mapPool } from "../src/sweep/pool.js";
import { Sweeper } from "../src/sweep/sweep.js";
import type { Row } from "./sweep.js";

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const log = (s: string) => process.stderr.write(`${s}\n`);

/**
 * @example const { rows, results } = await benchEgress({ quick: true });
 */
export async function benchEgress(opts: {
  quick: boolean;
}): Promise<{ rows: Row[]; results: Record<string, unknown> }> {
  const rows: Row[] = [];
  const emu = await startEmulator();
  try {
    const aws = clients(emu.endpoint, 3);
    const fx = new Fixtures(aws.sm);
    const net = new Networks(aws.ec2);
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create("bench-egress-alerts");
    const calls: string[] = [];
    // Every service counted: SageMaker, SNS, EC2, and the record (DynamoDB, CloudTrail).
    countCalls([aws.sm, aws.sns, aws.ec2, aws.ddb, aws.ct], calls);
    const awsClients = { sagemaker: aws.sm, sns: aws.sns, ec2: aws.ec2, dynamodb: aws.ddb, cloudtrail: aws.ct };
    const runtime = () =>
      guardRuntime(emu.endpoint, { GUARD_ALERT_TOPIC_ARN: inbox.topicArn }, { clients: awsClients });
    const ec2 = (c: string[]) => c.filter((x) => x.startsWith("Describe") && /Subnets|RouteTables/.test(x)).length;
    const counted = async (fn: () => Promise<unknown>) => {
      calls.length = 0;
      await fn();
      return [...calls];
    };

    // One decision: an isolated job (no route read), then PyTorch jobs in a private VPC, cold and warm.
    const privateSubnets = [(await net.vpc("private")).subnetId, (await net.vpc("private")).subnetId];
    const openSubnet = (await net.vpc("nat-gateway")).subnetId;
    const job = async (name: string, subnet: string | null) => {
      const arn = await fx.trainingJob(name, subnet ? { image: PYTORCH_IMAGE, vpc: [subnet] } : { isolated: true });
      return sampleFor(
        subnet ? "CreateTrainingJob.pytorch-framework-vpc.json" : "CreateTrainingJob.isolated.json",
        name,
        arn,
        (p) => {
          if (subnet) p.vpcConfig.subnets = [subnet];
        },
      );
    };
    const rt = runtime();
    const isolatedEvent = await job("bench-egress-isolated", null);
    const isolated = await counted(() => rt.handle(isolatedEvent));
    const coldEvent = await job("bench-egress-cold", privateSubnets[0] as string);
    const warmEvent = await job("bench-egress-warm", privateSubnets[0] as string);
    const cold = await counted(() => rt.handle(coldEvent));
    const warm = await counted(() => rt.handle(warmEvent));
    rows.push(
      {
        figure: "VPC-reliant decision (PyTorch job in a private VPC), cold route cache",
        value: `${cold.length} calls (${ec2(cold)} EC2)`,
        baseline: `isolated job ${isolated.length} calls (${ec2(isolated)} EC2)`,
        ratio: `+${cold.length - isolated.length} calls`,
        budget: "<= 2 EC2 calls",
        ok: ec2(cold) <= 2,
      },
      {
        figure: "VPC-reliant decision, warm route cache (same subnet, same container)",
        value: `${warm.length} calls (${ec2(warm)} EC2)`,
        baseline: `isolated job ${isolated.length} calls`,
        ratio: `+${warm.length - isolated.length} calls`,
        budget: "0 extra calls",
        ok: warm.length - isolated.length === 0 && ec2(warm) === 0,
      },
    );

    // A scan over VPC-reliant jobs sharing three subnets, beside a scan of as many isolated jobs.
    const n = opts.quick ? 24 : 120;
    const subnets = [...privateSubnets, openSubnet];
    await mapPool(
      Array.from({ length: n }, (_, i) => i),
      8,
      (i) => fx.trainingJob(`bench-egress-scan-${i}`, { image: PYTORCH_IMAGE, vpc: [subnets[i % 3] as string] }),
    );
    const scanCalls = async () => {
      const scanRt = runtime();
      const sweeper = new Sweeper(scanRt.deps, new SageMakerLister(aws.sm), { concurrency: 4, trigger: "scan" });
      const { resources } = await sweeper.list(["training-job"], { runningJobsOnly: true });
      return { items: await sweeper.examine(resources, { dryRun: true, skipDecided: false }), calls: [...calls] };
    };
    calls.length = 0;
    const vpcScan = await scanCalls();
    // Baseline: the same scan once every job is isolated-equivalent (vpcEgress: trust reads no route).
    calls.length = 0;
    const trustRt = guardRuntime(
      emu.endpoint,
      { GUARD_ALERT_TOPIC_ARN: inbox.topicArn, GUARD_POLICY_JSON: JSON.stringify({ vpcEgress: "trust" }) },
      { clients: awsClients },
    );
    const trustSweeper = new Sweeper(trustRt.deps, new SageMakerLister(aws.sm), { concurrency: 4, trigger: "scan" });
    const listed = await trustSweeper.list(["training-job"], { runningJobsOnly: true });
    const trustItems = await trustSweeper.examine(listed.resources, { dryRun: true, skipDecided: false });
    const trustCalls = [...calls];
    const perResource = vpcScan.calls.length / vpcScan.items.length;
    const basePerResource = trustCalls.length / trustItems.length;
    const ec2PerResource = ec2(vpcScan.calls) / vpcScan.items.length;
    rows.push({
      figure: `scan of ${vpcScan.items.length} VPC-reliant jobs over ${subnets.length} subnets, concurrency 4`,
      value: `${round(perResource, 3)} calls/resource (${ec2(vpcScan.calls)} EC2 in all)`,
      baseline: `same scan, vpcEgress: trust: ${round(basePerResource, 3)} calls/resource`,
      ratio: `${round(perResource / basePerResource, 3)}x`,
      budget: "<= 2 EC2 calls per subnet",
      ok: ec2(vpcScan.calls) <= 2 * subnets.length,
    });
    log(`egress: cold ${cold.length} calls, warm ${warm.length}, scan ${round(perResource, 3)} calls/resource`);
    return {
      rows,
      results: {
        egress: {
          isolatedDecisionCalls: isolated.length,
          coldDecisionCalls: cold.length,
          coldDecisionEc2Calls: ec2(cold),
          warmDecisionCalls: warm.length,
          warmDecisionEc2Calls: ec2(warm),
          scan: {
            resources: vpcScan.items.length,
            subnets: subnets.length,
            callsPerResource: round(perResource, 3),
            ec2Calls: ec2(vpcScan.calls),
            ec2CallsPerResource: round(ec2PerResource, 3),
            trustCallsPerResource: round(basePerResource, 3),
          },
        },
      },
    };
  } finally {
    await emu.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { rows, results } = await benchEgress({ quick: process.argv.includes("--quick") });
  process.stdout.write(`${JSON.stringify({ rows, results }, null, 2)}\n`);
}
