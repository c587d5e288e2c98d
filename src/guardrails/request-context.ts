import { partitionOf } from "../core/arn.js";
import { GUARDED_ACTIONS, type GuardedType, KEYS } from "./actions.js";

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
}

const CALLS: Record<string, { type: GuardedType; nameKey: string; units: (p: Json) => RequestUnit[] }> = {
  CreateTrainingJob: { type: "training-job", nameKey: "trainingJobName", units: (p) => [unitOf(p)] },
  CreateHyperParameterTuningJob: {
    type: "hyper-parameter-tuning-job",
    nameKey: "hyperParameterTuningJobName",
    units: (p) =>
      [p.trainingJobDefinition, ...(Array.isArray(p.trainingJobDefinitions) ? p.trainingJobDefinitions : [])]
        .filter(isRecord)
        .map(unitOf),
  },
  CreateProcessingJob: {
    type: "processing-job",
    nameKey: "processingJobName",
    units: (p) => [unitOf(isRecord(p.networkConfig) ? p.networkConfig : {})],
  },
  CreateModel: { type: "model", nameKey: "modelName", units: (p) => [unitOf(p)] },
  // The top-level fields (set for endpoints that host inference components; absent on model-based configs).
  CreateEndpointConfig: { type: "endpoint-config", nameKey: "endpointConfigName", units: (p) => [unitOf(p)] },
};

function unitOf(o: Json): RequestUnit {
  return {
    isolation: typeof o.enableNetworkIsolation === "boolean" ? o.enableNetworkIsolation : undefined,
    vpc: isRecord(o.vpcConfig) ? o.vpcConfig : undefined,
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
  const params = d.requestParameters;
  if (!call || d.errorCode != null || !isRecord(params) || params.omitted === true) return null;
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
  if (units.length > 0 && units.every((u) => u.isolation === true)) context[KEYS.isolation] = "true";
  else if (units.some((u) => u.isolation === false)) context[KEYS.isolation] = "false";
  const subnets = [...new Set(units.flatMap((u) => strings(u.vpc?.subnets)))];
  const groups = [...new Set(units.flatMap((u) => strings(u.vpc?.securityGroupIds)))];
  if (subnets.length) context[KEYS.subnets] = subnets;
  if (groups.length) context[KEYS.securityGroups] = groups;

  return {
    action: GUARDED_ACTIONS[call.type],
    resourceArn: `arn:${partitionOf(region)}:sagemaker:${region}:${account}:${call.type}/${name}`,
    account,
    callerArn,
    context,
    ...(units.length > 1
      ? {
          undetermined:
            "several definitions in one request: AWS does not document how it fills the single-valued sagemaker:NetworkIsolation for them, so the enforcer decides each definition",
        }
      : {}),
  };
}
