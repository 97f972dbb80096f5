import type { CloudEvent } from '@lib/contracts';

/**
 * The publication part of a stored input (the transactional-outbox pattern without
 * transactions): the API inserts the input together with the event it causes, in one
 * insert-only document; the relay later publishes `event` and is the only writer of `status`.
 */
export interface OutboxFields {
  topic: string;
  /** Kafka key: the subject stream. */
  key: string;
  /** Order within the key (the subject's version); the relay publishes a key's events in this order. */
  seq: number;
  event: CloudEvent;
  status: 'pending' | 'published';
  createdAt: Date;
  publishedAt?: Date;
  partition?: number;
  offset?: string;
}

/** Field name under which stored documents carry their outbox part. */
export const OUTBOX_FIELD = 'outbox';

export function pendingOutbox(
  topic: string,
  key: string,
  seq: number,
  event: CloudEvent,
  now: Date,
): OutboxFields {
  return { topic, key, seq, event, status: 'pending', createdAt: now };
}

/** The indexes a collection with an outbox part needs (the relay's query and its order). */
export const OUTBOX_INDEXES = [
  {
    name: 'outbox_pending',
    key: { 'outbox.status': 1, 'outbox.key': 1, 'outbox.seq': 1 } as Record<string, 1 | -1>,
  },
];
