import type { ResourceType } from "./types.js";

/** A parsed SageMaker ARN. */
export interface SageMakerArn {
  partition: string;
  region: string;
  account: string;
  resourceType: string;
  name: string;
}

const SAGEMAKER_ARN =
  /^arn:(aws|aws-cn|aws-us-gov|aws-iso(?:-[bef])?|aws-eusc):sagemaker:([a-z]{2,4}(?:-[a-z]+)+-\d):(\d{12}):([a-z-]+)\/([A-Za-z0-9][A-Za-z0-9-]{0,62})$/;

/** @example parseSageMakerArn("arn:aws:sagemaker:us-east-1:123456789012:training-job/my-job") */
export function parseSageMakerArn(arn: string): SageMakerArn | null {
  const m = SAGEMAKER_ARN.exec(arn);
  if (!m) return null;
  return {
    partition: m[1] as string,
    region: m[2] as string,
    account: m[3] as string,
    resourceType: m[4] as string,
    name: m[5] as string,
  };
}

/** Partition of a region, for ARNs and console links. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("eusc-")) return "aws-eusc";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-isof-")) return "aws-iso-f";
  if (region.startsWith("eu-isoe-")) return "aws-iso-e";
  if (region.startsWith("us-iso-")) return "aws-iso";
  return "aws";
}

/**
 * The ARN SageMaker gives a resource. SageMaker lowercases names in ARNs.
 * @example sageMakerArn("training-job", "MyJob", "123456789012", "us-east-1") // ...:training-job/myjob
 */
export function sageMakerArn(type: ResourceType, name: string, account: string, region: string): string {
  return `arn:${partitionOf(region)}:sagemaker:${region}:${account}:${type}/${name.toLowerCase()}`;
}

/**
 * Why an ARN may not be acted on for the given resource, or `null` when it is the expected one:
 * right partition shape, account, region, resource type and name.
 */
export function arnProblem(
  arn: string,
  expected: { type: ResourceType; name?: string; account: string; region: string },
): string | null {
  const parsed = parseSageMakerArn(arn);
  if (!parsed) return `"${arn}" is not a SageMaker ARN`;
  // The deployment acts in its own region only, so in that region's partition: an ARN of another
  // partition (aws-cn, aws-us-gov, aws-iso*, aws-eusc) names nothing it may touch.
  const partition = partitionOf(expected.region);
  if (parsed.partition !== partition)
    return `ARN partition ${parsed.partition} is not ${partition} (the partition of ${expected.region})`;
  if (parsed.account !== expected.account) return `ARN account ${parsed.account} is not ${expected.account}`;
  if (parsed.region !== expected.region) return `ARN region ${parsed.region} is not ${expected.region}`;
  if (parsed.resourceType !== expected.type) return `ARN names a ${parsed.resourceType}, not a ${expected.type}`;
  if (expected.name !== undefined && parsed.name.toLowerCase() !== expected.name.toLowerCase()) {
    return `ARN names ${parsed.name}, not ${expected.name}`;
  }
  return null;
}
