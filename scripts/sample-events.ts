import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RESOURCE_TYPES } from "../src/core/resource-types.js";

export const EVENTS_DIR = join(import.meta.dirname, "../events");

// biome-ignore lint/suspicious/noExplicitAny: test fixtures are free-form JSON
export type AnyEvent = any;

/** A sample event from events/, parsed (a fresh copy each call). */
export function sample(file: string): AnyEvent {
  return JSON.parse(readFileSync(join(EVENTS_DIR, file), "utf8"));
}

/**
 * A sample CloudTrail event re-pointed at a resource created in the emulator: the resource name in
 * requestParameters, the ARN in responseElements, and a fresh event id.
 */
export function sampleFor(file: string, name: string, arn: string, edit?: (params: AnyEvent) => void): AnyEvent {
  const event = sample(file);
  const spec = [...Object.values(RESOURCE_TYPES)].find((s) => s.events.includes(event.detail.eventName));
  if (!spec) throw new Error(`${file} is not a supported CloudTrail event`);
  event.id = randomUUID();
  event.detail.eventID = randomUUID();
  if (event.detail.requestParameters && !event.detail.requestParameters.omitted) {
    event.detail.requestParameters[spec.nameKey] = name;
  }
  event.detail.responseElements = { [spec.arnKey]: arn };
  if (edit) edit(event.detail.requestParameters);
  return event;
}

/** SageMaker's own state-change event for a job, as EventBridge delivers it. */
export function stateChange(file: string, name: string, arn: string, status = "InProgress"): AnyEvent {
  const event = sample(file);
  event.id = randomUUID();
  event.resources = [arn];
  const spec = [...Object.values(RESOURCE_TYPES)].find((s) => s.stateChange?.detailType === event["detail-type"]);
  if (!spec?.stateChange) throw new Error(`${file} is not a state-change event`);
  event.detail[spec.stateChange.nameKey] = name;
  event.detail[spec.stateChange.arnKey] = arn;
  if (spec.stateChange.statusKey) event.detail[spec.stateChange.statusKey] = status;
  return event;
}
