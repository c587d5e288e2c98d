/** Why this Node cannot run the CLI (engines is package.json's `engines.node`), or null. */
export function nodeVersionProblem(version: string, engines: string | undefined): string | null;
/** True for the AWS SDK's "NodeVersionSupportWarning" (name `Warning`, text in the message). */
export function isSdkNodeVersionWarning(warning: { name?: string; message?: unknown } | null | undefined): boolean;
/** Replaces Node's warning printer with one that drops only the SDK's Node-version warning. */
export function installWarningFilter(): void;
