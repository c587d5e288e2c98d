import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AddTagsCommand, DescribeTrainingJobCommand, ListModelsCommand } from "@aws-sdk/client-sagemaker";
import { GetFindingsCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { guardRuntime } from "../../scripts/guard-runtime.js";
import { RESOURCE_TYPE_NAMES } from "../../src/core/resource-types.js";
import type { ScanReport } from "../../src/report/model.js";
import { AlertInbox, clientConfig, clients, emulatorEnv, Fixtures } from "../support/aws.js";
import { type Emulator, startEmulator } from "../support/emulator.js";
import { sampleFor } from "../support/events.js";
import { run, runCli } from "../support/run.js";

// `npm test` installs Debian's chromium when it is missing (scripts/test-prerequisites.sh).
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
let emu: Emulator;
let aws: ReturnType<typeof clients>;
let fx: Fixtures;
let dir: string;

function scan(args: string[], env: Record<string, string> = {}) {
  return runCli(["scan", ...args], {
    timeout: 90_000,
    env: {
      PATH: process.env.PATH,
      ...emulatorEnv(emu.endpoint),
      ...env,
    },
  });
}
const report = (stdout: string) => JSON.parse(stdout) as ScanReport;

/** Headless Chromium on a local file (no network: the page's CSP forbids every fetch anyway). */
function chromium(...args: string[]) {
  expect(existsSync(CHROMIUM)).toBe(true);
  const flags = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    `--user-data-dir=${join(dir, "profile")}`,
  ];
  return run(CHROMIUM, [...flags, ...args], { timeout: 60_000 });
}
/** What a reader sees: the rendered DOM without markup, styles or the title. */
const pageText = (dom: string) =>
  dom
    .replace(/<style>[\s\S]*?<\/style>|<title>[\s\S]*?<\/title>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");

async function trainingStatus(name: string) {
  return (await aws.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name }))).TrainingJobStatus;
}

/**
 * A small account: one open job (whose create call the event path saw, so the guard's record names its
 * creator; its owner tag is only a label and is not read), one isolated job, an open model, an isolated
 * model used by an endpoint.
 */
async function createAccount() {
  const open = await fx.trainingJob("scan-open-job");
  await aws.sm.send(new AddTagsCommand({ ResourceArn: open, Tags: [{ Key: "owner", Value: "mallory@example.com" }] }));
  const event = sampleFor("CreateTrainingJob.no-isolation.json", "scan-open-job", open);
  event.detail.userIdentity.arn = "arn:aws:sts::123456789012:assumed-role/DataScientist/ana@example.com";
  const inbox = await new AlertInbox(aws.sns, aws.sqs).create("scan-setup");
  await guardRuntime(emu.endpoint, { GUARD_ALERT_TOPIC_ARN: inbox.topicArn, GUARD_MODE: "audit" }).handle(event);
  await fx.trainingJob("scan-isolated-job", { isolated: true });
  await fx.model("scan-open-model");
  await fx.model("scan-isolated-model", { isolated: true });
  await fx.endpointConfig("scan-config", "scan-isolated-model");
  await fx.endpoint("scan-endpoint", "scan-config");
  return { open };
}

beforeAll(async () => {
  emu = await startEmulator();
  aws = clients(emu.endpoint);
  fx = new Fixtures(aws.sm);
  dir = mkdtempSync(join(tmpdir(), "ig-scan-"));
}, 30_000);
afterAll(async () => {
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await emu.reset();
});

