import { readdirSync } from "node:fs";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { readServerlessYml } from "../../../scripts/serverless-yml.js";
import { EC2_IAM_ACTIONS } from "../../../src/adapters/ec2.js";
import { DESCRIBED_ONLY, RESOURCE_TYPES } from "../../../src/core/resource-types.js";
import { EVENTS_DIR, sample } from "../../support/events.js";
import { mockedRuntime, natRoutes } from "../../support/mocked-runtime.js";

const sls = readServerlessYml();

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}
function roleStatements(fn: string): Statement[] {
  const roleId = sls.functions[fn].role as string;
  const role = sls.resources.Resources[roleId];
  return role.Properties.Policies.flatMap(
    (p: { PolicyDocument: { Statement: Statement[] } }) => p.PolicyDocument.Statement,
  );
}
function granted(fn: string): Set<string> {
  return new Set(roleStatements(fn).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
}

/** Runs every sample event that reaches `fn` through the real handler code with mocked AWS clients and records each call. */
async function callsMadeFor(detailTypes: (dt: string) => boolean): Promise<Set<string>> {
  const sm = mockClient(SageMakerClient);
  const sns = mockClient(SNSClient);
  const ec2 = mockClient(EC2Client);
  ec2.onAnyCommand().callsFake(natRoutes);
  // A training job that only its VPC keeps off the internet: its decision reads route tables.
  const describedBad = {
    EnableNetworkIsolation: false,
    VpcConfig: { Subnets: ["subnet-0a1"], SecurityGroupIds: ["sg-0a1"] },
    AlgorithmSpecification: { TrainingImage: "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0" },
  };
  sm.onAnyCommand().callsFake((input: Record<string, unknown>) => {
    const name = Object.values(input)[0];
    return {
      ...describedBad,
      TrainingJobName: name,
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
      NotebookInstanceName: name,
      NotebookInstanceStatus: "InService",
      DirectInternetAccess: "Enabled",
      MonitoringScheduleName: name,
      MonitoringScheduleStatus: "Scheduled",
      MonitoringScheduleConfig: { MonitoringJobDefinitionName: "d", MonitoringType: "ModelQuality" },
      JobDefinitionName: name,
      AutoMLJobName: name,
      AutoMLJobStatus: "InProgress",
      CompilationJobName: name,
      CompilationJobStatus: "INPROGRESS",
      OptimizationJobName: name,
      OptimizationJobStatus: "INPROGRESS",
      DomainId: name,
      DomainName: "d",
      ClusterName: name,
      ClusterStatus: "InService",
      JobName: name,
      Status: "IN_PROGRESS",
      // The sample job that load-tests a model package version (churn-package-right-size) describes it.
      InputConfig: String(name).includes("package")
        ? { ModelPackageVersionArn: "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-xgb/3" }
        : { ModelName: "m" },
      InferenceSpecification: { Containers: [{ Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/own:1" }] },
      LabelingJobName: name,
      LabelingJobStatus: "InProgress",
      LabelingJobAlgorithmsConfig: {
        LabelingJobAlgorithmSpecificationArn:
          "arn:aws:sagemaker:us-east-1:027400017018:labeling-job-algorithm-specification/image-classification",
      },
      Tags: [],
    };
  });
  sns.onAnyCommand().resolves({ MessageId: "1" });
  const ddb = mockClient(DynamoDBClient);
  ddb.onAnyCommand().resolves({});
  const ct = mockClient(CloudTrailClient);
  ct.onAnyCommand().resolves({ Events: [] });
  // A principal-scoped exemption makes the state-change path read the record and look the creator up.
  const principalExemption = {
    exemptions: [{ principal: "arn:aws:iam::123456789012:role/Exempt", reason: "r", expires: "2099-01-01" }],
  };
  // requireVpc too: AutoML, compilation and optimization jobs are stopped only under it.
  for (const policyEnv of [
    {},
    { GUARD_POLICY_JSON: JSON.stringify(principalExemption) },
    { GUARD_POLICY_JSON: JSON.stringify({ requireVpc: true }) },
  ]) {
    for (const file of readdirSync(EVENTS_DIR).filter((f) => f.endsWith(".json") && f !== "expected.json")) {
      const event = sample(file);
      if (!detailTypes(event["detail-type"])) continue;
      for (const mode of ["enforce", "audit"]) {
        const rt = mockedRuntime(undefined, { realRecord: true, env: { ...policyEnv, GUARD_MODE: mode } });
        await rt.handle(event).catch(() => undefined);
      }
    }
  }
  const name = (c: { args: unknown[] }) => (c.args[0] as object).constructor.name.replace(/Command$/, "");
  const made = new Set([
    ...sm.calls().map((c) => `sagemaker:${name(c)}`),
    ...sns.calls().map((c) => `sns:${name(c)}`),
    ...ec2.calls().map((c) => `ec2:${name(c)}`),
    ...ddb.calls().map((c) => `dynamodb:${name(c)}`),
    ...ct.calls().map((c) => `cloudtrail:${name(c)}`),
  ]);
  for (const m of [sm, sns, ec2, ddb, ct]) m.restore();
  return made;
}

describe("least-privilege roles in serverless.yml", () => {
  it("gives the enforcer every action its code calls for CloudTrail events, and no other SageMaker action", async () => {
    const made = await callsMadeFor((dt) => dt === "AWS API Call via CloudTrail");
    const role = granted("enforcer");

    expect([...made].filter((a) => !role.has(a))).toEqual([]);
    expect(made).toContain("sagemaker:StopTrainingJob");
    expect(made).toContain("sagemaker:DeleteModel");
    expect(made).toContain("sagemaker:StopNotebookInstance");
    expect(made).toContain("sagemaker:StopMonitoringSchedule");
    expect(made).toContain("sagemaker:StopAutoMLJob");
    expect(made).toContain("sagemaker:StopCompilationJob");
    expect(made).toContain("sagemaker:StopInferenceRecommendationsJob");
    expect(made).toContain("sagemaker:StopLabelingJob");
    expect(made).toContain("sagemaker:DescribeModelPackage");
    expect(made).toContain("sagemaker:DeleteDataQualityJobDefinition");
    expect(made).toContain("sagemaker:DescribeModelQualityJobDefinition");
    expect(made).toContain("dynamodb:PutItem");
    // A PyTorch job in a VPC (events/CreateTrainingJob.pytorch-framework-vpc.json) reads its routes.
    expect([...made].filter((a) => a.startsWith("ec2:")).sort()).toEqual([...EC2_IAM_ACTIONS].sort());
    expect([...role].filter((a) => a.startsWith("ec2:")).sort()).toEqual([...EC2_IAM_ACTIONS].sort());
    // Least privilege: nothing beyond what the resource table says the enforcer may need.
    const possible = new Set(
      Object.values(RESOURCE_TYPES).flatMap((t) =>
        [t.api.describe, t.api.stop, t.api.delete].filter(Boolean).map((op) => `sagemaker:${op}`),
      ),
    );
    possible.add("sagemaker:AddTags");
    for (const d of Object.values(DESCRIBED_ONLY)) possible.add(`sagemaker:${d.describe}`);
    expect([...role].filter((a) => a.startsWith("sagemaker:") && !possible.has(a))).toEqual([]);
  });

  it("gives the state-change function every action its code calls for state-change events, and deletes only endpoints and models", async () => {
    const made = await callsMadeFor((dt) => dt.startsWith("SageMaker "));
    const role = granted("stateChange");

    expect([...made].filter((a) => !role.has(a))).toEqual([]);
    expect(made).toContain("sagemaker:DescribeTrainingJob");
    expect(made).toContain("sagemaker:StopNotebookInstance");
    expect(made).toContain("sagemaker:DescribeCluster");
    expect(made).toContain("cloudtrail:LookupEvents");
    expect([...made].filter((a) => a.startsWith("ec2:")).sort()).toEqual([...EC2_IAM_ACTIONS].sort());
    // Endpoints are deleted when they reach InService (SageMaker refuses while Creating), models when
    // their "Model State Change" announces them; nothing else (inference components have no state change).
    expect(made).toContain("sagemaker:DeleteModel");
    expect([...role].filter((a) => a.startsWith("sagemaker:Delete")).sort()).toEqual([
      "sagemaker:DeleteEndpoint",
      "sagemaker:DeleteModel",
    ]);
  });

  it("scopes every SageMaker and SNS grant to this account, region and topic; no wildcard actions", () => {
    for (const fn of ["enforcer", "stateChange"]) {
      for (const s of roleStatements(fn)) {
        const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
        expect(actions.some((a) => a.includes("*"))).toBe(false);
        const resources = JSON.stringify(s.Resource);
        if (actions.some((a) => a.startsWith("ec2:"))) {
          // EC2 Describe* actions take no resource ARNs: "*", kept to this region by ec2:Region.
          expect(actions.every((a) => a.startsWith("ec2:Describe"))).toBe(true);
          expect(s.Resource).toBe("*");
          expect((s as Statement & { Condition?: unknown }).Condition).toEqual({
            StringEquals: { "ec2:Region": { Ref: "AWS::Region" } },
          });
          continue;
        }
        // LookupEvents supports no resource-level permissions (CloudTrail's service authorization reference).
        if (!actions.every((a) => a === "cloudtrail:LookupEvents")) expect(resources).not.toBe('"*"');
        if (actions.some((a) => a.startsWith("dynamodb:"))) expect(resources).toContain("table/");
        if (actions.length === 1 && actions[0] === "sagemaker:DescribeModelPackage") {
          // Read only, any account (a Marketplace package is the seller's), this region.
          expect(s.Resource).toEqual({
            // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub syntax
            Sub: "arn:${AWS::Partition}:sagemaker:${AWS::Region}:*:model-package/*",
          });
          continue;
        }
        if (actions.some((a) => a.startsWith("sagemaker:"))) {
          for (const r of s.Resource as { Sub: string }[]) {
            expect(r.Sub).toMatch(
              /^arn:\$\{AWS::Partition\}:sagemaker:\$\{AWS::Region\}:\$\{AWS::AccountId\}:[a-z-]+\/\*$/,
            );
          }
        }
        if (actions.includes("sns:Publish")) expect(s.Resource).toEqual({ Ref: "AlertTopic" });
      }
    }
  });

  it("lets every function that deletes endpoints deregister their auto scaling, in this account and region only", () => {
    // AWS: deleting an endpoint with auto-scaled variants needs application-autoscaling:DeregisterScalableTarget.
    const deleters = Object.keys(sls.functions).filter((fn) => granted(fn).has("sagemaker:DeleteEndpoint"));
    expect(deleters.sort()).toEqual(["enforcer", "stateChange", "sweep"]);
    for (const fn of deleters) {
      const grants = roleStatements(fn).filter(
        (st) => st.Action === "application-autoscaling:DeregisterScalableTarget",
      );
      expect(grants).toHaveLength(1);
      expect(grants[0]?.Resource).toEqual({
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub syntax, not a template literal
        Sub: "arn:${AWS::Partition}:application-autoscaling:${AWS::Region}:${AWS::AccountId}:scalable-target/*",
      });
    }
    expect(granted("slackNotifier").has("application-autoscaling:DeregisterScalableTarget")).toBe(false);
  });

  it("lets the Slack notifier read one SSM parameter and nothing of SageMaker", () => {
    const statements = roleStatements("slackNotifier");
    const actions = statements.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));

    expect(actions.filter((a) => a.startsWith("sagemaker:") || a.startsWith("sns:"))).toEqual([]);
    const ssm = statements.find((st) => st.Action === "ssm:GetParameter");
    expect(JSON.stringify(ssm?.Resource)).toContain(["parameter$", "{param:slackWebhookParameter}"].join(""));
    const decrypt = statements.find((st) => st.Action === "kms:Decrypt") as Statement & { Condition?: unknown };
    expect(JSON.stringify(decrypt.Condition)).toContain("kms:EncryptionContext:PARAMETER_ARN");
  });

  it("lets only the guard's roles write the record table, which is on demand, encrypted, recoverable and expiring", () => {
    const table = sls.resources.Resources.RecordTable.Properties;
    expect(table.BillingMode).toBe("PAY_PER_REQUEST");
    expect(table.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled).toBe(true);
    expect(table.SSESpecification.SSEEnabled).toBe(true);
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: "expiresAt", Enabled: true });
    const [deny] = table.ResourcePolicy.PolicyDocument.Statement;
    expect(deny.Effect).toBe("Deny");
    expect(deny.Action).toEqual(
      expect.arrayContaining(["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]),
    );
    const writers = deny.Condition.ArnNotEquals["aws:PrincipalArn"].map((r: { GetAtt: string }) => r.GetAtt);
    const writingRoles = Object.keys(sls.functions)
      .filter((fn) => granted(fn).has("dynamodb:PutItem"))
      .map((fn) => `${sls.functions[fn].role}.Arn`);
    expect(writers.sort()).toEqual(writingRoles.sort());
    expect(granted("slackNotifier").has("dynamodb:PutItem")).toBe(false);
  });

  it("filters CloudTrail events to SageMaker's successful create calls", () => {
    const pattern = sls.functions.enforcer.events[0].eventBridge.pattern;
    expect(pattern.source).toEqual(["aws.sagemaker"]);
    expect(pattern["detail-type"]).toEqual(["AWS API Call via CloudTrail"]);
    expect(pattern.detail.eventSource).toEqual(["sagemaker.amazonaws.com"]);
    expect(pattern.detail.errorCode).toEqual([{ exists: false }]);
    expect(pattern.detail.eventName).toEqual(
      expect.arrayContaining(["CreateTrainingJob", "CreateModel", "CreateEndpoint"]),
    );
  });

  it("subscribes to exactly the CloudTrail calls and state changes the resource table names", () => {
    const rows = Object.values(RESOURCE_TYPES);
    const calls = sls.functions.enforcer.events[0].eventBridge.pattern.detail.eventName;
    expect([...calls].sort()).toEqual(rows.flatMap((r) => r.events).sort());
    const changes = sls.functions.stateChange.events[0].eventBridge.pattern["detail-type"];
    expect([...changes].sort()).toEqual(rows.flatMap((r) => (r.stateChange ? [r.stateChange.detailType] : [])).sort());
  });
});
