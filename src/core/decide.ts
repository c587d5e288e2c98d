import picomatch from "picomatch";
import { judgeSubnet, type SubnetVerdict } from "./egress.js";
import { InvalidEventError } from "./errors.js";
import { frameworkImageMatcher } from "./images.js";
import type { NormalizedEvent } from "./normalize.js";
import { lowerCamelKeys } from "./normalize.js";
import { type Exemption, modeFor, type Policy } from "./policy.js";
import { isModelConsumer, RESOURCE_TYPES, type ResourceTypeSpec } from "./resource-types.js";
import type {
  Action,
  Caller,
  Decision,
  EventInfo,
  Finding,
  IsolationUnit,
  Mode,
  ResourceFacts,
  ResourceRef,
  ResourceType,
  Verdict,
} from "./types.js";

/** Compiled per policy object: matchers are built once, not per event. */
interface CompiledPolicy {
  isFrameworkImage: (uri: string | null) => boolean;
  exemptions: { exemption: Exemption; matchName: (s: string) => boolean; matchPrincipal: (s: string) => boolean }[];
  approvedEgress: ReadonlySet<string>;
}

/** Per decision: the route facts at hand, the subnets still to look up, and each judged subnet's verdict. */
interface EgressContext {
  routes: ResourceFacts["routes"];
  pending: Set<string>;
  verdicts: Map<string, SubnetVerdict>;
}
const compiled = new WeakMap<Policy, CompiledPolicy>();

// IAM-style globs: `*` also crosses `/` (ARNs), as in IAM's StringLike.
const GLOB = { bash: true, dot: true } as const;

function compile(policy: Policy): CompiledPolicy {
  let c = compiled.get(policy);
  if (!c) {
    c = {
      isFrameworkImage: frameworkImageMatcher(policy.frameworkImages),
      exemptions: policy.exemptions.map((exemption) => ({
        exemption,
        matchName: exemption.resourceName ? picomatch(exemption.resourceName, { ...GLOB, nocase: true }) : () => true,
        matchPrincipal: exemption.principal ? picomatch(exemption.principal, GLOB) : () => true,
      })),
      approvedEgress: new Set(policy.approvedEgressTargets),
    };
    compiled.set(policy, c);
  }
  return c;
}

/** Which actions a verdict plans: remedies first (they are on the critical path), then tag, then alert. */
export function planActions(verdict: Verdict, type: ResourceType, mode: Mode): Action[] {
  if (verdict === "COMPLIANT" || verdict === "EXEMPT") return ["tag"];
  if (verdict !== "NON_COMPLIANT") return [];
  const remedy = RESOURCE_TYPES[type].remedy;
  if (mode === "audit" || remedy === null) return ["tag", "alert"];
  // A deleted resource cannot be tagged: its alert carries the record.
  return remedy === "stop" ? ["stop", "tag", "alert"] : ["delete", "alert"];
}

function unitWhere(unit: IsolationUnit, prefix: string): string {
  const parts = [prefix, unit.label ? `definition "${unit.label}" (${unit.basePath})` : unit.basePath].filter(Boolean);
  return parts.length ? ` in ${parts.join(", ")}` : "";
}

