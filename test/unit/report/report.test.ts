import { buildReport, formatAge, renderHtml, renderJson, renderTable } from "../../../src/report/index.js";
import type { SweptResource } from "../../../src/sweep/sweep.js";

const NOW = Date.parse("2026-11-26T12:00:00Z");

function item(over: Partial<SweptResource>): SweptResource {
  return {
    type: "training-job",
    name: "job",
    arn: "arn:aws:sagemaker:us-east-1:123456789012:training-job/job",
    account: "123456789012",
    region: "us-east-1",
    verdict: "COMPLIANT",
    reason: null,
    mode: "enforce",
    findings: [],
    creator: null,
    createdAt: "2026-11-26T09:30:00Z",
    status: "InProgress",
    previous: null,
    skipped: false,
    remedy: null,
    alerted: false,
    tagged: false,
    error: null,
    ...over,
  };
}
const violation = (name: string, type: SweptResource["type"], createdAt: string, severity: "high" | "medium") =>
  item({
    name,
    type,
    createdAt,
    verdict: "NON_COMPLIANT",
    creator: "ana@example.com",
    findings: [
      {
        rule: severity === "high" ? "network-isolation-disabled" : "subnet-not-allowed",
        severity,
        message: "m",
        fix: `fix ${name} <now>`,
        path: "p",
      },
    ],
  });

const items = [
  item({ name: "ok-1" }),
  item({ name: "ok-2", type: "model" }),
  item({ name: "exempt", verdict: "EXEMPT" }),
  violation("old-open", "training-job", "2026-11-24T11:00:00Z", "high"),
  violation("new-subnet", "model", "2026-11-26T11:58:00Z", "medium"),
  item({ name: "broken", verdict: "ERROR", error: "Rate exceeded" }),
];
const report = buildReport(items, { now: NOW, regions: ["us-east-1"], policyId: "abc123", scope: "test scope" });

describe("posture report", () => {
  it("counts resources by type and verdict", () => {
    expect(report.totals).toEqual({ resources: 6, compliant: 2, nonCompliant: 2, exempt: 1, other: 1 });
    expect(report.byType.find((r) => r.type === "training-job")).toMatchObject({
      COMPLIANT: 1,
      EXEMPT: 1,
      NON_COMPLIANT: 1,
      ERROR: 1,
      total: 4,
    });
    expect(report.byType.map((r) => r.type)).toEqual([
      "training-job",
      "hyper-parameter-tuning-job",
      "processing-job",
      "transform-job",
      "model",
      "endpoint-config",
      "endpoint",
      "inference-component",
      "notebook-instance",
      "monitoring-schedule",
      "automl-job",
      "compilation-job",
      "optimization-job",
      "inference-recommendations-job",
      "data-quality-job-definition",
      "model-quality-job-definition",
      "model-bias-job-definition",
      "model-explainability-job-definition",
      "domain",
      "cluster",
    ]);
  });

  it("counts inference components, which the sweep and the scan list", () => {
    const withComponent = buildReport(
      [...items, violation("ic-open", "inference-component", "2026-11-26T11:00:00Z", "high")],
      {
        now: NOW,
        regions: ["us-east-1"],
        policyId: "abc123",
        scope: "test scope",
      },
    );
    expect(withComponent.byType.find((r) => r.type === "inference-component")).toMatchObject({
      NON_COMPLIANT: 1,
      total: 1,
    });
    expect(withComponent.violations.map((v) => v.name)).toContain("ic-open");
  });

  it("lists violations most severe first, then oldest, with rule, creator, age and fix", () => {
    expect(report.violations.map((v) => [v.name, v.rules, v.creator, v.ageSeconds])).toEqual([
      ["old-open", ["network-isolation-disabled"], "ana@example.com", 2 * 86_400 + 3600],
      ["new-subnet", ["subnet-not-allowed"], "ana@example.com", 120],
    ]);
    expect(report.errors).toEqual([{ resource: items[5]?.arn, message: "Rate exceeded" }]);
  });

  it("formats ages for people", () => {
    expect([formatAge(40), formatAge(720), formatAge(7500), formatAge(266_400), formatAge(null)]).toEqual([
      "40s",
      "12m",
      "2h 5m",
      "3d 2h",
      "?",
    ]);
  });

  it("renders tables with the counts and each violation", () => {
    const text = renderTable(report);
    expect(text).toMatch(/training-job\s*│\s*1\s*│\s*1\s*│\s*1/);
    expect(text).toContain("2 violation(s):");
    expect(text).toContain("old-open");
    expect(text).toContain("2d 1h");
    expect(text).toContain("could not be examined");
  });

  it("renders JSON that reads back as the same report", () => {
    expect(JSON.parse(renderJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it("renders self-contained HTML: no script, no external URL, escaped names, the figures and a bar per type", () => {
    const html = renderHtml(report);
    expect(html).not.toMatch(/<script|src=|href=/);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain("fix new-subnet &lt;now&gt;");
    expect(html).toMatch(/id="total-resources">6</);
    expect(html).toMatch(/id="total-violations">2</);
    expect(html).toMatch(/id="percent-compliant">60%</);
    expect(html).toMatch(/data-series="Non-compliant" data-type="model" data-count="1"/);
    expect(html.match(/class="type"/g)).toHaveLength(20); // one chart row per resource type
    expect(html).toContain('class="type">Inference components</text>');
  });

  it("says so plainly when nothing breaks the policy", () => {
    const clean = buildReport([item({})], { now: NOW, regions: ["us-east-1"], policyId: "p", scope: "s" });
    expect(renderHtml(clean)).toContain("Every SageMaker resource examined meets the isolation policy.");
    expect(renderTable(clean)).toContain("No violations.");
  });
});
