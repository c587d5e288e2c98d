import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeTrainingJobCommand } from "@aws-sdk/client-sagemaker";
import { build } from "esbuild";
import { guardRuntime } from "../../scripts/guard-runtime.js";
import { readServerlessYml } from "../../scripts/serverless-yml.js";
import type { LogPort } from "../../src/app/enforce.js";
import { ROUTES_DECIDE } from "../../src/core/decide.js";
import type { ScanReport } from "../../src/report/model.js";
import type { Runtime } from "../../src/wiring/runtime.js";
import {
  type AlertInbox,
  type clients,
  emulatorEnv,
  type Fixtures,
  type NetworkKind,
  Networks,
  PYTORCH_IMAGE,
} from "../support/aws.js";
import { type Emulator, useEmulator } from "../support/emulator.js";
import { sampleFor, stateChange } from "../support/events.js";
import { runCli } from "../support/run.js";

let emu: Emulator;
let fx: Fixtures;
let inbox: AlertInbox;
let aws: ReturnType<typeof clients>;
const quiet: LogPort = { info() {}, warn() {}, error() {} };

function runtime(env: Record<string, string> = {}): Runtime {
  return guardRuntime(emu.endpoint, { GUARD_ALERT_TOPIC_ARN: inbox.topicArn, ...env }, { log: quiet });
}

useEmulator((w) => {
  ({ emu, aws, fx, inbox } = w);
});

async function status(name: string) {
  return (await aws.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name }))).TrainingJobStatus;
}

/** A PyTorch training job without isolation in `subnet`, created in the emulator, and its CloudTrail event. */
async function pytorchJob(name: string, subnet: string) {
  const arn = await fx.trainingJob(name, { image: PYTORCH_IMAGE, vpc: [subnet] });
  const event = sampleFor("CreateTrainingJob.pytorch-framework-vpc.json", name, arn, (p) => {
    p.vpcConfig.subnets = [subnet];
  });
  return { arn, event };
}

const ec2Calls = (calls: Record<string, number>) =>
  Object.fromEntries(Object.entries(calls).filter(([k]) => k.startsWith("ec2:")));

describe("a PyTorch job whose only control is its VPC (default policy)", () => {
  it.each<[NetworkKind, string]>([
    ["internet-gateway", "igw-"],
    ["nat-gateway", "nat-"],
  ])("is stopped when its subnet's route table sends 0.0.0.0/0 to an %s", async (kind, prefix) => {
    const { subnetId, routeTableId } = await new Networks(aws.ec2).vpc(kind);
    const { arn, event } = await pytorchJob(`pytorch-${kind}`, subnetId);

    const outcome = await runtime().handle(event);

    expect(outcome.decision.verdict).toBe("NON_COMPLIANT");
    expect(outcome.remedy).toBe("stopped");
    expect(await status(`pytorch-${kind}`)).toBe("Stopped");
    const tags = await fx.tags(arn);
    expect(tags["isolation-guard:rules"]).toBe("subnet-routes-to-internet");
    const finding = outcome.decision.findings[0];
    expect(finding?.message).toContain(subnetId);
    expect(finding?.message).toContain(routeTableId as string);
    expect(finding?.message).toContain("0.0.0.0/0");
    expect(finding?.message).toContain(prefix);
    const alerts = await inbox.drain();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.Message).toContain("subnet-routes-to-internet");
  });

  it("keeps running in a private subnet (main route table, S3 gateway endpoint), at two EC2 calls", async () => {
    const { subnetId } = await new Networks(aws.ec2).vpc("private");
    const { arn, event } = await pytorchJob("pytorch-private", subnetId);
    await emu.resetCalls();

    const outcome = await runtime().handle(event);

    expect(outcome.decision.verdict).toBe("COMPLIANT");
    expect(outcome.decision.egress).toEqual([
      expect.objectContaining({ subnet: subnetId, main: true, verdict: "no-internet-route" }),
    ]);
    expect(await status("pytorch-private")).toBe("InProgress");
    expect((await fx.tags(arn))["isolation-guard:status"]).toBe("COMPLIANT");
    expect(ec2Calls(await emu.calls())).toEqual({ "ec2:DescribeSubnets": 1, "ec2:DescribeRouteTables": 1 });
  });

  it("reads a subnet's routes once in a warm container: the second job in it costs no EC2 call", async () => {
    const { subnetId } = await new Networks(aws.ec2).vpc("private");
    const first = await pytorchJob("warm-1", subnetId);
    const second = await pytorchJob("warm-2", subnetId);
    const rt = runtime();
    await rt.handle(first.event);
    await emu.resetCalls();

    const outcome = await rt.handle(second.event);

    expect(outcome.decision.verdict).toBe("COMPLIANT");
    expect(ec2Calls(await emu.calls())).toEqual({});
  });

  it("is stopped as egress-unverifiable when its subnet does not exist", async () => {
    const { arn, event } = await pytorchJob("pytorch-no-subnet", "subnet-0badc0ffee0000001");

    const outcome = await runtime().handle(event);

    expect(outcome.decision.findings.map((f) => [f.rule, f.severity])).toEqual([["egress-unverifiable", "medium"]]);
    expect(outcome.remedy).toBe("stopped");
    expect((await fx.tags(arn))["isolation-guard:rules"]).toBe("egress-unverifiable");
  });

  it("is decided by its routes on the state-change path too", async () => {
    const { subnetId } = await new Networks(aws.ec2).vpc("nat-gateway");
    const { arn } = await pytorchJob("pytorch-state-change", subnetId);

    const outcome = await runtime().handle(
      stateChange("SageMakerTrainingJobStateChange.in-progress.json", "pytorch-state-change", arn),
    );

    expect(outcome.decision.findings.map((f) => f.rule)).toEqual(["subnet-routes-to-internet"]);
    expect(outcome.remedy).toBe("stopped");
  });

  it("keeps today's behaviour with vpcEgress: trust, and makes no EC2 call", async () => {
    const { subnetId } = await new Networks(aws.ec2).vpc("internet-gateway");
    const { event } = await pytorchJob("pytorch-trusted", subnetId);
    await emu.resetCalls();

    const outcome = await runtime({ GUARD_POLICY_JSON: JSON.stringify({ vpcEgress: "trust" }) }).handle(event);

    expect(outcome.decision.verdict).toBe("COMPLIANT");
    expect(await status("pytorch-trusted")).toBe("InProgress");
    expect(ec2Calls(await emu.calls())).toEqual({});
  });
});

