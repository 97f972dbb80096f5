import { CloudEvent } from '@lib/contracts';
import { EventProducer, OUTBOX_INDEXES, OutboxRelays, pendingOutbox } from '@lib/kafka';
import { currentCorrelationId } from '@lib/logging';
import { ensureIndexes, KeyedSerializer } from '@lib/platform';
import { Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildState } from './child-state';
import { BirthRecord, ChildRecordKind, SharingChoice } from './schemas/birth-record.schema';

export const BIRTHS_TOPIC = 'births.child.v1';

const DUPLICATE_KEY = 11000;
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
 * The child's versions (collection `birth_records`): appends a version with its event in one
 * insert and runs the relay that publishes them in version order. The version is taken by
 * inserting into the unique (nhsNumber, version) slot, never by updating a counter: the store
 * loses concurrent updates of one document, but not inserts.
 */
@Injectable()
export class ChildRecords implements OnModuleInit, OnApplicationBootstrap {
  // Changes of one child queue here instead of racing for the same version slot.
  private readonly perChild = new KeyedSerializer();

  constructor(
    @InjectModel(BirthRecord.name) readonly model: Model<BirthRecord>,
    private readonly producer: EventProducer,
    private readonly relays: OutboxRelays,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model.collection, [
      { name: 'child_version', key: { nhsNumber: 1, version: 1 }, unique: true },
      { name: 'centre_child', key: { centreId: 1, nhsNumber: 1 } },
      ...OUTBOX_INDEXES,
    ]);
  }

  /** The relay publishes what the inserts below stored, each child's events in version order. */
  onApplicationBootstrap(): void {
    this.relays.start('birth-relay', { collections: [this.model.collection] });
  }

  /**
   * Appends the version `eventId` names, unless it is already held (a re-send: answered with the
   * held version). `draft` gets the child's latest version (null for a child not known here) and
   * may refuse by throwing; it is called again if another change took the version meanwhile.
   */
  async append(
    nhsNumber: string,
    eventId: string,
    idempotencyKey: string,
    receivedAt: Date,
    draft: (latest: BirthRecord | null) => Promise<ChildVersionDraft>,
  ): Promise<AppendResult> {
    return this.perChild.run(nhsNumber, async () => {
      const held = await this.findById(eventId);
      if (held) return { record: held, created: false };
      for (let attempt = 1; attempt <= MAX_VERSION_ATTEMPTS; attempt++) {
        const latest = await this.latest(nhsNumber);
        const version = (latest?.version ?? 0) + 1;
        const next = await draft(latest);
        const record = this.toRecord(nhsNumber, eventId, idempotencyKey, version, next, receivedAt);
        if (await this.tryInsert(record)) return { record, created: true };
        // Lost the slot: to another process's change, or this very input sent twice at once.
        const winner = await this.findById(eventId);
        if (winner) return { record: winner, created: false };
        await sleep(Math.random() * Math.min(50, attempt * 2));
      }
      throw new Error(`could not take a version after ${MAX_VERSION_ATTEMPTS} attempts`);
    });
  }

  async findById(eventId: string): Promise<BirthRecord | null> {
    return this.model.findById(eventId).lean<BirthRecord>().exec();
  }

  /** The child's highest version (internal use: no caller scope). */
  async latest(nhsNumber: string): Promise<BirthRecord | null> {
    return this.model.findOne({ nhsNumber }).sort({ version: -1 }).lean<BirthRecord>().exec();
  }

  /** The child's highest version of one of `kinds`. */
  async latestOf(
    nhsNumber: string,
    kinds: readonly ChildRecordKind[],
  ): Promise<BirthRecord | null> {
    return this.model
      .findOne({ nhsNumber, kind: trusted({ $in: kinds }) })
      .sort({ version: -1 })
      .lean<BirthRecord>()
      .exec();
  }

  /** Every sharing choice stated for the child, with the version that stated it. */
  async choices(nhsNumber: string): Promise<(SharingChoice & { version: number })[]> {
    const stated = await this.model
      .find({ nhsNumber, choice: trusted({ $ne: null }) }, { choice: 1, version: 1 })
      .lean<{ choice: SharingChoice; version: number }[]>()
      .exec();
    return stated.map((s) => ({ ...s.choice, version: s.version }));
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
      _id: eventId,
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

  /** Inserts; false on a duplicate key (re-send or a lost race for the version). */
  private async tryInsert(record: BirthRecord): Promise<boolean> {
    try {
      await this.model.collection.insertOne(record as never);
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
      throw error;
    }
  }
}
