import { readdirSync } from "node:fs";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ListAccountsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { ListTrainingJobsCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { GetFindingsCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { SNSClient } from "@aws-sdk/client-sns";
import { STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { inAccount } from "../../../scripts/local-org.js";
import { readServerlessYml } from "../../../scripts/serverless-yml.js";
import { StsAdapter } from "../../../src/adapters/sts.js";
import { loadSweepConfig } from "../../../src/app/config-sweep.js";
import { createSweepRuntime } from "../../../src/wiring/sweep-runtime.js";
import { EVENTS_DIR, sample } from "../../support/events.js";
import { mockedRuntime } from "../../support/mocked-runtime.js";

const sls = readServerlessYml();
const MEMBER = "111122223333";
type Statement = { Sid: string; Action: string; Resource: unknown; Condition?: unknown };
const policy = (id: string) =>
  sls.resources.Resources[id] as {
    Condition: string;
    Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } };
  };

/** A `${name}` placeholder as serverless.yml writes it (built so that no string literal holds one). */
const v = (name: string) => ["$", "{", name, "}"].join("");

const commandName = (c: { args: { constructor: { name: string } }[] }) =>
  (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, "");

/**
 * Organizations, Security Hub and STS mocked as a central guard meets them (one active member, no finding
 * yet, member credentials for an hour); `made()` lists the calls it received as IAM actions.
 */
function mockOrgClients() {
  const organizations = mockClient(OrganizationsClient);
  const securityhub = mockClient(SecurityHubClient);
  const sts = mockClient(STSClient);
  organizations.on(ListAccountsCommand).resolves({ Accounts: [{ Id: MEMBER, Name: "ml", Status: "ACTIVE" }] });
  securityhub.on(GetFindingsCommand).resolves({ Findings: [] });
  securityhub.onAnyCommand().resolves({ FailedFindings: [] });
  sts.onAnyCommand().resolves({
    Credentials: {
      AccessKeyId: "A",
      SecretAccessKey: "S",
      SessionToken: "T",
      Expiration: new Date(Date.now() + 3.6e6),
    },
  });
  return {
    mocks: [organizations, securityhub, sts],
    made: () =>
      new Set([
        ...organizations.calls().map((c) => `organizations:${commandName(c as never)}`),
        ...securityhub.calls().map((c) => `securityhub:${commandName(c as never)}`),
        ...sts.calls().map((c) => `sts:${commandName(c as never)}`),
      ]),
  };
}

/** Calls a central guard with Security Hub on makes beyond SageMaker and SNS, for every sample event. */
async function centralCalls(): Promise<Set<string>> {
  const mocks = {
    sagemaker: mockClient(SageMakerClient),
    sns: mockClient(SNSClient),
  };
  const org = mockOrgClients();
  mocks.sagemaker.onAnyCommand().callsFake((input: Record<string, unknown>) => ({
    TrainingJobName: Object.values(input)[0],
    TrainingJobStatus: "InProgress",
    CreationTime: new Date(0),
    Tags: [],
  }));
  mocks.sns.onAnyCommand().resolves({ MessageId: "1" });
  const rt = mockedRuntime(undefined, {
    env: { GUARD_MEMBER_ROLE_NAME: "IsolationGuardMember", GUARD_SECURITY_HUB: "true" },
  });
  for (const file of readdirSync(EVENTS_DIR).filter((f) => f.endsWith(".json") && f !== "expected.json")) {
    await rt.handle(inAccount(sample(file), MEMBER, "us-east-1")).catch(() => undefined);
  }
  // The mocks answer before the SDK resolves credentials: the member role's AssumeRole is the adapter's one call.
  await new StsAdapter(new STSClient({})).assumeRole(`arn:aws:iam::${MEMBER}:role/IsolationGuardMember`, "s");
  const made = org.made();
  for (const m of [...Object.values(mocks), ...org.mocks]) m.restore();
  return made;
}

/** Calls the central shape's scheduled sweep (Security Hub on) makes beyond SageMaker, SNS and the record. */
async function centralSweepCalls(): Promise<Set<string>> {
  const mocks = {
    sagemaker: mockClient(SageMakerClient),
    sns: mockClient(SNSClient),
    dynamodb: mockClient(DynamoDBClient),
    cloudtrail: mockClient(CloudTrailClient),
    ec2: mockClient(EC2Client),
  };
  const org = mockOrgClients();
  mocks.sagemaker.onAnyCommand().callsFake((input: Record<string, unknown>) => ({
    TrainingJobName: Object.values(input)[0],
    TrainingJobStatus: "InProgress",
    EnableNetworkIsolation: false,
    CreationTime: new Date(0),
  }));
  // One running job without isolation in the member account (the other types list nothing).
  mocks.sagemaker.on(ListTrainingJobsCommand).resolves({
    TrainingJobSummaries: [
      {
        TrainingJobName: "open",
        TrainingJobArn: `arn:aws:sagemaker:us-east-1:${MEMBER}:training-job/open`,
        TrainingJobStatus: "InProgress",
        CreationTime: new Date(0),
      } as never,
    ],
  });
  mocks.sns.onAnyCommand().resolves({ MessageId: "1" });
  mocks.dynamodb.onAnyCommand().resolves({});
  mocks.cloudtrail.onAnyCommand().resolves({ Events: [] });
  const rt = createSweepRuntime({
    log: { info() {}, warn() {}, error() {} },
    config: loadSweepConfig({
      AWS_REGION: "us-east-1",
      GUARD_ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:alerts",
      GUARD_MEMBER_ROLE_NAME: "IsolationGuardMember",
      GUARD_SECURITY_HUB: "true",
    }),
    clients: {
      sagemaker: new SageMakerClient({ region: "us-east-1" }),
      sns: new SNSClient({ region: "us-east-1" }),
      dynamodb: new DynamoDBClient({ region: "us-east-1" }),
      cloudtrail: new CloudTrailClient({ region: "us-east-1" }),
      ec2: new EC2Client({ region: "us-east-1" }),
    },
  });
  const summary = await rt.sweep();
  expect(summary).toMatchObject({ units: 1, stopped: 1, notExamined: [] });
  const made = org.made();
  for (const m of [...Object.values(mocks), ...org.mocks]) m.restore();
  return made;
}

describe("the central shape's grants (serverless.yml, shape=central)", () => {
  it("grants the sweep role exactly the STS, Organizations and Security Hub calls the central sweep makes", async () => {
    const made = await centralSweepCalls();
    const access = policy("CentralMemberAccessPolicy");
    const hub = policy("SecurityHubFindingsPolicy");
    const granted = new Set(
      [...access.Properties.PolicyDocument.Statement, ...hub.Properties.PolicyDocument.Statement].map((s) => s.Action),
    );

    // The mocks answer before the SDK resolves credentials, so AssumeRole shows up only as the adapter's call.
    expect([...made].sort()).toEqual(
      [
        "organizations:ListAccounts",
        "securityhub:BatchImportFindings",
        "securityhub:GetFindings",
        "sts:AssumeRole",
      ].sort(),
    );
    expect([...made].sort()).toEqual([...granted].sort());
    for (const p of [access, hub]) expect(p.Properties.Roles).toContainEqual({ Ref: "SweepRole" });
  });

  it("grants the enforcer and state-change roles exactly the STS, Organizations and Security Hub calls the central guard makes", async () => {
    const made = await centralCalls();
    const access = policy("CentralMemberAccessPolicy");
    const hub = policy("SecurityHubFindingsPolicy");
    const granted = new Set(
      [...access.Properties.PolicyDocument.Statement, ...hub.Properties.PolicyDocument.Statement].map((s) => s.Action),
    );

    expect([...made].sort()).toEqual([...granted].sort());
    for (const p of [access, hub])
      expect(p.Properties.Roles).toEqual([{ Ref: "EnforcerRole" }, { Ref: "StateChangeRole" }, { Ref: "SweepRole" }]);
    expect([access.Condition, hub.Condition]).toEqual(["IsCentral", "SecurityHubOn"]);
  });

  it("assumes only the member role, only in accounts of the organization; imports only into the account's own default product", () => {
    const [assume, list] = policy("CentralMemberAccessPolicy").Properties.PolicyDocument.Statement;
    expect(assume?.Resource).toEqual({ Sub: `arn:${v("AWS::Partition")}:iam::*:role/${v("param:memberRoleName")}` });
    expect(assume?.Condition).toEqual({ StringEquals: { "aws:ResourceOrgID": v("param:organizationId") } });
    expect(list?.Resource).toBe("*");
    const [importFindings, getFindings] = policy("SecurityHubFindingsPolicy").Properties.PolicyDocument.Statement;
    expect(JSON.stringify(importFindings?.Resource)).toContain(`product/${v("AWS::AccountId")}/default`);
    expect(JSON.stringify(getFindings?.Resource)).toContain(":hub/default");
  });

  it("lets only the organization put events on the central bus, and routes them to the same functions", () => {
    const r = sls.resources.Resources;
    expect(r.CentralEventBusPolicy.Properties.Statement.Condition).toEqual({
      StringEquals: { "aws:PrincipalOrgID": v("param:organizationId") },
    });
    expect(r.CentralEventBusPolicy.Properties.Statement.Action).toBe("events:PutEvents");
    expect(r.CentralCloudTrailRule.Properties.Targets[0].Arn).toEqual({ GetAtt: "EnforcerLambdaFunction.Arn" });
    expect(r.CentralStateChangeRule.Properties.Targets[0].Arn).toEqual({ GetAtt: "StateChangeLambdaFunction.Arn" });
  });
});
