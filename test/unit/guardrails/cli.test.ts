import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EVENTS_DIR } from "../core/fixtures.js";

const ROOT = join(import.meta.dirname, "../../..");
const BIN = join(ROOT, "bin/isolation-guard.js");
const POLICIES = join(EVENTS_DIR, "policies");

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, "guardrails", ...args], { cwd: ROOT, encoding: "utf8", timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let scratch: string;
beforeAll(() => {
  if (!existsSync(join(ROOT, "dist/cli.js"))) throw new Error("dist/cli.js is missing: run `npm run build` first");
  scratch = mkdtempSync(join(tmpdir(), "isolation-guard-guardrails-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("isolation-guard guardrails", () => {
  it("prints the SCP on stdout and the detective-only rules on stderr, exit 0", () => {
    const r = cli(["--policy", join(POLICIES, "strict.yaml")]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.Version).toBe("2012-10-17");
    expect(doc.Statement.every((s: { Effect: string }) => s.Effect === "Deny")).toBe(true);
    expect(r.stderr).toMatch(/detective-only/);
    expect(r.stderr).toMatch(/transform-job/);
  });

  it("writes the IAM policy to --out and nothing to stdout", () => {
    const out = join(scratch, "iam.json");
    const r = cli(["--policy", join(POLICIES, "exemptions.yaml"), "--format", "iam", "--out", out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    expect(JSON.parse(readFileSync(out, "utf8")).Statement.length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/exemption expired on 2024-01-01/);
  });

  it("adds Allow * for a permissions boundary with --boundary", () => {
    const r = cli(["--policy", join(POLICIES, "strict.yaml"), "--format", "iam", "--boundary"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).Statement[0]).toMatchObject({ Effect: "Allow", Action: "*" });
  });

  it("exits 2 naming the file and the key for an invalid policy", () => {
    const bad = join(scratch, "bad.yaml");
    writeFileSync(bad, "requireVpc: maybe\n");
    const r = cli(["--policy", bad]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(bad);
    expect(r.stderr).toContain("requireVpc");
  });

  it("exits 2 with a clear message when the SCP cannot fit", () => {
    const big = join(scratch, "big.yaml");
    const subnets = Array.from({ length: 250 }, (_, i) => `  - subnet-${(i + 1).toString(16).padStart(17, "0")}`);
    writeFileSync(big, `allowedSubnets:\n${subnets.join("\n")}\n`);
    const r = cli(["--policy", big]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/big\.yaml: the SCP is \d+ characters .* over the 5120-character limit/);
  });

  it("exits 2 for a missing --policy, an unknown format, or --boundary with an SCP", () => {
    expect(cli([]).status).toBe(2);
    expect(cli(["--policy", join(POLICIES, "strict.yaml"), "--format", "yaml"]).stderr).toMatch(
      /--format must be scp or iam/,
    );
    expect(cli(["--policy", join(POLICIES, "strict.yaml"), "--boundary"]).status).toBe(2);
    expect(cli(["--policy", join(scratch, "missing.yaml")]).status).toBe(2);
  });
});