function unitFindings(
  unit: IsolationUnit,
  type: ResourceType,
  policy: Policy,
  c: CompiledPolicy,
  notes: string[],
  egress: EgressContext | null,
  pathPrefix = "",
  wherePrefix = "",
): Finding[] {
  const findings: Finding[] = [];
  const where = unitWhere(unit, wherePrefix);
  const p = (path: string) => `${pathPrefix}${path}`;
  let vpcMissingReported = false;

  if (policy.requireNetworkIsolation && unit.directInternet?.enabled) {
    // Notebooks and Studio domains reach the internet through SageMaker's own VPC unless this is
    // switched off, whatever VPC they also sit in (SageMaker Developer Guide, "Connect a notebook instance
    // in a VPC to external resources"; "Connect Studio notebooks in a VPC to external resources").
    findings.push({
      rule: "direct-internet-access-enabled",
      severity: "high",
      message: `direct internet access is on${where}: code run in it can reach the internet outside any VPC`,
      path: p(unit.directInternet.path),
      fix: unit.directInternet.fix,
    });
  }
  if (policy.requireNetworkIsolation && unit.control === "vpc") {
    // No isolation setting exists for this type: as for framework images, the VPC is the control.
    if (!unit.vpc) {
      vpcMissingReported = true;
      findings.push({
        rule: "vpc-config-missing",
        severity: "high",
        message: `a ${RESOURCE_TYPES[type].names.one} cannot be network-isolated, and no VPC confines it${where}: its instances can reach the internet`,
        path: p(unit.vpcPath),
        fix: `Set ${unit.vpcPath} with private subnets and security groups the security team approved, and create it again.`,
      });
    }
  } else if (policy.requireNetworkIsolation && unit.control === "aws-managed") {
    notes.push(
      unit.deployed
        ? `${unit.deployed}${where}; requireVpc and the subnet and security-group allow-lists apply to the job's VPC`
        : `runs only SageMaker's own containers${where}: no container of the user's to isolate; requireVpc and the subnet and security-group allow-lists apply`,
    );
  } else if (policy.requireNetworkIsolation && !unit.networkIsolation) {
    const custom = unit.images.filter((i) => !c.isFrameworkImage(i.uri));
    if (unit.images.length > 0 && custom.length === 0) {
      // Framework containers that cannot run isolated (they need S3): a VPC is the compensating control.
      const images = unit.images.map((i) => i.uri).join(", ");
      if (unit.vpc) {
        notes.push(
          `compensating control${where}: framework image ${images} cannot run with network isolation; it runs in a VPC`,
        );
      } else {
        vpcMissingReported = true;
        findings.push({
          rule: "vpc-config-missing",
          severity: "high",
          message: `framework image ${images} cannot run with network isolation, and no VPC confines it${where}: its container can reach the internet`,
          path: p(unit.vpcPath),
          fix: `Run it in a VPC: set ${unit.vpcPath} with private subnets and security groups (SDK: subnets=[...], security_group_ids=[...]), with an S3 VPC endpoint for its data.`,
        });
      }
    } else if (unit.vpcStandsIn && unit.vpc) {
      notes.push(`compensating control${where}: ${unit.vpcStandsIn.why}; it runs in a VPC`);
    } else {
      findings.push({
        rule: "network-isolation-disabled",
        severity: "high",
        message: `${unit.isolationSetting?.off ?? "network isolation is off"}${where}: the container can make outbound calls to the internet`,
        path: p(unit.networkIsolationPath),
        fix:
          unit.vpcStandsIn?.fix ??
          `Set ${unit.networkIsolationPath} to ${unit.isolationSetting?.on ?? "true"} (SageMaker Python SDK: ${RESOURCE_TYPES[type].sdkHint ?? "enable_network_isolation=True"}) and create it again.`,
      });
    }
  }
  if (
    policy.requireInterContainerEncryption &&
    unit.interContainerEncryption &&
    !unit.interContainerEncryption.enabled
  ) {
    findings.push({
      rule: "inter-container-encryption-disabled",
      severity: "medium",
      message: `inter-container traffic encryption is off${where}: data moves between its instances in clear`,
      path: p(unit.interContainerEncryption.path),
      fix: `Set ${unit.interContainerEncryption.path} to true (SageMaker Python SDK: encrypt_inter_container_traffic=True) and create it again.`,
    });
  }
  if (policy.requireVpc && !unit.vpc && !vpcMissingReported) {
    findings.push({
      rule: "vpc-config-missing",
      severity: "high",
      message: `no VPC configuration${where}: the policy requires every resource to run in a VPC`,
      path: p(unit.vpcPath),
      fix: `Set ${unit.vpcPath} with subnets and security groups the security team approved.`,
    });
  }
  if (unit.vpc && policy.allowedSubnets) {
    const allowed = new Set(policy.allowedSubnets);
    const bad = unit.vpc.subnets.filter((s) => !allowed.has(s));
    if (bad.length) {
      findings.push({
        rule: "subnet-not-allowed",
        severity: "medium",
        message: `subnet${bad.length > 1 ? "s" : ""} ${bad.join(", ")}${where} not in the allowed list`,
        path: p(`${unit.vpcPath}.subnets`),
        fix: `Use only allowed subnets: ${policy.allowedSubnets.join(", ") || "(none allowed)"}.`,
      });
    }
  }
  if (unit.vpc && policy.allowedSecurityGroups) {
    const allowed = new Set(policy.allowedSecurityGroups);
    const bad = unit.vpc.securityGroupIds.filter((s) => !allowed.has(s));
    if (bad.length) {
      findings.push({
        rule: "security-group-not-allowed",
        severity: "medium",
        message: `security group${bad.length > 1 ? "s" : ""} ${bad.join(", ")}${where} not in the allowed list`,
        path: p(`${unit.vpcPath}.securityGroupIds`),
        fix: `Use only allowed security groups: ${policy.allowedSecurityGroups.join(", ") || "(none allowed)"}.`,
      });
    }
  }
  // A unit with direct internet access (a notebook's DirectInternetAccess, a domain's PublicInternetOnly)
  // reaches the internet through SageMaker's own network, not its VPC's routes: it breaks the policy
  // whatever they are, so they are neither read nor reported ("Connect Studio notebooks in a VPC to
  // external resources", SageMaker Developer Guide: with PublicInternetOnly, traffic other than to the
  // domain's EFS volume goes through a VPC SageMaker manages; likewise a notebook instance's direct
  // internet access, "Connect a notebook instance in a VPC to external resources").
  if (
    egress &&
    unit.vpc &&
    !unit.networkIsolation &&
    !(policy.requireNetworkIsolation && unit.directInternet?.enabled) &&
    policy.vpcEgress === "verify"
  ) {
    // The decision rests on the VPC when, without it, the unit would need one (framework images, requireVpc,
    // types that cannot be isolated): then only its routes say whether the container is off the internet.
    const withoutVpc = unitFindings({ ...unit, vpc: null }, type, policy, c, [], null, pathPrefix, wherePrefix);
    const reliesOnVpc = (f: Finding) =>
      f.rule === "vpc-config-missing" || (!!unit.vpcStandsIn && f.rule === "network-isolation-disabled");
    if (withoutVpc.some(reliesOnVpc)) {
      findings.push(...routeFindings(unit.vpc.subnets, egress, c, p(`${unit.vpcPath}.subnets`), where));
    }
  }
  return findings;
}