describe("resources that do not rest on a VPC", () => {
  it("asks EC2 nothing for an isolated job in a public subnet", async () => {
    const { subnetId } = await new Networks(aws.ec2).vpc("internet-gateway");
    const arn = await fx.trainingJob("isolated-in-public", { isolated: true, vpc: [subnetId] });
    await emu.resetCalls();

    const outcome = await runtime().handle(
      sampleFor("CreateTrainingJob.isolated.json", "isolated-in-public", arn, (p) => {
        p.vpcConfig = { subnets: [subnetId], securityGroupIds: ["sg-0a1b2c3d4e5f60001"] };
      }),
    );

    expect(outcome.decision.verdict).toBe("COMPLIANT");
    expect(outcome.decision.reason).not.toBe(ROUTES_DECIDE);
    expect(ec2Calls(await emu.calls())).toEqual({});
  });
});

describe("the contract through the CLI", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ig-egress-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, {
      timeout: 90_000,
      env: { PATH: process.env.PATH, ...emulatorEnv(emu.endpoint), ...env },
    });
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
    return path;
  };

  it("handle stops the job in a NAT-routed subnet and keeps the one in a private subnet", async () => {
    const net = new Networks(aws.ec2);
    const open = await pytorchJob("cli-nat", (await net.vpc("nat-gateway")).subnetId);
    const closed = await pytorchJob("cli-private", (await net.vpc("private")).subnetId);
    const env = { GUARD_ALERT_TOPIC_ARN: inbox.topicArn };

    const stopped = await cli(["handle", file("open.json", open.event)], env);
    const kept = await cli(["handle", file("closed.json", closed.event)], env);

    expect(stopped.status).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject({
      verdict: "NON_COMPLIANT",
      rules: ["subnet-routes-to-internet"],
      remedy: "stopped",
    });
    expect(kept.status).toBe(0);
    expect(JSON.parse(kept.stdout)).toMatchObject({ verdict: "COMPLIANT", remedy: null });
    expect(await status("cli-nat")).toBe("Stopped");
    expect(await status("cli-private")).toBe("InProgress");
  });

  it("evaluate answers NEEDS_LOOKUP offline, COMPLIANT with vpcEgress: trust", async () => {
    const { event } = await pytorchJob("cli-offline", "subnet-0a1b2c3d4e5f60009");
    const eventFile = file("offline.json", event);

    const verify = await cli(["evaluate", eventFile, "--json"]);
    const trust = await cli(["evaluate", eventFile, "--json", "--policy", file("trust.yaml", "vpcEgress: trust\n")]);

    expect(verify.status).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ verdict: "NEEDS_LOOKUP", reason: "the VPC's routes decide" });
    expect(trust.status).toBe(0);
    expect(JSON.parse(trust.stdout)).toMatchObject({ verdict: "COMPLIANT" });
  });

  it("scan prints one row per subnet with its route verdict, reading each subnet's routes once", async () => {
    const net = new Networks(aws.ec2);
    const publicSubnet = (await net.vpc("internet-gateway")).subnetId;
    const privateSubnet = (await net.vpc("private")).subnetId;
    for (let i = 0; i < 3; i++) {
      await fx.trainingJob(`scan-public-${i}`, { image: PYTORCH_IMAGE, vpc: [publicSubnet] });
      await fx.trainingJob(`scan-private-${i}`, { image: PYTORCH_IMAGE, vpc: [privateSubnet] });
    }
    await emu.resetCalls();

    const json = await cli(["scan", "--format", "json"]);
    const calls = ec2Calls(await emu.calls());
    const table = await cli(["scan"]);
    const html = await cli(["scan", "--format", "html", "--out", join(dir, "scan.html")]);

    expect(json.status).toBe(1);
    const r = JSON.parse(json.stdout) as ScanReport;
    expect(r.subnets.map((s) => [s.subnet, s.verdict, s.resources.length])).toEqual([
      [publicSubnet, "routes-to-internet", 3],
      [privateSubnet, "no-internet-route", 3],
    ]);
    expect(r.violations.filter((v) => v.rules.includes("subnet-routes-to-internet"))).toHaveLength(3);
    // One DescribeSubnets and one DescribeRouteTables per subnet at most, however many jobs share it.
    expect((calls["ec2:DescribeSubnets"] ?? 0) + (calls["ec2:DescribeRouteTables"] ?? 0)).toBeLessThanOrEqual(4);
    expect(table.stdout).toContain(`${publicSubnet}`);
    expect(table.stdout).toContain("routes to the internet");
    expect(table.stdout).toContain("no internet route");
    expect(html.status).toBe(1);
    const page = readFileSync(join(dir, "scan.html"), "utf8");
    expect(page).toContain('id="subnets"');
    expect(page).toContain(`data-verdict="routes-to-internet"`);
    expect(page).toContain(privateSubnet);
  });
});

