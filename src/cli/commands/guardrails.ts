import { CliError } from "../io.js";

/** `isolation-guard guardrails`: not built yet. */
export async function run(_argv: string[]): Promise<number> {
  throw new CliError("guardrails is not available yet", 2);
}
