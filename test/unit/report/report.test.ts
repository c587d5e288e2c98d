import { RESOURCE_TYPE_NAMES, RESOURCE_TYPES } from "../../../src/core/resource-types.js";
import { buildReport, formatAge, renderHtml, renderJson, renderTable, scanScope } from "../../../src/report/index.js";
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
const meta = { now: NOW, regions: ["us-east-1"], policyId: "abc123", scope: "test scope" };
const report = buildReport(items, meta);
const completeReport = buildReport(
  items.filter((i) => i.verdict !== "ERROR"),
  meta,
);
const visibleText = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>|<title>[\s\S]*?<\/title>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");

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
      "labeling-job",
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
    const html = renderHtml(completeReport);
    expect(html).not.toMatch(/<script|src=|href=/);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain("fix new-subnet &lt;now&gt;");
    expect(html).toMatch(/id="total-resources">5</);
    expect(html).toMatch(/id="total-violations">2</);
    expect(html).toMatch(/id="percent-compliant">60%</);
    expect(html).not.toContain("incomplete");
    expect(html).toMatch(/data-series="Non-compliant" data-type="model" data-count="1"/);
    expect(html.match(/class="type"/g)).toHaveLength(RESOURCE_TYPE_NAMES.length); // one chart row per resource type
    expect(html).toContain('class="type">Inference components</text>');
  });

  it("says so plainly when nothing breaks the policy", () => {
    const clean = buildReport([item({})], { now: NOW, regions: ["us-east-1"], policyId: "p", scope: "s" });
    expect(renderHtml(clean)).toContain("Every SageMaker resource examined meets the isolation policy.");
    expect(renderTable(clean)).toContain("No violations.");
  });

  describe("when anything was not examined", () => {
    const allClean = [item({ name: "ok-1" }), item({ name: "ok-2", type: "model" })];
    const listFailed = buildReport(allClean, {
      ...meta,
      errors: [{ resource: "list training-job in us-east-1", message: "ListTrainingJobs failed: AccessDenied" }],
    });

    it("marks the report incomplete and lists what was not examined, in JSON too", () => {
      expect(report.complete).toBe(false);
      expect(completeReport.complete).toBe(true);
      expect(listFailed.complete).toBe(false);
      const json = JSON.parse(renderJson(listFailed));
      expect(json.complete).toBe(false);
      expect(json.errors).toEqual([
        { resource: "list training-job in us-east-1", message: "ListTrainingJobs failed: AccessDenied" },
      ]);
    });

    it("counts a resource that could not be decided as not examined", () => {
      const undecided = buildReport([item({ name: "lookup", verdict: "NEEDS_LOOKUP" })], meta);
      expect(undecided.complete).toBe(false);
      expect(undecided.errors).toEqual([{ resource: item({}).arn, message: "could not be decided (needs lookup)" }]);
    });

    it("says incomplete first on the page, in a warning colour, and never 'meets the policy' or '100%'", () => {
      const html = renderHtml(listFailed);
      const text = visibleText(html);
      expect(text).not.toContain("meets the isolation policy");
      expect(text).not.toContain("100%");
      expect(html).not.toContain("100%");
      expect(text).not.toContain("No violations.");
      expect(text.indexOf("incomplete")).toBeGreaterThan(-1);
      // The headline, the first tile and the not-examined list all come before any figure.
      expect(text.indexOf("Scan incomplete")).toBeLessThan(text.indexOf("resources examined"));
      expect(text.indexOf("list training-job in us-east-1")).toBeLessThan(text.indexOf("resources examined"));
      expect(html).toMatch(/class="headline warn"/);
      expect(html).toMatch(/<div class="tile warn"><b id="scan-status">incomplete<\/b>1 not examined/);
      expect(html).toMatch(/id="percent-compliant">incomplete</);
      expect(html).toMatch(/\.tile\.warn b\{color:#e65100\}/);
      expect(html).toContain("(incomplete)");
    });

    it("keeps the violations it did find in the headline", () => {
      const text = visibleText(renderHtml(report));
      expect(text).toContain("Scan incomplete: 1 listing or resource could not be examined");
      expect(text).toContain("2 SageMaker resources are not isolated");
    });

    it("says incomplete before the counts in the table output, and no plain 'No violations.'", () => {
      const table = renderTable(listFailed);
      expect(table.startsWith("INCOMPLETE SCAN: 1 listing(s) or resource(s) could not be examined")).toBe(true);
      expect(table).toContain("  list training-job in us-east-1: ListTrainingJobs failed: AccessDenied");
      expect(table).not.toMatch(/^No violations\.$/m);
      expect(table).toContain("incomplete");
    });

    it("caps the list on the page and points to the JSON for the rest", () => {
      const many = buildReport([], {
        ...meta,
        errors: Array.from({ length: 60 }, (_, i) => ({ resource: `r${i}`, message: "Rate exceeded" })),
      });
      const html = renderHtml(many);
      expect(html.match(/Rate exceeded/g)).toHaveLength(50);
      expect(html).toContain("and 10 more (the JSON report lists all)");
    });
  });
});