describe("the EC2 adapter as the Lambda bundle builds it (schemas pruned by scripts/esbuild-plugins.cjs)", () => {
  it("reads explicit and main route tables and missing subnets from the emulator", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ig-ec2-bundle-"));
    try {
      const o = readServerlessYml().custom.esbuild as {
        minify: boolean;
        target: string;
        mainFields: string[];
        banner: { js: string };
        exclude: string[];
        plugins: string;
      };
      const outfile = join(dir, "ec2.mjs");
      await build({
        entryPoints: [join(import.meta.dirname, "../../src/adapters/ec2.ts")],
        outfile,
        bundle: true,
        minify: o.minify,
        platform: "node",
        format: "esm",
        target: o.target,
        mainFields: o.mainFields,
        banner: o.banner,
        external: o.exclude,
        plugins: createRequire(import.meta.url)(join(import.meta.dirname, "../..", o.plugins)),
        logLevel: "error",
      });
      const net = new Networks(aws.ec2);
      const open = await net.vpc("nat-gateway");
      const closed = await net.vpc("private");
      const bundled = await import(outfile);
      const routes = new bundled.Ec2Routes(
        bundled.createEc2Client({
          region: "us-east-1",
          endpoint: emu.endpoint,
          credentials: { accessKeyId: "x", secretAccessKey: "x" },
          maxAttempts: 1,
        }),
      );

      const out = await routes.subnetRoutes([open.subnetId, closed.subnetId, "subnet-0badc0ffee0000002"]);

      expect(out[open.subnetId]).toMatchObject({ found: true, routeTable: open.routeTableId, main: false });
      expect(out[open.subnetId].routes).toContainEqual({
        destination: "0.0.0.0/0",
        target: expect.stringMatching(/^nat-/),
        state: "active",
      });
      expect(out[closed.subnetId]).toMatchObject({ found: true, main: true });
      expect(out["subnet-0badc0ffee0000002"]).toMatchObject({ found: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
