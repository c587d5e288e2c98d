import { type AlertOutcome, renderAlertDocument } from "../../../src/app/alert-message.js";
import { DEFAULT_POLICY, type Decision, decide, normalizeEvent, type Policy } from "../../../src/core/index.js";
import type { AlertDocument } from "../../../src/notify/alert-document.js";
import type { SlackBlock, SlackMessage } from "../../../src/notify/slack-message.js";
import { charLength } from "../../../src/notify/text.js";
import { loadEvent, NOW } from "../core/fixtures.js";

/** The decision the guard makes on one sample event from `events/`. */
export function decisionFor(file: string, policy: Policy = DEFAULT_POLICY): Decision {
  return decide(normalizeEvent(loadEvent(file)), policy, NOW);
}

export const STOPPED: AlertOutcome = {
  action: "stopped",
  detail: "the guard stopped it",
  decidedAt: "2026-11-26T12:00:01.000Z",
};

/** The alert document the enforcer publishes for a sample event (round-tripped through JSON, as on SNS). */
export function alertFor(file = "CreateTrainingJob.no-isolation.json", outcome: AlertOutcome = STOPPED): AlertDocument {
  return JSON.parse(JSON.stringify(renderAlertDocument(decisionFor(file), outcome))) as AlertDocument;
}

export const RUNBOOK = "https://wiki.example.com/security/runbooks/sagemaker-isolation";

/** Slack's published limits, written out here rather than imported, so a wrong constant in the code fails the tests. */
const SLACK = {
  blocks: 50,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  headerText: 150,
  contextElements: 10,
  buttonText: 75,
  buttonUrl: 3000,
};

/** Every Slack limit the notifier promises, checked on one rendered message; returns the violations. */
export function slackLimitViolations(m: SlackMessage): string[] {
  const bad: string[] = [];
  if (m.blocks.length > SLACK.blocks) bad.push(`${m.blocks.length} blocks`);
  m.blocks.forEach((b: SlackBlock, i) => {
    if (b.type === "header" && charLength(b.text.text) > SLACK.headerText) bad.push(`header ${i}`);
    if (b.type === "section") {
      if (b.text && charLength(b.text.text) > SLACK.sectionText) bad.push(`section ${i} text`);
      if ((b.fields?.length ?? 0) > SLACK.fields) bad.push(`section ${i} field count`);
      for (const f of b.fields ?? []) if (charLength(f.text) > SLACK.fieldText) bad.push(`section ${i} field`);
    }
    if (b.type === "context" && b.elements.length > SLACK.contextElements) bad.push(`context ${i}`);
    if (b.type === "actions") {
      for (const e of b.elements) {
        if (charLength(e.url) > SLACK.buttonUrl) bad.push(`button url ${i}`);
        if (charLength(e.text.text) > SLACK.buttonText) bad.push(`button text ${i}`);
      }
    }
  });
  return bad;
}
