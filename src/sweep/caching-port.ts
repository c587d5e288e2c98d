import type { DeleteResult, SageMakerPort, StopResult } from "../app/ports.js";
import type { ResourceType } from "../core/types.js";

/**
 * Describe results shared by every resource of one sweep, so that the models that several transform
 * jobs and endpoints put to work are described once. Promises are stored, so concurrent readers share a call.
 */
export class DescribeCache {
  private readonly entries = new Map<string, Promise<Record<string, unknown> | null>>();

  get(
    type: ResourceType,
    name: string,
    load: () => Promise<Record<string, unknown> | null>,
  ): Promise<Record<string, unknown> | null> {
    const key = `${type}/${name}`;
    let p = this.entries.get(key);
    if (!p) {
      p = load();
      this.entries.set(key, p);
      // A failed describe is not remembered: the next reader tries again.
      p.catch(() => this.entries.delete(key));
    }
    return p;
  }

  /** The cached output, if this resource was described and found. */
  async peek(type: ResourceType, name: string): Promise<Record<string, unknown> | null> {
    const p = this.entries.get(`${type}/${name}`);
    return p ? p.catch(() => null) : null;
  }
}

/**
 * The SageMaker port as one swept resource sees it: describes go through the sweep's cache; stops,
 * deletes and tags pass through. A describe is not forgotten after a stop or delete: an endpoint swept
 * after its model was deleted is still judged by that model's settings, not reported as unverifiable.
 */
export class SweepPort implements SageMakerPort {
  constructor(
    private readonly inner: SageMakerPort,
    private readonly describes: DescribeCache,
  ) {}

  describe(type: ResourceType, name: string) {
    return this.describes.get(type, name, () => this.inner.describe(type, name));
  }

  stop(type: ResourceType, name: string): Promise<StopResult> {
    return this.inner.stop(type, name);
  }

  delete(type: ResourceType, name: string): Promise<DeleteResult> {
    return this.inner.delete(type, name);
  }

  addTags(arn: string, tags: Record<string, string>): Promise<void> {
    return this.inner.addTags(arn, tags);
  }
}
