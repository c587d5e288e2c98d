import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { IsolationUnit, ResourceFacts, ResourceType } from "../../../src/core/index.js";

/** The repository's `events/` directory. */
export const EVENTS_DIR = join(import.meta.dirname, "../../../events");

/** A fixed clock for exemption expiry: tests pass it as `now`, never fake timers. */
export const NOW = Date.parse("2026-11-26T12:00:00Z");

/** An EventBridge envelope as the tests mutate it: plain JSON. */
// biome-ignore lint/suspicious/noExplicitAny: fixtures are cloned JSON that tests mutate freely.
export type SampleEvent = Record<string, any>;

/** A fresh deep copy of one sample event from `events/`, safe to mutate. */
export function loadEvent(file: string): SampleEvent {
  return JSON.parse(readFileSync(join(EVENTS_DIR, file), "utf8")) as SampleEvent;
}

/** The CloudTrail `requestParameters` of a cloned sample, for mutation. */
export function requestParameters(event: SampleEvent): Record<string, unknown> {
  return event.detail.requestParameters as Record<string, unknown>;
}

export const CUSTOM_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn-xgb-trainer:1.7.6";
export const PYTORCH_DLC = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311";
export const PYTORCH_INFERENCE_DLC = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-cpu-py311";
export const CUSTOMER_PYTORCH_REPO = "123456789012.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0";
export const ALLOWED_SUBNET = "subnet-0a1b2c3d4e5f60001";
export const ALLOWED_SG = "sg-0a1b2c3d4e5f60001";

/** One isolation unit; every field can be overridden. */
export function unit(overrides: Partial<IsolationUnit> = {}): IsolationUnit {
  return {
    basePath: "",
    label: null,
    networkIsolation: true,
    networkIsolationPath: "enableNetworkIsolation",
    vpc: null,
    vpcPath: "vpcConfig",
    images: [{ uri: CUSTOM_IMAGE, path: "algorithmSpecification.trainingImage" }],
    ...overrides,
  };
}

/** Facts for one resource of `type` named `name`, built from units (or models for model consumers). */
export function facts(type: ResourceType, overrides: Partial<ResourceFacts> = {}, name = "my-resource"): ResourceFacts {
  return {
    resource: {
      type,
      name,
      arn: `arn:aws:sagemaker:us-east-1:123456789012:${type}/${name}`,
      account: "123456789012",
      region: "us-east-1",
    },
    caller: {
      type: "AssumedRole",
      arn: "arn:aws:sts::123456789012:assumed-role/DataScientist/alice",
      sessionIssuerArn: "arn:aws:iam::123456789012:role/DataScientist",
      sourceIdentity: null,
      invokedBy: null,
    },
    units: [unit()],
    ...overrides,
  };
}
