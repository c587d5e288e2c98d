import {
  CreateInferenceRecommendationsJobCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeInferenceRecommendationsJobCommand,
} from "@aws-sdk/client-sagemaker";
import { guardRuntime } from "../../scripts/guard-runtime.js";
import type { AlertInbox, clients } from "../support/aws.js";
import { type Emulator, useEmulator } from "../support/emulator.js";
import { sampleFor } from "../support/events.js";

let emu: Emulator;
let inbox: AlertInbox;
let aws: ReturnType<typeof clients>;
useEmulator((w) => {
  ({ emu, aws, inbox } = w);
});

const ROLE = "arn:aws:iam::123456789012:role/sagemaker-execution";
const VPC = { Subnets: ["subnet-0a1b2c3d4e5f60001"], SecurityGroupIds: ["sg-0a1b2c3d4e5f60001"] };

/** A model package version in the emulator (moto's own model registry), running the user's image. */
async function modelPackage(group: string): Promise<string> {
  await aws.sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  const out = await aws.sm.send(
    new CreateModelPackageCommand({
      ModelPackageGroupName: group,
      InferenceSpecification: {
        Containers: [{ Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn-serving:3" }],
        SupportedContentTypes: ["text/csv"],
        SupportedResponseMIMETypes: ["text/csv"],
      },
    }),
  );
  return out.ModelPackageArn as string;
}

async function recommend(name: string, pkg: string, vpc?: typeof VPC): Promise<string> {
  const out = await aws.sm.send(
    new CreateInferenceRecommendationsJobCommand({
      JobName: name,
      JobType: "Default",
      RoleArn: ROLE,
      InputConfig: { ModelPackageVersionArn: pkg, ...(vpc ? { VpcConfig: vpc } : {}) },
    }),
  );
  return out.JobArn as string;
}

const event = (name: string, arn: string, pkg: string) =>
  sampleFor("CreateInferenceRecommendationsJob.model-package-no-vpc.json", name, arn, (p) => {
    p.inputConfig.modelPackageVersionArn = pkg;
  });
const status = async (name: string) =>
  (await aws.sm.send(new DescribeInferenceRecommendationsJobCommand({ JobName: name }))).Status;

describe("inference recommendations jobs that deploy a model package, against the emulator", () => {
  it("describes the package and stops a job whose package container runs outside any VPC", async () => {
    const pkg = await modelPackage("rec-pkg-open");
    const arn = await recommend("rec-pkg-open", pkg);
    const rt = guardRuntime(emu.endpoint, { GUARD_ALERT_TOPIC_ARN: inbox.topicArn });

    const out = await rt.handle(event("rec-pkg-open", arn, pkg));

    expect(out.decision.findings.map((f) => f.rule)).toEqual(["network-isolation-disabled"]);
    expect(out.decision.findings[0]?.message).toContain(`model package ${pkg}`);
    expect(out.remedy).toBe("stopped");
    expect(await status("rec-pkg-open")).toBe("STOPPED");
  });

  it("keeps a job that runs the package in its VPC (VPC trusted), and reports a missing package as unverifiable", async () => {
    const pkg = await modelPackage("rec-pkg-vpc");
    const inVpc = await recommend("rec-pkg-vpc", pkg, VPC);
    const missing = "arn:aws:sagemaker:us-east-1:123456789012:model-package/rec-pkg-gone/1";
    const gone = await recommend("rec-pkg-gone", missing, VPC);
    const rt = guardRuntime(emu.endpoint, {
      GUARD_ALERT_TOPIC_ARN: inbox.topicArn,
      GUARD_POLICY_JSON: '{"vpcEgress": "trust", "mode": "audit"}',
    });

    const kept = await rt.handle(event("rec-pkg-vpc", inVpc, pkg));
    const unverifiable = await rt.handle(event("rec-pkg-gone", gone, missing));

    expect(kept.decision.verdict).toBe("COMPLIANT");
    expect(unverifiable.decision.findings.map((f) => f.rule)).toEqual(["model-unverifiable"]);
    expect(await status("rec-pkg-vpc")).toBe("IN_PROGRESS");
  });
});
