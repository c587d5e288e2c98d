import type { NotificationRoute, Policy } from "../core/policy.js";

/** The alert channels a policy can route (`notifications.<channel>`). */
export type AlertChannel = "email" | "slack";

/** An SNS subscription filter policy (FilterPolicyScope `MessageAttributes`). */
export type FilterPolicy = Record<string, unknown>;

const ENFORCE_ACTIONS = ["stopped", "deleted", "none"];

function conditionsOf(route: NotificationRoute): Record<string, string[]> {
  const when: Record<string, string[]> = {};
  if (route.verdicts) when.verdict = [...route.verdicts];
  if (route.severities) when.severity = [...route.severities];
  if (route.resourceTypes) when.resourceType = [...route.resourceTypes];
  // The alert has no `mode` attribute; its action says it: audit mode reports `audit-only`, enforce anything else.
  let actions: string[] | null = route.actions ? [...route.actions] : null;
  if (route.modes) {
    const byMode = route.modes.flatMap((m) => (m === "audit" ? ["audit-only"] : ENFORCE_ACTIONS));
    actions = actions ? actions.filter((a) => byMode.includes(a)) : byMode;
  }
  if (actions) when.action = [...new Set(actions)];
  return when;
}

/**
 * The SNS subscription filter policy for one channel, from the policy's `notifications` key:
 * `null` = no filter (every message; the safe default when the key is absent), `false` = the channel is
 * switched off (do not subscribe it). Messages without a `verdict` attribute (the stack's CloudWatch alarms,
 * which publish to the same topic) always pass, so an operator never misses a dead-letter or error alarm.
 * @example subscriptionFilterPolicy(policy, "slack") // {"$or":[{"severity":["high"]},{"verdict":[{"exists":false}]}]}
 */
export function subscriptionFilterPolicy(
  policy: Pick<Policy, "notifications">,
  channel: AlertChannel,
): FilterPolicy | null | false {
  const route = policy.notifications?.[channel];
  if (!route) return null;
  if (route.enabled === false) return false;
  const when = conditionsOf(route);
  if (!Object.keys(when).length) return null;
  // A condition with no value left (e.g. modes: [audit] with actions: [stopped]) can match no alert.
  const alerts = Object.values(when).some((v) => v.length === 0) ? { verdict: ["__none__"] } : when;
  return { $or: [alerts, { verdict: [{ exists: false }] }] };
}

/**
 * Whether an alert with these message attributes reaches the channel: the same decision SNS makes with
 * {@link subscriptionFilterPolicy}, for tests, the demo and the notifier's own log line.
 * @example routesTo(policy, "email", alert.attributes)
 */
export function routesTo(
  policy: Pick<Policy, "notifications">,
  channel: AlertChannel,
  attributes: Record<string, string>,
): boolean {
  const route = policy.notifications?.[channel];
  if (!route) return true;
  if (route.enabled === false) return false;
  if (attributes.verdict === undefined) return true;
  return Object.entries(conditionsOf(route)).every(([key, values]) => values.includes(attributes[key] ?? ""));
}
