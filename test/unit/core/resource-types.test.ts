import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  EVENT_RESOURCE_TYPES,
  launchedBy,
  parentOf,
  RESOURCE_TYPE_NAMES,
  RESOURCE_TYPES,
  STATE_CHANGE_TYPES,
  SWEEP_TYPES,
  stopApplies,
} from "../../../src/core/resource-types.js";

const EVENTS = join(import.meta.dirname, "../../../events");
const samples = readdirSync(EVENTS)
  .filter((f) => f.endsWith(".json") && f !== "expected.json")
  .map((f) => JSON.parse(readFileSync(join(EVENTS, f), "utf8")));

describe("one row per resource type", () => {
  it("keys every row by its own type, and derives the type list from the rows", () => {
    expect(RESOURCE_TYPE_NAMES).toEqual(Object.keys(RESOURCE_TYPES));
    for (const type of RESOURCE_TYPE_NAMES) expect(RESOURCE_TYPES[type].type).toBe(type);
  });

  it("maps every CloudTrail event and state change it names back to its row, and no event to two rows", () => {
    const events = RESOURCE_TYPE_NAMES.flatMap((t) => RESOURCE_TYPES[t].events);
    expect(new Set(events).size).toBe(events.length);
    for (const type of RESOURCE_TYPE_NAMES) {
      const row = RESOURCE_TYPES[type];
      for (const e of row.events) expect(EVENT_RESOURCE_TYPES.get(e)?.type).toBe(type);
      if (row.stateChange) expect(STATE_CHANGE_TYPES.get(row.stateChange.detailType)?.type).toBe(type);
    }
  });

  it("has a sample CloudTrail event for every type", () => {
    const sampled = new Set(samples.map((e) => EVENT_RESOURCE_TYPES.get(e.detail?.eventName)?.type));
    expect(RESOURCE_TYPE_NAMES.filter((t) => !sampled.has(t))).toEqual([]);
  });

  it("names the operation of its remedy, and a stop says in which statuses it applies", () => {
    for (const type of RESOURCE_TYPE_NAMES) {
      const row = RESOURCE_TYPES[type];
      if (row.remedy === "stop") {
        expect(row.api.stop).toMatch(/^Stop[A-Z]/);
        expect(row.stopWhile.length).toBeGreaterThan(0);
      }
      if (row.remedy === "delete") expect(row.api.delete).toMatch(/^Delete[A-Z]/);
      expect(row.api.describe).toMatch(/^Describe[A-Z]/);
      expect(row.api.list.operation).toMatch(/^List[A-Z]/);
    }
  });

  it("sweeps every type once, jobs with a stop first", () => {
    expect([...SWEEP_TYPES].sort()).toEqual([...RESOURCE_TYPE_NAMES].sort());
    const firstOther = SWEEP_TYPES.findIndex((t) => RESOURCE_TYPES[t].remedy !== "stop");
    expect(SWEEP_TYPES.slice(firstOther).filter((t) => RESOURCE_TYPES[t].remedy === "stop")).toEqual([]);
    expect(SWEEP_TYPES).toEqual([
      "training-job",
      "hyper-parameter-tuning-job",
      "processing-job",
      "transform-job",
      "notebook-instance",
      "monitoring-schedule",
      "automl-job",
      "compilation-job",
      "optimization-job",
      "inference-recommendations-job",
      "labeling-job",
      "endpoint",
      "inference-component",
      "model",
      "data-quality-job-definition",
      "model-quality-job-definition",
      "model-bias-job-definition",
      "model-explainability-job-definition",
      "endpoint-config",
      "domain",
      "cluster",
    ]);
  });

  it("stops a job only while it runs", () => {
    expect(stopApplies("training-job", "InProgress")).toBe(true);
    expect(stopApplies("training-job", "Completed")).toBe(false);
    expect(stopApplies("model", "InProgress")).toBe(false);
  });

  it("finds the parent a child names, in the members its row lists", () => {
    const tuning = "arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/t";
    expect(parentOf("training-job", { TuningJobArn: tuning })).toBe(tuning);
    expect(parentOf("training-job", { TuningJobArn: "" })).toBeNull();
    expect(parentOf("model", { TuningJobArn: tuning })).toBeNull();
    expect(launchedBy(tuning)).toBe(`launched by ${tuning}: decided with its parent`);
  });

  it("gives every type a human name for alerts and reports", () => {
    for (const type of RESOURCE_TYPE_NAMES) {
      // Product names keep their capitals: "AutoML job", "HyperPod cluster", "Studio domain".
      expect(RESOURCE_TYPES[type].names.one).toMatch(/^[A-Za-z][A-Za-z ]+[a-z]$/);
      expect(RESOURCE_TYPES[type].names.many).toMatch(/^[A-Z][A-Za-z ]+s$/);
    }
  });
});
