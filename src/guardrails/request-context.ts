import { partitionOf } from "../core/arn.js";
import { GUARDED_BY_EVENT, KEYS } from "./actions.js";

/** One create call as IAM would authorise it: what a policy simulator needs. */
export interface GuardrailRequest {
  action: string;
  resourceArn: string;
  account: string;
  /** The caller's ARN as CloudTrail logged it (an `sts` session ARN for roles). */
  callerArn: string;
  /** Condition keys: `aws:PrincipalArn`, `aws:CurrentTime`, and the SageMaker keys the request sets. */
  context: Record<string, string | string[]>;
  /**
   * Set when AWS does not document how it fills the keys for this request (a tuning job with several
   * definitions): no simulated answer can stand for AWS's, and the row is detective-only.
   */
  undetermined?: string;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** The isolation settings of one unit (a job, a tuning definition, a model), as the request wrote them. */
interface RequestUnit {
  isolation: boolean | undefined;
  vpc: Json | undefined;
  encryption?: boolean | undefined;
  /** Extra subnets / security groups outside a `vpcConfig` shape (notebooks, domains). */
  subnets?: string[];
  securityGroups?: string[];
}

const rec = (v: unknown): Json => (isRecord(v) ? v : {});

/** Per guarded CloudTrail call: where its name is and how its request becomes units. */
const CALLS: Record<
  string,
  { nameKey: string; units: (p: Json) => RequestUnit[]; access?: (p: Json) => string | undefined }
> = {
  CreateTrainingJob: { nameKey: "trainingJobName", units: (p) => [unitOf(p)] },
  CreateHyperParameterTuningJob: {
    nameKey: "hyperParameterTuningJobName",
    units: (p) =>
      [p.trainingJobDefinition, ...(Array.isArray(p.trainingJobDefinitions) ? p.trainingJobDefinitions : [])]
        .filter(isRecord)
        .map(unitOf),
  },
  CreateProcessingJob: { nameKey: "processingJobName", units: (p) => [unitOf(rec(p.networkConfig))] },
  CreateModel: { nameKey: "modelName", units: (p) => [unitOf(p)] },
  // The top-level fields (set for endpoints that host inference components; absent on model-based configs).
  CreateEndpointConfig: { nameKey: "endpointConfigName", units: (p) => [unitOf(p)] },
  ...Object.fromEntries(
    ["DataQuality", "ModelQuality", "ModelBias", "ModelExplainability"].map((k) => [
      `Create${k}JobDefinition`,
      { nameKey: "jobDefinitionName", units: (p: Json) => [unitOf(rec(p.networkConfig))] },
    ]),
  ),
  CreateMonitoringSchedule: { nameKey: "monitoringScheduleName", units: scheduleUnits },
  UpdateMonitoringSchedule: { nameKey: "monitoringScheduleName", units: scheduleUnits },
  CreateAutoMLJob: { nameKey: "autoMLJobName", units: (p) => [unitOf(rec(rec(p.autoMLJobConfig).securityConfig))] },
  CreateAutoMLJobV2: { nameKey: "autoMLJobName", units: (p) => [unitOf(rec(p.securityConfig))] },
  CreateNotebookInstance: {
    nameKey: "notebookInstanceName",
    units: (p) => [
      {
        isolation: undefined,
        vpc: undefined,
        subnets: typeof p.subnetId === "string" ? [p.subnetId] : [],
        securityGroups: strings(p.securityGroupIds),
      },
    ],
    access: (p) => (typeof p.directInternetAccess === "string" ? p.directInternetAccess : undefined),
  },
  CreateDomain: { nameKey: "domainName", units: domainUnits, access: domainAccess },
  UpdateDomain: { nameKey: "domainId", units: domainUnits, access: domainAccess },
  CreateCluster: { nameKey: "clusterName", units: clusterUnits },
  UpdateCluster: { nameKey: "clusterName", units: clusterUnits },
};

function scheduleUnits(p: Json): RequestUnit[] {
  const def = rec(rec(p.monitoringScheduleConfig).monitoringJobDefinition);
  // A schedule naming a job definition has no inline NetworkConfig: no isolation key at all.
  return isRecord(rec(p.monitoringScheduleConfig).monitoringJobDefinition) ? [unitOf(rec(def.networkConfig))] : [];
}

function domainUnits(p: Json): RequestUnit[] {
  const groups = [
    ...strings(rec(p.defaultUserSettings).securityGroups),
    ...strings(rec(p.defaultSpaceSettings).securityGroups),
    ...strings(rec(p.domainSettings).securityGroupIds),
    ...strings(rec(p.domainSettingsForUpdate).securityGroupIds),
  ];
  return [{ isolation: undefined, vpc: undefined, subnets: strings(p.subnetIds), securityGroups: groups }];
}

function domainAccess(p: Json): string | undefined {
  return typeof p.appNetworkAccessType === "string" ? p.appNetworkAccessType : undefined;
}

function clusterUnits(p: Json): RequestUnit[] {
  const groups = [
    ...(Array.isArray(p.instanceGroups) ? p.instanceGroups : []),
    ...(Array.isArray(p.restrictedInstanceGroups) ? p.restrictedInstanceGroups : []),
  ].filter(isRecord);
  return [
    { isolation: undefined, vpc: isRecord(p.vpcConfig) ? p.vpcConfig : undefined },
    ...groups.map((g) => ({
      isolation: undefined,
      vpc: isRecord(g.overrideVpcConfig) ? g.overrideVpcConfig : undefined,
    })),
  ];
}

function unitOf(o: Json): RequestUnit {
  return {
    isolation: typeof o.enableNetworkIsolation === "boolean" ? o.enableNetworkIsolation : undefined,
    vpc: isRecord(o.vpcConfig) ? o.vpcConfig : undefined,
    encryption:
      typeof o.enableInterContainerTrafficEncryption === "boolean"
        ? o.enableInterContainerTrafficEncryption
        : undefined,
  };
}

/**
 * Builds the request context IAM evaluates for a CloudTrail create call, from its `requestParameters`:
 * `enableNetworkIsolation` → `sagemaker:NetworkIsolation` (absent when the request leaves it out),
 * `vpcConfig.subnets` → `sagemaker:VpcSubnets`, `vpcConfig.securityGroupIds` → `sagemaker:VpcSecurityGroupIds`,
 * the caller → `aws:PrincipalArn` (for a role session, the role's ARN), and `now` → `aws:CurrentTime`.
 *
 * A tuning job with several definitions is one request, and AWS does not document how it fills the
 * single-valued isolation key for them: the request is built (the VPC keys take the union of the
 * definitions' values; isolation `true` only when every definition sets it, `false` when one sets it
 * false, else absent) but marked `undetermined`, so no simulated answer is taken for AWS's.
 *
 * `aws:PrincipalArn` is the role for a role session, and the `federated-user` ARN itself for a
 * GetFederationToken session (not the IAM user that issued it: AWS global condition context keys).
 *
 * Returns `null` for anything that is not a successful guarded create call with readable parameters
 * (transform jobs, endpoints, failed or omitted calls, state-change events).
 *
 * @example
 * const req = requestFromEvent(JSON.parse(fs.readFileSync("events/CreateTrainingJob.no-isolation.json", "utf8")), Date.now());
 * req?.context["sagemaker:NetworkIsolation"] // undefined: the key is absent
 */
export function requestFromEvent(event: unknown, now: number): GuardrailRequest | null {
  if (!isRecord(event) || !isRecord(event.detail)) return null;
  const d = event.detail;
  const call = typeof d.eventName === "string" ? CALLS[d.eventName] : undefined;
  const guarded = typeof d.eventName === "string" ? GUARDED_BY_EVENT.get(d.eventName) : undefined;
  const params = d.requestParameters;
  if (!call || !guarded || d.errorCode != null || !isRecord(params) || params.omitted === true) return null;
  const identity = isRecord(d.userIdentity) ? d.userIdentity : {};
  const issuer = isRecord(identity.sessionContext) ? identity.sessionContext.sessionIssuer : undefined;
  const callerArn = typeof identity.arn === "string" ? identity.arn : "";
  const federated = identity.type === "FederatedUser";
  const principalArn = !federated && isRecord(issuer) && typeof issuer.arn === "string" ? issuer.arn : callerArn;
  const account = typeof d.recipientAccountId === "string" ? d.recipientAccountId : "123456789012";
  const region = typeof d.awsRegion === "string" ? d.awsRegion : "us-east-1";
  const name = String(params[call.nameKey] ?? "unnamed").toLowerCase();

  const units = call.units(params);
  const context: Record<string, string | string[]> = {
    [KEYS.principal]: principalArn,
    [KEYS.time]: new Date(now).toISOString(),
  };
  // Only the keys the action has (the simulator refuses others, as IAM ignores them).
  if (guarded.isolation) {
    if (units.length > 0 && units.every((u) => u.isolation === true)) context[KEYS.isolation] = "true";
    else if (units.some((u) => u.isolation === false)) context[KEYS.isolation] = "false";
  }
  if (guarded.encryption) {
    if (units.length > 0 && units.every((u) => u.encryption === true)) context[KEYS.encryption] = "true";
    else if (units.some((u) => u.encryption === false)) context[KEYS.encryption] = "false";
  }
  const subnets = [...new Set(units.flatMap((u) => [...strings(u.vpc?.subnets), ...(u.subnets ?? [])]))];
  const groups = [...new Set(units.flatMap((u) => [...strings(u.vpc?.securityGroupIds), ...(u.securityGroups ?? [])]))];
  if (guarded.vpc && subnets.length) context[KEYS.subnets] = subnets;
  if (guarded.vpc && groups.length) context[KEYS.securityGroups] = groups;
  const access = call.access?.(params);
  if (access !== undefined)
    context[guarded.access === "notebook" ? KEYS.directInternet : KEYS.appNetworkAccess] = access;

  // A domain's and a HyperPod cluster's ARNs end in an id; the name stands in for it (no policy here names one).
  return {
    action: guarded.action,
    resourceArn: `arn:${partitionOf(region)}:sagemaker:${region}:${account}:${guarded.type}/${name}`,
    account,
    callerArn,
    context,
    ...(units.length > 1 && d.eventName === "CreateHyperParameterTuningJob"
      ? {
          undetermined:
            "several definitions in one request: AWS does not document how it fills the single-valued sagemaker:NetworkIsolation for them, so the enforcer decides each definition",
        }
      : {}),
  };
}
