// Resolves ${file(./scripts/policy-env.cjs):policyJson} at package/deploy time: reads the policy file
// named by the `policyFile` parameter, validates it with the product's own schema (an invalid policy
// fails the deploy, never the first event), and returns it as compact JSON for GUARD_POLICY_JSON.
const { readFileSync } = require("node:fs");
const { resolve } = require("node:path");
const YAML = require("yaml");

module.exports.policyJson = async ({ resolveVariable }) => {
  const file = await resolveVariable("param:policyFile, ''");
  if (!file) return "";
  const path = resolve(__dirname, "..", file);
  const text = readFileSync(path, "utf8");
  const { parsePolicy } = await import("../dist/policy.js");
  parsePolicy(text, file); // throws with the key path of every problem
  const json = JSON.stringify(YAML.parse(text) ?? {});
  if (json.length > 3000)
    throw new Error(`${file}: the policy is ${json.length} bytes as JSON; Lambda environments hold 4 KB in all`);
  return json;
};

// Severity routing (the policy's `notifications` key) as SNS subscription filter policies, per channel.
async function route(resolveVariable, channel) {
  const file = await resolveVariable("param:policyFile, ''");
  if (!file) return "";
  const { filterPoliciesFromPolicyText } = await import("../dist/filter-policies.js");
  return filterPoliciesFromPolicyText(readFileSync(resolve(__dirname, "..", file), "utf8"), file)[channel];
}
/** "all" (no filter), "filtered" or "off" (do not subscribe the channel). */
const routeKind = (text) => (text === "" ? "all" : text === "off" ? "off" : "filtered");
module.exports.emailRoute = async ({ resolveVariable }) => routeKind(await route(resolveVariable, "email"));
module.exports.slackRoute = async ({ resolveVariable }) => routeKind(await route(resolveVariable, "slack"));
/** The filter policy object (a match-all placeholder when the channel is unfiltered; then it is not used). */
const filter = async (resolveVariable, channel) => {
  const text = await route(resolveVariable, channel);
  return text && text !== "off" ? JSON.parse(text) : { verdict: [{ exists: true }] };
};
module.exports.emailFilterPolicy = ({ resolveVariable }) => filter(resolveVariable, "email");
module.exports.slackFilterPolicy = ({ resolveVariable }) => filter(resolveVariable, "slack");
