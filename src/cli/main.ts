import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { GuardError, InvalidEventError, InvalidPolicyError, TrustBoundaryError } from "../core/errors.js";
import { evaluateCommand } from "./evaluate.js";
import { CliError } from "./io.js";

/** Each command's usage, as `isolation-guard <command> --help` prints it (and the overview lists). */
type CommandName = "evaluate" | "handle" | "guardrails" | "scan" | "redrive" | "org-template";
const COMMAND_USAGE: Record<CommandName, string> = {
  evaluate: `  isolation-guard evaluate <event.json | -> [--policy <file>] [--json]
      Decide one EventBridge event offline. Exit 0 compliant/exempt/ignored/needs-lookup,
      1 non-compliant, 2 unreadable input or invalid policy.
`,
  handle: `  isolation-guard handle <event.json | -> [<event.json> ...] [--quiet]
      Enforce: the Lambda's code path against AWS_ENDPOINT_URL / AWS_REGION, with
      GUARD_ALERT_TOPIC_ARN, GUARD_MODE (enforce|audit), GUARD_POLICY_FILE and
      GUARD_RECORD_TABLE (default isolation-guard-record). Several events in order in one
      runtime; - reads a stream (JSON Lines or documents one after another). One JSON
      line per event. Exit: the worst of the events (0 handled, 1 an action failed,
      2 unreadable event); 2 for invalid configuration.
`,
  guardrails: `  isolation-guard guardrails --policy <file> [--format scp|iam] [--boundary] [--out <file>]
      Write the preventive SCP / IAM policy derived from the same policy file.
`,
  scan: `  isolation-guard scan [--region r ...] [--format table|json|html] [--out <file>] [--fix [--yes]]
                       [--concurrency n] [--include-finished] [--policy <file>] [--security-hub]
      The account's isolation posture, every supported resource type. --security-hub also imports each
      decision into Security Hub (as the event path does); without it a scan changes nothing.
      Exit 0 clean, 1 violations found, 2 bad arguments, 3 scan incomplete.
  isolation-guard scan --org --role-name <name> [--regions r,...] [--accounts id,...] [--concurrency n]
                       [--format table|json|html] [--out <file>] [--fix [--yes]] [--security-hub]
      Every ACTIVE account of the organization through its member role, every region, one report;
      an account or region that cannot be examined makes the report incomplete (exit 3).
`,
  "org-template": `  isolation-guard org-template --out <dir> --central-account <id> --organization-id <o-...>
                               [--central-region r] [--regions r,...] [--stage s] [--role-name n]
      Write the member account template and the StackSet parameters (offline).
`,
  redrive: `  isolation-guard redrive --queue-url <url> [--max N] [--drop-invalid] [--quiet]
      Replay dead-lettered events through the enforcer, idempotently.
`,
};

const USAGE = `isolation-guard: keeps SageMaker containers off the internet

Usage:
${Object.values(COMMAND_USAGE).join("")}  isolation-guard <command> --help
  isolation-guard --version
`;

type Command = (argv: string[]) => Promise<number>;

/** Every command, with its usage in COMMAND_USAGE (the compiler asks for both). */
const COMMANDS: Record<CommandName, Command> = {
  evaluate: async (argv) => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { policy: { type: "string" }, json: { type: "boolean", default: false } },
    });
    const input = positionals[0];
    if (positionals.length !== 1 || input === undefined)
      throw new CliError("evaluate needs exactly one event file (or - for stdin)");
    return evaluateCommand({ input, policy: values.policy, json: values.json ?? false }, (s) =>
      process.stdout.write(`${s}\n`),
    );
  },
  handle: async (argv) => {
    const { handleCommand } = await import("./handle.js");
    return handleCommand(argv);
  },
  // Each command below lives in src/cli/commands/<name>.ts and exports `run(argv): Promise<number>`.
  guardrails: async (argv) => (await import("./commands/guardrails.js")).run(argv),
  scan: async (argv) => (await import("./commands/scan.js")).run(argv),
  redrive: async (argv) => (await import("./commands/redrive.js")).run(argv),
  "org-template": async (argv) => (await import("./commands/org-template.js")).run(argv),
};

/**
 * The version in package.json, found from this module (dist/cli.js when bundled, src/cli/main.ts under
 * tsx or jest): the nearest package.json of this package upwards.
 */
function packageVersion(): string {
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "sagemaker-isolation-guard" && pkg.version) return pkg.version;
    } catch {
      // not here: try the next level up
    }
  }
  return "unknown";
}

/** Runs the CLI and returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-v" || name === "version") {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name as CommandName] : undefined;
  if (!command) {
    process.stderr.write(`isolation-guard: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  // Before the command parses anything: `--help` answers even where the other arguments are wrong.
  if (rest.some((a) => a === "--help" || a === "-h")) {
    process.stdout.write(`Usage:\n${COMMAND_USAGE[name as CommandName]}`);
    return 0;
  }
  try {
    return await command(rest);
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`isolation-guard ${name}: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof InvalidPolicyError) {
      process.stderr.write(`isolation-guard ${name}: ${e.message}\n`);
      return 2;
    }
    if (e instanceof InvalidEventError || e instanceof TrustBoundaryError) {
      const file = rest.find((a) => !a.startsWith("-")) ?? "";
      process.stderr.write(`isolation-guard ${name}: ${file ? `${file}: ` : ""}${e.message}\n`);
      return 2;
    }
    if (
      e instanceof TypeError &&
      /parseArgs|Unknown option|ERR_PARSE_ARGS/.test(`${(e as { code?: string }).code ?? ""} ${e.message}`)
    ) {
      process.stderr.write(`isolation-guard ${name}: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof GuardError) {
      process.stderr.write(`isolation-guard ${name}: ${e.message}\n`);
      return 3;
    }
    throw e;
  }
}
