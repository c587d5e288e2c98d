import { parseArgs } from "node:util";
import { GuardError, InvalidEventError, InvalidPolicyError, TrustBoundaryError } from "../core/errors.js";
import { evaluateCommand } from "./evaluate.js";
import { CliError } from "./io.js";

const USAGE = `isolation-guard: keeps SageMaker containers off the internet

Usage:
  isolation-guard evaluate <event.json | -> [--policy <file>] [--json]
      Decide one EventBridge event offline. Exit 0 compliant/exempt/ignored/needs-lookup,
      1 non-compliant, 2 unreadable input or invalid policy.
  isolation-guard handle <event.json | ->
      Enforce: the Lambda's code path against AWS_ENDPOINT_URL / AWS_REGION, with
      GUARD_ALERT_TOPIC_ARN, GUARD_MODE (enforce|audit) and GUARD_POLICY_FILE.
  isolation-guard guardrails --policy <file> [--format scp|iam] [--out <file>]
      Write the preventive SCP / IAM policy derived from the same policy file.
  isolation-guard scan [--region r ...] [--format table|json|html] [--out <file>] [--fix [--yes]]
                       [--concurrency n] [--include-finished] [--policy <file>]
      The account's isolation posture, every supported resource type.
      Exit 0 clean, 1 violations found, 2 bad arguments, 3 scan incomplete.
  isolation-guard scan --org --role-name <name> [--regions r,...] [--accounts id,...] [--concurrency n]
                       [--format table|json|html] [--out <file>] [--fix [--yes]]
      Every ACTIVE account of the organization through its member role, every region, one report;
      an account or region that cannot be examined makes the report incomplete (exit 3).
  isolation-guard org-template --out <dir> --central-account <id> --organization-id <o-...>
                               [--central-region r] [--regions r,...] [--stage s] [--role-name n]
      Write the member account template and the StackSet parameters (offline).
  isolation-guard redrive --queue-url <url>
      Replay dead-lettered events through the enforcer, idempotently.
`;

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
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

/** Runs the CLI and returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`isolation-guard: unknown command "${name}"\n\n${USAGE}`);
    return 2;
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
