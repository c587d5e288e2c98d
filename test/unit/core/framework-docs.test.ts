import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decide, normalizeEvent, parsePolicy } from "../../../src/core/index.js";
import { loadEvent, NOW } from "./fixtures.js";

/** The YAML block that follows `<!-- policy: NAME -->` in a document. */
function policyBlock(doc: string, name: string): string {
  const text = readFileSync(join(import.meta.dirname, "../../..", doc), "utf8");
  const m = new RegExp(`<!-- policy: ${name} -->\\s*\`\`\`yaml\\n([\\s\\S]*?)\`\`\``).exec(text);
  if (!m?.[1]) throw new Error(`${doc} has no policy block ${name}`);
  return m[1];
}

describe("docs/vpc-egress.md: narrowing frameworkImages to Chainer and RL", () => {
  const policy = parsePolicy(policyBlock("docs/vpc-egress.md", "narrow-framework-images"), "docs/vpc-egress.md");
  const verdictOf = (file: string) => decide(normalizeEvent(loadEvent(file)), policy, NOW);

  it("requires isolation of PyTorch and Scikit-learn jobs even in a VPC", () => {
    for (const file of [
      "CreateTrainingJob.pytorch-framework-vpc.json",
      "CreateTrainingJob.sklearn-framework-vpc.json",
      "CreateProcessingJob.sklearn-framework-vpc.json",
    ]) {
      const d = verdictOf(file);
      expect([file, d.verdict, d.findings.map((f) => f.rule)]).toEqual([
        file,
        "NON_COMPLIANT",
        ["network-isolation-disabled"],
      ]);
    }
  });

  it("still lets an RL job rest on a VPC whose routes decide", () => {
    const d = verdictOf("CreateTrainingJob.rl-framework-vpc.json");
    expect([d.verdict, d.reason]).toEqual(["NEEDS_LOOKUP", "the VPC's routes decide"]);
  });
});
