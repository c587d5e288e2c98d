import { EC2Client } from "@aws-sdk/client-ec2";
import {
  DescribeInferenceRecommendationsJobCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
  StopInferenceRecommendationsJobCommand,
} from "@aws-sdk/client-sagemaker";
import { SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { sampleFor } from "../../support/events.js";
import { mockedRuntime, natRoutes } from "../../support/mocked-runtime.js";

/*
 * An inference recommendations job that load-tests a model package version: DescribeModelPackage's
 * containers decide, with the job's own VPC (neither the package nor the job can isolate them), except
 * for an AWS Marketplace package, which SageMaker runs isolated.
 */
const sm = mockClient(SageMakerClient);
const sns = mockClient(SNSClient);
const ec2 = mockClient(EC2Client);
const ACCOUNT = "123456789012";
const JOB_ARN = `arn:aws:sagemaker:us-east-1:${ACCOUNT}:inference-recommendations-job/pkg-job`;
const OWN_PACKAGE = `arn:aws:sagemaker:us-east-1:${ACCOUNT}:model-package/churn-xgb/3`;
const MARKETPLACE_PACKAGE = "arn:aws:sagemaker:us-east-1:865070037744:model-package/vendor-ocr-v2-0a1b2c3d";
const OWN_IMAGE = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/churn-serving:3`;
const PYTORCH = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-cpu-py311";
const VPC = { Subnets: ["subnet-0a1b2c3d4e5f60001"], SecurityGroupIds: ["sg-0a1b2c3d4e5f60001"] };

function world(pkg: string, containers: Record<string, unknown>[] | null, vpc?: typeof VPC) {
  sm.reset();
  sm.onAnyCommand().resolves({});
  sm.on(DescribeInferenceRecommendationsJobCommand).resolves({
    JobName: "pkg-job",
    JobArn: JOB_ARN,
    Status: "IN_PROGRESS",
    InputConfig: { ModelPackageVersionArn: pkg, ...(vpc ? { VpcConfig: vpc } : {}) },
  });
  if (containers)
    sm.on(DescribeModelPackageCommand).resolves({
      ModelPackageArn: pkg,
      ModelPackageName: "p",
      ModelPackageStatus: "Completed",
      InferenceSpecification: { Containers: containers, SupportedContentTypes: ["text/csv"] },
    });
  else sm.on(DescribeModelPackageCommand).rejects({ name: "ValidationException", message: "Model package not found" });
  sns.reset();
  sns.onAnyCommand().resolves({ MessageId: "1" });
  ec2.reset();
  ec2.onAnyCommand().callsFake(natRoutes);
}

const event = (pkg: string) =>
  sampleFor("CreateInferenceRecommendationsJob.model-package-no-vpc.json", "pkg-job", JOB_ARN, (p) => {
    p.inputConfig.modelPackageVersionArn = pkg;
  });
const rules = (o: { decision: { findings: { rule: string }[] } }) => o.decision.findings.map((f) => f.rule).sort();

describe("inference recommendations jobs that deploy a model package", () => {
  it("stops a job whose own package runs a custom container outside any VPC (no isolation exists for it)", async () => {
    world(OWN_PACKAGE, [{ Image: OWN_IMAGE, Environment: { API_TOKEN: "fake-secret-123" } }]);

    const out = await mockedRuntime().handle(event(OWN_PACKAGE));

    expect(rules(out)).toEqual(["network-isolation-disabled"]);
    expect(out.decision.findings[0]?.path).toBe("inputConfig.modelPackageVersionArn");
    expect(out.decision.findings[0]?.fix).toContain("inputConfig.vpcConfig");
    expect(out.remedy).toBe("stopped");
    expect(sm.commandCalls(DescribeModelPackageCommand)[0]?.args[0].input).toEqual({ ModelPackageName: OWN_PACKAGE });
    expect(sm.commandCalls(StopInferenceRecommendationsJobCommand)).toHaveLength(1);
    expect(JSON.stringify(out)).not.toContain("fake-secret-123");
  });

  it("accepts the same package in the job's VPC once its routes are private, with a note", async () => {
    world(OWN_PACKAGE, [{ Image: OWN_IMAGE }], VPC);

    const out = await mockedRuntime(undefined, { env: { GUARD_POLICY_JSON: '{"vpcEgress": "trust"}' } }).handle(
      event(OWN_PACKAGE),
    );

    expect(out.decision.verdict).toBe("COMPLIANT");
    expect(out.decision.notes.join(" ")).toContain("offers no network isolation for a model package's containers");
    // The job's own note names the package whose containers it deploys, not "SageMaker's own containers".
    expect(out.decision.notes.join(" ")).toContain(`deploys model package ${OWN_PACKAGE}: its containers decide`);
    expect(out.decision.notes.join(" ")).toContain("on endpoints in the job's VPC (inputConfig.vpcConfig)");
    expect(out.decision.notes.join(" ")).not.toContain("runs only SageMaker's own containers");
    expect(sm.commandCalls(StopInferenceRecommendationsJobCommand)).toHaveLength(0);
  });

  it("checks the routes of the VPC that stands in for isolation: a NAT route to the internet breaks it", async () => {
    world(OWN_PACKAGE, [{ Image: OWN_IMAGE }], VPC);

    const out = await mockedRuntime().handle(event(OWN_PACKAGE));

    expect(rules(out)).toEqual(["subnet-routes-to-internet"]);
  });

  it("needs a VPC for a package of framework images, which cannot run isolated", async () => {
    world(OWN_PACKAGE, [{ Image: PYTORCH }]);

    const out = await mockedRuntime().handle(event(OWN_PACKAGE));

    expect(rules(out)).toEqual(["vpc-config-missing"]);
  });

  it("treats an AWS Marketplace package (seller's account, ProductId on every container) as isolated", async () => {
    const vendorImage = "382416733822.dkr.ecr.us-east-1.amazonaws.com/vendor-ocr:2";
    world(MARKETPLACE_PACKAGE, [{ Image: vendorImage, ProductId: "prod-abcdefghijklm" }]);

    const out = await mockedRuntime().handle(event(MARKETPLACE_PACKAGE));

    expect(out.decision.verdict).toBe("COMPLIANT");
    expect(out.decision.findings).toEqual([]);
  });

  it("does not take a ProductId on a package shared from another account (not AWS Marketplace's) as proof", async () => {
    // Any account can create a package whose containers name a ProductId and share it: only AWS
    // Marketplace's own account for the region (865070037744 in us-east-1) publishes subscribed packages.
    const forged = "arn:aws:sagemaker:us-east-1:210987654321:model-package/vendor-ocr-v2-0a1b2c3d";
    world(forged, [{ Image: OWN_IMAGE, ProductId: "prod-abcdefghijklm" }]);

    const out = await mockedRuntime().handle(event(forged));

    expect(rules(out)).toEqual(["network-isolation-disabled"]);
  });

  it("does not take Marketplace's account of another region as this region's", async () => {
    const elsewhere = "arn:aws:sagemaker:us-west-2:865070037744:model-package/vendor-ocr-v2-0a1b2c3d";
    world(elsewhere, [{ Image: OWN_IMAGE, ProductId: "prod-abcdefghijklm" }]);

    const out = await mockedRuntime().handle(event(elsewhere));

    expect(rules(out)).toEqual(["network-isolation-disabled"]);
  });

  it("does not take a ProductId on a package of the job's own account as proof of isolation", async () => {
    world(OWN_PACKAGE, [{ Image: OWN_IMAGE, ProductId: "prod-abcdefghijklm" }]);

    const out = await mockedRuntime().handle(event(OWN_PACKAGE));

    expect(rules(out)).toEqual(["network-isolation-disabled"]);
  });

  it("reports a package that is gone as unverifiable, never compliant", async () => {
    world(OWN_PACKAGE, null);

    const out = await mockedRuntime().handle(event(OWN_PACKAGE));

    expect(rules(out)).toEqual(["model-unverifiable"]);
    expect(out.decision.findings[0]?.message).toContain(`model-package ${OWN_PACKAGE}`);
  });
});
