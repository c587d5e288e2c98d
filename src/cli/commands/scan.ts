import { CliError } from "../io.js";

/** `isolation-guard scan`: not built yet. */
export async function run(_argv: string[]): Promise<number> {
  throw new CliError("scan is not available yet", 2);
}
