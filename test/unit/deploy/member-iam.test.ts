import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { EC2Client } from "@aws-sdk/client-ec2";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { GetFindingsCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { SNSClient } from "@aws-sdk/client-sns";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { mockClient } from "aws-sdk-client-mock";
import { inAccount } from "../../../scripts/local-org.js";
import { readServerlessYml } from "../../../scripts/serverless-yml.js";
import { CLOUDTRAIL_IAM_ACTIONS } from "../../../src/adapters/cloudtrail.js";
import { EC2_IAM_ACTIONS } from "../../../src/adapters/ec2.js";
import { LIST_IAM_ACTIONS } from "../../../src/adapters/sagemaker-list.js";
import { enforceResource } from "../../../src/app/enforce.js";
import { DESCRIBED_ONLY, RESOURCE_TYPES } from "../../../src/core/resource-types.js";
import type { ResourceType } from "../../../src/core/types.js";
import { cloudTrailPattern, memberTemplate, stateChangePattern } from "../../../src/org/member-template.js";
import { createOrgScope } from "../../../src/org/wiring.js";
import { EVENTS_DIR, sample } from "../../support/events.js";
import { mockedRuntime, natRoutes } from "../../support/mocked-runtime.js";

const MEMBER = "111122223333";
const CENTRAL = "123456789012";
const ORG = "o-abcdefghij";
const template = memberTemplate({ stage: "prod", roleName: "IsolationGuardMember" }) as {
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation, read by path
  Resources: Record<string, any>;
};
const PARAMS: Record<string, string | string[]> = {
  "AWS::Partition": "aws",
  "AWS::AccountId": MEMBER,
  "AWS::Region": "us-east-1",
  CentralAccountId: CENTRAL,
  CentralRegion: "us-east-1",
  CentralEventBusName: "sagemaker-isolation-guard-prod",
  OrganizationId: ORG,
  MemberRoleName: "IsolationGuardMember",
  TrustedPrincipalArns: [`arn:aws:iam::${CENTRAL}:role/sagemaker-isolation-guard-prod-*`],
  Regions: ["us-east-1", "eu-west-1"],
};

/** The template with its parameters filled in (Ref and Fn::Sub), as CloudFormation would deploy it. */
function resolve(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(resolve);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === "string") return PARAMS[o.Ref] ?? o.Ref;
    if (typeof o["Fn::Sub"] === "string")
      return (o["Fn::Sub"] as string).replace(/\$\{([\w:]+)\}/g, (_m, k: string) => String(PARAMS[k]));
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, resolve(x)]));
  }
  return v;
}

type Statement = { Sid: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> };
const role = resolve(template.Resources.RemediationRole) as {
  Properties: { AssumeRolePolicyDocument: unknown; Policies: { PolicyDocument: { Statement: Statement[] } }[] };
};
const statements = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const granted = new Set(statements.flatMap(actionsOf));

