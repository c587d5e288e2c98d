import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SNSClient } from "@aws-sdk/client-sns";
import { loadConfig } from "../../src/app/config.js";
import type { LogPort } from "../../src/app/enforce.js";
import { createRuntime, type Runtime } from "../../src/wiring/runtime.js";
import { FakeCreators, MemoryRecord } from "./fakes.js";

/**
 * The event path's runtime over plain SDK clients, for unit tests that intercept them with
 * aws-sdk-client-mock (`mockClient(SageMakerClient)` before the first call). The record and the creator
 * lookup are in-memory fakes unless `realRecord` (then mock DynamoDBClient and CloudTrailClient too).
 */
export function mockedRuntime(
  log: LogPort = { info() {}, warn() {}, error() {} },
  options: { realRecord?: boolean; env?: Record<string, string | undefined> } = {},
): Runtime {
  const rt = createRuntime({
    log,
    config: loadConfig({
      AWS_REGION: "us-east-1",
      GUARD_ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:alerts",
      ...options.env,
    }),
    clients: {
      sagemaker: new SageMakerClient({ region: "us-east-1" }),
      sns: new SNSClient({ region: "us-east-1" }),
      dynamodb: new DynamoDBClient({ region: "us-east-1" }),
      cloudtrail: new CloudTrailClient({ region: "us-east-1" }),
    },
  });
  if (!options.realRecord) {
    rt.deps.record = new MemoryRecord(Date.now);
    rt.deps.creators = new FakeCreators();
  }
  return rt;
}