/** Findings of the subnets a VPC-reliant unit runs in; subnets without route facts are left for the lookup. */
function routeFindings(subnets: string[], egress: EgressContext, c: CompiledPolicy, path: string, where: string) {
  const findings: Finding[] = [];
  if (subnets.length === 0) {
    findings.push({
      rule: "egress-unverifiable",
      severity: "medium",
      message: `the VPC configuration${where} names no subnet, so its routes cannot be checked`,
      path,
      fix: "Name the private subnets the container runs in.",
    });
  }
  for (const subnet of subnets) {
    const facts = egress.routes?.[subnet];
    if (!facts) {
      egress.pending.add(subnet);
      continue;
    }
    const judged = judgeSubnet(facts, c.approvedEgress);
    egress.verdicts.set(subnet, judged.verdict);
    for (const f of judged.findings) {
      findings.push({ rule: f.rule, severity: f.severity, message: `${f.message}${where}`, path, fix: f.fix });
    }
  }
  return findings;
}

/**
 * A resource's own units (a job's settings; an endpoint config's top-level settings; an inference
 * component's own containers under its endpoint config's) and, for model consumers, each model's.
 */
function findingsFor(
  facts: ResourceFacts,
  policy: Policy,
  c: CompiledPolicy,
  notes: string[],
  egress: EgressContext,
): Finding[] {
  const type = facts.resource.type;
  const findings = facts.units.flatMap((u) => unitFindings(u, type, policy, c, notes, egress));
  // Pure model consumers have no settings of their own; a job that deploys a model (inference
  // recommendations) has both, and its model is judged as a model.
  if (!isModelConsumer(type) && !facts.models) return findings;
  for (const model of facts.models ?? []) {
    if (model.units === null) {
      // Not only models: the endpoint or endpoint config an inference component's containers run under.
      const what = model.name.includes("/") ? model.name.replace("/", " ") : `model ${model.name}`;
      findings.push({
        rule: "model-unverifiable",
        severity: "high",
        message: `${what} could not be found${model.name.startsWith("model-package/") ? " or names no container" : ""}, so its isolation cannot be verified`,
        path: `models[${model.name}]`,
        fix: `Use a model that exists and has network isolation (or a VPC for framework images); recreate ${model.name} if it was deleted.`,
      });
      continue;
    }
    for (const u of model.units) {
      findings.push(
        ...unitFindings(u, "model", policy, c, notes, egress, `models[${model.name}].`, `model ${model.name}`),
      );
    }
  }
  return findings;
}

function matchExemption(
  c: CompiledPolicy,
  resource: ResourceRef,
  caller: Caller | null,
): CompiledPolicy["exemptions"][number][] {
  const principals = [caller?.arn, caller?.sessionIssuerArn].filter((x): x is string => !!x);
  return c.exemptions.filter(({ exemption, matchName, matchPrincipal }) => {
    if (exemption.resourceTypes && !exemption.resourceTypes.includes(resource.type)) return false;
    if (!matchName(resource.name)) return false;
    if (exemption.principal && !principals.some((p) => matchPrincipal(p))) return false;
    return true;
  });
}

