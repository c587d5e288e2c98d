import { readdirSync } from "node:fs";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { GuardError, InvalidEventError, TrustBoundaryError } from "../../../src/core/errors.js";
import { EVENTS_DIR, sample } from "../../support/events.js";
import { mockedRuntime } from "../../support/mocked-runtime.js";

/*
 * Bad input through the whole handler path (not just the normalizer): arbitrary JSON, mutated sample
 * events, `__proto__` keys, deep nesting, huge strings, unicode. Never a crash; a rejected event makes
 * no AWS call and leaves a logged reason.
 */
const sm = mockClient(SageMakerClient);
const sns = mockClient(SNSClient);
const errors: { message: string; extra?: Record<string, unknown> }[] = [];
const runtime = mockedRuntime({ info() {}, warn() {}, error: (message, extra) => errors.push({ message, extra }) });
const files = readdirSync(EVENTS_DIR).filter((f) => f.endsWith(".json") && f !== "expected.json");

const nasty = fc.oneof(
  fc.jsonValue(),
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.constant("x".repeat(300_000)),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}')),
  fc.integer({ min: 50, max: 3000 }).map((depth) => {
    let v: unknown = "deep";
    for (let i = 0; i < depth; i++) v = { a: [v] };
    return v;
  }),
);

/** A sample event with one field, at any depth, replaced by something nasty. */
const mutatedEvent = fc
  .tuple(fc.constantFrom(...files), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), nasty)
  .map(([file, picks, value]) => {
    const event = sample(file);
    let node: Record<string, unknown> = event;
    for (const [i, pick] of picks.entries()) {
      const keys = Object.keys(node);
      if (keys.length === 0) break;
      const key = keys[pick % keys.length] as string;
      const child = node[key];
      if (i === picks.length - 1 || typeof child !== "object" || child === null) {
        node[key] = value;
        break;
      }
      node = child as Record<string, unknown>;
    }
    return event;
  });

beforeEach(() => {
  sm.reset();
  sns.reset();
  sm.onAnyCommand().rejects(
    Object.assign(new Error("no such resource"), {
      name: "ValidationException",
      message: "Requested resource not found.",
    }),
  );
  sns.onAnyCommand().resolves({ MessageId: "1" });
  errors.length = 0;
});

describe("bad input through the handler", () => {
  it("never crashes on arbitrary JSON or mutated events; a rejected event makes no AWS call and logs why", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(nasty, mutatedEvent), async (input) => {
        sm.resetHistory();
        sns.resetHistory();
        errors.length = 0;
        try {
          await runtime.handle(input);
        } catch (e) {
          expect(e).toBeInstanceOf(GuardError);
          if (e instanceof InvalidEventError || e instanceof TrustBoundaryError) {
            expect(sm.calls()).toHaveLength(0);
            expect(sns.calls()).toHaveLength(0);
            expect(errors).toHaveLength(1);
            expect(String(errors[0]?.extra?.reason ?? "").length).toBeGreaterThan(0);
          }
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 400 },
    );
  });
});
