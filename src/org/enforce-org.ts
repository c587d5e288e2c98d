import { type EnforcerDeps, type HandleOutcome, handleEvent } from "../app/enforce.js";
import type { CreatorLookup, RoutesPort, SageMakerPort } from "../app/ports.js";
import { decide } from "../core/decide.js";
import { normalizeEvent } from "../core/normalize.js";
import type { OrgMembership } from "./membership.js";

/** Where a central guard may act, and how it reaches each account. */
export interface OrgScope {
  /** Regions the deployment owns. */
  regions: readonly string[];
  membership: OrgMembership;
  /** SageMaker in (account, region): through the member role, or the guard's own credentials at home. */
  sagemakerFor(account: string, region: string): Promise<SageMakerPort>;
  /**
   * The route tables of (account, region), for the egress check: a member resource's subnets exist only
   * in the member account, so they are read there (through the member role), never in the central one.
   */
  routesFor(account: string, region: string): RoutesPort;
  /**
   * The creator lookup of (account, region): CloudTrail's event history holds only its own account's
   * calls, so a member resource's creator is looked up in the member account (through the member role).
   */
  creatorsFor(account: string, region: string): CreatorLookup;
}

/** The account an outcome was decided in, with its name when Organizations gave one. */
export interface OrgOutcome extends HandleOutcome {
  account: { id: string; name: string | null } | null;
}

/**
 * The central guard's event path: the event's account must be ACTIVE in the organization (or on the
 * allow-list) and its region one the deployment owns, checked before any AssumeRole; then the single
 * account path runs unchanged with the member account's SageMaker and that account/region as `self`,
 * so Describe in the member account still confirms the resource (its ARN's account and region).
 *
 * @example const outcome = await handleOrgEvent(event, deps, scope);
 */
export async function handleOrgEvent(raw: unknown, deps: EnforcerDeps, scope: OrgScope): Promise<OrgOutcome> {
  // Pure and cheap: handleEvent normalizes again; InvalidEventError is thrown here before any call.
  const n = normalizeEvent(raw);
  const resource = n.kind === "facts" ? n.facts.resource : n.kind === "lookup" ? n.resource : null;
  if (!resource) return { ...(await handleEvent(raw, deps)), account: null };

  const ignore = (reason: string): OrgOutcome => {
    const decision = decide(n, deps.policy, deps.now());
    return {
      decision: { ...decision, verdict: "IGNORED", actions: [], reason },
      remedy: null,
      tagAction: null,
      tagged: false,
      alerted: false,
      duplicateOf: null,
      account: null,
    };
  };
  if (!scope.regions.includes(resource.region)) {
    return ignore(
      `event is about region ${resource.region}; this guard acts only in ${scope.regions.join(", ")} (GUARD_REGIONS)`,
    );
  }
  const membership = await scope.membership.check(resource.account);
  if (!membership.member) return ignore(`${membership.reason}; this guard acts only in the organization's accounts`);

  const sagemaker = await scope.sagemakerFor(resource.account, resource.region);
  const name = membership.name;
  const outcome = await handleEvent(raw, {
    ...deps,
    sagemaker,
    routes: scope.routesFor(resource.account, resource.region),
    // `null` stays null: no lookup configured means unknown creators are unverifiable, in every account.
    creators: deps.creators && scope.creatorsFor(resource.account, resource.region),
    self: { account: resource.account, region: resource.region },
    alertRendering: { ...deps.alertRendering, accountName: name },
  });
  return { ...outcome, account: { id: resource.account, name } };
}
