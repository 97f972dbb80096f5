import { CloudEvent } from '@lib/contracts';
import {
  deterministicEventId,
  EventProducer,
  insertWithOutbox,
  OutboxRelays,
  outboxMarkers,
  pendingOutbox,
} from '@lib/kafka';
import { currentCorrelationId } from '@lib/logging';
import { ensureIndexes, KeyedSerializer } from '@lib/platform';
import { Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import { Connection, Model } from 'mongoose';
import type { Collection, Document } from 'mongodb';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildState } from './child-state';
import { BirthRecord, ChildRecordKind, SharingChoice } from './schemas/birth-record.schema';

export const BIRTHS_TOPIC = 'births.child.v1';

const DUPLICATE_KEY = 11000;
const MAX_REMEMBERED_CHILDREN = 200_000;
// Concurrent changes of one child race for the next version; the loser retries.
const MAX_VERSION_ATTEMPTS = 1000;

/** The event a new version causes, and the state it leaves the child in. */
export interface ChildVersionDraft {
  kind: ChildRecordKind;
  type: string;
  /** When it happened (the envelope's `time`). */
  time: string;
  data: unknown;
  state: ChildState;
  choice: SharingChoice | null;
  contentHash: string;
}

export interface AppendResult {
  record: BirthRecord;
  /** false when the version was already held (a re-send): nothing new was stored. */
  created: boolean;
}

/**
 * The child's versions (collection `child_versions`): appends a version with its event and runs
 * the relay that publishes them in version order. A version's `_id` is `<nhsNumber>:<version>`,
 * so inserting it claims the version (the store loses concurrent updates of one document, but
 * not inserts), and a child's versions are read by `_id` alone: the store answers `_id` lookups
 * in constant time but scans the whole collection for any other query.
 */
@Injectable()
export class ChildRecords implements OnModuleInit, OnApplicationBootstrap {
  // Changes of one child queue here instead of racing for the same version slot.
  private readonly perChild = new KeyedSerializer();
  /** The highest version seen per child: where probing for the latest starts. */
  private readonly latestVersions = new Map<string, number>();
  /** Event id → the version that stored it (`_id` lookups for re-sends). */
  private readonly eventIndex: Collection<{ _id: string; recordId: string }>;

