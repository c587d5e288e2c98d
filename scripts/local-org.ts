import { EC2Client } from "@aws-sdk/client-ec2";
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  ListAccountsCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SecurityHubClient } from "@aws-sdk/client-securityhub";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { ACCOUNT, clientConfig, Fixtures } from "./local-aws.js";

/** A member account in the emulator: its id, name, and SageMaker fixtures in each region. */
export interface LocalMember {
  id: string;
  name: string;
  /** SageMaker in that account, in `region`, with the credentials of a role assumed there. */
  sm(region: string): SageMakerClient;
  fx(region: string): Fixtures;
  /** Security Hub in that account and region (where the guard imports its findings about the account). */
  hub(region: string): SecurityHubClient;
  /** EC2 in that account and region (its VPCs, for the egress check). */
  ec2(region: string): EC2Client;
}

/**
 * An organization in the emulator: the central (management) account 123456789012 and one member per
 * name. moto maps credentials of a role assumed in an account to that account's own backend, so
 * resources created through `sm(region)` live in the member account.
 *
 * @example const org = await createLocalOrg(endpoint, ["ml-dev", "ml-prod"]); await org.members[0].fx("us-east-1").trainingJob("j");
 */
export async function createLocalOrg(endpoint: string, names: string[]) {
  const base = clientConfig(endpoint);
  const organizations = new OrganizationsClient(base);
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  for (const name of names) {
    await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
  }
  const accounts = (await organizations.send(new ListAccountsCommand({}))).Accounts ?? [];
  const sts = new STSClient(base);
  const members: LocalMember[] = [];
  for (const name of names) {
    const id = accounts.find((a) => a.Name === name)?.Id as string;
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${id}:role/DataScientist`, RoleSessionName: "fixtures" }),
    );
    const c = out.Credentials;
    const credentials = {
      accessKeyId: c?.AccessKeyId as string,
      secretAccessKey: c?.SecretAccessKey as string,
      sessionToken: c?.SessionToken as string,
    };
    const clients = new Map<string, SageMakerClient>();
    const sm = (region: string) => {
      let client = clients.get(region);
      if (!client) {
        client = new SageMakerClient({ ...base, region, credentials });
        clients.set(region, client);
      }
      return client;
    };
    members.push({
      id,
      name,
      sm,
      fx: (region) => new Fixtures(sm(region)),
      hub: (region) => new SecurityHubClient({ ...base, region, credentials }),
      ec2: (region) => new EC2Client({ ...base, region, credentials }),
    });
  }
  return { central: ACCOUNT, members, organizations, sts };
}

/**
 * SageMaker in a member account as the principal `role` there (a role assumed in that account): the
 * emulator records its create calls in that account's CloudTrail event history under that identity,
 * `arn:aws:sts::<account>:assumed-role/<role>/ana` (issued by `arn:aws:iam::<account>:role/<role>`).
 *
 * @example await (await asMemberPrincipal(endpoint, m.id, "ml-platform")).trainingJob("canary-job");
 */
export async function asMemberPrincipal(endpoint: string, account: string, role: string): Promise<Fixtures> {
  const out = await new STSClient(clientConfig(endpoint)).send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/${role}`, RoleSessionName: "ana" }),
  );
  const c = out.Credentials;
  const credentials = {
    accessKeyId: c?.AccessKeyId as string,
    secretAccessKey: c?.SecretAccessKey as string,
    sessionToken: c?.SessionToken as string,
  };
  const registered = await fetch(`${endpoint}/guard-api/identities`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      accessKeyId: credentials.accessKeyId,
      type: "AssumedRole",
      arn: `arn:aws:sts::${account}:assumed-role/${role}/ana`,
      sessionIssuerArn: `arn:aws:iam::${account}:role/${role}`,
    }),
  });
  if (!registered.ok) throw new Error(`the emulator refused the identity: ${await registered.text()}`);
  return new Fixtures(new SageMakerClient({ ...clientConfig(endpoint), credentials }));
}

/** An event re-addressed to another account and region (envelope, CloudTrail detail, ARNs). */
// biome-ignore lint/suspicious/noExplicitAny: test fixtures are free-form JSON
export function inAccount(event: any, account: string, region: string): any {
  const e = structuredClone(event);
  const from = { account: e.account as string, region: e.region as string };
  e.account = account;
  e.region = region;
  if (e.detail?.recipientAccountId) e.detail.recipientAccountId = account;
  if (e.detail?.awsRegion) e.detail.awsRegion = region;
  const text = JSON.stringify(e).replaceAll(`:${from.region}:${from.account}:`, `:${region}:${account}:`);
  return JSON.parse(text);
}
