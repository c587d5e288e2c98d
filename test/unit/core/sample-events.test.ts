import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_POLICY, decide, normalizeEvent, type Policy, parsePolicy } from "../../../src/core/index.js";

const EVENTS = join(import.meta.dirname, "../../../events");
const expected: Record<string, Record<string, { verdict: string; rules: string[] }>> = JSON.parse(
  readFileSync(join(EVENTS, "expected.json"), "utf8"),
);
const policies: Record<string, Policy> = {
  default: DEFAULT_POLICY,
  exemptions: parsePolicy(readFileSync(join(EVENTS, "policies/exemptions.yaml"), "utf8")),
  strict: parsePolicy(readFileSync(join(EVENTS, "policies/strict.yaml"), "utf8")),
  "trust-vpc": parsePolicy(readFileSync(join(EVENTS, "policies/trust-vpc.yaml"), "utf8")),
};
const NOW = Date.parse("2026-11-26T12:00:00Z");

const cases = Object.entries(expected).flatMap(([file, byPolicy]) =>
  Object.entries(byPolicy).map(([policy, want]) => ({ file, policy, ...want })),
);

describe("bundled sample events", () => {
  it("every sample event has an expectation", () => {
    const files = readdirSync(EVENTS).filter((f) => f.endsWith(".json") && f !== "expected.json");
    expect(files.length).toBeGreaterThanOrEqual(20);
    expect(files.filter((f) => !(f in expected))).toEqual([]);
  });

  it.each(cases)("$file under the $policy policy is $verdict $rules", ({ file, policy, verdict, rules }) => {
    const event = JSON.parse(readFileSync(join(EVENTS, file), "utf8"));
    const d = decide(normalizeEvent(event), policies[policy] as Policy, NOW);
    expect(d.verdict).toBe(verdict);
    expect([...new Set(d.findings.map((f) => f.rule))].sort()).toEqual(rules);
  });
});