describe("subnet rows", () => {
  const verdict = (subnet: string, v: "routes-to-internet" | "no-internet-route") => ({
    subnet,
    vpc: "vpc-1",
    routeTable: "rtb-1",
    main: v === "no-internet-route",
    verdict: v,
    detail: v === "routes-to-internet" ? "0.0.0.0/0 (all addresses) -> nat-1" : "no route leaves private address space",
  });
  const shared = [
    item({ name: "a", arn: "arn:a", egress: [verdict("subnet-private", "no-internet-route")] }),
    item({
      name: "b",
      arn: "arn:b",
      verdict: "NON_COMPLIANT",
      egress: [verdict("subnet-private", "no-internet-route"), verdict("subnet-open", "routes-to-internet")],
    }),
    item({ name: "c", arn: "arn:c" }),
  ];

  it("has one row per subnet, open ones first, with the resources that rest on it", () => {
    const r = buildReport(shared, { now: NOW, regions: ["us-east-1"], policyId: "p", scope: "s" });

    expect(r.subnets.map((s) => [s.subnet, s.verdict, s.resources])).toEqual([
      ["subnet-open", "routes-to-internet", ["arn:b"]],
      ["subnet-private", "no-internet-route", ["arn:a", "arn:b"]],
    ]);
  });

  it("prints the rows in the table and the HTML page, and none when no decision read routes", () => {
    const r = buildReport(shared, { now: NOW, regions: ["us-east-1"], policyId: "p", scope: "s" });
    const none = buildReport([item({})], { now: NOW, regions: ["us-east-1"], policyId: "p", scope: "s" });

    expect(renderTable(r)).toMatch(/subnet-open.*rtb-1.*routes to the internet/s);
    expect(renderTable(r)).toContain("2 subnet(s)");
    expect(renderHtml(r)).toContain('data-verdict="routes-to-internet"');
    expect(JSON.parse(renderJson(r)).subnets).toHaveLength(2);
    expect(none.subnets).toEqual([]);
    expect(renderTable(none)).not.toContain("subnet(s)");
    expect(renderHtml(none)).not.toContain('id="subnets"');
  });
});

describe("the scan's scope sentence", () => {
  it("names every type of the table, running ones with the status the listing filters on", () => {
    const running = scanScope(false);
    const all = scanScope(true);

    for (const type of RESOURCE_TYPE_NAMES) {
      const row = RESOURCE_TYPES[type];
      expect(all).toContain(row.names.many);
      expect(running).toContain(
        row.api.list.activeStatuses
          ? `${row.names.many} (${row.api.list.activeStatuses.join(" or ")})`
          : row.names.many,
      );
    }
    expect(running).toContain("Labeling jobs (Initializing or InProgress)");
    expect(running).toContain("Notebook instances (Pending or InService)");
    expect(all).toMatch(new RegExp(`^every resource of the ${RESOURCE_TYPE_NAMES.length} types`));
  });
});
