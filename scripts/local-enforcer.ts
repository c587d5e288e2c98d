/**
 * The README's "Run the enforcer locally" recipe, around `isolation-guard handle`:
 *   npm run local -- setup <event.json>   creates what the event is about in the emulator (the job or
 *                                         model it names, with the event's isolation settings) and the
 *                                         alert topic GUARD_ALERT_TOPIC_ARN names, with a queue to read it
 *   npm run local -- show <event.json>    prints that resource's status and tags, and the alerts received
 * It talks to AWS_ENDPOINT_URL only, and refuses any other endpoint than the loopback one.
 */
import { readFileSync } from "node:fs";
import {
  DescribeModelCommand,
  DescribeProcessingJobCommand,
  DescribeTrainingJobCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { SNSClient } from "@aws-sdk/client-sns";
import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { normalizeEvent } from "../src/core/normalize.js";
import { AlertInbox, clientConfig, Fixtures } from "./local-aws.js";

const USAGE = "usage: npm run local -- setup|show <event.json>   (with AWS_ENDPOINT_URL and GUARD_ALERT_TOPIC_ARN set)";

function fail(message: string): never {
  process.stderr.write(`local: ${message}\n`);
  process.exit(2);
}

/** The resource an event is about, and the isolation its request asked for (lower camelCase keys). */
function resourceOf(file: string) {
  const event = JSON.parse(readFileSync(file, "utf8"));
  const n = normalizeEvent(event);
  const resource = n.kind === "facts" ? n.facts.resource : n.resource;
  if (!resource) fail(`${file}: the guard ignores this event (${n.kind === "ignored" ? n.reason : n.kind})`);
  const p = (event.detail?.requestParameters ?? {}) as Record<string, unknown>;
  const nested = (p.networkConfig ?? {}) as Record<string, unknown>;
  const isolated = (p.enableNetworkIsolation ?? nested.enableNetworkIsolation) === true;
  const vpc = p.vpcConfig !== undefined || nested.vpcConfig !== undefined;
  return { type: resource.type, name: resource.name, isolated, vpc };
}

async function main() {
  const [verb, file] = process.argv.slice(2);
  if (!file || (verb !== "setup" && verb !== "show")) fail(USAGE);
  const endpoint = process.env.AWS_ENDPOINT_URL ?? "";
  if (!/^http:\/\/(127\.0\.0\.1|localhost):\d+\/?$/.test(endpoint))
    fail(`AWS_ENDPOINT_URL must be the local emulator (http://127.0.0.1:PORT), not "${endpoint}"`);
  const topic = /^arn:aws:sns:[a-z0-9-]+:\d{12}:([\w-]+)$/.exec(process.env.GUARD_ALERT_TOPIC_ARN ?? "");
  if (!topic) fail("set GUARD_ALERT_TOPIC_ARN (arn:aws:sns:us-east-1:123456789012:alerts)");
  const topicName = topic[1] as string;
  const cfg = clientConfig(endpoint);
  const sm = new SageMakerClient(cfg);
  const sqs = new SQSClient(cfg);
  const r = resourceOf(file);

  if (verb === "setup") {
    const inbox = await new AlertInbox(new SNSClient(cfg), sqs).create(topicName);
    const fx = new Fixtures(sm);
    const o = { isolated: r.isolated, vpc: r.vpc };
    if (r.type === "training-job") await fx.trainingJob(r.name, o);
    else if (r.type === "processing-job") await fx.processingJob(r.name, o);
    else if (r.type === "model") await fx.model(r.name, o);
    else fail(`setup creates training jobs, processing jobs and models; ${file} is about a ${r.type}`);
    process.stdout.write(`created ${r.type} ${r.name} and topic ${inbox.topicArn} (alerts queue ${topicName}-inbox)\n`);
    return;
  }

  const describe = {
    "training-job": async () => {
      const out = await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: r.name }));
      return { status: out.TrainingJobStatus, arn: out.TrainingJobArn };
    },
    "processing-job": async () => {
      const out = await sm.send(new DescribeProcessingJobCommand({ ProcessingJobName: r.name }));
      return { status: out.ProcessingJobStatus, arn: out.ProcessingJobArn };
    },
    model: async () => {
      const out = await sm.send(new DescribeModelCommand({ ModelName: r.name }));
      return { status: "exists", arn: out.ModelArn };
    },
  }[r.type as "training-job"];
  if (!describe) fail(`show reads training jobs, processing jobs and models; ${file} is about a ${r.type}`);
  let state: { status?: string; arn?: string } = {};
  try {
    state = await describe();
  } catch (e) {
    state = { status: `not found (${(e as Error).name})` };
  }
  process.stdout.write(`${r.type} ${r.name}: ${state.status}\n`);
  if (state.arn) {
    const tags = await new Fixtures(sm).tags(state.arn);
    for (const [k, v] of Object.entries(tags).filter(([k]) => k.startsWith("isolation-guard:")))
      process.stdout.write(`  tag ${k} = ${v}\n`);
  }
  const queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: `${topicName}-inbox` }))).QueueUrl as string;
  for (;;) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    if (!got.Messages?.length) break;
    for (const m of got.Messages) {
      const n = JSON.parse(m.Body as string) as { Subject?: string; Message: string };
      process.stdout.write(`alert: ${n.Subject ?? ""}\n${n.Message}\n`);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}

await main();