/** Every SageMaker call the central guard makes in a member account for the sample events, both modes. */
async function callsInMemberAccount(): Promise<Set<string>> {
  const sm = mockClient(SageMakerClient);
  const sns = mockClient(SNSClient);
  sm.onAnyCommand().callsFake((input: Record<string, unknown>) => {
    const name = Object.values(input)[0];
    const arnOf = (t: string) => `arn:aws:sagemaker:us-east-1:${MEMBER}:${t}/${String(name).toLowerCase()}`;
    return {
      EnableNetworkIsolation: false,
      TrainingJobName: name,
      TrainingJobArn: arnOf("training-job"),
      HyperParameterTuningJobName: name,
      ProcessingJobName: name,
      TransformJobName: name,
      ModelName: "m",
      EndpointConfigName: "c",
      EndpointName: name,
      TrainingJobStatus: "InProgress",
      HyperParameterTuningJobStatus: "InProgress",
      ProcessingJobStatus: "InProgress",
      TransformJobStatus: "InProgress",
      ProductionVariants: [{ ModelName: "m" }],
      // In a VPC whose routes (natRoutes) reach the internet: the egress check reads them, the verdict stands.
      VpcConfig: { Subnets: ["subnet-0a1"], SecurityGroupIds: ["sg-0a1"] },
      // A PyTorch image (which cannot run isolated): only its routes decide.
      AlgorithmSpecification: { TrainingImage: "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0" },
      // The sample job that load-tests a model package version (churn-package-right-size) describes it.
      ...(String(name).includes("package")
        ? {
            JobName: name,
            Status: "IN_PROGRESS",
            InputConfig: { ModelPackageVersionArn: `arn:aws:sagemaker:us-east-1:${MEMBER}:model-package/churn-xgb/3` },
            InferenceSpecification: { Containers: [{ Image: `${MEMBER}.dkr.ecr.us-east-1.amazonaws.com/own:1` }] },
          }
        : {}),
      Tags: [],
    };
  });
  sns.onAnyCommand().resolves({ MessageId: "1" });
  const ec2 = mockClient(EC2Client);
  ec2.onAnyCommand().callsFake(natRoutes);
  const hub = mockClient(SecurityHubClient);
  hub.on(GetFindingsCommand).resolves({ Findings: [] });
  hub.onAnyCommand().resolves({ FailedFindings: [] });
  // A resource met without its event (state change, scan) under a principal exemption: its creator is looked
  // up in the member account's event history. Every create call names a non-exempt principal, so the
  // decisions (and the stops and deletes the other grants are checked on) stand.
  const ct = mockClient(CloudTrailClient);
  const creates = [
    ...new Set(Object.values(RESOURCE_TYPES).flatMap((t) => t.events.filter((e) => e.startsWith("Create")))),
  ];
  const intern = {
    type: "AssumedRole",
    arn: `arn:aws:sts::${MEMBER}:assumed-role/Intern/session`,
    sessionContext: { sessionIssuer: { type: "Role", arn: `arn:aws:iam::${MEMBER}:role/Intern` } },
  };
  ct.onAnyCommand().resolves({
    Events: creates.map((EventName) => ({
      EventName,
      CloudTrailEvent: JSON.stringify({
        eventSource: "sagemaker.amazonaws.com",
        eventName: EventName,
        userIdentity: intern,
      }),
    })),
  });
  const exemptions = [
    { principal: `arn:aws:iam::${MEMBER}:role/ml-platform`, reason: "canary", expires: "2099-01-01" },
  ];
  for (const mode of ["enforce", "audit"]) {
    const rt = mockedRuntime(undefined, {
      env: {
        GUARD_ALERT_TOPIC_ARN: `arn:aws:sns:us-east-1:${CENTRAL}:alerts`,
        GUARD_MODE: mode,
        GUARD_MEMBER_ROLE_NAME: "IsolationGuardMember",
        GUARD_MEMBER_ACCOUNTS: MEMBER,
        GUARD_SECURITY_HUB: "true",
        GUARD_POLICY_JSON: JSON.stringify({ exemptions }),
      },
    });
    for (const file of readdirSync(EVENTS_DIR).filter((f) => f.endsWith(".json") && f !== "expected.json")) {
      await rt.handle(inAccount(sample(file), MEMBER, "us-east-1")).catch(() => undefined);
    }
    // The state-change samples' creators were looked up through the member account's CloudTrail client
    // (the central one, rt.deps.creators, is an in-memory fake that calls nothing).
    if (!ct.calls().length) throw new Error(`${mode}: the event path looked up no creator in the member account`);
    // What `scan --org --fix` does with every type it lists there, through the same member clients.
    const scope = createOrgScope(
      rt.config.org as NonNullable<typeof rt.config.org>,
      { ...rt.deps.self, sagemaker: rt.deps.sagemaker },
      {},
      Date.now,
    );
    const sagemaker = await scope.sagemakerFor(MEMBER, "us-east-1");
    for (const type of Object.keys(RESOURCE_TYPES) as ResourceType[]) {
      const arn = `arn:aws:sagemaker:us-east-1:${MEMBER}:${type}/x`;
      const deps = {
        ...rt.deps,
        sagemaker,
        creators: scope.creatorsFor(MEMBER, "us-east-1"),
        self: { account: MEMBER, region: "us-east-1" },
      };
      await enforceResource({ type, name: "x", arn, account: MEMBER, region: "us-east-1" }, deps).catch(
        () => undefined,
      );
    }
  }
  const made = new Set([
    ...sm.calls().map((c) => `sagemaker:${c.args[0].constructor.name.replace(/Command$/, "")}`),
    ...hub.calls().map((c) => `securityhub:${c.args[0].constructor.name.replace(/Command$/, "")}`),
    ...ec2.calls().map((c) => `ec2:${c.args[0].constructor.name.replace(/Command$/, "")}`),
    ...ct.calls().map((c) => `cloudtrail:${c.args[0].constructor.name.replace(/Command$/, "")}`),
  ]);
  // Every finding named the member account and was imported under its own default product.
  const products = hub
    .calls()
    .flatMap((c) => (c.args[0].input as { Findings?: { ProductArn: string; AwsAccountId: string }[] }).Findings ?? [])
    .map((f) => [f.AwsAccountId, f.ProductArn]);
  if (
    !products.length ||
    products.some(([a, p]) => a !== MEMBER || p !== `arn:aws:securityhub:us-east-1:${MEMBER}:product/${MEMBER}/default`)
  )
    throw new Error(`findings not imported in the member account: ${JSON.stringify(products.slice(0, 3))}`);
  // The mocks answer before the SDK asks for credentials: that the calls were about the member account shows
  // they went through the member account's clients (the integration tests show the AssumeRole itself).
  const reached = sm.calls().some((c) => JSON.stringify(c.args[0].input).includes(MEMBER));
  sm.restore();
  sns.restore();
  hub.restore();
  ec2.restore();
  ct.restore();
  if (!reached) throw new Error("no call named the member account: the events did not reach it");
  return made;
}

