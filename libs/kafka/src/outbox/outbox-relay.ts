import CircuitBreaker from 'opossum';
import type { Collection, Document } from 'mongodb';
import type { Logger } from 'pino';
import { EventProducer } from '../event-producer';
import { OutboxFields, OutboxMarker, outboxMarkers } from './outbox-entry';

export interface OutboxRelayOptions {
  /** Collections whose documents carry an `outbox` part. */
  collections: Collection<Document>[];
  pollMs?: number;
  batchSize?: number;
  /** A send slower than this counts as a failure for the breaker (the send itself is not cancelled). */
  sendTimeoutMs?: number;
  /** How long the breaker stays open before it lets one trial send through. */
  resetTimeoutMs?: number;
}

interface OutboxDocument {
  _id: string;
  outbox: OutboxFields;
}

/**
 * Publishes stored events that are still pending, each key's in `seq` order, through one
 * opossum circuit breaker around the producer. While Kafka is down the breaker opens, passes end
 * quickly and input keeps being accepted; once a trial send succeeds, the backlog drains.
 *
 * No fallback: a send that failed or was short-circuited stays pending (a fallback that
 * "succeeds" would mark unsent events as published). A send that timed out may still have reached
 * the broker and will be sent again: consumers drop the duplicate by its event id.
 * The relay is the only writer of `outbox.status`; polling because the store has no change streams.
 */
export class OutboxRelay {
  private readonly breaker: CircuitBreaker<[OutboxFields[]], void>;
  private timer?: NodeJS.Timeout;
  /** A send the breaker gave up waiting for may still be running inside the producer. */
  private sendInFlight = false;
  private pass: Promise<void> = Promise.resolve();
  private stopped = true;

  constructor(
    private readonly producer: EventProducer,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions,
  ) {
    this.breaker = new CircuitBreaker(
      (entries: OutboxFields[]) => this.trackSend(this.producer.publishEvents(entries)),
      {
        timeout: options.sendTimeoutMs ?? 10_000,
        resetTimeout: options.resetTimeoutMs ?? 3_000,
        errorThresholdPercentage: 50,
        volumeThreshold: 2,
        rollingCountTimeout: 10_000,
      },
    );
    this.breaker.on('open', () =>
      this.logger.warn('publishing paused: Kafka unavailable (circuit open)'),
    );
    this.breaker.on('halfOpen', () => this.logger.info('trying Kafka again (circuit half-open)'));
    this.breaker.on('close', () => this.logger.info('publishing resumed (circuit closed)'));
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the pass in progress (call before the producer and store close). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass;
    this.breaker.shutdown();
  }

  private async trackSend<T>(send: Promise<T>): Promise<T> {
    this.sendInFlight = true;
    try {
      return await send;
    } finally {
      this.sendInFlight = false;
    }
  }

