// Bundles the CLI (dist/cli.js) and the policy parser used at deploy time (dist/policy.js).
import { build } from "esbuild";

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  logLevel: "warning",
};
await build({ ...common, entryPoints: ["src/cli/main.ts"], outfile: "dist/cli.js" });
await build({ ...common, entryPoints: ["src/core/policy-text.ts"], outfile: "dist/policy.js" });
await build({ ...common, entryPoints: ["src/notify/filter-policies.ts"], outfile: "dist/filter-policies.js" });