describe("the member account's remediation role", () => {
  it("grants every SageMaker call the central guard makes in a member account", async () => {
    const made = await callsInMemberAccount();

    expect([...made].filter((a) => !granted.has(a))).toEqual([]);
    expect(made).toContain("sagemaker:StopTrainingJob");
    expect(made).toContain("sagemaker:DeleteModel");
    expect(made).toContain("sagemaker:AddTags");
    expect(made).toContain("sagemaker:DescribeModelPackage");
    expect(made).toContain("securityhub:BatchImportFindings");
    expect(made).toContain("securityhub:GetFindings");
    // The egress check of a member resource in a VPC reads the member account's route tables.
    expect([...made].filter((a) => a.startsWith("ec2:")).sort()).toEqual([...EC2_IAM_ACTIONS].sort());
    // The creator of a member resource met without its event is looked up in the member account's CloudTrail.
    expect([...made].filter((a) => a.startsWith("cloudtrail:"))).toEqual([...CLOUDTRAIL_IAM_ACTIONS]);
  });

  it("grants nothing beyond the resource table's describe/stop/delete, the tags, the listing, auto scaling's deregistration, its own route tables, its own CloudTrail event history and its own Security Hub findings", () => {
    const possible = new Set([
      ...Object.values(RESOURCE_TYPES).flatMap((t) =>
        [t.api.describe, t.api.stop, t.api.delete].filter(Boolean).map((op) => `sagemaker:${op}`),
      ),
      "sagemaker:AddTags",
      ...LIST_IAM_ACTIONS,
      "application-autoscaling:DeregisterScalableTarget",
      ...Object.values(DESCRIBED_ONLY).map((d) => `sagemaker:${d.describe}`),
      "securityhub:BatchImportFindings",
      "securityhub:GetFindings",
      ...EC2_IAM_ACTIONS,
      ...CLOUDTRAIL_IAM_ACTIONS,
    ]);
    expect([...granted].filter((a) => !possible.has(a))).toEqual([]);
    expect([...granted].some((a) => a.includes("*"))).toBe(false);
    for (const s of statements) {
      expect(s.Condition).toMatchObject({ StringEquals: { "aws:RequestedRegion": ["us-east-1", "eu-west-1"] } });
      if (s.Resource === "*")
        expect([
          [...LIST_IAM_ACTIONS].sort(),
          [...EC2_IAM_ACTIONS].sort(),
          [...CLOUDTRAIL_IAM_ACTIONS].sort(),
        ]).toContainEqual(actionsOf(s).sort());
      else if (s.Sid === "ReadModelPackages") {
        // Read only; a Marketplace package is in the seller's account.
        expect([actionsOf(s), s.Resource]).toEqual([
          ["sagemaker:DescribeModelPackage"],
          "arn:aws:sagemaker:*:*:model-package/*",
        ]);
      } else
        for (const r of [s.Resource].flat() as string[])
          expect(r).toMatch(new RegExp(`^arn:aws:[a-z-]+:\\*:${MEMBER}:`));
    }
  });

  async function decision(o: {
    action: string;
    resource: string;
    principal?: string;
    context?: Record<string, string | string[]>;
    trust?: boolean;
  }) {
    const principal = o.principal ?? `arn:aws:iam::${CENTRAL}:role/sagemaker-isolation-guard-prod-EnforcerRole-ABC123`;
    const roleArn = `arn:aws:iam::${MEMBER}:role/IsolationGuardMember`;
    const result = await runSimulation(
      {
        request: {
          principal: o.trust ? principal : `arn:aws:sts::${MEMBER}:assumed-role/IsolationGuardMember/isolation-guard`,
          action: o.action,
          resource: { resource: o.resource, accountId: o.trust ? MEMBER : MEMBER },
          contextVariables: { "aws:RequestedRegion": "us-east-1", ...o.context },
        },
        identityPolicies: o.trust
          ? [
              {
                name: "central",
                policy: {
                  Version: "2012-10-17",
                  Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: roleArn }],
                },
              },
            ]
          : role.Properties.Policies.map((p, i) => ({ name: `p${i}`, policy: p.PolicyDocument as never })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(o.trust ? { resourcePolicy: role.Properties.AssumeRolePolicyDocument as never } : {}),
      },
      {},
    );
    if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
    return result.overallResult;
  }

  it("tags only with isolation-guard:* keys", async () => {
    const job = `arn:aws:sagemaker:us-east-1:${MEMBER}:training-job/j`;
    const tag = (keys: string[]) =>
      decision({ action: "sagemaker:AddTags", resource: job, context: { "aws:TagKeys": keys } });

    expect(await tag(["isolation-guard:status", "isolation-guard:rules"])).toBe("Allowed");
    expect(await tag(["owner"])).not.toBe("Allowed");
    expect(await tag(["isolation-guard:status", "exempt"])).not.toBe("Allowed");
    expect(await decision({ action: "sagemaker:StopTrainingJob", resource: job })).toBe("Allowed");
    expect(
      await decision({
        action: "sagemaker:StopTrainingJob",
        resource: `arn:aws:sagemaker:ap-south-1:${MEMBER}:training-job/j`,
        context: { "aws:RequestedRegion": "ap-south-1" },
      }),
    ).not.toBe("Allowed");
    expect(await decision({ action: "sagemaker:CreateTrainingJob", resource: job })).not.toBe("Allowed");
  });

  it("may be assumed only by the central guard's roles, from inside the organization", async () => {
    const roleArn = `arn:aws:iam::${MEMBER}:role/IsolationGuardMember`;
    const assume = (principal: string, org: string) =>
      decision({
        action: "sts:AssumeRole",
        resource: roleArn,
        principal,
        trust: true,
        context: { "aws:PrincipalOrgID": org, "aws:PrincipalArn": principal },
      });
    const guard = `arn:aws:iam::${CENTRAL}:role/sagemaker-isolation-guard-prod-EnforcerRole-ABC123`;

    expect(await assume(guard, ORG)).toBe("Allowed");
    expect(await assume(guard, "o-otherorgxyz")).not.toBe("Allowed");
    expect(await assume(`arn:aws:iam::${CENTRAL}:role/DataScientist`, ORG)).not.toBe("Allowed");
    expect(await assume(`arn:aws:iam::999988887777:role/sagemaker-isolation-guard-prod-EnforcerRole-X`, ORG)).not.toBe(
      "Allowed",
    );
  });
});

describe("the member template", () => {
  it("forwards exactly the events the central functions subscribe to", () => {
    const sls = readServerlessYml();
    // The same filters, whatever order the resource table lists the types in.
    const sorted = (p: { detail?: { eventName?: string[] }; "detail-type": string[] }) => ({
      ...p,
      "detail-type": [...p["detail-type"]].sort(),
      ...(p.detail ? { detail: { ...p.detail, eventName: [...(p.detail.eventName ?? [])].sort() } } : {}),
    });
    expect(sorted(cloudTrailPattern())).toEqual(sorted(sls.functions.enforcer.events[0].eventBridge.pattern));
    expect(sorted(stateChangePattern())).toEqual(sorted(sls.functions.stateChange.events[0].eventBridge.pattern));
  });

  it("passes cfn-lint", () => {
    const dir = mkdtempSync(join(tmpdir(), "ig-member-"));
    try {
      const file = join(dir, "member.template.json");
      writeFileSync(file, JSON.stringify(template));
      expect(() => execFileSync("cfn-lint", [file], { encoding: "utf8", stdio: "pipe" })).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