  get circuitOpen(): boolean {
    return this.breaker.opened;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.pass = this.publishPending()
        .then((result) => this.schedule(result.more ? 0 : (this.options.pollMs ?? 200)))
        .catch((error: unknown) => {
          this.logger.warn({ err: error }, 'relay pass failed; will retry');
          this.schedule(this.options.pollMs ?? 200);
        });
    }, delayMs);
  }

  /**
   * One pass over every outbox collection: reads the oldest pending markers (never the
   * collection), loads their documents by `_id`, and publishes them in chunks (one produce
   * request each), each key's in `seq` order; then removes their markers, which records them as
   * published. Stops at the first failed send so a key's later events never overtake an earlier
   * one. `more` says pending events were left for the next pass.
   */
  async publishPending(): Promise<{ published: number; more: boolean }> {
    const limit = this.options.batchSize ?? 500;
    // A timed-out send still retrying in the producer: wait for it rather than queue more
    // behind it (that backlog would only delay the drain once Kafka is back).
    if (this.sendInFlight) return { published: 0, more: false };
    let published = 0;
    let more = false;
    for (const collection of this.options.collections) {
      const markers = outboxMarkers(collection);
      // The oldest markers first (the store reads a bare limit in insertion order without
      // scanning: a backlog of 50,000 markers read whole costs seconds per pass). Markers are
      // written before their documents, a key's earlier event's first, so the window holds
      // every key's next event; an earlier event outside it is looked up by `_id` below.
      const chosen = await markers
        .find({})
        .limit(limit + 1)
        .toArray();
      if (chosen.length > limit) {
        chosen.pop();
        more = true;
      }
      const windowIds = new Set(chosen.map((m) => m._id));
      const pending: OutboxDocument[] = [];
      const dropped: string[] = [];
      for (const { marker, doc } of await loadAll(collection, chosen, this.logger)) {
        if (doc) pending.push(doc);
        // A marker whose document never came (a crash, or an insert that lost to a re-send).
        else if (Date.now() - marker.at.getTime() > ORPHAN_MARKER_MS) dropped.push(marker._id);
      }
      // Every marker fits in the window: one `$in` delete (a scan of few markers) beats one
      // round trip per marker; behind a large backlog, by `_id` one at a time.
      const few = !more;
      await deleteMarkers(markers, dropped, few);
      pending.sort(
        (a, b) => a.outbox.key.localeCompare(b.outbox.key) || a.outbox.seq - b.outbox.seq,
      );
      // A document goes out once its key's previous one has gone out, earlier or in this pass
      // (same key, same partition: one request keeps their order).
      const sendable: OutboxDocument[] = [];
      const sending = new Set<string>();
      for (const doc of pending) {
        const prev = doc.outbox.prevId;
        const prevPending =
          prev &&
          !sending.has(prev) &&
          (windowIds.has(prev) || (await markers.findOne({ _id: prev })) !== null);
        if (prevPending) {
          more = true; // its key's earlier event is still pending: next pass
          continue;
        }
        sendable.push(doc);
        sending.add(doc._id);
      }
      for (const chunk of partitionChunks(sendable, (doc) =>
        this.producer.partitionOf(doc.outbox.topic, doc.outbox.key),
      )) {
        if (this.stopped && published > 0) return { published, more: false };
        try {
          await this.breaker.fire(chunk.map((doc) => doc.outbox));
        } catch (error) {
          if (!this.breaker.opened)
            this.logger.warn(
              { err: error, topic: chunk[0].outbox.topic },
              'publish failed; stays pending',
            );
          return { published, more: false };
        }
        await deleteMarkers(
          markers,
          chunk.map((doc) => doc._id),
          few,
        );
        published += chunk.length;
      }
    }
    return { published, more };
  }
}

/** A marker older than this without its document is dropped (its insert never happened). */
const ORPHAN_MARKER_MS = 60_000;
const LOAD_CONCURRENCY = 8;
/**
 * Most events in one produce request. A request holds one partition's events only: kafkajs
 * retries a failed request whole, and a request spanning partitions that failed on one of them
 * (a leader moving) wrote the others' events again (the producer is not idempotent: fresh topics
 * got 2-3 copies of one event in our tests). One partition's batch is written whole or not at all.
 */
const MAX_CHUNK = 200;

/**
 * The documents in produce requests of one topic-partition each (at most MAX_CHUNK), each
 * partition's in the order given, so a key's events keep their order. A document whose partition
 * is unknown goes alone.
 */
export function partitionChunks<T extends { outbox: { topic: string } }>(
  docs: readonly T[],
  partitionOf: (doc: T) => number | undefined,
): T[][] {
  const chunks: T[][] = [];
  const open = new Map<string, T[]>();
  for (const doc of docs) {
    const partition = partitionOf(doc);
    if (partition === undefined) {
      chunks.push([doc]);
      continue;
    }
    const at = `${doc.outbox.topic}\u0000${partition}`;
    let chunk = open.get(at);
    if (!chunk || chunk.length >= MAX_CHUNK) {
      chunk = [];
      open.set(at, chunk);
      chunks.push(chunk);
    }
    chunk.push(doc);
  }
  return chunks;
}

/**
 * Removes markers: with `few` markers left, in one `$in` delete (the store scans them all for
 * it); otherwise by `_id`, a few at a time.
 */
async function deleteMarkers(
  markers: Collection<OutboxMarker>,
  ids: readonly string[],
  few: boolean,
): Promise<void> {
  if (ids.length === 0) return;
  if (few) {
    await markers.deleteMany({ _id: { $in: [...ids] } });
    return;
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) await markers.deleteOne({ _id: ids[next++] });
  };
  await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, ids.length) }, worker));
}

async function loadAll(
  collection: Collection<Document>,
  markers: OutboxMarker[],
  logger: Logger,
): Promise<{ marker: OutboxMarker; doc: OutboxDocument | null }[]> {
  const loaded: { marker: OutboxMarker; doc: OutboxDocument | null }[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < markers.length) {
      const marker = markers[next++];
      const doc = (await collection.findOne({ _id: marker._id } as Document, {
        projection: { _id: 1, outbox: 1 },
      })) as OutboxDocument | null;
      if (doc && !doc.outbox)
        logger.warn({ id: marker._id }, 'marker for a document with no outbox');
      loaded.push({ marker, doc: doc?.outbox ? doc : null });
    }
  };
  await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, worker));
  return loaded;
}
