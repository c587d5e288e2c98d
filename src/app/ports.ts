import type { SubnetRoutes } from "../core/egress.js";
import type { DescribedType } from "../core/resource-types.js";
import type { Caller, ResourceType } from "../core/types.js";

/** Outcome of a Stop call. `not-running`: SageMaker refused because the job is no longer InProgress. */
export type StopResult = "stopped" | "not-running" | "gone";
/** `busy`: SageMaker refused because the resource is mid-change (an endpoint Creating or Updating). */
export type DeleteResult = "deleted" | "gone" | "busy";

/** What the enforcer needs from SageMaker. The adapter in src/adapters/sagemaker.ts is the only SDK user. */
export interface SageMakerPort {
  /** The Describe* output, or `null` when the resource does not exist (also a model package, by ARN). */
  describe(type: DescribedType, name: string): Promise<Record<string, unknown> | null>;
  stop(type: ResourceType, name: string): Promise<StopResult>;
  delete(type: ResourceType, name: string): Promise<DeleteResult>;
  /** Writes the guard's label. Nothing reads tags back: anyone who may tag a resource can write them. */
  addTags(arn: string, tags: Record<string, string>): Promise<void>;
}

/** A fully rendered alert: one body per SNS protocol plus filterable attributes. */
export interface AlertMessage {
  subject: string;
  /** Protocol → body (`default`, `email`, `sqs`, ...), published with MessageStructure=json. */
  bodies: Record<string, string>;
  attributes: Record<string, string>;
}

export interface AlertPort {
  /** Publishes and returns the message id; throws when delivery to the topic failed. */
  publish(alert: AlertMessage): Promise<string>;
}

/** What the egress check needs from EC2 (src/adapters/ec2.ts): each subnet's route table, by subnet id. */
export interface RoutesPort {
  /** Every requested subnet has an entry (`found: false` when it does not exist or cannot be read); throws on failures that a retry may cure. */
  subnetRoutes(subnets: string[]): Promise<Record<string, SubnetRoutes>>;
}

/**
 * One resource incarnation: the same ARN created again after a delete is another resource, told apart by
 * the creation time its Describe* reports (SageMaker reuses names and so ARNs).
 */
export interface Incarnation {
  arn: string;
  /** ISO-8601 creation time from Describe*; `null` when Describe gave none (then the ARN alone keys the record). */
  createdAt: string | null;
}

/** What the guard decided and did about one incarnation (the sweep's "already decided" comes from here). */
export interface IncarnationRecord {
  verdict?: string;
  rules?: string;
  policyId?: string;
  /** Who created it, from the CloudTrail record the event path saw (never from a tag). */
  caller?: Caller | null;
  remedy?: string | null;
  /** `reported` once the final alert went out (or none was due). */
  alert?: "reported" | "pending" | "none";
  decidedAt?: string;
  /**
   * The `decidedAt` of the decision Security Hub was last brought up to date with (findings imported or
   * archived); a sweep re-examines a resource whose record is newer, so a failed import is retried.
   */
  findings?: string;
}

/** Who reports: `won` this delivery alerts; otherwise another delivery did (`done`) or is doing it (`busy`). */
export type ClaimResult = { state: "won"; token: string } | { state: "done" | "busy" };

/**
 * The guard's own record (a DynamoDB table only the guard's roles may write; src/adapters/dynamodb-record.ts).
 * Conditional writes decide who reports, so duplicates, both triggers, retries and containers give one alert.
 */
export interface RecordStore {
  get(i: Incarnation): Promise<IncarnationRecord | null>;
  /** Records for many incarnations at once (the sweep; BatchGetItem, 100 keys a call). */
  getMany(items: readonly Incarnation[]): Promise<Map<string, IncarnationRecord>>;
  /** Merges fields into the incarnation's record. */
  put(i: Incarnation, fields: IncarnationRecord): Promise<void>;
  /**
   * Claims the alert `key` for an incarnation. A claim not completed within `leaseMs` (its holder died)
   * may be taken over, so a crash before the alert never loses it for good.
   */
  claim(i: Incarnation, key: string, leaseMs: number): Promise<ClaimResult>;
  /** The claimed alert went out. */
  complete(i: Incarnation, key: string, token: string, messageId: string): Promise<void>;
  /** The claimed alert could not be sent: let the retry claim it again. */
  release(i: Incarnation, key: string, token: string): Promise<void>;
}

/** Finds who created a resource when no event said (CloudTrail LookupEvents; src/adapters/cloudtrail.ts). */
export interface CreatorLookup {
  /** The creator, `null` when CloudTrail has no record of the create call; throws when the lookup failed. */
  creatorOf(type: ResourceType, name: string, createdAt: string | null): Promise<Caller | null>;
}

/** The key an incarnation's items are stored under. */
export function incarnationKey(i: Incarnation): string {
  return `${i.arn}#${i.createdAt ?? "unknown"}`;
}