/** An active exemption that would match this resource if its creator were the exemption's principal. */
function principalExemptionFor(c: CompiledPolicy, resource: ResourceRef, now: number): Exemption | null {
  const hit = c.exemptions.find(
    ({ exemption, matchName }) =>
      exemption.principal !== undefined &&
      exemption.expires.endsAt > now &&
      (!exemption.resourceTypes || exemption.resourceTypes.includes(resource.type)) &&
      matchName(resource.name),
  );
  return hit?.exemption ?? null;
}

/** What every decision about one resource shares: the resource, its caller, the mode in force, the event. */
type DecisionAt = Pick<Decision, "resource" | "caller" | "mode" | "event">;
/** What a decision says: its verdict and, where it has them, the rest (empty lists and nulls by default). */
type DecisionParts = Pick<Decision, "verdict"> &
  Partial<Pick<Decision, "reason" | "findings" | "actions" | "notes" | "exemption" | "egress">>;

/** The one place a Decision is built, its members in the order `evaluate --json` prints them. */
function decision(at: DecisionAt, o: DecisionParts): Decision {
  return {
    verdict: o.verdict,
    reason: o.reason ?? null,
    resource: at.resource,
    caller: at.caller,
    findings: o.findings ?? [],
    actions: o.actions ?? [],
    mode: at.mode,
    notes: o.notes ?? [],
    exemption: o.exemption ?? null,
    event: at.event,
    ...(o.egress ? { egress: o.egress } : {}),
  };
}

/**
 * Applies the policy to a resource's facts. Pure: `now` (ms since epoch) only decides exemption expiry.
 *
 * @example
 * const d = decideFacts(facts, DEFAULT_POLICY, Date.now());
 * if (d.verdict === "NON_COMPLIANT") console.log(d.findings.map((f) => f.rule));
 */
export function decideFacts(facts: ResourceFacts, policy: Policy, now: number, event: EventInfo = NO_EVENT): Decision {
  const c = compile(policy);
  const notes: string[] = [];
  const mode = modeFor(policy, facts.resource.type);
  const at: DecisionAt = { resource: facts.resource, caller: facts.caller, mode, event };
  if (isModelConsumer(facts.resource.type) && (facts.models ?? []).length === 0 && facts.units.length === 0) {
    // No model named (an endpoint built on inference components places its models later): nothing to
    // verify here, and nothing to call compliant either.
    return decision(at, {
      verdict: "NEEDS_LOOKUP",
      reason: `${facts.resource.type} ${facts.resource.name} names no model (inference components place them): each inference component is decided on its own`,
      notes,
    });
  }
  const egress = egressContext(facts);
  const findings = findingsFor(facts, policy, c, notes, egress);
  if (facts.hostsComponentsOf && findings.length) {
    // An endpoint for inference components runs no container of its own: what its config leaves open
    // (isolation off, or a VPC) may be right for its components (a framework image in a VPC), so each
    // component is decided with the config, the config is reported, and the endpoint is never deleted
    // for a container it does not run.
    const rules = [...new Set(findings.map((f) => f.rule))].join(", ");
    return decision(at, {
      verdict: "IGNORED",
      reason: `hosts inference components: each is decided with endpoint config ${facts.hostsComponentsOf} (${rules}), and the config is reported on its own`,
      notes,
    });
  }
  const judged = egress.verdicts.size ? [...egress.verdicts.values()] : undefined;
  if (egress.pending.size) {
    const subnets = [...egress.pending].join(", ");
    if (!findings.length) {
      notes.push(`a VPC is the only control; the route tables of ${subnets} decide whether it reaches the internet`);
      return decision(at, { verdict: "NEEDS_LOOKUP", reason: ROUTES_DECIDE, findings, notes, egress: judged });
    }
    notes.push(`routes of ${subnets} not checked: the resource breaks the policy whatever they are`);
  }
  let verdict: Verdict = findings.length ? "NON_COMPLIANT" : "COMPLIANT";
  let exemption: Decision["exemption"] = null;

  if (verdict === "NON_COMPLIANT") {
    const matches = matchExemption(c, facts.resource, facts.caller);
    const active = matches.find((m) => m.exemption.expires.endsAt > now);
    if (active) {
      verdict = "EXEMPT";
      const e = active.exemption;
      exemption = {
        reason: e.reason,
        expires: e.expires.text,
        resourceName: e.resourceName ?? null,
        principal: e.principal ?? null,
      };
      notes.push(`exempt until ${e.expires.text}: ${e.reason}`);
    } else {
      for (const m of matches) {
        notes.push(`exemption expired on ${m.exemption.expires.text} and no longer applies (${m.exemption.reason})`);
      }
      const unverifiable = facts.caller === null ? principalExemptionFor(c, facts.resource, now) : null;
      if (unverifiable) {
        // Found without a CloudTrail record (state-change event, sweep): the creator is unknown, so an
        // exemption granted to a principal can be neither applied nor ruled out. Never stop on a guess;
        // the CloudTrail event, which names the caller, decides.
        return decision(at, {
          verdict: "NEEDS_LOOKUP",
          reason: `may be exempt (exemption for ${unverifiable.principal} until ${unverifiable.expires.text}); the creator is known only from the CloudTrail record, which decides`,
          findings,
          notes,
        });
      }
    }
  }
  return decision(at, {
    verdict,
    findings,
    actions: planActions(verdict, facts.resource.type, mode),
    notes,
    exemption,
    egress: judged,
  });
}

