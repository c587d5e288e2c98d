import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EVENTS_DIR, loadEvent, requestParameters } from "../core/fixtures.js";

const ROOT = join(import.meta.dirname, "../../..");
const BIN = join(ROOT, "bin/isolation-guard.js");
const event = (file: string) => join(EVENTS_DIR, file);
const POLICIES = join(EVENTS_DIR, "policies");

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the installed CLI as a user would: `node bin/isolation-guard.js ...`, from the repository root. */
function cli(args: string[], stdin?: string): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input: stdin, encoding: "utf8", timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Parses stdout as one JSON document: fails if there is anything else on it. */
function parseOnlyJson(stdout: string): Record<string, unknown> {
  const value: unknown = JSON.parse(stdout);
  expect(value).toEqual(expect.any(Object));
  expect(Array.isArray(value)).toBe(false);
  return value as Record<string, unknown>;
}

let scratch: string;

beforeAll(() => {
  // `npm test` builds dist/ first; a bare jest run needs `npm run build`.
  if (!existsSync(join(ROOT, "dist/cli.js"))) throw new Error("dist/cli.js is missing: run `npm run build` first");
  scratch = mkdtempSync(join(tmpdir(), "isolation-guard-cli-"));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function writeScratch(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

describe("isolation-guard evaluate --json", () => {
  it("prints exactly one JSON object with verdict, resource, findings and actions for a compliant job, and exits 0", () => {
    const r = cli(["evaluate", event("CreateTrainingJob.isolated.json"), "--json"]);

    expect(r.status).toBe(0);
    const out = parseOnlyJson(r.stdout);
    expect(out).toEqual(
      expect.objectContaining({
        verdict: "COMPLIANT",
        resource: expect.objectContaining({ type: "training-job", name: "fraud-detector-train-2026-11-03-14-02-11" }),
        findings: [],
        actions: ["tag"],
      }),
    );
    expect(r.stderr).toBe("");
  });

  it("lists each finding with its rule and message, and the planned actions, and exits 1 for a non-compliant job", () => {
    const r = cli(["evaluate", event("CreateHyperParameterTuningJob.multi-definition-one-bad.json"), "--json"]);

    expect(r.status).toBe(1);
    const out = parseOnlyJson(r.stdout);
    expect(out.verdict).toBe("NON_COMPLIANT");
    expect(out.findings).toEqual([
      expect.objectContaining({
        rule: "network-isolation-disabled",
        message: expect.stringContaining("trainingJobDefinitions[1]"),
      }),
    ]);
    expect(out.actions).toEqual(["stop", "tag", "alert"]);
  });

  it("plans only tag and alert under an audit-mode policy", () => {
    const policy = writeScratch("audit.yaml", "mode: audit\n");

    const r = cli(["evaluate", event("CreateModel.no-isolation.json"), "--policy", policy, "--json"]);

    expect(r.status).toBe(1);
    expect(parseOnlyJson(r.stdout).actions).toEqual(["tag", "alert"]);
  });

  it("exits 0 for an exempt job under the exemptions policy", () => {
    const r = cli([
      "evaluate",
      event("CreateTrainingJob.exempt-legacy.json"),
      "--policy",
      join(POLICIES, "exemptions.yaml"),
      "--json",
    ]);

    expect(r.status).toBe(0);
    expect(parseOnlyJson(r.stdout).verdict).toBe("EXEMPT");
  });

  it("exits 0 with a null resource and no actions for an ignored event", () => {
    const r = cli(["evaluate", event("PutObject.other-service.json"), "--json"]);

    expect(r.status).toBe(0);
    const out = parseOnlyJson(r.stdout);
    expect(out).toEqual(expect.objectContaining({ verdict: "IGNORED", resource: null, findings: [], actions: [] }));
  });

  it("exits 0 for an event that needs a lookup", () => {
    const r = cli(["evaluate", event("CreateTrainingJob.omitted.json"), "--json"]);

    expect(r.status).toBe(0);
    expect(parseOnlyJson(r.stdout).verdict).toBe("NEEDS_LOOKUP");
  });

  it("reads the event from stdin when given -", () => {
    const text = readFileSync(event("CreateTrainingJob.no-isolation.json"), "utf8");

    const r = cli(["evaluate", "-", "--json"], text);

    expect(r.status).toBe(1);
    expect(parseOnlyJson(r.stdout).verdict).toBe("NON_COMPLIANT");
  });

  it("accepts the flags before the event file", () => {
    const r = cli([
      "evaluate",
      "--json",
      "--policy",
      join(POLICIES, "strict.yaml"),
      event("CreateTrainingJob.isolated-no-vpc.json"),
    ]);

    expect(r.status).toBe(1);
    expect(parseOnlyJson(r.stdout).findings).toEqual([expect.objectContaining({ rule: "vpc-config-missing" })]);
  });
});

describe("isolation-guard evaluate (human output)", () => {
  it("shows the verdict, the resource, each finding's rule and its fix", () => {
    const r = cli(["evaluate", event("CreateTrainingJob.no-isolation.json")]);

    expect(r.status).toBe(1);
    expect(r.stdout).toContain("NON_COMPLIANT");
    expect(r.stdout).toContain("churn-xgb-custom-2026-11-03-14-10-45");
    expect(r.stdout).toContain("network-isolation-disabled");
    expect(r.stdout).toMatch(/fix: .*enableNetworkIsolation/);
    expect(() => JSON.parse(r.stdout)).toThrow();
  });

  it("shows a compliant verdict and the compensating control of a framework image", () => {
    const r = cli(["evaluate", event("CreateTrainingJob.pytorch-framework-vpc.json")]);

    expect(r.status).toBe(0);
    expect(r.stdout).toContain("COMPLIANT");
    expect(r.stdout).toContain("compensating control");
  });

  it("says why an ignored event was ignored", () => {
    const r = cli(["evaluate", event("CreateTrainingJob.failed-call.json")]);

    expect(r.status).toBe(0);
    expect(r.stdout).toContain("IGNORED");
    expect(r.stdout).toContain("failed");
  });

  it("reads the event from stdin when given -", () => {
    const text = readFileSync(event("CreateModel.pytorch-inference-no-vpc.json"), "utf8");

    const r = cli(["evaluate", "-"], text);

    expect(r.status).toBe(1);
    expect(r.stdout).toContain("vpc-config-missing");
  });
});

describe("isolation-guard evaluate on bad input", () => {
  it("exits 2 naming the file when the input is not JSON", () => {
    const path = writeScratch("not-json.json", "this is not { json");

    const r = cli(["evaluate", path, "--json"]);

    expect(r.status).toBe(2);
    expect(r.stderr).toContain(path);
    expect(r.stderr).toContain("not valid JSON");
    expect(r.stdout).toBe("");
  });

  it("exits 2 naming stdin when stdin is not JSON", () => {
    const r = cli(["evaluate", "-", "--json"], "{]");

    expect(r.status).toBe(2);
    expect(r.stderr).toContain("<stdin>");
  });

  it("exits 2 naming the file when it does not exist", () => {
    const path = join(scratch, "no-such-event.json");

    const r = cli(["evaluate", path, "--json"]);

    expect(r.status).toBe(2);
    expect(r.stderr).toContain(path);
    expect(r.stderr).toContain("cannot read");
    expect(r.stdout).toBe("");
  });

  it("exits 2 naming the file when the JSON is not an EventBridge event", () => {
    const path = writeScratch("array.json", "[1, 2, 3]");

    const r = cli(["evaluate", path, "--json"]);

    expect(r.status).toBe(2);
    expect(r.stderr).toContain(path);
    expect(r.stderr).toContain("not an EventBridge event");
  });

  it("exits 2 with the request path when a field has the wrong type", () => {
    const bad = loadEvent("CreateTrainingJob.isolated.json");
    requestParameters(bad).enableNetworkIsolation = "yes";
    const path = writeScratch("wrong-type.json", JSON.stringify(bad));

    const r = cli(["evaluate", path]);

    expect(r.status).toBe(2);
    expect(r.stderr).toContain("requestParameters.enableNetworkIsolation");
  });

  it("exits 2 naming the policy file and the bad key path when the policy is invalid", () => {
    const policy = writeScratch("bad-policy.yaml", "mode: enforce\nallowedSubnets: [vpc-0abc]\n");

    const r = cli(["evaluate", event("CreateTrainingJob.isolated.json"), "--policy", policy, "--json"]);

    expect(r.status).toBe(2);
    expect(r.stderr).toContain(policy);
    expect(r.stderr).toContain("allowedSubnets[0]");
    expect(r.stdout).toBe("");
  });

  it("exits 2 naming the policy file and the unknown key", () => {
    const policy = writeScratch("unknown-key.yaml", "requireIsolation: true\n");

    const r = cli(["evaluate", event("CreateTrainingJob.isolated.json"), "--policy", policy]);

    expect(r.status).toBe(2);
    expect(r.stderr).toContain(policy);
    expect(r.stderr).toContain("requireIsolation");
  });

  it("exits 2 naming the policy file when it is not YAML", () => {
    const policy = writeScratch("broken.yaml", "mode: [unclosed\n");

    const r = cli(["evaluate", event("CreateTrainingJob.isolated.json"), "--policy", policy]);

    expect(r.status).toBe(2);
    expect(r.stderr).toContain(policy);
    expect(r.stderr).toContain("not valid YAML or JSON");
  });

  it("exits 2 naming the policy file when it does not exist", () => {
    const policy = join(scratch, "missing-policy.yaml");

    const r = cli(["evaluate", event("CreateTrainingJob.isolated.json"), "--policy", policy]);

    expect(r.status).toBe(2);
    expect(r.stderr).toContain(policy);
  });

  it("exits 2 without an event file", () => {
    const r = cli(["evaluate", "--json"]);

    expect(r.status).toBe(2);
    expect(r.stderr).toContain("evaluate needs exactly one event file");
  });

  it("exits 2 on an unknown option", () => {
    const r = cli(["evaluate", event("CreateTrainingJob.isolated.json"), "--jsno"]);

    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--jsno");
  });

  it("exits 0, not 1 with a stack trace, for a failed call whose errorCode is an object", () => {
    const failed = loadEvent("CreateTrainingJob.failed-call.json");
    failed.detail.errorCode = { toString: 1 };
    const path = writeScratch("odd-error-code.json", JSON.stringify(failed));

    const r = cli(["evaluate", path, "--json"]);

    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

describe("isolation-guard evaluate never echoes secrets", () => {
  const SECRET_FILE = "CreateTrainingJob.with-secret-env.json";
  const secretEvent = loadEvent(SECRET_FILE);
  const environment = requestParameters(secretEvent).environment as Record<string, string>;
  const hyperParameters = requestParameters(secretEvent).hyperParameters as Record<string, string>;
  const secrets = [
    environment.DB_PASSWORD,
    environment.AWS_SECRET_ACCESS_KEY,
    hyperParameters.api_token,
    secretEvent.detail.userIdentity.accessKeyId,
  ] as string[];

  it("has secrets in the sample to look for", () => {
    expect(secrets).toHaveLength(4);
    for (const s of secrets) expect(s).toMatch(/FAKE|EXAMPLE/);
  });

  it.each([
    ["human", [] as string[]],
    ["--json", ["--json"]],
  ])("keeps the environment, hyperparameters and access key out of %s output", (_mode, flags) => {
    const r = cli(["evaluate", event(SECRET_FILE), ...flags]);

    expect(r.status).toBe(1);
    for (const s of secrets) {
      expect(r.stdout).not.toContain(s);
      expect(r.stderr).not.toContain(s);
    }
  });

  it.each([
    ["human", [] as string[]],
    ["--json", ["--json"]],
  ])("keeps the secrets out of the %s error report of a malformed event that carries them", (_mode, flags) => {
    const bad = loadEvent(SECRET_FILE);
    requestParameters(bad).enableNetworkIsolation = "yes";
    const path = writeScratch(`secret-bad-${flags.length}.json`, JSON.stringify(bad));

    const r = cli(["evaluate", path, ...flags]);

    expect(r.status).toBe(2);
    for (const s of secrets) {
      expect(r.stdout).not.toContain(s);
      expect(r.stderr).not.toContain(s);
    }
  });
});

describe("isolation-guard evaluate: inference components, endpoint configs and children (the contract)", () => {
  it("finds an endpoint config for inference components with network isolation left out NON_COMPLIANT, exit 1", () => {
    const r = cli(["evaluate", event("CreateEndpointConfig.components-not-isolated.json"), "--json"]);

    expect(r.status).toBe(1);
    const out = parseOnlyJson(r.stdout);
    expect(out.verdict).toBe("NON_COMPLIANT");
    expect((out.findings as { rule: string }[]).map((f) => f.rule)).toEqual(["network-isolation-disabled"]);
  });

  it("finds one that sets enableNetworkIsolation false NON_COMPLIANT, and true COMPLIANT (exit 0)", () => {
    const open = loadEvent("CreateEndpointConfig.components-isolated.json");
    requestParameters(open).enableNetworkIsolation = false;
    const bad = cli(["evaluate", writeScratch("ec-false.json", JSON.stringify(open)), "--json"]);
    const good = cli(["evaluate", event("CreateEndpointConfig.components-isolated.json"), "--json"]);

    expect(bad.status).toBe(1);
    expect(parseOnlyJson(bad.stdout).verdict).toBe("NON_COMPLIANT");
    expect(good.status).toBe(0);
    expect(parseOnlyJson(good.stdout)).toMatchObject({ verdict: "COMPLIANT", findings: [] });
  });

  it("leaves an inference component with its own container to its endpoint config offline: NEEDS_LOOKUP, never COMPLIANT", () => {
    const r = cli(["evaluate", event("CreateInferenceComponent.own-container.json"), "--json"]);

    const out = parseOnlyJson(r.stdout);
    expect(out.verdict).toBe("NEEDS_LOOKUP");
    expect(out.reason).toMatch(/endpoint config/);
    // The container's environment (a token in the sample) is never printed.
    expect(r.stdout).not.toContain("hf_EXAMPLE");
  });

  it.each([
    ["SageMakerProcessingJobStateChange.debugger-rule.json", "training-job/churn-xgb-2026-11-03"],
    ["SageMakerTrainingJobStateChange.automl-child.json", "automl-job/autopilot-churn"],
  ])("finds the state change of a child (%s) IGNORED, launched by its parent, exit 0", (file, parent) => {
    const r = cli(["evaluate", event(file), "--json"]);

    expect(r.status).toBe(0);
    const out = parseOnlyJson(r.stdout);
    expect(out.verdict).toBe("IGNORED");
    expect(out.reason).toBe(`launched by arn:aws:sagemaker:us-east-1:123456789012:${parent}: decided with its parent`);
  });
});
