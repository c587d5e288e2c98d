import { decideFacts, subnetsToVerify } from "../core/decide.js";
import type { SubnetRoutes } from "../core/egress.js";
import type { Policy } from "../core/policy.js";
import type { Decision, EventInfo, ResourceFacts } from "../core/types.js";
import type { RoutesPort } from "./ports.js";

/**
 * Decides a resource's facts, first looking up the route tables of the subnets its decision rests on
 * (units compliant only because of their VPC). Resources that do not rest on a VPC (isolated containers,
 * resources that break the policy anyway, `vpcEgress: trust`) cost no EC2 call and load no EC2 client.
 *
 * @example const decision = await decideWithRoutes(facts, deps, deps.now(), event);
 */
export async function decideWithRoutes(
  facts: ResourceFacts,
  deps: { policy: Policy; routes: RoutesPort },
  now: number,
  event?: EventInfo,
): Promise<Decision> {
  return decideFacts(await withRoutes(facts, deps), deps.policy, now, event);
}

/**
 * The facts with the route tables their decision rests on added (`facts.routes`); unchanged, with no EC2
 * call, when nothing rests on a VPC. Deciding these facts again (say, once the creator is known) needs
 * no second lookup.
 *
 * @example const facts = await withRoutes(found.facts, deps); decideFacts(facts, deps.policy, now, event);
 */
export async function withRoutes(
  facts: ResourceFacts,
  deps: { policy: Policy; routes: RoutesPort },
): Promise<ResourceFacts> {
  const subnets = subnetsToVerify(facts, deps.policy);
  if (!subnets.length) return facts;
  const routes = await deps.routes.subnetRoutes(subnets);
  return { ...facts, routes: { ...facts.routes, ...routes } };
}

/**
 * Route tables remembered per subnet for `ttlMs` (a warm Lambda container: a few minutes, so a route
 * added to a table is seen by the next decision after that; a scan run: its whole run). Lookups in
 * flight are shared, so concurrent decisions over the same subnets make one call. Failures and
 * unreadable subnets are not remembered: the next decision asks again.
 *
 * @example const routes = new CachedRoutes(new Ec2Routes(client), 5 * 60_000, Date.now);
 */
export class CachedRoutes implements RoutesPort {
  private readonly entries = new Map<string, { at: number; routes: Promise<SubnetRoutes> }>();

  constructor(
    private readonly inner: RoutesPort,
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly maxEntries = 1000,
  ) {}

  async subnetRoutes(subnets: string[]): Promise<Record<string, SubnetRoutes>> {
    const at = this.now();
    const wanted = new Map<string, Promise<SubnetRoutes>>();
    const missing: string[] = [];
    for (const s of new Set(subnets)) {
      const e = this.entries.get(s);
      if (e && at - e.at <= this.ttlMs) wanted.set(s, e.routes);
      else missing.push(s);
    }
    if (missing.length) {
      const batch = this.inner.subnetRoutes(missing);
      for (const s of missing) {
        const one = batch.then((all) => all[s] ?? { subnet: s, found: false as const, problem: "not returned by EC2" });
        wanted.set(s, one);
        this.entries.delete(s);
        this.entries.set(s, { at, routes: one });
        const forget = () => {
          if (this.entries.get(s)?.routes === one) this.entries.delete(s);
        };
        one.then((r) => (r.found ? undefined : forget()), forget);
      }
      while (this.entries.size > this.maxEntries) {
        const oldest = this.entries.keys().next().value;
        if (oldest === undefined) break;
        this.entries.delete(oldest);
      }
    }
    const out: Record<string, SubnetRoutes> = {};
    for (const [s, routes] of wanted) out[s] = await routes;
    return out;
  }
}
