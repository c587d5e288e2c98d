/**
 * Builds every function of serverless.yml with the options of its `custom.esbuild` block, so the bench
 * and the bundle-size test measure what `npm run package` deploys: an entry module plus chunks (the SNS
 * client is one, imported on the first alert).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { readServerlessYml } from "./serverless-yml.js";

const ROOT = join(import.meta.dirname, "..");
const require = createRequire(import.meta.url);

export interface Bundle {
  name: string;
  /** The entry module Lambda loads. */
  file: string;
  /** Every file the function's package holds (entry and chunks). */
  files: string[];
  /** Files loaded with the entry before its code runs (the entry and its static imports, not lazy chunks). */
  staticFiles: string[];
  rawBytes: number;
  /** Deflated size summed per file, as a zip stores them. */
  zippedBytes: number;
  staticBytes: number;
  /**
   * Files an account-mode guard can ever load: everything but the organization wiring's chunks
   * (src/org/wiring.ts and what only it imports: STS, Organizations, Security Hub).
   */
  accountFiles: string[];
  accountBytes: number;
  accountZippedBytes: number;
  /** Inputs (node_modules packages or source files) in the statically loaded files. */
  staticInputs: string[];
  /** The same, as module paths (`zod/v4/mini/schemas.js`, `src/core/decide.ts`). */
  staticInputPaths: string[];
  /** Every output file with its sizes and the packages (or source files) it holds. */
  outputs: { file: string; rawBytes: number; zippedBytes: number; inputs: string[] }[];
}

/** Builds each function of serverless.yml into `outRoot/<name>/`. */
export async function bundleHandlers(outRoot: string): Promise<Bundle[]> {
  const sls = readServerlessYml();
  const o = sls.custom.esbuild as {
    outputFileExtension: string;
    splitting: boolean;
    minify: boolean;
    target: string;
    mainFields: string[];
    banner: { js: string };
    exclude: string[];
    plugins?: string;
  };
  mkdirSync(outRoot, { recursive: true });
  const bundles: Bundle[] = [];
  for (const [name, fn] of Object.entries(sls.functions)) {
    const entry = `${fn.handler.replace(/\.[^.]+$/, "")}.ts`;
    const outdir = join(outRoot, name);
    rmSync(outdir, { recursive: true, force: true });
    const result = await build({
      entryPoints: [join(ROOT, entry)],
      outdir,
      outExtension: { ".js": o.outputFileExtension },
      bundle: true,
      splitting: o.splitting,
      minify: o.minify,
      platform: "node",
      target: o.target,
      format: "esm",
      mainFields: o.mainFields,
      banner: o.banner,
      external: o.exclude,
      plugins: o.plugins ? require(join(ROOT, o.plugins)) : [],
      metafile: true,
      logLevel: "error",
    });
    const files = readdirSync(outdir).map((f) => join(outdir, f));
    const file = files.find((f) => /[\\/]index\.mjs$/.test(f)) as string;
    const contents = files.map((f) => readFileSync(f));
    const staticFiles = staticClosure(result.metafile, outdir);
    const accountFiles = accountClosure(result.metafile, outdir);
    const accountContents = accountFiles.map((f) => readFileSync(f));
    bundles.push({
      name,
      file,
      files,
      staticFiles,
      rawBytes: contents.reduce((n, c) => n + c.length, 0),
      zippedBytes: contents.reduce((n, c) => n + deflateRawSync(c, { level: 9 }).length, 0),
      staticBytes: staticFiles.reduce((n, f) => n + readFileSync(f).length, 0),
      accountFiles,
      accountBytes: accountContents.reduce((n, c) => n + c.length, 0),
      accountZippedBytes: accountContents.reduce((n, c) => n + deflateRawSync(c, { level: 9 }).length, 0),
      ...staticInputs(result.metafile),
      outputs: Object.entries(result.metafile.outputs)
        .filter(([f]) => !f.endsWith(".map"))
        .map(([f, out]) => {
          const bytes = readFileSync(join(outdir, f.replace(/^.*[\\/]/, "")));
          return {
            file: f.replace(/^.*[\\/]/, ""),
            rawBytes: bytes.length,
            zippedBytes: deflateRawSync(bytes, { level: 9 }).length,
            inputs: [...new Set(Object.keys(out.inputs).map(packageOf))],
          };
        }),
    });
  }
  return bundles;
}

/** `@aws-sdk/client-ec2` for a module of that package, the source path for the project's own files. */
function packageOf(input: string): string {
  const normalized = input.replace(/\\/g, "/");
  if (!normalized.includes("node_modules/")) return normalized.replace(/^(\.\.\/)+/, "");
  const path = normalized.replace(/^.*node_modules\//, "");
  return /^(@[^/]+\/)?[^/]+/.exec(path)?.[0] ?? path;
}

function entryOutput(meta: Metafile): string {
  return Object.keys(meta.outputs).find((f) => /(^|[\\/])index\.mjs$/.test(f)) as string;
}

/** Output files reached from the entry through static imports only. */
function staticClosure(meta: Metafile, outdir: string): string[] {
  const seen = new Set<string>();
  const queue = [entryOutput(meta)];
  while (queue.length > 0) {
    const f = queue.pop() as string;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const i of meta.outputs[f]?.imports ?? [])
      if (i.kind === "import-statement" && meta.outputs[i.path]) queue.push(i.path);
  }
  return [...seen].map((f) => join(outdir, f.replace(/^.*[\\/]/, "")));
}

/** Output files reached from the entry through any import, except the organization wiring's chunks. */
function accountClosure(meta: Metafile, outdir: string): string[] {
  const seen = new Set<string>();
  const queue = [entryOutput(meta)];
  while (queue.length > 0) {
    const f = queue.pop() as string;
    if (seen.has(f)) continue;
    const out = meta.outputs[f];
    // The organization wiring's lazy chunks: the event path's (wiring.ts) and the central sweep's.
    if (/src\/org\/(sweep-)?wiring\.ts$/.test(out?.entryPoint?.replace(/\\/g, "/") ?? "")) continue;
    seen.add(f);
    for (const i of out?.imports ?? []) if (meta.outputs[i.path]) queue.push(i.path);
  }
  return [...seen].map((f) => join(outdir, f.replace(/^.*[\\/]/, "")));
}

function staticInputs(meta: Metafile): { staticInputs: string[]; staticInputPaths: string[] } {
  const seen = new Set<string>();
  const queue = [entryOutput(meta)];
  const inputs = new Set<string>();
  const paths = new Set<string>();
  while (queue.length > 0) {
    const f = queue.pop() as string;
    if (seen.has(f)) continue;
    seen.add(f);
    const out = meta.outputs[f];
    for (const input of Object.keys(out?.inputs ?? {})) {
      const normalized = input.replace(/\\/g, "/");
      const fromPackage = normalized.includes("node_modules/");
      const path = fromPackage ? normalized.replace(/^.*node_modules\//, "") : normalized.replace(/^(\.\.\/)+/, "");
      paths.add(path);
      inputs.add(fromPackage ? (/^(@[^/]+\/)?[^/]+/.exec(path)?.[0] ?? path) : path);
    }
    for (const i of out?.imports ?? []) if (i.kind === "import-statement" && meta.outputs[i.path]) queue.push(i.path);
  }
  return { staticInputs: [...inputs].sort(), staticInputPaths: [...paths].sort() };
}
