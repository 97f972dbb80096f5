/**
 * `fn` over `items`, at most `concurrency` calls in flight; answers in item order. The store
 * answers a few concurrent requests faster than one at a time, and a bounded pool keeps a large
 * batch from becoming thousands of requests at once.
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
