import { readdirSync } from "node:fs";
import fc from "fast-check";
import {
  decide,
  decideFacts,
  GuardError,
  InvalidEventError,
  type IsolationUnit,
  type ModelPosture,
  modeFor,
  normalizeEvent,
  type Policy,
  policyFromObject,
  RESOURCE_TYPES,
  type ResourceFacts,
  type ResourceType,
  TrustBoundaryError,
} from "../../../src/core/index.js";
import {
  ALLOWED_SG,
  ALLOWED_SUBNET,
  CUSTOM_IMAGE,
  CUSTOMER_PYTORCH_REPO,
  EVENTS_DIR,
  facts,
  loadEvent,
  NOW,
  PYTORCH_DLC,
  PYTORCH_INFERENCE_DLC,
} from "./fixtures.js";

const RESOURCE_TYPE_NAMES = Object.keys(RESOURCE_TYPES) as ResourceType[];
const MODEL_CONSUMERS: ResourceType[] = ["transform-job", "endpoint-config", "endpoint"];

// ---------------------------------------------------------------------------------------------
// Arbitraries for facts and policies
// ---------------------------------------------------------------------------------------------

const imageArb = fc.record({
  uri: fc.oneof(
    fc.constantFrom<string | null>(CUSTOM_IMAGE, PYTORCH_DLC, PYTORCH_INFERENCE_DLC, CUSTOMER_PYTORCH_REPO, null),
    fc.string(),
  ),
  path: fc.constantFrom("algorithmSpecification.trainingImage", "primaryContainer.image", "containers[0].image"),
});

const vpcArb = fc.option(
  fc.record({
    subnets: fc.subarray([ALLOWED_SUBNET, "subnet-0a1b2c3d4e5f60002", "subnet-0badbadbad"]),
    securityGroupIds: fc.subarray([ALLOWED_SG, "sg-0feedfeed"]),
  }),
  { nil: null },
);

const unitArb: fc.Arbitrary<IsolationUnit> = fc.record({
  basePath: fc.constantFrom("", "trainingJobDefinition", "trainingJobDefinitions[1]"),
  label: fc.option(fc.string({ maxLength: 10 }), { nil: null }),
  networkIsolation: fc.boolean(),
  networkIsolationPath: fc.constant("enableNetworkIsolation"),
  vpc: vpcArb,
  vpcPath: fc.constant("vpcConfig"),
  images: fc.array(imageArb, { maxLength: 3 }),
});

const modelArb: fc.Arbitrary<ModelPosture> = fc.record({
  name: fc.constantFrom("model-a", "model-b"),
  units: fc.option(fc.array(unitArb, { minLength: 1, maxLength: 2 }), { nil: null }),
});

const callerArn = fc.constantFrom(
  "arn:aws:sts::123456789012:assumed-role/LegacyPipeline/airflow",
  "arn:aws:sts::123456789012:assumed-role/DataScientist/alice",
);

const factsArb: fc.Arbitrary<ResourceFacts> = fc
  .record({
    type: fc.constantFrom(...RESOURCE_TYPE_NAMES),
    name: fc.constantFrom("legacy-churn", "fraud-train", "LEGACY-upper"),
    units: fc.array(unitArb, { maxLength: 4 }),
    models: fc.array(modelArb, { maxLength: 3 }),
    caller: fc.option(
      fc.record({
        type: fc.constant("AssumedRole"),
        arn: fc.option(callerArn, { nil: null }),
        sessionIssuerArn: fc.option(fc.constant("arn:aws:iam::123456789012:role/LegacyPipeline"), { nil: null }),
        sourceIdentity: fc.constant(null),
        invokedBy: fc.constant(null),
      }),
      { nil: null },
    ),
  })
  .map(({ type, name, units, models, caller }) =>
    MODEL_CONSUMERS.includes(type)
      ? facts(type, { units: [], models, caller }, name)
      : facts(type, { units, caller }, name),
  );

const modeArb = fc.constantFrom("enforce" as const, "audit" as const);

const policyArb: fc.Arbitrary<Policy> = fc
  .record(
    {
      mode: modeArb,
      resourceModes: fc.dictionary(fc.constantFrom(...RESOURCE_TYPE_NAMES), modeArb, { maxKeys: 3 }),
      requireNetworkIsolation: fc.boolean(),
      requireVpc: fc.boolean(),
      allowedSubnets: fc.subarray([ALLOWED_SUBNET, "subnet-0a1b2c3d4e5f60002"]),
      allowedSecurityGroups: fc.subarray([ALLOWED_SG]),
      exemptions: fc.array(
        fc.record(
          {
            resourceName: fc.constantFrom("legacy-*", "*", "nothing-matches"),
            principal: fc.constantFrom("arn:aws:iam::123456789012:role/LegacyPipeline", "arn:aws:sts::*"),
            resourceTypes: fc.subarray(RESOURCE_TYPE_NAMES, { minLength: 1 }),
            expires: fc.constantFrom("2020-01-01", "2026-11-26", "2099-12-31", "2026-11-26T12:00:00Z"),
            reason: fc.constant("SEC-1"),
          },
          { requiredKeys: ["resourceName", "expires", "reason"] },
        ),
        { maxLength: 3 },
      ),
    },
    { requiredKeys: [] },
  )
  .map((raw) => policyFromObject(raw));

