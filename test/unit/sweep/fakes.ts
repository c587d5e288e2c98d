import type { EnforcerDeps } from "../../../src/app/enforce.js";
import type { AlertMessage, AlertPort, SageMakerPort } from "../../../src/app/ports.js";
import { ProgressCache } from "../../../src/app/progress-cache.js";
import { DEFAULT_POLICY } from "../../../src/core/policy.js";
import type { ResourceType } from "../../../src/core/types.js";
import type { ResourceLister } from "../../../src/sweep/sweep.js";

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
export const NOW = Date.parse("2026-11-26T12:00:00Z");
export const arnOf = (type: ResourceType, name: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${type}/${name}`;

const ARN_KEY: Record<ResourceType, string> = {
  "training-job": "TrainingJobArn",
  "hyper-parameter-tuning-job": "HyperParameterTuningJobArn",
  "processing-job": "ProcessingJobArn",
  "transform-job": "TransformJobArn",
  model: "ModelArn",
  "endpoint-config": "EndpointConfigArn",
  endpoint: "EndpointArn",
  "inference-component": "InferenceComponentArn",
  "notebook-instance": "NotebookInstanceArn",
  "monitoring-schedule": "MonitoringScheduleArn",
  "automl-job": "AutoMLJobArn",
  "compilation-job": "CompilationJobArn",
  "optimization-job": "OptimizationJobArn",
  "inference-recommendations-job": "JobArn",
  "data-quality-job-definition": "JobDefinitionArn",
  "model-quality-job-definition": "JobDefinitionArn",
  "model-bias-job-definition": "JobDefinitionArn",
  "model-explainability-job-definition": "JobDefinitionArn",
  domain: "DomainArn",
  cluster: "ClusterArn",
};

/** An in-memory SageMaker: Describe outputs and tags per resource, every call recorded. */
export class FakeSageMaker implements SageMakerPort, ResourceLister {
  readonly calls: string[] = [];
  readonly resources = new Map<string, { type: ResourceType; name: string; out: Record<string, unknown> }>();
  readonly tags = new Map<string, Record<string, string>>();
  failDescribe = new Set<string>();

  add(type: ResourceType, name: string, out: Record<string, unknown>, tags: Record<string, string> = {}) {
    const arn = arnOf(type, name);
    this.resources.set(arn, {
      type,
      name,
      out: { CreationTime: new Date(NOW - 3_600_000), [ARN_KEY[type]]: arn, ...out },
    });
    this.tags.set(arn, tags);
    return arn;
  }
  trainingJob(name: string, isolated: boolean, tags: Record<string, string> = {}) {
    return this.add(
      "training-job",
      name,
      {
        TrainingJobName: name,
        TrainingJobStatus: "InProgress",
        EnableNetworkIsolation: isolated,
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/Scientist`,
        AlgorithmSpecification: { TrainingImage: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/own:1` },
      },
      tags,
    );
  }
  model(name: string, isolated: boolean) {
    return this.add("model", name, {
      ModelName: name,
      EnableNetworkIsolation: isolated,
      PrimaryContainer: { Image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/own:1` },
    });
  }
  private find(type: ResourceType, name: string) {
    return this.resources.get(arnOf(type, name));
  }

  async *list(type: ResourceType) {
    this.calls.push(`list ${type}`);
    for (const [arn, r] of this.resources)
      if (r.type === type)
        yield {
          type,
          name: r.name,
          arn,
          createdAt: (r.out.CreationTime as Date).toISOString(),
          status: (r.out.TrainingJobStatus as string) ?? null,
        };
  }
  async describe(type: ResourceType, name: string) {
    this.calls.push(`describe ${type}/${name}`);
    if (this.failDescribe.has(name)) throw new Error("ThrottlingException: Rate exceeded");
    return this.find(type, name)?.out ?? null;
  }
  async stop(type: ResourceType, name: string) {
    this.calls.push(`stop ${type}/${name}`);
    const r = this.find(type, name);
    if (!r) return "gone" as const;
    if (r.out.TrainingJobStatus !== "InProgress") return "not-running" as const;
    r.out.TrainingJobStatus = "Stopped";
    return "stopped" as const;
  }
  async delete(type: ResourceType, name: string) {
    this.calls.push(`delete ${type}/${name}`);
    return this.resources.delete(arnOf(type, name)) ? ("deleted" as const) : ("gone" as const);
  }
  async addTags(arn: string, tags: Record<string, string>) {
    this.calls.push(`addTags ${arn.split(":").pop()}`);
    this.tags.set(arn, { ...this.tags.get(arn), ...tags });
  }
  async listTags(arn: string) {
    this.calls.push(`listTags ${arn.split(":").pop()}`);
    return this.resources.has(arn) ? { ...this.tags.get(arn) } : null;
  }
}

export class FakeAlerts implements AlertPort {
  readonly sent: AlertMessage[] = [];
  async publish(alert: AlertMessage) {
    this.sent.push(alert);
    return String(this.sent.length);
  }
}

export function depsWith(sm: FakeSageMaker, alerts = new FakeAlerts(), policyId = "policy-1"): EnforcerDeps {
  return {
    sagemaker: sm,
    alerts,
    policy: DEFAULT_POLICY,
    policyId,
    self: { account: ACCOUNT, region: REGION },
    now: () => NOW,
    log: { info() {}, warn() {}, error() {} },
    progress: new ProgressCache(),
    settleMs: 0,
  };
}
