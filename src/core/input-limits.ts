import { InvalidEventError } from "./errors.js";
import type { ResourceType } from "./types.js";

/*
 * Bounds on what an event may make the guard do, checked before anything is parsed or called. EventBridge
 * delivers at most 256 KB and SageMaker's own limits are far lower than these caps, so only a hand-made
 * event (a direct invoke, the CLI) can reach them: it is refused with its reason and costs no AWS call.
 */

/**
 * Caps, each well above what AWS accepts (botocore's `sagemaker/2017-07-24/service-2.json`): an event of
 * at most 1 MiB (EventBridge: 256 KB), at most 64 levels deep, no array over 1,000 items, and for the lists
 * the guard walks: tuning-job `trainingJobDefinitions` 100 (AWS: 10), model `containers` 150 (AWS: 15),
 * endpoint-config `productionVariants` 100 (AWS: 10), inference-component `specifications` 50 (AWS: 5).
 */
export const EVENT_LIMITS = {
  maxBytes: 1024 * 1024,
  maxDepth: 64,
  maxArrayLength: 1000,
  arrays: { trainingJobDefinitions: 100, containers: 150, productionVariants: 100, specifications: 50 },
} as const;

/**
 * SageMaker's name rule for the resources the guard acts on (`EntityName`, `TrainingJobName`, ...):
 * `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`, so ASCII letters, digits and inner hyphens, at most 63 characters.
 * Tuning jobs get the same 63, not botocore's 32: AWS's own sample "HyperParameter Tuning Job State
 * Change" event names a 36-character job (events/SageMakerHyperParameterTuningJobStateChange.doc-sample.json),
 * and a cap only has to keep out what no SageMaker name can be.
 */
const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;
const NAME_MAX = 63;

const show = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}...` : s);

/**
 * Why the event is over a cap, or null. Walks the value once, iteratively, and stops at the first cap
 * passed, so a huge event costs no more than the part of it read up to the cap. Sizes are estimated as
 * JSON would write them (string lengths plus punctuation).
 *
 * @example eventLimitProblem({ detail: { requestParameters: { containers: new Array(200).fill({}) } } })
 * // "detail.requestParameters.containers has 200 items; at most 150 are accepted"
 */
export function eventLimitProblem(input: unknown): string | null {
  // Frames keep their parent instead of a path string: paths are built only for the message.
  interface Frame {
    value: unknown;
    key: string;
    parent: Frame | null;
    depth: number;
    /** An array's item: it carries the array's key, which the path names once. */
    item?: true;
  }
  const pathOf = (f: Frame | null): string => {
    const keys: string[] = [];
    for (let at = f; at; at = at.parent) if (at.key && !at.item) keys.push(at.key);
    return keys.reverse().join(".");
  };
  const caps = EVENT_LIMITS.arrays as Record<string, number | undefined>;
  const stack: Frame[] = [{ value: input, key: "", parent: null, depth: 0 }];
  let bytes = 0;
  while (stack.length) {
    const frame = stack.pop() as Frame;
    const { value, depth } = frame;
    if (depth > EVENT_LIMITS.maxDepth)
      return `${pathOf(frame) || "the event"} is nested over ${EVENT_LIMITS.maxDepth} levels`;
    if (typeof value === "string") bytes += value.length + 2;
    else if (Array.isArray(value)) {
      const cap = caps[frame.key] ?? EVENT_LIMITS.maxArrayLength;
      if (value.length > cap) return `${pathOf(frame)} has ${value.length} items; at most ${cap} are accepted`;
      bytes += 2 + value.length;
      // Items keep the array's key, so the path and the cap of an array inside stay the array's.
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], key: frame.key, parent: frame, depth: depth + 1, item: true });
    } else if (value !== null && typeof value === "object") {
      bytes += 2;
      for (const k in value) {
        if (!Object.hasOwn(value, k)) continue;
        bytes += k.length + 4;
        if (bytes > EVENT_LIMITS.maxBytes) break;
        stack.push({ value: (value as Record<string, unknown>)[k], key: k, parent: frame, depth: depth + 1 });
      }
    } else bytes += 8;
    if (bytes > EVENT_LIMITS.maxBytes)
      return `the event is larger than ${EVENT_LIMITS.maxBytes} bytes (EventBridge delivers at most 256 KB)`;
  }
  return null;
}

/** Throws InvalidEventError when the event is over a cap (see {@link EVENT_LIMITS}). */
export function checkEventLimits(input: unknown): void {
  const problem = eventLimitProblem(input);
  if (problem) throw new InvalidEventError(`refusing an oversized event: ${problem}`);
}

/**
 * Why `name` cannot be a SageMaker name of this type, or null.
 * @example resourceNameProblem("training-job", "my-job") // null
 */
export function resourceNameProblem(type: ResourceType, name: string): string | null {
  const max = NAME_MAX;
  if (name.length > max) return `${type} name ${show(name)} is ${name.length} characters; SageMaker allows ${max}`;
  if (!NAME.test(name))
    return `${type} name ${show(name)} is not a SageMaker name (ASCII letters, digits and inner hyphens only)`;
  return null;
}

/** Throws InvalidEventError when a name in the event cannot be one SageMaker gave. */
export function checkResourceName(type: ResourceType, name: string): void {
  const problem = resourceNameProblem(type, name);
  if (problem) throw new InvalidEventError(`refusing the event: ${problem}`);
}