describe("isolation-guard scan", () => {
  it("reports counts by type and verdict and every violation with rule, creator, age and fix, changing nothing", async () => {
    const { open } = await createAccount();
    await emu.resetCalls();

    const result = await scan(["--format", "json"]);

    expect(result.status).toBe(1);
    const r = report(result.stdout);
    expect(r.totals).toEqual({ resources: 6, compliant: 4, nonCompliant: 2, exempt: 0, other: 0 });
    expect(r.byType.find((t) => t.type === "training-job")).toMatchObject({ COMPLIANT: 1, NON_COMPLIANT: 1, total: 2 });
    expect(r.byType.find((t) => t.type === "endpoint")).toMatchObject({ COMPLIANT: 1, total: 1 });
    const job = r.violations.find((v) => v.name === "scan-open-job");
    expect(job).toMatchObject({
      rules: ["network-isolation-disabled"],
      creator: "arn:aws:sts::123456789012:assumed-role/DataScientist/ana@example.com",
      severity: "high",
    });
    expect(job?.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(job?.fix).toMatch(/EnableNetworkIsolation|network isolation/i);
    expect(r.violations.find((v) => v.name === "scan-open-model")?.creator).toBe(
      "role: arn:aws:iam::123456789012:role/DataScientist",
    );
    const calls = await emu.calls();
    expect(Object.keys(calls).filter((k) => /Stop|Delete|AddTags|Publish/.test(k))).toEqual([]);
    // One describe per resource (the endpoint also describes its config and model), the record in one
    // batch, and no tag read at all.
    expect(calls["sagemaker:ListTags"]).toBeUndefined();
    expect(calls["dynamodb:BatchGetItem"]).toBe(1);
    expect(calls["sagemaker:DescribeTrainingJob"]).toBe(2);
    expect(calls["sagemaker:DescribeModel"]).toBe(2);
    expect(await trainingStatus("scan-open-job")).toBe("InProgress");
    expect((await fx.tags(open))["isolation-guard:action"]).toBe("audit-only"); // the event path's label, untouched
  });

  it("lists a job SageMaker launched for a parent as IGNORED with its parent, never as a violation", async () => {
    const parent = await fx.trainingJob("scan-parent-job", { isolated: true });
    await fx.processingJob("scan-profiler-rule");
    await emu.setJobParent("processing-job", "scan-profiler-rule", "TrainingJobArn", parent);

    const result = await scan(["--format", "json"]);

    expect(result.status).toBe(0);
    const r = report(result.stdout);
    expect(r.resources.find((i) => i.name === "scan-profiler-rule")).toMatchObject({
      verdict: "IGNORED",
      reason: `launched by ${parent}: decided with its parent`,
    });
    expect(r.totals.nonCompliant).toBe(0);
    expect(r.violations).toEqual([]);
  });

  it("prints tables for a terminal and exits 0 when nothing breaks the policy", async () => {
    await fx.trainingJob("scan-clean-job", { isolated: true });

    const result = await scan([]);

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/training-job\s*│\s*1\s*│\s*0/);
    expect(result.stdout).toContain("No violations.");
    // No progress bar when stderr is not a terminal.
    expect(result.stderr).not.toMatch(/scanning|listing|█|░/);
  });

  it("--fix --yes applies the remedies and alerts once; a second scan finds the account clean", async () => {
    await createAccount();
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create("scan-alerts");
    const env = { GUARD_ALERT_TOPIC_ARN: inbox.topicArn };

    const fixed = await scan(["--fix", "--yes", "--format", "json"], env);

    expect(fixed.status).toBe(1);
    const r = report(fixed.stdout);
    expect(r.fixApplied).toBe(true);
    expect(Object.fromEntries(r.violations.map((v) => [v.name, v.remedy]))).toEqual({
      "scan-open-job": "stopped",
      "scan-open-model": "deleted",
    });
    expect(await trainingStatus("scan-open-job")).toBe("Stopped");
    const models = (await aws.sm.send(new ListModelsCommand({}))).Models?.map((m) => m.ModelName);
    expect(models).toEqual(["scan-isolated-model"]);
    expect(await inbox.drain()).toHaveLength(2);

    const again = await scan(["--fix", "--yes", "--format", "json"], env);
    expect(again.status).toBe(0);
    expect(report(again.stdout).totals.nonCompliant).toBe(0);
    expect(await inbox.drain()).toHaveLength(0);
  });

  it("--security-hub imports the violations as findings, --fix resolves the same ones; without the flag nothing", async () => {
    await fx.trainingJob("hub-scan-job");
    await fx.model("hub-scan-model");
    const hub = new SecurityHubClient(clientConfig(emu.endpoint));
    const findings = async () => (await hub.send(new GetFindingsCommand({}))).Findings ?? [];
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create("scan-hub-alerts");

    const plain = await scan(["--format", "json"]);
    const none = await findings();
    const reported = await scan(["--format", "json", "--security-hub"]);
    const active = await findings();
    const fixed = await scan(["--format", "json", "--security-hub", "--fix", "--yes"], {
      GUARD_ALERT_TOPIC_ARN: inbox.topicArn,
    });
    const after = await findings();

    expect([plain.status, reported.status, fixed.status]).toEqual([1, 1, 1]);
    expect(none).toEqual([]);
    expect(active.map((f) => [f.Resources?.[0]?.Id?.split(":").pop(), f.RecordState]).sort()).toEqual([
      ["model/hub-scan-model", "ACTIVE"],
      ["training-job/hub-scan-job", "ACTIVE"],
    ]);
    expect(
      active.every((f) => f.ProductArn === "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default"),
    ).toBe(true);
    expect(after.map((f) => [f.Id, f.RecordState]).sort()).toEqual(active.map((f) => [f.Id, "ARCHIVED"]).sort());
  });

  it("refuses --fix without --yes when there is no terminal to confirm on", async () => {
    await fx.trainingJob("scan-unconfirmed");

    const result = await scan(["--fix"], { GUARD_ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:alerts" });

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--yes/);
    expect(await trainingStatus("scan-unconfirmed")).toBe("InProgress");
  });

  it.each([
    [["--format", "xml"], /--format/],
    [["--concurrency", "0"], /--concurrency/],
    [["--region", "moon"], /not an AWS region/],
    [["--fix", "--yes"], /GUARD_ALERT_TOPIC_ARN/],
    [["--bogus"], /Unknown option/],
  ])("exits 2 on bad arguments %p", async (args, message) => {
    const result = await scan(args as string[]);

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it("loses nothing when SageMaker throttles List* and Describe* mid-scan", async () => {
    for (let i = 0; i < 8; i++) await fx.trainingJob(`scan-throttled-${i}`, { isolated: i < 4 });
    await fx.model("scan-throttled-model");
    await emu.fault({ operation: "ListTrainingJobs", kind: "throttle", count: 1 });
    await emu.fault({ operation: "ListModels", kind: "throttle", count: 1 });
    await emu.fault({ operation: "DescribeTrainingJob", kind: "throttle", count: 3 });
    await emu.fault({ operation: "ListTags", kind: "throttle", count: 1 });

    const result = await scan(["--format", "json", "--concurrency", "8"]);

    expect(result.status).toBe(1);
    const r = report(result.stdout);
    expect(r.errors).toEqual([]);
    expect(r.totals).toMatchObject({ resources: 9, compliant: 4, nonCompliant: 5 });
    expect(r.violations.map((v) => v.name).sort()).toEqual([
      "scan-throttled-4",
      "scan-throttled-5",
      "scan-throttled-6",
      "scan-throttled-7",
      "scan-throttled-model",
    ]);
    const calls = await emu.calls();
    expect(calls["sagemaker:DescribeTrainingJob"]).toBe(8 + 3);
  }, 90_000);

  it("writes a self-contained HTML report that headless Chromium renders with the figures", async () => {
    await createAccount();
    const file = join(dir, "posture.html");

    const result = await scan(["--format", "html", "--out", file]);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain("6 resources, 2 violation(s)");
    const html = readFileSync(file, "utf8");
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const dom = await chromium("--dump-dom", `file://${file}`);
    expect(dom.status).toBe(0);
    const text = dom.stdout;
    expect(text).toMatch(/id="total-resources">6</);
    expect(text).toMatch(/id="total-violations">2</);
    expect(text).toMatch(/id="percent-compliant">67%</);
    expect(text).toMatch(/data-series="Non-compliant" data-type="training-job" data-count="1"/);
    expect(text).toMatch(/data-series="Compliant" data-type="model" data-count="1"/);
    expect(text).toContain("scan-open-job");
    expect(text).toContain("ana@example.com");
    expect(text).not.toContain("mallory@example.com");
    const png = join(dir, "posture.png");
    const shot = await chromium(`--screenshot=${png}`, "--window-size=1100,900", `file://${file}`);
    expect(shot.status).toBe(0);
    expect(statSync(png).size).toBeGreaterThan(10_000);
  }, 120_000);

  describe("when something could not be examined", () => {
    async function cleanAccountWithFailingList() {
      await fx.trainingJob("scan-clean-job", { isolated: true });
      await fx.model("scan-clean-model", { isolated: true });
      // More failures than the SDK's retries: the listing fails for good.
      await emu.fault({ operation: "ListTrainingJobs", kind: "error", count: 50 });
    }

    it("renders an HTML page that says incomplete first, and never 'meets the isolation policy' or '100%'", async () => {
      await cleanAccountWithFailingList();
      const file = join(dir, "incomplete.html");

      const result = await scan(["--format", "html", "--out", file]);

      expect(result.status).toBe(3);
      expect(result.stderr).toMatch(/INCOMPLETE: 1 listing\(s\) or resource\(s\) not examined/);
      const dom = await chromium("--dump-dom", `file://${file}`);
      expect(dom.status).toBe(0);
      const text = pageText(dom.stdout);
      expect(text).toContain("incomplete");
      expect(text).not.toContain("meets the isolation policy");
      expect(dom.stdout).not.toContain("100%");
      expect(text).toContain("list training-job in us-east-1");
      expect(text.indexOf("Scan incomplete")).toBeLessThan(text.indexOf("resources examined"));
      expect(dom.stdout).toMatch(/id="scan-status">incomplete</);
      const png = join(dir, "incomplete.png");
      const shot = await chromium(`--screenshot=${png}`, "--window-size=1100,900", `file://${file}`);
      expect(shot.status).toBe(0);
      expect(statSync(png).size).toBeGreaterThan(10_000);
    }, 120_000);

    it("says incomplete in the table and in the JSON, with what was not examined", async () => {
      await cleanAccountWithFailingList();

      const table = await scan(["--format", "table"]);
      expect(table.status).toBe(3);
      expect(table.stdout).toContain("incomplete");
      expect(table.stdout).not.toMatch(/^No violations\.$/m);
      expect(table.stdout.split("\n")[0]).toMatch(/^INCOMPLETE SCAN/);

      await emu.fault({ operation: "ListTrainingJobs", kind: "error", count: 50 });
      const json = await scan(["--format", "json"]);
      expect(json.status).toBe(3);
      const r = report(json.stdout);
      expect(r.complete).toBe(false);
      expect(r.errors).toEqual([
        { resource: "list training-job in us-east-1", message: expect.stringMatching(/ListTrainingJobs/) },
      ]);
    }, 90_000);

    it("says incomplete when the endpoint cannot be reached at all", async () => {
      const result = await scan(["--format", "html"], { AWS_ENDPOINT_URL: "http://127.0.0.1:9" });

      expect(result.status).toBe(3);
      // One listing per resource type, each refused.
      expect(result.stdout).toContain(
        `Scan incomplete: ${RESOURCE_TYPE_NAMES.length} listings or resources could not be examined`,
      );
      expect(result.stdout).not.toContain("meets the isolation policy");
      expect(result.stdout).not.toContain("100%");
      expect(result.stderr).toContain(`INCOMPLETE: ${RESOURCE_TYPE_NAMES.length} listing(s)`);
    });
  });

  it("reports a complete scan as complete", async () => {
    await fx.trainingJob("scan-complete-job", { isolated: true });

    const result = await scan(["--format", "json"]);

    expect(result.status).toBe(0);
    expect(report(result.stdout)).toMatchObject({ complete: true, errors: [] });
  });
});
