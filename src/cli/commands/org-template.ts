import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { memberTemplate, stackSetParameters } from "../../org/member-template.js";
import { CliError } from "../io.js";

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * `isolation-guard org-template --out <dir> --central-account <id> --organization-id <o-...>
 * [--central-region r] [--regions r,...] [--stage s] [--role-name n] [--operator-role-arn arn ...]`:
 * writes, offline, the member template (`member.template.json`) and the StackSet's parameters
 * (`stackset-parameters.json`) for a service-managed StackSet; prints the deploy commands.
 */
export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      out: { type: "string" },
      "central-account": { type: "string" },
      "central-region": { type: "string" },
      "organization-id": { type: "string" },
      regions: { type: "string", multiple: true },
      stage: { type: "string", default: "dev" },
      "role-name": { type: "string", default: "IsolationGuardMember" },
      "operator-role-arn": { type: "string", multiple: true },
    },
  });
  if (positionals.length)
    throw new CliError(`org-template takes no positional arguments (got ${positionals.join(" ")})`);
  const out = values.out;
  if (!out) throw new CliError("org-template needs --out <dir>");
  const central = values["central-account"] ?? "";
  if (!/^\d{12}$/.test(central))
    throw new CliError("--central-account must be the central guard's 12-digit account id");
  const org = values["organization-id"] ?? "";
  if (!/^o-[a-z0-9]{10,32}$/.test(org)) throw new CliError("--organization-id must be the organization's id (o-...)");
  const regions = [...new Set((values.regions ?? []).flatMap((r) => r.split(",")).filter(Boolean))];
  const home = values["central-region"] ?? env.AWS_REGION ?? regions[0];
  if (!home || !REGION.test(home)) throw new CliError("--central-region must be the central guard's home region");
  if (!regions.length) regions.push(home);
  if (!regions.includes(home)) regions.unshift(home); // the member role is created in the home region's instance
  for (const r of regions) if (!REGION.test(r)) throw new CliError(`"${r}" is not an AWS region`);
  const roleName = values["role-name"] as string;
  if (!/^[\w+=,.@-]{1,64}$/.test(roleName)) throw new CliError(`--role-name "${roleName}" is not an IAM role name`);
  const stage = values.stage as string;
  if (!/^[a-z0-9-]{1,16}$/.test(stage))
    throw new CliError(`--stage "${stage}" must be lower-case letters, digits, dashes`);
  const operators = values["operator-role-arn"] ?? [];
  for (const a of operators)
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/*-]+$/.test(a))
      throw new CliError(`"${a}" is not an IAM role ARN`);

  await mkdir(out, { recursive: true });
  const template = join(out, "member.template.json");
  const parameters = join(out, "stackset-parameters.json");
  await writeFile(template, `${JSON.stringify(memberTemplate({ stage, roleName }), null, 2)}\n`);
  const params = stackSetParameters({
    centralAccountId: central,
    centralRegion: home,
    organizationId: org,
    stage,
    roleName,
    regions,
    operatorRoleArns: operators,
  });
  await writeFile(parameters, `${JSON.stringify(params, null, 2)}\n`);
  const name = `sagemaker-isolation-guard-${stage}-member`;
  process.stdout.write(
    [
      `wrote ${template} and ${parameters}`,
      "",
      "Deploy (docs/organization.md): 1. the central stack, 2. this StackSet, from the management account or a",
      "CloudFormation delegated administrator (add --call-as DELEGATED_ADMIN):",
      `  aws cloudformation create-stack-set --stack-set-name ${name} --template-body file://${template} \\`,
      `    --parameters file://${parameters} --capabilities CAPABILITY_NAMED_IAM \\`,
      "    --permission-model SERVICE_MANAGED --auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false",
      `  aws cloudformation create-stack-instances --stack-set-name ${name} \\`,
      `    --deployment-targets OrganizationalUnitIds=<ou-...> --regions ${regions.join(" ")}`,
      "",
    ].join("\n"),
  );
  return 0;
}
