import type { SageMakerPort } from "../app/ports.js";
import type { ResourceType } from "../core/types.js";

/**
 * A SageMakerPort that remembers each described resource's CreationTime, so the Security Hub
 * finding of a resource incarnation can be named without another Describe.
 */
export class RecordingPort implements SageMakerPort {
  private readonly created = new Map<string, string>();

  constructor(private readonly inner: SageMakerPort) {}

  createdAt(type: ResourceType, name: string): string | null {
    return this.created.get(`${type}/${name}`) ?? null;
  }

  async describe(type: ResourceType, name: string) {
    const out = await this.inner.describe(type, name);
    const t = out?.CreationTime;
    const ms = t instanceof Date ? t.getTime() : typeof t === "string" ? Date.parse(t) : Number.NaN;
    if (!Number.isNaN(ms)) this.created.set(`${type}/${name}`, new Date(ms).toISOString());
    return out;
  }
  stop(type: ResourceType, name: string) {
    return this.inner.stop(type, name);
  }
  delete(type: ResourceType, name: string) {
    return this.inner.delete(type, name);
  }
  addTags(arn: string, tags: Record<string, string>) {
    return this.inner.addTags(arn, tags);
  }
}
