import type { Collection, Db } from 'mongodb';
import { idempotencyRecordId } from './idempotency-key';
import { DEFAULT_TIMING, type IdempotencyRecord } from './idempotency-record';
import { IdempotencyStore, MAX_GENERATIONS } from './idempotency.store';

/** Only what the store uses, by `_id`, with the real store's duplicate-key error. */
function fakeDb() {
  const docs = new Map<string, IdempotencyRecord>();
  const collection = {
    collectionName: 'idempotency_keys',
    insertOne: (doc: IdempotencyRecord) => {
      if (docs.has(doc._id))
        return Promise.reject(Object.assign(new Error('dup'), { code: 11000 }));
      docs.set(doc._id, structuredClone(doc));
      return Promise.resolve({ acknowledged: true });
    },
    findOne: ({ _id }: { _id: string }) => Promise.resolve(docs.get(_id) ?? null),
    updateOne: ({ _id }: { _id: string }, { $set }: { $set: Partial<IdempotencyRecord> }) => {
      const doc = docs.get(_id);
      if (doc) docs.set(_id, { ...doc, ...$set });
      return Promise.resolve({ matchedCount: doc ? 1 : 0 });
    },
    deleteOne: ({ _id }: { _id: string }) =>
      Promise.resolve({ deletedCount: docs.delete(_id) ? 1 : 0 }),
  } as unknown as Collection<IdempotencyRecord>;
  const db = { collection: () => collection } as unknown as Db;
  return { db, docs };
}

describe(IdempotencyStore, () => {
  let time: number;
  let docs: Map<string, IdempotencyRecord>;
  let store: IdempotencyStore;
  const answer = { status: 201, body: '{"id":1}', location: '/t/1', refusal: false };
  const id = (generation: number) => idempotencyRecordId('scope', generation);

  beforeEach(() => {
    time = Date.parse('2026-05-01T12:00:00Z');
    const fake = fakeDb();
    docs = fake.docs;
    store = new IdempotencyStore(fake.db, 'idempotency_keys', DEFAULT_TIMING, () => new Date(time));
  });

  it('should claim generation 0 of a new key, then replay its answer', async () => {
    const first = await store.claim('scope', 'f1');
    expect(first).toEqual({ kind: 'claimed', claim: { id: id(0), createdAt: new Date(time) } });
    await expect(store.claim('scope', 'f1')).resolves.toEqual({ kind: 'in-progress' });
    await expect(store.claim('scope', 'f2')).resolves.toEqual({ kind: 'mismatch' });
    if (first.kind !== 'claimed') throw new Error('unreachable');
    await store.complete(first.claim, answer);
    await expect(store.claim('scope', 'f1')).resolves.toEqual({ kind: 'replay', answer });
    expect(docs.get(id(0))).toMatchObject({ state: 'done', fingerprint: 'f1', answer });
  });

  it('should take a stale claim over by claiming the next generation, leaving the old one', async () => {
    await store.claim('scope', 'f1');
    time += 60_000;
    const takeover = await store.claim('scope', 'f1');
    expect(takeover).toMatchObject({ kind: 'claimed', claim: { id: id(1) } });
    expect(docs.get(id(0))?.state).toBe('in-progress');
    await expect(store.claim('scope', 'f1')).resolves.toEqual({ kind: 'in-progress' });
  });

  it('should treat a record older than 24 h as absent, even for another request', async () => {
    const first = await store.claim('scope', 'f1');
    if (first.kind !== 'claimed') throw new Error('unreachable');
    await store.complete(first.claim, answer);
    time += 24 * 3600_000;
    await expect(store.claim('scope', 'f2')).resolves.toMatchObject({
      kind: 'claimed',
      claim: { id: id(1) },
    });
  });

  it('should delete a young claim on release, so the retry claims the same generation', async () => {
    const first = await store.claim('scope', 'f1');
    if (first.kind !== 'claimed') throw new Error('unreachable');
    time += 29_999;
    await store.release(first.claim);
    expect(docs.has(id(0))).toBe(false);
    await expect(store.claim('scope', 'f2')).resolves.toMatchObject({ claim: { id: id(0) } });
  });

  it('should mark an old claim released instead (a later generation may exist)', async () => {
    const first = await store.claim('scope', 'f1');
    if (first.kind !== 'claimed') throw new Error('unreachable');
    time += 30_000;
    await store.release(first.claim);
    expect(docs.get(id(0))?.state).toBe('released');
    await expect(store.claim('scope', 'f1')).resolves.toMatchObject({ claim: { id: id(1) } });
  });

  it('should give up when every generation is used', async () => {
    for (let g = 0; g < MAX_GENERATIONS; g++) {
      docs.set(id(g), {
        _id: id(g),
        state: 'released',
        fingerprint: 'f1',
        createdAt: new Date(time),
      });
    }
    await expect(store.claim('scope', 'f1')).resolves.toEqual({ kind: 'exhausted' });
  });
});
