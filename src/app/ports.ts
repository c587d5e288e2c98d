import type { SubnetRoutes } from "../core/egress.js";
import type { ResourceType } from "../core/types.js";

/** Outcome of a Stop call. `not-running`: SageMaker refused because the job is no longer InProgress. */
export type StopResult = "stopped" | "not-running" | "gone";
/** `busy`: SageMaker refused because the resource is mid-change (an endpoint Creating or Updating). */
export type DeleteResult = "deleted" | "gone" | "busy";

/** What the enforcer needs from SageMaker. The adapter in src/adapters/sagemaker.ts is the only SDK user. */
export interface SageMakerPort {
  /** The Describe* output, or `null` when the resource does not exist. */
  describe(type: ResourceType, name: string): Promise<Record<string, unknown> | null>;
  stop(type: ResourceType, name: string): Promise<StopResult>;
  delete(type: ResourceType, name: string): Promise<DeleteResult>;
  addTags(arn: string, tags: Record<string, string>): Promise<void>;
  /** The resource's tags, or `null` when it does not exist. */
  listTags(arn: string): Promise<Record<string, string> | null>;
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
