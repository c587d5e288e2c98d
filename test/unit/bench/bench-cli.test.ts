import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RESOURCE_TYPE_NAMES } from "../../../src/core/resource-types.js";

/*
 * `npm run bench` as a user runs it: sections picked with --only, results written where --out says,
 * and a later --only run refreshing its own sections while keeping the others. (The figures themselves
 * are timings and are not asserted here; the deterministic budgets have their own tests.)
 */
const ROOT = join(import.meta.dirname, "../../..");
const dir = mkdtempSync(join(tmpdir(), "guard-bench-"));
const out = join(dir, "results.json");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bench(...args: string[]) {
  return spawnSync(join(ROOT, "node_modules/.bin/tsx"), ["bench/run.ts", "--quick", `--out=${out}`, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NODE_NO_WARNINGS: "1" },
    timeout: 120_000,
  });
}
const read = () => JSON.parse(readFileSync(out, "utf8"));

test("--only=core measures the decision core beside JSON.parse and writes the figures with the machine", () => {
  const r = bench("--only=core");
  expect(r.stderr).not.toMatch(/bench failed/);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/decision core \(parse \+ decide\)/);
  const file = read();
  expect(Object.keys(file.sections)).toEqual(["core"]);
  expect(file.machine).toMatchObject({ cpus: expect.any(Number), node: process.version });
  const core = file.results.decisionCore;
  expect(core.eventsPerSecond).toBeGreaterThan(0);
  expect(core.jsonParsePerSecond).toBeGreaterThan(core.eventsPerSecond);
  expect(core.ratio).toBeCloseTo(core.eventsPerSecond / core.jsonParsePerSecond, 2);
  expect(file.rows.map((row: { figure: string }) => row.figure)).toEqual(
    expect.arrayContaining([expect.stringMatching(/decision core/)]),
  );
}, 120_000);

test("a later --only run refreshes its sections and keeps the others as they were", () => {
  const before = read();
  const r = bench("--only=bundle");
  expect(r.status).toBe(0);
  const file = read();
  expect(Object.keys(file.sections)).toEqual(["core", "bundle"]);
  expect(file.results.decisionCore).toEqual(before.results.decisionCore);
  expect(file.sections.core).toEqual(before.sections.core);
  for (const name of ["enforcer", "stateChange", "sweep", "slackNotifier"]) {
    expect(file.results.bundles[name].rawBytes).toBeGreaterThan(10_000);
    expect(file.results.bundles[name].zippedBytes).toBeLessThan(file.results.bundles[name].rawBytes);
  }
  expect(file.rows.length).toBe(before.rows.length + 4);
}, 120_000);

test("an unknown section is refused with the list of known ones, and the results file is left alone", () => {
  const mtime = statSync(out).mtimeMs;
  const r = bench("--only=core,speed");
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(
    /unknown section\(s\) speed; known: core, bundle, cold, emulator, surfaces, sweep, egress, org/,
  );
  expect(statSync(out).mtimeMs).toBe(mtime);
}, 60_000);

test("--quick without --out writes a scratch file and leaves the committed full run alone", () => {
  const committed = join(ROOT, "bench/results.json");
  const before = readFileSync(committed, "utf8");
  const scratch = join(tmpdir(), "isolation-guard-bench-quick.json");
  rmSync(scratch, { force: true });

  const r = spawnSync(join(ROOT, "node_modules/.bin/tsx"), ["bench/run.ts", "--quick", "--only=core"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NODE_NO_WARNINGS: "1" },
    timeout: 120_000,
  });

  expect(r.status).toBe(0);
  expect(readFileSync(committed, "utf8")).toBe(before);
  expect(JSON.parse(readFileSync(scratch, "utf8")).sections.core.quick).toBe(true);
  expect(r.stdout + r.stderr).toContain(scratch);
}, 120_000);

test("the committed bench/results.json is a full run in every section", () => {
  const committed = JSON.parse(readFileSync(join(ROOT, "bench/results.json"), "utf8"));
  const quick = Object.entries(committed.sections as Record<string, { quick: boolean }>)
    .filter(([, s]) => s.quick)
    .map(([name]) => name);

  expect(quick).toEqual([]);
  expect(Object.keys(committed.sections).sort()).toEqual([
    "bundle",
    "cold",
    "core",
    "egress",
    "emulator",
    "org",
    "surfaces",
    "sweep",
  ]);
});

test("the committed surfaces section scanned every type of the type table and measured each new type by verdict", () => {
  const committed = JSON.parse(readFileSync(join(ROOT, "bench/results.json"), "utf8"));
  const scan = committed.results.scanAllTypes;
  const byVerdict = committed.results.callsBySurface as Record<string, Record<string, unknown[]>>;

  expect(Object.keys(scan.byType).sort()).toEqual([...RESOURCE_TYPE_NAMES].sort());
  for (const [type, t] of Object.entries(scan.byType as Record<string, { created: number; listed: number }>)) {
    expect({ type, listed: t.listed }).toEqual({ type, listed: t.created });
  }
  expect(scan).toMatchObject({ scanned: scan.created, errors: 0, typesNotListed: [] });
  expect(scan.created).toBeGreaterThanOrEqual(2000 - RESOURCE_TYPE_NAMES.length);
  expect(scan.callsPerResource).toBeCloseTo(scan.calls / scan.scanned, 3);
  expect(scan.ratioToBudget).toBeCloseTo(scan.callsPerResource / scan.budget, 2);
  expect(scan.budget).toBe(1.15);
  for (const [type, verdicts] of Object.entries(byVerdict)) {
    expect({ type, verdicts: Object.keys(verdicts) }).toEqual({
      type,
      verdicts: expect.arrayContaining(["COMPLIANT", "NON_COMPLIANT"]),
    });
  }
  expect(Object.keys(byVerdict).length).toBeGreaterThanOrEqual(13);
  expect(byVerdict["labeling-job"]).toBeDefined();
  // Inference recommendations jobs are measured deploying a model and a model package, in each verdict.
  const recommendations = byVerdict["inference-recommendations-job"] as Record<string, { case: string }[]>;
  for (const verdict of ["COMPLIANT", "NON_COMPLIANT"])
    expect(recommendations[verdict]?.map((c) => c.case).join(" ")).toContain("model package");
});
