import { GuardError } from "../core/errors.js";

/**
 * The generated document is over the size AWS accepts even after minifying and merging statements.
 * @example
 * try { generateGuardrails(policy, { format: "scp", now }) } catch (e) {
 *   if (e instanceof GuardrailsTooLargeError) console.error(e.message)
 * }
 */
export class GuardrailsTooLargeError extends GuardError {
  constructor(
    message: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(message);
  }
}

/**
 * The policy leaves nothing a condition key can deny (every rule is detective-only or off).
 * @example new NothingToDenyError("requireNetworkIsolation is false and no VPC rule is set")
 */
export class NothingToDenyError extends GuardError {}
