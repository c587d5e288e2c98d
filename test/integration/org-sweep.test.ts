import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { DescribeModelCommand, DescribeTrainingJobCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { GetFindingsCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { STSClient } from "@aws-sdk/client-sts";
import { asMemberPrincipal, createLocalOrg, inAccount, type LocalMember } from "../../scripts/local-org.js";
import { loadSweepConfig } from "../../src/app/config-sweep.js";
import type { LogPort } from "../../src/app/enforce.js";
import { SweepIncompleteError } from "../../src/sweep/sweep.js";
import { createRuntime } from "../../src/wiring/runtime.js";
import { createSweepRuntime } from "../../src/wiring/sweep-runtime.js";
import { type AlertInbox, clientConfig, clients, Networks, PYTORCH_IMAGE } from "../support/aws.js";
import { type Emulator, useEmulator } from "../support/emulator.js";
import { sampleFor } from "../support/events.js";

const ROLE = "IsolationGuardMember";
const REGIONS = ["us-east-1", "eu-west-1"];
let emu: Emulator;
let inbox: AlertInbox;
let members: LocalMember[];
const warnings: { m: string; extra: Record<string, unknown> }[] = [];
const log: LogPort = {
  info() {},
  warn: (m, extra = {}) => warnings.push({ m, extra }),
  error() {},
};

useEmulator((w) => {
  ({ emu, inbox } = w);
});
beforeEach(async () => {
  warnings.length = 0;
  ({ members } = await createLocalOrg(emu.endpoint, ["ml-dev", "ml-prod", "analytics"]));
});

const member = (i: number) => members[i] as LocalMember;

function env(extra: Record<string, string>): Record<string, string> {
  return {
    AWS_REGION: "us-east-1",
    GUARD_ALERT_TOPIC_ARN: inbox.topicArn,
    GUARD_MEMBER_ROLE_NAME: ROLE,
    GUARD_REGIONS: REGIONS.join(","),
    GUARD_SWEEP_LOOKBACK_MINUTES: "0",
    ...extra,
  };
}

const orgClients = () => ({
  sts: new STSClient(clientConfig(emu.endpoint)),
  organizations: new OrganizationsClient(clientConfig(emu.endpoint)),
  securityHub: new SecurityHubClient(clientConfig(emu.endpoint)),
  securityHubConfig: clientConfig(emu.endpoint),
  ec2Config: clientConfig(emu.endpoint),
  cloudtrailConfig: clientConfig(emu.endpoint),
  sagemakerConfig: clientConfig(emu.endpoint),
});

/** LookupEvents calls the central account's own CloudTrail client has sent (the injected one). */
let centralLookups = 0;

/** The central stack's scheduled sweep (shape central), as deployed, pointed at the emulator. */
function centralSweep(extra: Record<string, string> = {}) {
  const c = clients(emu.endpoint);
  c.ct.middlewareStack.add(
    (next) => async (args) => {
      centralLookups++;
      return next(args);
    },
    { step: "initialize", name: "countCentralLookups" },
  );
  return createSweepRuntime({
    log,
    config: loadSweepConfig(env(extra)),
    clients: {
      sagemaker: new SageMakerClient(clientConfig(emu.endpoint)),
      sns: c.sns,
      dynamodb: c.ddb,
      cloudtrail: c.ct,
    },
    org: orgClients(),
  });
}

/** Findings in a member account's Security Hub (where the guard imports those about it). */
async function findings(m: LocalMember) {
  return (await m.hub("us-east-1").send(new GetFindingsCommand({}))).Findings ?? [];
}

describe("the central shape's scheduled sweep", () => {
  it("sweeps every member account x configured region through the member role, and stops and deletes there", async () => {
    for (const m of members) {
      await m.fx("us-east-1").trainingJob(`${m.name}-open-job`);
      await m.fx("eu-west-1").model(`${m.name}-open-model`);
      await m.fx("eu-west-1").trainingJob(`${m.name}-isolated-job`, { isolated: true, vpc: true });
    }
    await emu.resetCalls();

    const summary = await centralSweep().sweep();

    // Three members and the central account itself (a member of its own organization), two regions each.
    expect(summary).toMatchObject({ units: 8, notExamined: [], errors: [], stopped: 3, deleted: 3 });
    for (const m of members) {
      const job = await m
        .sm("us-east-1")
        .send(new DescribeTrainingJobCommand({ TrainingJobName: `${m.name}-open-job` }));
      expect(job.TrainingJobStatus).toBe("Stopped");
      const kept = await m
        .sm("eu-west-1")
        .send(new DescribeTrainingJobCommand({ TrainingJobName: `${m.name}-isolated-job` }));
      expect(kept.TrainingJobStatus).toBe("InProgress");
      await expect(
        m.sm("eu-west-1").send(new DescribeModelCommand({ ModelName: `${m.name}-open-model` })),
      ).rejects.toThrow();
    }
    // One AssumeRole per member account (credentials cached across its regions), none for the central account.
    expect((await emu.calls())["sts:AssumeRole"]).toBe(3);
    const alerts = (await inbox.drain()).map((a) => JSON.parse(a.Message as string).resource);
    expect(alerts).toHaveLength(6);
    expect(alerts).toContainEqual(expect.objectContaining({ account: member(1).id, accountName: "ml-prod" }));
  });

  it("reports an account whose role cannot be assumed and fails the sweep (its alarm), after sweeping the others", async () => {
    for (const m of members) await m.fx("us-east-1").trainingJob(`${m.name}-open-job`);
    await emu.denyAssumeRole([member(1).id]);

    const sweep = centralSweep({ GUARD_REGIONS: "us-east-1" }).sweep();

    await expect(sweep).rejects.toThrow(SweepIncompleteError);
    await expect(sweep).rejects.toThrow(
      new RegExp(`1 of 4 account/region\\(s\\) not examined \\(${member(1).id}/us-east-1`),
    );
    const finished = warnings.find((w) => w.m === "sweep finished");
    expect(finished?.extra.notExamined).toEqual([
      { account: member(1).id, region: "us-east-1", reason: expect.stringMatching(/cannot assume .*AccessDenied/) },
    ]);
    for (const i of [0, 2]) {
      const job = await member(i)
        .sm("us-east-1")
        .send(new DescribeTrainingJobCommand({ TrainingJobName: `${member(i).name}-open-job` }));
      expect(job.TrainingJobStatus).toBe("Stopped");
    }
    const denied = await member(1)
      .sm("us-east-1")
      .send(new DescribeTrainingJobCommand({ TrainingJobName: `${member(1).name}-open-job` }));
    expect(denied.TrainingJobStatus).toBe("InProgress");
  });

  it("judges a member account's job in a VPC by that account's route tables", async () => {
    const m = member(2);
    const nets = new Networks(m.ec2("us-east-1"));
    const quiet = await nets.vpc("private");
    const open = await nets.vpc("internet-gateway");
    await m.fx("us-east-1").trainingJob("sweep-private-job", { image: PYTORCH_IMAGE, vpc: [quiet.subnetId] });
    await m.fx("us-east-1").trainingJob("sweep-public-job", { image: PYTORCH_IMAGE, vpc: [open.subnetId] });

    const summary = await centralSweep({ GUARD_MEMBER_ACCOUNTS: m.id, GUARD_REGIONS: "us-east-1" }).sweep();

    expect(summary).toMatchObject({ units: 1, stopped: 1, verdicts: { COMPLIANT: 1, NON_COMPLIANT: 1 } });
    const status = async (name: string) =>
      (await m.sm("us-east-1").send(new DescribeTrainingJobCommand({ TrainingJobName: name }))).TrainingJobStatus;
    expect([await status("sweep-private-job"), await status("sweep-public-job")]).toEqual(["InProgress", "Stopped"]);
  });

  it("sweeps only GUARD_MEMBER_ACCOUNTS when the allow-list is set", async () => {
    for (const m of members) await m.fx("us-east-1").trainingJob(`${m.name}-open-job`);

    const summary = await centralSweep({ GUARD_MEMBER_ACCOUNTS: member(0).id, GUARD_REGIONS: "us-east-1" }).sweep();

    expect(summary).toMatchObject({ units: 1, stopped: 1 });
    const other = await member(2)
      .sm("us-east-1")
      .send(new DescribeTrainingJobCommand({ TrainingJobName: `${member(2).name}-open-job` }));
    expect(other.TrainingJobStatus).toBe("InProgress");
  });
});

describe("the creator of a member account's resource found without its event", () => {
  it("is looked up in the member account's CloudTrail through the member role: the exempt principal's job runs, another principal's is stopped", async () => {
    const m = member(0);
    const platform = `arn:aws:iam::${m.id}:role/ml-platform`;
    const policy = JSON.stringify({
      exemptions: [
        {
          principal: platform,
          resourceTypes: ["training-job"],
          reason: "platform team's canary",
          expires: "2099-01-01",
        },
      ],
    });
    await (await asMemberPrincipal(emu.endpoint, m.id, "ml-platform")).trainingJob("canary-job");
    await (await asMemberPrincipal(emu.endpoint, m.id, "Intern")).trainingJob("rogue-job");
    // The central account's own history names the exempt principal for the rogue job's name: a lookup
    // there (the old behaviour) would exempt it. Only the member account's history may decide.
    await emu.seedCloudTrail([
      {
        eventName: "CreateTrainingJob",
        resourceName: "rogue-job",
        userIdentity: {
          type: "AssumedRole",
          arn: `arn:aws:sts::${m.id}:assumed-role/ml-platform/ana`,
          sessionContext: { sessionIssuer: { arn: platform, type: "Role" } },
        },
      },
    ]);
    await emu.resetCalls();
    centralLookups = 0;

    const summary = await centralSweep({
      GUARD_MEMBER_ACCOUNTS: m.id,
      GUARD_REGIONS: "us-east-1",
      GUARD_POLICY_JSON: policy,
    }).sweep();

    expect(summary).toMatchObject({ units: 1, stopped: 1, verdicts: { EXEMPT: 1, NON_COMPLIANT: 1 } });
    const status = async (name: string) =>
      (await m.sm("us-east-1").send(new DescribeTrainingJobCommand({ TrainingJobName: name }))).TrainingJobStatus;
    expect([await status("canary-job"), await status("rogue-job")]).toEqual(["InProgress", "Stopped"]);
    // Both creators came from the member account's history (the emulator answers each account from its own),
    // through the member role; the central account's CloudTrail client was never asked.
    expect((await emu.calls())["cloudtrail:LookupEvents"]).toBe(2);
    expect(centralLookups).toBe(0);
    const alerts = (await inbox.drain()).map((a) => JSON.parse(a.Message as string));
    const rogue = alerts.find((a) => a.resource.name === "rogue-job");
    expect(JSON.stringify(rogue)).toContain(`arn:aws:sts::${m.id}:assumed-role/Intern/ana`);
    expect(JSON.stringify(alerts)).not.toContain("unverifiable");
  });
});

describe("Security Hub findings from the sweep", () => {
  it("imports one finding, does not duplicate it on the next sweep, and resolves it when a sweep stops the job", async () => {
    const m = member(0);
    const arn = await m.fx("us-east-1").trainingJob("hub-sweep-job");
    const audit = { GUARD_SECURITY_HUB: "true", GUARD_MODE: "audit", GUARD_REGIONS: "us-east-1" };

    await centralSweep(audit).sweep();
    const first = await findings(m);
    await centralSweep(audit).sweep();
    const second = await findings(m);
    await centralSweep({ ...audit, GUARD_MODE: "enforce" }).sweep();
    const fixed = await findings(m);

    expect(first.map((f) => [f.Resources?.[0]?.Id, f.AwsAccountId, f.RecordState, f.Workflow?.Status])).toEqual([
      [arn, m.id, "ACTIVE", "NEW"],
    ]);
    expect(first[0]?.GeneratorId).toBe("isolation-guard/network-isolation-disabled");
    expect(second.map((f) => [f.Id, f.RecordState])).toEqual([[first[0]?.Id, "ACTIVE"]]);
    expect(fixed.map((f) => [f.Id, f.RecordState, f.Workflow?.Status])).toEqual([
      [first[0]?.Id, "ARCHIVED", "RESOLVED"],
    ]);
    const job = await m.sm("us-east-1").send(new DescribeTrainingJobCommand({ TrainingJobName: "hub-sweep-job" }));
    expect(job.TrainingJobStatus).toBe("Stopped");
  });

  it("updates the event path's finding for the same incarnation and rule instead of adding one", async () => {
    const m = member(1);
    const arn = await m.fx("us-east-1").trainingJob("hub-event-job");
    const audit = { GUARD_SECURITY_HUB: "true", GUARD_MODE: "audit", GUARD_REGIONS: "us-east-1" };
    const c = clients(emu.endpoint);
    const enforcer = createRuntime({
      log,
      config: loadSweepConfig(env(audit)),
      clients: { sagemaker: c.sm, sns: c.sns, dynamodb: c.ddb, cloudtrail: c.ct },
      org: orgClients(),
    });
    await enforcer.handle(
      inAccount(sampleFor("CreateTrainingJob.no-isolation.json", "hub-event-job", arn), m.id, "us-east-1"),
    );
    const fromEvent = await findings(m);

    await centralSweep({ ...audit, GUARD_MODE: "enforce" }).sweep();

    expect(fromEvent.map((f) => f.RecordState)).toEqual(["ACTIVE"]);
    expect((await findings(m)).map((f) => [f.Id, f.RecordState])).toEqual([[fromEvent[0]?.Id, "ARCHIVED"]]);
    expect(fromEvent[0]?.Id).toContain(arn);
  });
});
