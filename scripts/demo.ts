/**
 * `npm run demo`: the product on its local default. Starts the emulator (moto + gap-fill) on a free
 * loopback port, creates a compliant and a non-compliant training job and model, delivers their
 * CloudTrail events through the same code the Lambda runs, shows what happened and the alert, and
 * cleans up.
 */
import { DescribeModelCommand, DescribeTrainingJobCommand } from "@aws-sdk/client-sagemaker";
import Table from "cli-table3";
import type { AlertMessage } from "../src/app/ports.js";
import { readTopicMessage } from "../src/notify/alert-document.js";
import { renderSlackMessage, slackMessageAsText } from "../src/notify/slack-message.js";
import { startEmulator } from "./emulator.js";
import { guardRuntime } from "./guard-runtime.js";
import { AlertInbox, clients, Fixtures } from "./local-aws.js";
import { sampleFor } from "./sample-events.js";

const say = (s = "") => process.stdout.write(`${s}\n`);
const DEMO_RUNBOOK = "https://wiki.example.com/security/runbooks/sagemaker-isolation";

async function main() {
  say("Starting the local AWS emulator (moto + Isolation Guard gap-fill) on 127.0.0.1 ...");
  const emu = await startEmulator();
  try {
    const aws = clients(emu.endpoint);
    const fx = new Fixtures(aws.sm);
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create();
    say(`  emulator ${emu.endpoint}; alert topic ${inbox.topicArn} (an SQS queue is subscribed to read alerts)`);

    const runtime = guardRuntime(
      emu.endpoint,
      { GUARD_ALERT_TOPIC_ARN: inbox.topicArn },
      { log: { info() {}, warn() {}, error: (m, e) => say(`  ERROR ${m} ${JSON.stringify(e)}`) } },
    );

    // Keep a copy of each published message to show its per-protocol bodies (email vs JSON).
    const captured: AlertMessage[] = [];
    const sns = runtime.deps.alerts;
    runtime.deps.alerts = {
      publish: async (m) => {
        captured.push(m);
        return sns.publish(m);
      },
    };

    say("\nA data scientist creates four resources:");
    const resources = [
      {
        kind: "training job",
        name: "demo-train-isolated",
        sample: "CreateTrainingJob.isolated.json",
        arn: await fx.trainingJob("demo-train-isolated", { isolated: true }),
      },
      {
        kind: "training job",
        name: "demo-train-open",
        sample: "CreateTrainingJob.with-secret-env.json",
        arn: await fx.trainingJob("demo-train-open"),
      },
      {
        kind: "model",
        name: "demo-model-isolated",
        sample: "CreateModel.isolated.json",
        arn: await fx.model("demo-model-isolated", { isolated: true }),
      },
      {
        kind: "model",
        name: "demo-model-open",
        sample: "CreateModel.no-isolation.json",
        arn: await fx.model("demo-model-open"),
      },
    ];
    for (const r of resources) say(`  ${r.kind} ${r.name}`);

    say("\nEventBridge delivers their CloudTrail events to the enforcer (each one twice, as it may):");
    const plain = !process.stdout.isTTY;
    const table = new Table({
      head: ["resource", "verdict", "rules", "action", "alerted", "state after"],
      style: plain ? { head: [], border: [] } : {},
    });
    for (const r of resources) {
      const event = sampleFor(r.sample, r.name, r.arn);
      const outcome = await runtime.handle(event);
      const again = await runtime.handle(event);
      let state: string;
      if (r.kind === "model") {
        state = await aws.sm.send(new DescribeModelCommand({ ModelName: r.name })).then(
          () => "exists",
          () => "deleted",
        );
      } else {
        state =
          (await aws.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: r.name }))).TrainingJobStatus ?? "?";
      }
      table.push([
        `${r.kind} ${r.name}`,
        outcome.decision.verdict,
        outcome.decision.findings.map((f) => f.rule).join(", ") || "-",
        outcome.tagAction ?? "-",
        `${outcome.alerted ? "yes" : "no"}; 2nd delivery: ${again.alerted ? "ALERTED AGAIN" : "no"}`,
        state,
      ]);
    }
    say(table.toString());

    const tags = await fx.tags(resources[1]?.arn as string);
    say("\nTags on demo-train-open:");
    for (const [k, v] of Object.entries(tags)) if (k.startsWith("isolation-guard:")) say(`  ${k} = ${v}`);

    const alerts = await inbox.drain();
    say(`\nAlerts that reached the topic: ${alerts.length}`);
    const first = alerts[0];
    if (first) {
      say(`\n--- what email subscribers read (subject: ${first.Subject}) ---`);
      const published = captured.find((m) => m.subject === first.Subject);
      say(published?.bodies.email ?? "(not captured)");
      say("\n--- what SQS / Lambda / HTTPS subscribers get (isolation-guard.alert/v1) ---");
      say(JSON.stringify(JSON.parse(first.Message), null, 2));
      say(
        `\nMessage attributes: ${Object.entries(first.MessageAttributes ?? {})
          .map(([k, v]) => `${k}=${v.Value}`)
          .join(", ")}`,
      );
      // The notifier Lambda receives the same v1 document (protocol `lambda`) and renders it like this.
      const slack = renderSlackMessage(readTopicMessage(first.Message), { runbookUrl: DEMO_RUNBOOK });
      say("\n--- what the Slack notifier posts to the incoming webhook (Block Kit JSON) ---");
      say(JSON.stringify(slack, null, 2));
      say("\n--- the same Slack message, as it reads in the channel ---");
      say(slackMessageAsText(slack));
    }
  } finally {
    await emu.stop();
    say("\nEmulator stopped; nothing was left running.");
  }
}

main().catch((e) => {
  process.stderr.write(`demo failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
