/** Steps already done for one violation of one resource, in this container. */
export interface Progress {
  remedy?: "stopped" | "deleted" | "not-running" | "gone" | "busy";
  alerted?: boolean;
  tagged?: boolean;
}

/**
 * A small per-container memory of what was done, so that a retried or duplicated delivery that lands
 * in the same warm container repeats no stop and no alert. Across containers the resource's own state
 * (job status, guard tags) is the record; see README "Exactly one alert".
 */
export class ProgressCache {
  private readonly entries = new Map<string, { at: number; progress: Progress }>();

  constructor(
    private readonly maxEntries = 2000,
    private readonly ttlMs = 6 * 3600_000,
  ) {}

  get(key: string, now: number): Progress {
    const e = this.entries.get(key);
    if (!e || now - e.at > this.ttlMs) return {};
    return { ...e.progress };
  }

  update(key: string, now: number, patch: Progress): void {
    const current = this.get(key, now);
    this.entries.delete(key);
    this.entries.set(key, { at: now, progress: { ...current, ...patch } });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
