import { decide } from "../core/decide.js";
import { normalizeEvent } from "../core/normalize.js";
import type { Decision } from "../core/types.js";
import { formatDecision } from "./format.js";
import { loadPolicyFile, readJsonInput } from "./io.js";

export interface EvaluateOptions {
  input: string;
  policy?: string;
  json: boolean;
  now?: number;
}

/**
 * `isolation-guard evaluate`: decides one event offline. Returns the exit status:
 * 0 compliant / exempt / ignored / needs-lookup, 1 non-compliant (errors throw CliError → 2).
 */
export async function evaluateCommand(opts: EvaluateOptions, out: (s: string) => void): Promise<number> {
  const policy = await loadPolicyFile(opts.policy);
  const event = await readJsonInput(opts.input);
  const decision: Decision = decide(normalizeEvent(event), policy, opts.now ?? Date.now());
  out(opts.json ? JSON.stringify(decision) : formatDecision(decision));
  return decision.verdict === "NON_COMPLIANT" ? 1 : 0;
}
