/**
 * Runs `work` over `items` with at most `concurrency` calls in flight, results in input order.
 * `stop()` returning true makes the workers take no new item (those are left `undefined`).
 *
 * @example const sizes = await mapPool(names, 4, async (n) => (await stat(n)).size);
 */
export async function mapPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
  stop: () => boolean = () => false,
): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) {
      const i = next++;
      results[i] = await work(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}