describe("property: remedies follow the verdict and the mode", () => {
  it("plans a stop or delete if and only if the verdict is NON_COMPLIANT in enforce mode, for types with a remedy", () => {
    fc.assert(
      fc.property(factsArb, policyArb, fc.integer({ min: 0, max: 4_102_444_800_000 }), (f, policy, now) => {
        const d = decideFacts(f, policy, now);

        const remedy = RESOURCE_TYPES[f.resource.type].remedy;
        const shouldRemedy = d.verdict === "NON_COMPLIANT" && modeFor(policy, f.resource.type) === "enforce";
        const planned = d.actions.filter((a) => a === "stop" || a === "delete");
        expect(planned).toEqual(shouldRemedy && remedy ? [remedy] : []);
      }),
      { numRuns: 1000 },
    );
  });

  it("never stops or deletes in audit mode, and always alerts on a non-compliant resource", () => {
    fc.assert(
      fc.property(factsArb, policyArb, (f, policy) => {
        const d = decideFacts(f, policy, NOW);

        if (d.mode === "audit") expect(d.actions).not.toEqual(expect.arrayContaining(["stop"]));
        if (d.mode === "audit") expect(d.actions).not.toEqual(expect.arrayContaining(["delete"]));
        if (d.verdict === "NON_COMPLIANT") expect(d.actions).toContain("alert");
      }),
      { numRuns: 500 },
    );
  });

  it("only tags a compliant or exempt resource, and is non-compliant exactly when an unexempted finding exists", () => {
    fc.assert(
      fc.property(factsArb, policyArb, (f, policy) => {
        const d = decideFacts(f, policy, NOW);

        if (d.verdict === "COMPLIANT" || d.verdict === "EXEMPT") expect(d.actions).toEqual(["tag"]);
        // Undecidable without more facts (no model named; a principal exemption with an unknown caller): no action.
        if (d.verdict === "NEEDS_LOOKUP") expect(d.actions).toEqual([]);
        else expect(d.verdict === "COMPLIANT").toBe(d.findings.length === 0);
        expect(d.verdict === "EXEMPT").toBe(d.exemption !== null);
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Robustness of the normalizer
// ---------------------------------------------------------------------------------------------

const SAMPLE_FILES = readdirSync(EVENTS_DIR).filter((f) => f.endsWith(".json") && f !== "expected.json");

/** Normalizes and decides; the only failures allowed are the guard's own typed errors. */
function normalizeAndDecide(input: unknown): void {
  let decision: ReturnType<typeof decide>;
  try {
    decision = decide(normalizeEvent(input), policyFromObject({}), NOW);
  } catch (e) {
    if (!(e instanceof InvalidEventError || e instanceof TrustBoundaryError)) throw e;
    expect(e).toBeInstanceOf(GuardError);
    expect(typeof e.message).toBe("string");
    return;
  }
  // The CLI prints decisions as JSON: they must always serialise.
  expect(typeof JSON.stringify(decision)).toBe("string");
  const remedies = decision.actions.filter((a) => a === "stop" || a === "delete");
  if (remedies.length > 0) expect(decision.verdict).toBe("NON_COMPLIANT");
}

/** JSON objects whose keys shadow Object.prototype's methods, as a hostile or buggy producer may send. */
const shadowingObjectArb = fc.dictionary(
  fc.constantFrom("toString", "valueOf", "toJSON", "constructor", "hasOwnProperty"),
  fc.jsonValue(),
  { minKeys: 1 },
);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

/** Every path to a value inside `value` (the root excluded), down to a depth that skips deep nests. */
function pathsOf(value: Json, prefix: Path = [], maxDepth = 12): Path[] {
  if (prefix.length >= maxDepth) return [];
  const entries: [string | number, Json][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : value !== null && typeof value === "object"
      ? Object.entries(value)
      : [];
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k], maxDepth)]);
}

/** Sets an own property even for `__proto__`, as JSON.parse would. */
function defineOwn(target: object, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function deepNest(depth: number, leaf: Json): Json {
  let v: Json = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { omitted: false, nested: v };
  return v;
}

type Mutation =
  | { kind: "replace"; at: number; value: Json }
  | { kind: "delete"; at: number }
  | { kind: "proto"; at: number; value: Json }
  | { kind: "deep"; at: number; depth: number }
  | { kind: "huge"; at: number; size: number }
  | { kind: "unicode"; at: number; value: string };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), value: fc.jsonValue() as fc.Arbitrary<Json> }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("proto" as const), at: fc.nat(), value: fc.jsonValue() as fc.Arbitrary<Json> }),
  fc.record({ kind: fc.constant("deep" as const), at: fc.nat(), depth: fc.integer({ min: 100, max: 3000 }) }),
  fc.record({ kind: fc.constant("huge" as const), at: fc.nat(), size: fc.integer({ min: 10_000, max: 2_000_000 }) }),
  fc.record({ kind: fc.constant("unicode" as const), at: fc.nat(), value: fc.string({ unit: "binary" }) }),
);

