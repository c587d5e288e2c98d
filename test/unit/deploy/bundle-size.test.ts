import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Bundle, bundleHandlers } from "../../../scripts/bundle-handlers.js";

/*
 * The deterministic half of the performance budgets (issue: performance): every function's package,
 * built with serverless.yml's own esbuild options, stays within 400 KB raw (the sweep 440 KB) and 150 KB zipped, and what
 * is not needed before the stop (the SNS client, the YAML parser, the credential providers that Lambda
 * never uses) stays out of the code loaded at a cold start. Timings live in `npm run bench`, not here.
 */
const KB = 1024;
let out: string;
let bundles: Bundle[];

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), "guard-bundles-"));
  bundles = await bundleHandlers(out);
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

test("every serverless.yml function is built", () => {
  expect(bundles.map((b) => b.name).sort()).toEqual(["enforcer", "slackNotifier", "stateChange", "sweep"]);
});

// Issue 14 added twelve resource types: the enforcer and the state-change function carry a Describe and a
// Stop or Delete command for each of the twenty (420 KB raw), the sweep a List paginator too (440 KB); the
// zipped budget is the same for all.
const RAW_KB: Record<string, number> = { enforcer: 420, stateChange: 420, sweep: 440, slackNotifier: 400 };

test.each(["enforcer", "stateChange", "sweep", "slackNotifier"])(
  "%s: within its raw budget and 150 KB zipped",
  (name) => {
    const b = bundles.find((x) => x.name === name) as Bundle;
    expect(b.rawBytes).toBeGreaterThan(10 * KB); // a real bundle, not an empty stub
    expect(b.rawBytes).toBeLessThanOrEqual((RAW_KB[name] as number) * KB);
    expect(b.zippedBytes).toBeLessThanOrEqual(150 * KB);
    expect(b.zippedBytes).toBeLessThan(b.rawBytes);
  },
);

test.each(["enforcer", "stateChange"])("%s: the SNS client loads after the stop, not at a cold start", (name) => {
  const b = bundles.find((x) => x.name === name) as Bundle;
  expect(b.staticInputs).toContain("@aws-sdk/client-sagemaker");
  expect(b.staticInputs).toContain("src/core/decide.ts");
  expect(b.staticInputs).not.toContain("@aws-sdk/client-sns");
  // ...but it is in the package, as a chunk of its own.
  expect(b.files.length).toBeGreaterThan(b.staticFiles.length);
  expect(b.staticBytes).toBeLessThan(b.rawBytes);
});

test.each(["enforcer", "stateChange", "sweep", "slackNotifier"])(
  "%s: no YAML parser and no unused credential providers",
  (name) => {
    const b = bundles.find((x) => x.name === name) as Bundle;
    for (const pkg of ["yaml", "@aws-sdk/credential-provider-sso", "@aws-sdk/credential-provider-ini"])
      expect(b.staticInputs).not.toContain(pkg);
    // zod/mini, not classic zod (which is ~440 KB more).
    expect(b.staticInputPaths.some((p) => p.startsWith("zod/v4/classic/"))).toBe(false);
  },
);
