// Checks run before the CLI loads anything else. Plain JavaScript that old Node versions still parse,
// so that an unsupported Node gets a sentence instead of a stack trace from deep inside a dependency.

/**
 * Why this Node cannot run the CLI, or null. `engines` is package.json's `engines.node` (">=20").
 * @example nodeVersionProblem("v18.19.0", ">=20") // "isolation-guard needs Node >=20 ..."
 */
export function nodeVersionProblem(version, engines) {
  const min = />=\s*(\d+)(?:\.(\d+))?/.exec(engines || "");
  const have = /^v?(\d+)\.(\d+)/.exec(version || "");
  if (!min || !have) return null;
  const [minMajor, minMinor] = [Number(min[1]), Number(min[2] || 0)];
  const [major, minor] = [Number(have[1]), Number(have[2])];
  if (major > minMajor || (major === minMajor && minor >= minMinor)) return null;
  return `isolation-guard needs Node ${engines} (the AWS SDK and middy it runs on require it); this is Node ${version}. Install a current Node LTS (24) and run it again.`;
}

/**
 * The AWS SDK warns on every run under Node < 22 that its releases after January 2027 will need Node 22:
 * `process.emitWarning("NodeVersionSupportWarning: ...")`, so the warning's `name` is "Warning" and its
 * text is the message (@aws-sdk/core, emitWarningIfUnsupportedVersion). The CLI's own output stays clean.
 */
export function isSdkNodeVersionWarning(warning) {
  return (
    warning != null &&
    (warning.name === "NodeVersionSupportWarning" || /^NodeVersionSupportWarning\b/.test(String(warning.message)))
  );
}

/** Replaces Node's warning printer with one that drops only the SDK's Node-version warning. */
export function installWarningFilter() {
  process.removeAllListeners("warning");
  process.on("warning", (w) => {
    if (!isSdkNodeVersionWarning(w)) process.stderr.write(`${w.name}: ${w.message}\n`);
  });
}