function applyMutation(event: Json, m: Mutation): void {
  const paths = pathsOf(event);
  if (paths.length === 0) return;
  const path = paths[m.at % paths.length] as Path;
  let parent = event as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const key = path[path.length - 1] as string | number;
  switch (m.kind) {
    case "replace":
      defineOwn(parent, key, m.value);
      break;
    case "delete":
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case "proto":
      if (parent !== null && typeof parent === "object" && !Array.isArray(parent))
        defineOwn(parent, "__proto__", m.value);
      break;
    case "deep":
      defineOwn(parent, key, deepNest(m.depth, parent[key] ?? null));
      break;
    case "huge":
      defineOwn(parent, key, "a".repeat(m.size));
      break;
    case "unicode":
      defineOwn(parent, key, m.value);
      break;
  }
}

describe("property: the normalizer never crashes", () => {
  it("accepts or rejects fc.anything() with a typed error", () => {
    fc.assert(fc.property(fc.anything(), normalizeAndDecide), { numRuns: 2000 });
  });

  it("accepts or rejects arbitrary parsed JSON with a typed error", () => {
    fc.assert(
      fc.property(fc.json(), (text) => normalizeAndDecide(JSON.parse(text))),
      { numRuns: 2000 },
    );
  });

  it("accepts or rejects envelope-shaped JSON with arbitrary details with a typed error", () => {
    const envelopeArb = fc.record({
      "detail-type": fc.constantFrom(
        "AWS API Call via CloudTrail",
        "SageMaker Training Job State Change",
        "SageMaker Processing Job State Change",
      ),
      source: fc.constantFrom("aws.sagemaker", "aws.s3"),
      account: fc.constantFrom("123456789012", "999999999999"),
      region: fc.constantFrom("us-east-1", "eu-west-1"),
      detail: fc.dictionary(
        fc.constantFrom(
          "eventSource",
          "eventName",
          "requestParameters",
          "responseElements",
          "errorCode",
          "readOnly",
          "userIdentity",
          "awsRegion",
          "recipientAccountId",
          "TrainingJobStatus",
          "TrainingJobName",
          "TrainingJobArn",
          "__proto__",
        ),
        fc.oneof(fc.jsonValue(), shadowingObjectArb),
      ),
    });
    fc.assert(fc.property(envelopeArb, normalizeAndDecide), { numRuns: 600 });
  });

  it("accepts or rejects a mutated sample event with a typed error", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SAMPLE_FILES),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        (file, ms) => {
          const event = loadEvent(file) as Json;
          for (const m of ms) applyMutation(event, m);

          normalizeAndDecide(event);
        },
      ),
      { numRuns: 800 },
    );
  });

  it("accepts or rejects a sample event whose request parameters are arbitrary JSON", () => {
    const createFiles = SAMPLE_FILES.filter((f) => f.startsWith("Create"));
    fc.assert(
      fc.property(fc.constantFrom(...createFiles), fc.jsonValue(), (file, params) => {
        const event = loadEvent(file);
        event.detail.requestParameters = params;

        normalizeAndDecide(event);
      }),
      { numRuns: 1000 },
    );
  });

  it("does not let a __proto__ key in the request turn isolation on", () => {
    fc.assert(
      fc.property(fc.constantFrom("CreateTrainingJob.no-isolation.json", "CreateModel.no-isolation.json"), (file) => {
        const event = loadEvent(file);
        defineOwn(event.detail.requestParameters, "__proto__", { enableNetworkIsolation: true });

        const d = decide(normalizeEvent(event), policyFromObject({}), NOW);

        expect(d.verdict).toBe("NON_COMPLIANT");
      }),
    );
  });

  it("ignores a failed call whatever JSON its errorCode holds", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), shadowingObjectArb).filter((v) => v !== null),
        (code) => {
          const event = loadEvent("CreateTrainingJob.failed-call.json");
          event.detail.errorCode = code;

          const d = decide(normalizeEvent(event), policyFromObject({}), NOW);

          expect(d.verdict).toBe("IGNORED");
        },
      ),
      { numRuns: 500 },
    );
  });
});
