import type { CloudEvent } from '@lib/contracts';
import type { Collection, Db, Document } from 'mongodb';

/**
 * The publication part of a stored input (the transactional-outbox pattern without
 * transactions): the API inserts the input together with the event it causes, in one
 * insert-only document, after a small pending marker; the relay publishes `event` and then
 * removes the marker. The document is never updated: "published" is "no marker left".
 */
export interface OutboxFields {
  topic: string;
  /** Kafka key: the subject stream. */
  key: string;
  /** Order within the key (the subject's version); the relay publishes a key's events in this order. */
  seq: number;
  /**
   * `_id` of the same key's previous outbox document in the same collection, when there is one:
   * the relay never publishes this one while that one is still pending.
   */
  prevId?: string | null;
  event: CloudEvent;
  createdAt: Date;
}

/** Field name under which stored documents carry their outbox part. */
export const OUTBOX_FIELD = 'outbox';

export function pendingOutbox(
  topic: string,
  key: string,
  seq: number,
  event: CloudEvent,
  now: Date,
  prevId: string | null = null,
): OutboxFields {
  return { topic, key, seq, prevId, event, createdAt: now };
}

/**
 * The pending markers of a collection with an outbox part: one small document per unpublished
 * event (`_id` = the stored document's `_id`). The relay reads these, never scans the (large)
 * collection itself: the store answers only `_id` lookups in constant time.
 */
export function outboxMarkers(collection: Collection<Document>): Collection<OutboxMarker> {
  // A mongoose collection (Model.collection) reaches its native database through its connection.
  const db =
    (collection as { db?: Db }).db ?? (collection as unknown as { conn: { db: Db } }).conn.db;
  return db.collection<OutboxMarker>(`${collection.collectionName}_outbox_pending`);
}

export interface OutboxMarker {
  _id: string;
  at: Date;
}

const DUPLICATE_KEY = 11000;

/**
 * Inserts a document with an outbox part: its pending marker first, then the document, so a
 * crash in between leaves at most a marker without a document (the relay drops it later), never
 * a stored event nobody will publish. Answers false when the document's `_id` or a unique index
 * already holds it (a re-send or a lost race); the marker is then left for the relay to clear.
 */
export async function insertWithOutbox(
  collection: Collection<Document>,
  doc: Document & { _id: string },
): Promise<boolean> {
  try {
    await outboxMarkers(collection).insertOne({ _id: doc._id, at: new Date() });
  } catch (error) {
    if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
  }
  try {
    await collection.insertOne(doc as never);
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
    throw error;
  }
}

/** True while the document's event waits for the relay (its marker is still there). */
export async function isPendingOutbox(
  collection: Collection<Document>,
  id: string,
): Promise<boolean> {
  return (await outboxMarkers(collection).findOne({ _id: id })) !== null;
}

/**
 * Inserts a document made once per `_id` (a link, a statement) unless it is held already: probed
 * by `_id` first, so making it again writes no second pending marker for an event already
 * published. Answers whether it was inserted now.
 */
export async function insertOnceWithOutbox(
  collection: Collection<Document>,
  doc: Document & { _id: string },
): Promise<boolean> {
  if (await collection.findOne({ _id: doc._id } as Document, { projection: { _id: 1 } })) {
    return false;
  }
  return insertWithOutbox(collection, doc);
}
