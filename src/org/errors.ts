import { ActionFailedError } from "../core/errors.js";

/**
 * The member role of an account in the organization could not be assumed, or the organization's
 * accounts could not be listed. On the event path the event is retried (and at last dead-lettered);
 * `scan --org` lists the account as not examined.
 */
export class MemberAccessError extends ActionFailedError {}
