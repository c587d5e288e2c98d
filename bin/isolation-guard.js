#!/usr/bin/env node
// The CLI is bundled to dist/ by `npm run build` (run automatically by `npm install`).
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { installWarningFilter, nodeVersionProblem } from "./preflight.js";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const problem = nodeVersionProblem(process.version, pkg.engines?.node);
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(2);
}
installWarningFilter();

const bundle = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
  process.stderr.write("isolation-guard: dist/cli.js is missing; run `npm install` (or `npm run build`) first\n");
  process.exit(2);
}
import(bundle.href)
  .then(({ main }) => main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  });
