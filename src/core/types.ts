import type { SubnetRoutes, SubnetVerdict } from "./egress.js";
import type { ResourceType } from "./resource-types.js";

/** SageMaker resource types the guard understands: one row each in resource-types.ts. */
export type { ResourceType };

export type Verdict = "COMPLIANT" | "NON_COMPLIANT" | "EXEMPT" | "IGNORED" | "NEEDS_LOOKUP";

/** Stable rule ids: alerts, tags, guardrails and dashboards key on them. */
export type RuleId =
  | "network-isolation-disabled"
  | "vpc-config-missing"
  | "subnet-not-allowed"
  | "security-group-not-allowed"
  | "model-unverifiable"
  | "subnet-routes-to-internet"
  | "egress-unverifiable"
  | "direct-internet-access-enabled"
  | "inter-container-encryption-disabled";

export type Action = "stop" | "delete" | "tag" | "alert";
export type Mode = "enforce" | "audit";

/** The resource an event is about. */
export interface ResourceRef {
  type: ResourceType;
  name: string;
  arn: string | null;
  account: string;
  region: string;
}

/** Who made the request (from CloudTrail `userIdentity`). Never holds credentials. */
export interface Caller {
  type: string | null;
  arn: string | null;
  /** The role or user behind an assumed-role session. */
  sessionIssuerArn: string | null;
  sourceIdentity: string | null;
  invokedBy: string | null;
}

export interface VpcFacts {
  subnets: string[];
  securityGroupIds: string[];
}

/**
 * One unit of isolation settings: a training job, one tuning definition, a model...
 * `basePath` is the request path the settings come from (e.g. `trainingJobDefinitions[1]`).
 */
export interface IsolationUnit {
  basePath: string;
  label: string | null;
  /** Whether the unit's own setting keeps its containers off the internet. */
  networkIsolation: boolean;
  networkIsolationPath: string;
  /**
   * For a setting other than `EnableNetworkIsolation` (a notebook's `DirectInternetAccess`): the value
   * that isolates (`on`, written in the fix) and what the unisolated value means (`off`, in the
   * message). Omitted: `true`, "network isolation is off".
   */
  isolationSetting?: { on: string; off: string };
  vpc: VpcFacts | null;
  vpcPath: string;
  /** Container images with their request paths; `null` uri = no image URI (algorithm, model package). */
  images: { uri: string | null; path: string }[];
  /**
   * What keeps the unit's containers in, when it is not `EnableNetworkIsolation` (absent: the isolation
   * flag decides, with the framework-image exception):
   * - `vpc`: the type has no isolation setting at all (notebook instances, Studio domains, HyperPod
   *   clusters), so, as for framework images, a VPC is the control and its absence a violation;
   * - `aws-managed`: SageMaker runs only its own containers for the job (AutoML, compilation, optimization),
   *   so the user has no container to isolate; `requireVpc` and the allow-lists still apply.
   */
  control?: "vpc" | "aws-managed";
  /**
   * An `aws-managed` unit whose job deploys the user's own containers (an inference recommendations job
   * load-testing a model or model package): what really decides, said in the note instead of "runs only
   * SageMaker's own containers", which would be false for it.
   */
  deployed?: string;
  /**
   * The API offers no isolation for these containers and a VPC stands in for it (a model package an
   * inference recommendations job deploys): in a VPC they are compliant with a note (its routes checked);
   * without one, `network-isolation-disabled` with this fix.
   */
  vpcStandsIn?: { why: string; fix: string };
  /** The type's own switch for internet access outside any VPC (notebooks, Studio domains). */
  directInternet?: { enabled: boolean; path: string; fix: string };
  /** `EnableInterContainerTrafficEncryption`, where the API has it (`requireInterContainerEncryption`). */
  interContainerEncryption?: { enabled: boolean; path: string };
}

/** A model that a transform job / endpoint config / endpoint puts to work, as looked up. */
export interface ModelPosture {
  name: string;
  /** `null` when the model could not be found: unverifiable, never assumed compliant. */
  units: IsolationUnit[] | null;
}

/** Everything the policy needs to know about one resource; built from an event or a Describe call. */
export interface ResourceFacts {
  resource: ResourceRef;
  caller: Caller | null;
  units: IsolationUnit[];
  /** Only for resources whose posture is their models'. */
  models?: ModelPosture[];
  /**
   * An endpoint whose config names no model hosts inference components: `units` are the config's
   * top-level settings, and the config's name is here.
   */
  hostsComponentsOf?: string;
  /**
   * Route facts by subnet id, for the subnets whose VPC is what keeps a container off the internet
   * (looked up by src/app/egress.ts; absent offline, where such a decision answers NEEDS_LOOKUP).
   */
  routes?: Record<string, SubnetRoutes>;
}

export interface Finding {
  rule: RuleId;
  severity: "high" | "medium";
  message: string;
  path: string;
  fix: string;
}

export interface EventInfo {
  /**
   * The event's own id: CloudTrail's `eventID` for a recorded call, EventBridge's `id` for SageMaker's
   * own state-change events (they have no other). The same call delivered twice keeps its `id`.
   */
  id: string | null;
  /** EventBridge's envelope `id`: one delivery of the event (logs carry it as `deliveryId`). */
  deliveryId: string | null;
  name: string | null;
  time: string | null;
  source: string | null;
  detailType: string | null;
}

/** The outcome of `decide`. Serialised as-is by `isolation-guard evaluate --json`. */
export interface Decision {
  verdict: Verdict;
  reason: string | null;
  resource: ResourceRef | null;
  caller: Caller | null;
  findings: Finding[];
  actions: Action[];
  mode: Mode;
  notes: string[];
  exemption: { reason: string; expires: string; resourceName: string | null; principal: string | null } | null;
  event: EventInfo;
  /** The route verdict of each subnet the decision rested on, when routes were looked up. */
  egress?: SubnetVerdict[];
}