/** The reason of a decision that waits for route tables (offline, or before the egress step ran). */
export const ROUTES_DECIDE = "the VPC's routes decide";

function egressContext(facts: ResourceFacts): EgressContext {
  return { routes: facts.routes, pending: new Set(), verdicts: new Map() };
}

/**
 * The subnets whose route tables can still change this resource's verdict: those of units that are
 * compliant only because of their VPC, not yet in `facts.routes`. Empty when the policy trusts VPCs,
 * when every container is isolated, or when the resource breaks the policy anyway (the stop waits for nothing).
 *
 * @example if (subnetsToVerify(facts, policy).length) facts = { ...facts, routes: await lookUpRoutes(...) };
 */
export function subnetsToVerify(facts: ResourceFacts, policy: Policy): string[] {
  if (policy.vpcEgress === "trust") return [];
  const egress = egressContext(facts);
  const findings = findingsFor(facts, policy, compile(policy), [], egress);
  return findings.length ? [] : [...egress.pending];
}

/**
 * A violation whose creator could not be found (no CloudTrail record in the guard's record or in CloudTrail's
 * event history) while a principal-scoped exemption might cover it: reported as unverifiable and never
 * stopped or deleted on a guess, but never skipped either. Other decisions pass through unchanged.
 *
 * @example const d = creatorUnverifiable(decideFacts(facts, policy, now)); // NON_COMPLIANT, actions tag + alert
 */
export function creatorUnverifiable(d: Decision): Decision {
  if (!mayBeExempt(d)) return d;
  return {
    ...d,
    verdict: "NON_COMPLIANT",
    reason: `${d.reason}; the creator could not be found, so the exemption can be neither applied nor ruled out: reported, not stopped or deleted`,
    actions: ["tag", "alert"],
    notes: [...d.notes, "creator unverifiable: no CloudTrail record of the create call was found"],
  };
}

/** True for the decision `decideFacts` returns when only the creator (unknown) decides whether an exemption applies. */
export function mayBeExempt(d: Decision): boolean {
  return d.verdict === "NEEDS_LOOKUP" && d.caller === null && d.findings.length > 0;
}

const NO_EVENT: EventInfo = { id: null, deliveryId: null, name: null, time: null, source: null, detailType: null };

/**
 * Decides a normalized event: IGNORED and NEEDS_LOOKUP pass through with their reason, facts are judged.
 * @example decide(normalizeEvent(event), DEFAULT_POLICY, Date.now())
 */
export function decide(n: NormalizedEvent, policy: Policy, now: number): Decision {
  if (n.kind === "facts") return decideFacts(n.facts, policy, now, n.event);
  const type = n.resource?.type;
  const at: DecisionAt = {
    resource: n.kind === "ignored" ? null : n.resource,
    caller: n.caller,
    mode: type ? modeFor(policy, type) : policy.mode,
    event: n.event,
  };
  return decision(at, { verdict: n.kind === "ignored" ? "IGNORED" : "NEEDS_LOOKUP", reason: n.reason });
}

/**
 * Reads a Describe* output (PascalCase) with the same schema as the request parameters.
 * @example parseDescribed("training-job", await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName })))
 */
export function parseDescribed(type: ResourceType, output: unknown): ReturnType<ResourceTypeSpec["parse"]> {
  try {
    return RESOURCE_TYPES[type].parse(lowerCamelKeys(output));
  } catch (cause) {
    throw new InvalidEventError(`unexpected ${RESOURCE_TYPES[type].api.describe} output`, { cause });
  }
}
