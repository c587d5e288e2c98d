import { CliError } from "./io.js";

export async function handleCommand(_argv: string[]): Promise<number> {
  throw new CliError("handle is not available yet", 3);
}
