import type { EnforcerDeps } from "../../src/app/enforce.js";
import {
  type AlertMessage,
  type AlertPort,
  type ClaimResult,
  type CreatorLookup,
  type Incarnation,
  type IncarnationRecord,
  incarnationKey,
  type RecordStore,
  type RoutesPort,
  type SageMakerPort,
} from "../../src/app/ports.js";
import type { SubnetRoutes } from "../../src/core/egress.js";
import { DEFAULT_POLICY } from "../../src/core/policy.js";
import type { Caller, ResourceType } from "../../src/core/types.js";
import type { ResourceLister } from "../../src/sweep/sweep.js";

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
  "labeling-job": "LabelingJobArn",
  "data-quality-job-definition": "JobDefinitionArn",
  "model-quality-job-definition": "JobDefinitionArn",
  "model-bias-job-definition": "JobDefinitionArn",
  "model-explainability-job-definition": "JobDefinitionArn",
  domain: "DomainArn",
  cluster: "ClusterArn",
};

/**
 * An in-memory SageMaker: Describe outputs and tags per resource, every call recorded. `refuseStop`
 * names jobs whose Stop SageMaker answers with ValidationException although they still run.
 */
export class FakeSageMaker implements SageMakerPort, ResourceLister {
  readonly calls: string[] = [];
  readonly resources = new Map<string, { type: ResourceType; name: string; out: Record<string, unknown> }>();
  readonly tags = new Map<string, Record<string, string>>();
  failDescribe = new Set<string>();
  refuseStop = new Set<string>();

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
    if (r.out.TrainingJobStatus !== "InProgress" || this.refuseStop.has(name)) return "not-running" as const;
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
}

export class FakeAlerts implements AlertPort {
  readonly sent: AlertMessage[] = [];
  async publish(alert: AlertMessage) {
    this.sent.push(alert);
    return String(this.sent.length);
  }
}

/**
 * An in-memory record store with the DynamoDB adapter's semantics (conditional claims with a lease),
 * every call recorded. `clock` is the store's own notion of now, for lease expiry.
 */
export class MemoryRecord implements RecordStore {
  readonly calls: string[] = [];
  readonly items = new Map<string, IncarnationRecord>();
  readonly claims = new Map<
    string,
    { status: "IN_PROGRESS" | "COMPLETED"; token: string; leaseUntil: number; messageId?: string }
  >();
  private seq = 0;

  constructor(private readonly clock: () => number = () => NOW) {}

  async get(i: Incarnation) {
    this.calls.push("get");
    const r = this.items.get(incarnationKey(i));
    return r ? { ...r } : null;
  }
  async getMany(items: readonly Incarnation[]) {
    this.calls.push(`getMany ${items.length}`);
    const out = new Map<string, IncarnationRecord>();
    for (const i of items) {
      const r = this.items.get(incarnationKey(i));
      if (r) out.set(incarnationKey(i), { ...r });
    }
    return out;
  }
  async put(i: Incarnation, fields: IncarnationRecord) {
    this.calls.push("put");
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    this.items.set(incarnationKey(i), { ...this.items.get(incarnationKey(i)), ...defined });
  }
  async claim(i: Incarnation, key: string, leaseMs: number): Promise<ClaimResult> {
    this.calls.push(`claim ${key}`);
    const k = `${incarnationKey(i)}#${key}`;
    const held = this.claims.get(k);
    if (held && (held.status === "COMPLETED" || held.leaseUntil >= this.clock()))
      return { state: held.status === "COMPLETED" ? "done" : "busy" };
    const token = `t${++this.seq}`;
    this.claims.set(k, { status: "IN_PROGRESS", token, leaseUntil: this.clock() + leaseMs });
    return { state: "won", token };
  }
  async complete(i: Incarnation, key: string, token: string, messageId: string) {
    this.calls.push(`complete ${key}`);
    const c = this.claims.get(`${incarnationKey(i)}#${key}`);
    if (c?.token === token) Object.assign(c, { status: "COMPLETED", messageId });
  }
  async release(i: Incarnation, key: string, token: string) {
    this.calls.push(`release ${key}`);
    const k = `${incarnationKey(i)}#${key}`;
    if (this.claims.get(k)?.token === token) this.claims.delete(k);
  }
}

/** CloudTrail's event history in memory: name → creator; `fail` makes every lookup throw. */
export class FakeCreators implements CreatorLookup {
  readonly calls: string[] = [];
  readonly creators = new Map<string, Caller>();
  fail = false;
  async creatorOf(type: ResourceType, name: string) {
    this.calls.push(`${type}/${name}`);
    if (this.fail) throw new Error("ThrottlingException: Rate exceeded");
    return this.creators.get(name) ?? null;
  }
}

/** Route tables in memory, by subnet id; records the subnets each lookup asked for. */
export class FakeRoutes implements RoutesPort {
  readonly asked: string[][] = [];
  constructor(readonly tables: Record<string, SubnetRoutes> = {}) {}
  async subnetRoutes(subnets: string[]) {
    this.asked.push([...subnets]);
    return Object.fromEntries(
      subnets.map((s) => [s, this.tables[s] ?? { subnet: s, found: false as const, problem: "no such subnet" }]),
    );
  }
}

export function depsWith(
  sm: FakeSageMaker,
  alerts = new FakeAlerts(),
  policyId = "policy-1",
  record: RecordStore = new MemoryRecord(),
  creators: CreatorLookup | null = null,
): EnforcerDeps {
  return {
    sagemaker: sm,
    alerts,
    record,
    creators,
    routes: new FakeRoutes(),
    policy: DEFAULT_POLICY,
    policyId,
    self: { account: ACCOUNT, region: REGION },
    now: () => NOW,
    log: { info() {}, warn() {}, error() {} },
    leaseMs: 60_000,
  };
}
