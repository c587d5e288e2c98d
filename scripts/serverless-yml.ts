/**
 * serverless.yml as data, for the tests and the bench. CloudFormation short-form tags become the long
 * form (`!Sub "x"` -> `{ Sub: "x" }`, `!Not [a]` -> `{ Not: [a] }`), which plain YAML cannot read.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const CFN_TAGS = [
  "!Ref",
  "!Sub",
  "!GetAtt",
  "!Not",
  "!Equals",
  "!If",
  "!And",
  "!Or",
  "!Join",
  "!Select",
  "!Split",
].flatMap((tag) => [
  { tag, resolve: (v: string) => ({ [tag.slice(1)]: v }) },
  {
    tag,
    collection: "seq" as const,
    resolve: (seq: { toJSON(): unknown }) => ({ [tag.slice(1)]: seq.toJSON() }),
  },
]);

/** Sections read by path (tests reach deep into functions and resources). */
export interface ServerlessYml {
  // biome-ignore lint/suspicious/noExplicitAny: function definitions, read by path
  functions: Record<string, any>;
  params: { default: Record<string, string> };
  custom: { esbuild: Record<string, unknown> };
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation resources, read by path
  resources: { Resources: Record<string, any> };
}

/** @example readServerlessYml().functions.enforcer.handler // "handlers/enforcer/index.handler" */
export function readServerlessYml(): ServerlessYml {
  const text = readFileSync(join(import.meta.dirname, "..", "serverless.yml"), "utf8");
  return parse(text, { customTags: CFN_TAGS as never });
}
