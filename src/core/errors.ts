/**
 * The one base class of every failure Isolation Guard raises on purpose.
 * Non-compliance is never an exception: it is a finding in a {@link Decision}.
 *
 * @example
 * try { normalizeEvent(raw) } catch (e) { if (e instanceof GuardError) console.error(e.message) }
 */
export class GuardError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The input is not a readable EventBridge event of the shape we expect. No AWS call follows. */
export class InvalidEventError extends GuardError {}

/** The policy file is unreadable or breaks the schema; `message` names the key path. */
export class InvalidPolicyError extends GuardError {}

/** The Lambda/CLI environment is missing or malformed settings (raised at cold start). */
export class ConfigError extends GuardError {}

/** An event refers to a resource outside the account/region the guard may act in, or an ARN is malformed. */
export class TrustBoundaryError extends GuardError {}

/** An AWS call that an action needs failed after the SDK's retries. */
export class ActionFailedError extends GuardError {
  constructor(
    message: string,
    readonly action: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
