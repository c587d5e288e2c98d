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
 * The SageMaker port as one swept resource sees it: describes go through the sweep's cache, and the
 * resource's tags are read at most once (the sweep reads them first to skip decided resources; the
 * enforcer's duplicate check then reuses that read). Writes pass through and keep the copy current.
 * A describe is not forgotten after a stop or delete: an endpoint swept after its model was deleted
 * is still judged by that model's settings, not reported as unverifiable.
 */
export class SweepPort implements SageMakerPort {
  private readonly tags = new Map<string, Promise<Record<string, string> | null>>();

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

  async addTags(arn: string, tags: Record<string, string>): Promise<void> {
    await this.inner.addTags(arn, tags);
    const known = await this.tags.get(arn)?.catch(() => undefined);
    if (known) this.tags.set(arn, Promise.resolve({ ...known, ...tags }));
  }

  listTags(arn: string): Promise<Record<string, string> | null> {
    let p = this.tags.get(arn);
    if (!p) {
      p = this.inner.listTags(arn);
      this.tags.set(arn, p);
      p.catch(() => this.tags.delete(arn));
    }
    return p;
  }

  /** Drops the remembered tags, so the next read asks SageMaker (after a settle wait, another trigger may have tagged). */
  forgetTags(arn: string): void {
    this.tags.delete(arn);
  }
}
