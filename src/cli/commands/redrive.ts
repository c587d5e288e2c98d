import { CliError } from "../io.js";

/** `isolation-guard redrive`: not built yet. */
export async function run(_argv: string[]): Promise<number> {
  throw new CliError("redrive is not available yet", 2);
}
