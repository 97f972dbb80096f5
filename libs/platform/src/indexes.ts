import type { Collection, Document } from 'mongodb';

export interface IndexSpec {
  name: string;
  key: Record<string, 1 | -1>;
  unique?: boolean;
}

/**
 * Creates the indexes a collection needs and proves they exist. `unique` is an index, not a
 * validator: if it silently failed to build, dedupe would be off (PITFALLS.md). Only plain and
 * unique indexes, which FerretDB 1.x and MongoDB both build.
 */
export async function ensureIndexes<T extends Document>(
  collection: Collection<T>,
  specs: IndexSpec[],
): Promise<void> {
  for (const spec of specs) {
    await collection.createIndex(spec.key, { name: spec.name, unique: spec.unique ?? false });
  }
  const existing = (await collection.listIndexes().toArray()) as {
    name?: string;
    unique?: boolean;
  }[];
  const missing = specs.filter(
    (s) => !existing.some((e) => e.name === s.name && (!s.unique || e.unique === true)),
  );
  if (missing.length > 0) {
    throw new Error(
      `indexes missing on ${collection.collectionName}: ${missing.map((m) => m.name).join(', ')}`,
    );
  }
}
