import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Bundle, bundleHandlers } from "../../../scripts/bundle-handlers.js";

/*
 * The deterministic half of the performance budgets (issue: performance): every function's package,
 * built with serverless.yml's own esbuild options, stays within 400 KB raw and 150 KB zipped, and what
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

/** The lazily loaded chunk of the EC2 client (route tables for VPC-reliant decisions), if the function has one. */
const ec2Chunks = (b: Bundle) => b.outputs.filter((o) => o.inputs.includes("@aws-sdk/client-ec2"));

test.each(["enforcer", "stateChange", "sweep", "slackNotifier"])(
  "%s: at most 400 KB raw and 150 KB zipped, besides the EC2 client's chunk",
  (name) => {
    const b = bundles.find((x) => x.name === name) as Bundle;
    const ec2 = ec2Chunks(b);
    const raw = b.rawBytes - ec2.reduce((n, o) => n + o.rawBytes, 0);
    const zipped = b.zippedBytes - ec2.reduce((n, o) => n + o.zippedBytes, 0);
    expect(raw).toBeGreaterThan(10 * KB); // a real bundle, not an empty stub
    expect(raw).toBeLessThanOrEqual(400 * KB);
    expect(zipped).toBeLessThanOrEqual(150 * KB);
    expect(b.zippedBytes).toBeLessThan(b.rawBytes);
  },
);

/*
 * The EC2 client cannot be tree-shaken: its one schema module (1.3 MB) builds every shape with computed
 * keys (`{ [_xN]: ... }`), which esbuild must keep as possible side effects, so two Describe commands bring
 * ~550 KB. It is a chunk of its own, loaded only by a decision that rests on a VPC (src/app/runtime.ts).
 */
test.each(["enforcer", "stateChange", "sweep"])(
  "%s: the EC2 client is one lazily loaded chunk of at most 600 KB raw and 150 KB zipped",
  (name) => {
    const b = bundles.find((x) => x.name === name) as Bundle;
    const ec2 = ec2Chunks(b);
    expect(ec2).toHaveLength(1);
    expect(ec2[0]?.rawBytes).toBeLessThanOrEqual(600 * KB);
    expect(ec2[0]?.zippedBytes).toBeLessThanOrEqual(150 * KB);
    expect(b.staticInputs).not.toContain("@aws-sdk/client-ec2");
    expect(b.staticFiles.some((f) => f.endsWith(ec2[0]?.file as string))).toBe(false);
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