  constructor(
    @InjectModel(BirthRecord.name) readonly model: Model<BirthRecord>,
    private readonly producer: EventProducer,
    private readonly relays: OutboxRelays,
    @InjectConnection() connection: Connection,
  ) {
    this.eventIndex = connection.collection('child_version_events');
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model.collection, [
      { name: 'event_id', key: { eventId: 1 }, unique: true },
      { name: 'child_version', key: { nhsNumber: 1, version: 1 }, unique: true },
    ]);
  }

  /** The relay publishes what the inserts below stored, each child's events in version order. */
  onApplicationBootstrap(): void {
    this.relays.start('birth-relay', { collections: [this.model.collection] });
  }

  /**
   * Appends the version whose event is `eventId`, unless it is already held (a re-send: answered
   * with the held version). `draft` gets the child's latest version (null for a child not known
   * here) and the new version's record id, and may refuse by throwing; it is called again if
   * another change took the version meanwhile.
   */
  async append(
    nhsNumber: string,
    eventId: string,
    idempotencyKey: string,
    receivedAt: Date,
    draft: (latest: BirthRecord | null, recordId: string) => Promise<ChildVersionDraft>,
  ): Promise<AppendResult> {
    return this.perChild.run(nhsNumber, async () => {
      for (let attempt = 1; attempt <= MAX_VERSION_ATTEMPTS; attempt++) {
        const held = await this.heldVersion(eventId);
        if (held) return { record: held, created: false };
        const latest = await this.latest(nhsNumber);
        const version = (latest?.version ?? 0) + 1;
        const id = recordId(nhsNumber, version);
        const next = await draft(latest, id);
        const record = this.toRecord(nhsNumber, eventId, idempotencyKey, version, next, receivedAt);
        record.outbox.prevId = latest?._id ?? null;
        if (await insertWithOutbox(this.model.collection, record)) {
          await this.remember(eventId, id);
          this.latestVersions.set(nhsNumber, version);
          return { record, created: true };
        }
        // Lost the slot to another process's change, or this very event stored already
        // (its unique index refused it): find out which.
        const taken = await this.findById(id);
        if (!taken) {
          const stored = await this.model.findOne({ eventId }).lean<BirthRecord>().exec();
          if (stored) {
            // Stored by a process that stopped before remembering it (rare): remember it now.
            await this.remember(eventId, stored._id);
            return { record: stored, created: false };
          }
        }
        await sleep(Math.random() * Math.min(50, attempt * 2));
      }
      throw new Error(`could not take a version after ${MAX_VERSION_ATTEMPTS} attempts`);
    });
  }

  /**
   * Stores version 1 of children not known here (an import batch), in three bulk inserts: the
   * pending markers, the versions, the event-id index entries. Answers, per item, whether it was
   * stored; false means the child became known meanwhile (another change took its version 1) or
   * its event is held: the caller then takes the one-by-one path (`append`), which sorts that out.
   * A marker left by an item not stored names a document already held: the relay publishes that
   * one if it is still pending (it is its marker anyway) and otherwise drops the marker.
   */
  async appendFirstVersions(items: readonly FirstVersion[]): Promise<boolean[]> {
    if (items.length === 0) return [];
    const records = items.map((item) => {
      const record = this.toRecord(
        item.nhsNumber,
        item.eventId,
        item.idempotencyKey,
        1,
        item.draft,
        item.receivedAt,
      );
      record.outbox.prevId = null;
      return record;
    });
    const at = new Date();
    await insertManyIgnoringDuplicates(
      outboxMarkers(this.model.collection),
      records.map((r) => ({ _id: r._id, at })),
    );
    const refused = await insertManyIgnoringDuplicates(this.model.collection, records);
    const stored = records.filter((_, i) => !refused.has(i));
    await insertManyIgnoringDuplicates(
      this.eventIndex,
      stored.map((r) => ({ _id: r.eventId, recordId: r._id })),
    );
    for (const record of stored) this.latestVersions.set(record.nhsNumber, 1);
    return records.map((_, i) => !refused.has(i));
  }

  /** The version stored for an idempotency key, if any (a re-send, or what a withdrawal names). */
  async held(idempotencyKey: string): Promise<BirthRecord | null> {
    return this.heldVersion(deterministicEventId(idempotencyKey));
  }

  /** The version an event id was stored as, by the event-id index (one `_id` lookup each). */
  private async heldVersion(eventId: string): Promise<BirthRecord | null> {
    const entry = await this.eventIndex.findOne({ _id: eventId });
    return entry ? this.findById(entry.recordId) : null;
  }

  private async remember(eventId: string, id: string): Promise<void> {
    try {
      await this.eventIndex.insertOne({ _id: eventId, recordId: id });
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    }
  }

  async findById(id: string): Promise<BirthRecord | null> {
    // The driver's own lookup: documents come back as stored (what `lean()` gives), without
    // mongoose's query machinery on the path every import row takes.
    return (await this.model.collection.findOne({ _id: id } as never)) as BirthRecord | null;
  }

  /**
   * The child's highest version (internal use: no caller scope): probed by `_id` upwards from
   * the highest this process has seen (versions are never removed, only added).
   */
  async latest(nhsNumber: string): Promise<BirthRecord | null> {
    const seen = this.latestVersions.get(nhsNumber) ?? 0;
    let latest = seen > 0 ? await this.findById(recordId(nhsNumber, seen)) : null;
    for (let version = latest ? seen + 1 : 1; ; version++) {
      const next = await this.findById(recordId(nhsNumber, version));
      if (!next) break;
      latest = next;
    }
    if (latest) {
      if (this.latestVersions.size >= MAX_REMEMBERED_CHILDREN) this.latestVersions.clear();
      this.latestVersions.set(nhsNumber, latest.version);
    }
    return latest;
  }

  private toRecord(
    nhsNumber: string,
    eventId: string,
    idempotencyKey: string,
    version: number,
    draft: ChildVersionDraft,
    receivedAt: Date,
  ): BirthRecord {
    const correlationId = currentCorrelationId() ?? eventId;
    const event: CloudEvent = this.producer.buildEvent({
      topic: BIRTHS_TOPIC,
      key: nhsNumber,
      type: draft.type,
      id: eventId,
      subject: nhsNumber,
      time: draft.time,
      recordedtime: receivedAt.toISOString(),
      subjectversion: version,
      correlationid: correlationId,
      data: draft.data,
    });
    // Refuse now what the relay could never publish.
    this.producer.assertValid(BIRTHS_TOPIC, event);
    return {
      _id: recordId(nhsNumber, version),
      eventId,
      idempotencyKey,
      nhsNumber,
      version,
      kind: draft.kind,
      ...draft.state,
      // A version that states a residence points at itself until a later one does.
      addressRecordId: draft.state.addressRecordId ?? null,
      choice: draft.choice,
      contentHash: draft.contentHash,
      receivedAt,
      correlationId,
      outbox: pendingOutbox(BIRTHS_TOPIC, nhsNumber, version, event, receivedAt),
    };
  }
}

/** Version 1 of a child not known here, for `appendFirstVersions`. */
export interface FirstVersion {
  nhsNumber: string;
  eventId: string;
  idempotencyKey: string;
  receivedAt: Date;
  draft: ChildVersionDraft;
}

/**
 * One unordered insert; answers the indexes of the documents refused because their `_id` or a
 * unique index already held them. Any other failure throws.
 */
async function insertManyIgnoringDuplicates<T extends Document>(
  collection: Collection<T>,
  docs: readonly T[],
): Promise<Set<number>> {
  const refused = new Set<number>();
  if (docs.length === 0) return refused;
  try {
    await collection.insertMany(docs as never[], { ordered: false });
  } catch (error) {
    const writeErrors = (error as { writeErrors?: { index: number; code?: number }[] }).writeErrors;
    if (!writeErrors || writeErrors.some((e) => e.code !== DUPLICATE_KEY)) throw error;
    for (const e of writeErrors) refused.add(e.index);
  }
  return refused;
}

/** A version's `_id`: the child's NHS number and the version. */
export function recordId(nhsNumber: string, version: number): string {
  return `${nhsNumber}:${version}`;
}
