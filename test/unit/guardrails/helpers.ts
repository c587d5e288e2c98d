import { isDenied } from "../../../scripts/guardrails-check.js";
import { decide, normalizeEvent, type Policy, policyFromObject } from "../../../src/core/index.js";
import {
  type GuardrailFormat,
  type GuardrailRequest,
  generateGuardrails,
  requestFromEvent,
} from "../../../src/guardrails/index.js";
import { loadEvent, NOW, requestParameters, type SampleEvent } from "../core/fixtures.js";

export { loadEvent, NOW, requestParameters, type SampleEvent };

/** A validated policy from a plain object (defaults filled in). */
export const policy = (o: Record<string, unknown> = {}): Policy => policyFromObject(o, "test");

/** The request IAM would see for an event, failing the test when there is none. */
export function requestOf(event: SampleEvent, at = NOW): GuardrailRequest {
  const r = requestFromEvent(event, at);
  if (!r) throw new Error("the event is not a guarded create call");
  return r;
}

/** Both answers for one event: the detective verdict and whether the generated guardrail denies it. */
export async function answer(
  event: SampleEvent,
  p: Policy,
  opts: { format?: GuardrailFormat | "boundary"; generatedAt?: number; at?: number } = {},
): Promise<{ verdict: string; denied: boolean }> {
  const at = opts.at ?? NOW;
  const format = opts.format ?? "scp";
  const g = generateGuardrails(p, {
    format: format === "scp" ? "scp" : "iam",
    boundary: format === "boundary",
    now: opts.generatedAt ?? NOW,
  });
  const verdict = decide(normalizeEvent(event), p, at).verdict;
  return { verdict, denied: await isDenied(g.document, format, requestOf(event, at)) };
}
