import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeTrainingJobCommand } from "@aws-sdk/client-sagemaker";
import { GetFindingsCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { asMemberPrincipal, createLocalOrg, type LocalMember } from "../../scripts/local-org.js";
import { AlertInbox, clientConfig, type clients, emulatorEnv, Networks, PYTORCH_IMAGE } from "../support/aws.js";
import { type Emulator, useEmulator } from "../support/emulator.js";
import { runCli } from "../support/run.js";

let emu: Emulator;
let aws: ReturnType<typeof clients>;
let members: LocalMember[];
let dir: string;

useEmulator((w) => {
  ({ emu, aws } = w);
});
beforeEach(async () => {
  ({ members } = await createLocalOrg(emu.endpoint, ["ml-dev", "ml-prod", "analytics"]));
  dir = mkdtempSync(join(tmpdir(), "ig-scan-org-"));
  // Each member: one violating job in us-east-1, one violating model in eu-west-1, one compliant job.
  for (const m of members) {
    await m.fx("us-east-1").trainingJob(`${m.name}-open-job`);
    await m.fx("us-east-1").trainingJob(`${m.name}-isolated-job`, { isolated: true, vpc: true });
    await m.fx("eu-west-1").model(`${m.name}-open-model`);
  }
  await emu.resetCalls();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** `isolation-guard scan --org ...`, awaited (test/support/run.ts says why never spawnSync here). */
function scan(args: string[], env: Record<string, string> = {}) {
  return runCli(["scan", "--org", ...args], {
    env: { PATH: process.env.PATH, ...emulatorEnv(emu.endpoint), ...env },
  });
}

function member(i: number): LocalMember {
  return members[i] as LocalMember;
}

describe("isolation-guard scan --org", () => {
  it("reports each member account's violations with their ARNs, per account and region, and exits 1", async () => {
    const out = join(dir, "org.json");
    const result = await scan([
      "--role-name",
      "IsolationGuardMember",
      "--regions",
      "us-east-1,eu-west-1",
      "--format",
      "json",
      "--out",
      out,
    ]);

    expect(result.stderr).not.toMatch(/Error/);
    expect(result.status).toBe(1);
    const report = JSON.parse(readFileSync(out, "utf8"));
    for (const m of members) {
      const mine = report.violations.filter((v: { account: string }) => v.account === m.id);
      expect(mine.map((v: { arn: string }) => v.arn).sort()).toEqual([
        `arn:aws:sagemaker:eu-west-1:${m.id}:model/${m.name}-open-model`,
        `arn:aws:sagemaker:us-east-1:${m.id}:training-job/${m.name}-open-job`,
      ]);
      expect(mine[0].accountName).toBe(m.name);
      const row = report.organization.accounts.find((a: { id: string }) => a.id === m.id);
      expect(row).toMatchObject({ name: m.name, examined: true, resources: 3, nonCompliant: 2 });
      expect(row.regions.map((r: { region: string; nonCompliant: number }) => [r.region, r.nonCompliant])).toEqual([
        ["us-east-1", 1],
        ["eu-west-1", 1],
      ]);
    }
    // The central (management) account is scanned with the caller's own credentials.
    expect(report.organization.accounts.map((a: { id: string }) => a.id)).toContain("123456789012");
    expect(report.organization).toMatchObject({
      complete: true,
      totals: { accounts: 4, examined: 4, notExamined: 0, regions: 2 },
    });
    expect(report.totals.nonCompliant).toBe(6);
  });

  it("lists an account whose role cannot be assumed as not examined and says the report is incomplete (exit 3)", async () => {
    await emu.denyAssumeRole([member(1).id]);

    const result = await scan([
      "--role-name",
      "IsolationGuardMember",
      "--regions",
      "us-east-1,eu-west-1",
      "--format",
      "json",
    ]);

    expect(result.status).toBe(3);
    const report = JSON.parse(result.stdout);
    const row = report.organization.accounts.find((a: { id: string }) => a.id === member(1).id);
    expect(row).toMatchObject({ examined: false, resources: 0 });
    expect(row.reason).toMatch(/AccessDenied/);
    expect(report.organization.complete).toBe(false);
    expect(report.errors.map((e: { resource: string }) => e.resource)).toContain(
      `account ${member(1).id} in us-east-1`,
    );
    // The others are still reported.
    expect(report.violations.filter((v: { account: string }) => v.account === member(0).id)).toHaveLength(2);
  });

  it("the table says INCOMPLETE and names the account not examined; --accounts narrows the scan", async () => {
    await emu.denyAssumeRole([member(2).id]);

    const table = await scan(["--role-name", "IsolationGuardMember", "--regions", "us-east-1"]);
    const narrowed = await scan([
      "--role-name",
      "IsolationGuardMember",
      "--regions",
      "us-east-1",
      "--accounts",
      member(0).id,
      "--format",
      "json",
    ]);

    expect(table.status).toBe(3);
    expect(table.stdout).toMatch(/INCOMPLETE/);
    expect(table.stdout).toMatch(new RegExp(`${member(2).id} \\(analytics\\)\\s+us-east-1\\s+NOT EXAMINED`));
    expect(narrowed.status).toBe(1);
    expect(JSON.parse(narrowed.stdout).organization.accounts.map((a: { id: string }) => a.id)).toEqual([member(0).id]);
  });

  it("an account named in --accounts that is not in the organization is not examined, never assumed", async () => {
    const result = await scan([
      "--role-name",
      "IsolationGuardMember",
      "--regions",
      "us-east-1",
      "--accounts",
      "999988887777",
      "--format",
      "json",
    ]);

    expect(result.status).toBe(3);
    expect(JSON.parse(result.stdout).organization.accounts[0]).toMatchObject({
      id: "999988887777",
      examined: false,
      reason: "not an account of the organization",
    });
    expect((await emu.calls())["sts:AssumeRole"]).toBeUndefined();
  });

  it("--fix --yes stops the member accounts' jobs through the member roles", async () => {
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create("org-scan-alerts");
    const result = await scan(
      ["--role-name", "IsolationGuardMember", "--regions", "us-east-1", "--fix", "--yes", "--format", "json"],
      {
        GUARD_ALERT_TOPIC_ARN: inbox.topicArn,
        GUARD_SETTLE_MS: "0",
      },
    );

    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.fixApplied).toBe(true);
    expect(report.violations.map((v: { remedy: string }) => v.remedy)).toEqual(["stopped", "stopped", "stopped"]);
    for (const m of members) {
      const job = await m
        .sm("us-east-1")
        .send(new DescribeTrainingJobCommand({ TrainingJobName: `${m.name}-open-job` }));
      expect(job.TrainingJobStatus).toBe("Stopped");
    }
    expect(await inbox.drain()).toHaveLength(3);
  });

  it("writes Security Hub findings only with --security-hub; --fix resolves the same findings", async () => {
    const central = new SecurityHubClient(clientConfig(emu.endpoint));
    // Each member's findings are in its own Security Hub (imported through the member role).
    const findings = async () => {
      const all = await Promise.all(members.map((m) => m.hub("us-east-1").send(new GetFindingsCommand({}))));
      return all.flatMap((o) => o.Findings ?? []);
    };
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create("org-scan-hub-alerts");
    const base = ["--role-name", "IsolationGuardMember", "--regions", "us-east-1", "--format", "json"];

    const plain = await scan(base);
    const none = await findings();
    const reported = await scan([...base, "--security-hub"]);
    const active = await findings();
    const fixed = await scan([...base, "--security-hub", "--fix", "--yes"], {
      GUARD_ALERT_TOPIC_ARN: inbox.topicArn,
      GUARD_SETTLE_MS: "0",
    });
    const after = await findings();

    expect([plain.status, reported.status, fixed.status]).toEqual([1, 1, 1]);
    expect(none).toEqual([]);
    expect(active.map((f) => [f.AwsAccountId, f.RecordState]).sort()).toEqual(
      members.map((m) => [m.id, "ACTIVE"]).sort(),
    );
    expect(active.every((f) => f.GeneratorId === "isolation-guard/network-isolation-disabled")).toBe(true);
    expect(after.map((f) => [f.Id, f.RecordState]).sort()).toEqual(active.map((f) => [f.Id, "ARCHIVED"]).sort());
    expect((await central.send(new GetFindingsCommand({}))).Findings ?? []).toEqual([]);
  });

  it("judges a member account's job in a VPC by that account's route tables", async () => {
    const m = member(0);
    const { subnetId } = await new Networks(m.ec2("us-east-1")).vpc("private");
    await m.fx("us-east-1").trainingJob("scan-private-job", { image: PYTORCH_IMAGE, vpc: [subnetId] });

    const result = await scan([
      "--role-name",
      "IsolationGuardMember",
      "--regions",
      "us-east-1",
      "--accounts",
      m.id,
      "--format",
      "json",
    ]);

    const report = JSON.parse(result.stdout);
    expect(report.violations.map((v: { name: string }) => v.name)).toEqual([`${m.name}-open-job`]);
    expect(report.totals.resources).toBe(3);
  });

  it("finds a member resource's creator in that account's CloudTrail (through the member role), for principal exemptions", async () => {
    const m = member(1);
    const platform = `arn:aws:iam::${m.id}:role/ml-platform`;
    await (await asMemberPrincipal(emu.endpoint, m.id, "ml-platform")).trainingJob("scan-canary-job");
    await (await asMemberPrincipal(emu.endpoint, m.id, "Intern")).trainingJob("scan-rogue-job");
    // The caller's (central) account's own history names the exempt principal for the rogue job's name:
    // a lookup there would exempt it; only the member account's history may decide.
    await emu.seedCloudTrail([
      {
        eventName: "CreateTrainingJob",
        resourceName: "scan-rogue-job",
        userIdentity: {
          type: "AssumedRole",
          arn: `arn:aws:sts::${m.id}:assumed-role/ml-platform/ana`,
          sessionContext: { sessionIssuer: { arn: platform, type: "Role" } },
        },
      },
    ]);
    const policy = JSON.stringify({
      exemptions: [{ principal: platform, resourceTypes: ["training-job"], reason: "canary", expires: "2099-01-01" }],
    });

    const result = await scan(
      ["--role-name", "IsolationGuardMember", "--regions", "us-east-1", "--accounts", m.id, "--format", "json"],
      { GUARD_POLICY_JSON: policy },
    );

    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout);
    // The fixtures' open job (created as DataScientist) and the Intern's: violations; the canary: exempt.
    expect(report.violations.map((v: { name: string }) => v.name).sort()).toEqual([
      `${m.name}-open-job`,
      "scan-rogue-job",
    ]);
    expect(report.totals).toMatchObject({ exempt: 1, nonCompliant: 2, other: 0 });
    expect(JSON.stringify(report)).not.toMatch(/unverifiable|cannot be verified/);
    expect((await emu.calls())["cloudtrail:LookupEvents"]).toBe(3);
  });
});
