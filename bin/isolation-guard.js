#!/usr/bin/env node
// The CLI is bundled to dist/ by `npm run build` (run automatically by `npm install`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The AWS SDK warns on every run that future versions need Node 22 (the Lambda runtime is nodejs22.x).
process.removeAllListeners("warning");
process.on("warning", (w) => {
  if (w.name !== "NodeVersionSupportWarning") process.stderr.write(`${w.name}: ${w.message}\n`);
});

const bundle = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
  process.stderr.write("isolation-guard: dist/cli.js is missing; run `npm install` (or `npm run build`) first\n");
  process.exit(2);
}
const { main } = await import(bundle.href);
process.exitCode = await main(process.argv.slice(2));
