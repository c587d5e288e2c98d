import { parsePolicy } from "../core/policy-text.js";
import { type AlertChannel, subscriptionFilterPolicy } from "./routing.js";

/**
 * Deploy-time entry point (bundled to dist/filter-policies.js, read by scripts/policy-env.cjs): each
 * channel's SNS subscription filter policy as JSON text; `""` = no filter, `"off"` = do not subscribe.
 * @example filterPoliciesFromPolicyText(readFileSync("policy.yaml", "utf8"), "policy.yaml").slack
 */
export function filterPoliciesFromPolicyText(text: string, source: string): Record<AlertChannel, string> {
  const policy = parsePolicy(text, source);
  const render = (channel: AlertChannel) => {
    const filter = subscriptionFilterPolicy(policy, channel);
    return filter === null ? "" : filter === false ? "off" : JSON.stringify(filter);
  };
  return { email: render("email"), slack: render("slack") };
}
