import CircuitBreaker from 'opossum';
import type { Collection, Document } from 'mongodb';
import type { Logger } from 'pino';
import { EventProducer, PublishedRecord } from '../event-producer';
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
  private readonly breaker: CircuitBreaker<[OutboxFields], PublishedRecord>;
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
      (entry: OutboxFields) =>
        this.trackSend(this.producer.publishEvent(entry.topic, entry.key, entry.event)),
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
   * One pass over every outbox collection: reads the pending markers (never the collection),
   * loads their documents by `_id`, and publishes the oldest first, each key's in `seq` order.
   * Stops at the first failed send so a key's later events never overtake an earlier one.
   * `more` says pending events were left for the next pass.
   */
  async publishPending(): Promise<{ published: number; more: boolean }> {
    const limit = this.options.batchSize ?? 200;
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
      chosen.sort((a, b) => a.at.getTime() - b.at.getTime() || a._id.localeCompare(b._id));
      const pendingIds = new Set(chosen.map((m) => m._id));
      const docs = await loadAll(collection, chosen, this.logger);
      const pending: OutboxDocument[] = [];
      for (const { marker, doc } of docs) {
        if (doc?.outbox.status === 'pending') pending.push(doc);
        else if (doc || Date.now() - marker.at.getTime() > ORPHAN_MARKER_MS) {
          // Published already, or a marker whose document never came (a crash or a re-send).
          await markers.deleteOne({ _id: marker._id });
        }
      }
      pending.sort(
        (a, b) => a.outbox.key.localeCompare(b.outbox.key) || a.outbox.seq - b.outbox.seq,
      );
      const publishedIds = new Set<string>();
      for (const doc of pending) {
        if (this.stopped && published > 0) return { published, more: false };
        const prev = doc.outbox.prevId;
        const prevPending =
          prev &&
          !publishedIds.has(prev) &&
          (pendingIds.has(prev) || (await markers.findOne({ _id: prev })));
        if (prevPending) {
          more = true; // its key's earlier event is still pending: next pass
          continue;
        }
        let record: PublishedRecord;
        try {
          record = await this.breaker.fire(doc.outbox);
        } catch (error) {
          if (!this.breaker.opened)
            this.logger.warn(
              { err: error, topic: doc.outbox.topic },
              'publish failed; stays pending',
            );
          return { published, more: false };
        }
        await Promise.all([
          collection.updateOne({ _id: doc._id } as Document, {
            $set: {
              'outbox.status': 'published',
              'outbox.publishedAt': new Date(),
              'outbox.partition': record.partition,
              'outbox.offset': record.offset,
            },
          }),
          markers.deleteOne({ _id: doc._id }),
        ]);
        publishedIds.add(doc._id);
        published++;
      }
    }
    return { published, more };
  }
}

/** A marker older than this without its document is dropped (its insert never happened). */
const ORPHAN_MARKER_MS = 60_000;
const LOAD_CONCURRENCY = 8;

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
