import {
  deterministicEventId,
  EventProducer,
  OUTBOX_INDEXES,
  OutboxRelays,
  pendingOutbox,
} from '@lib/kafka';
import { BirthNotifiedV1 } from '@lib/contracts';
import { currentCorrelationId } from '@lib/logging';
import { CentreScope } from '@lib/auth';
import { PersonalDataCipher } from '@lib/personal-data';
import { ensureIndexes, KeyedSerializer } from '@lib/platform';
import {
  Injectable,
  NotFoundException,
  OnApplicationBootstrap,
  OnModuleInit,
} from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import { createHash } from 'node:crypto';
import { Connection, Model, trusted } from 'mongoose';
import { setTimeout as sleep } from 'node:timers/promises';
import { ReachAreaDirectory } from '../geography/reach-area-directory';
import { BirthPersonal, splitBirth } from './birth-event-data';
import type { BirthInput } from './birth-input';
import { BirthRecord } from './schemas/birth-record.schema';

export const BIRTHS_TOPIC = 'births.child.v1';

export interface RecordBirthResult {
  eventId: string;
  version: number;
  /** false when nothing new was stored: a re-send, or a conflicting notification kept for review. */
  created: boolean;
  /** Set when a notification differed from the birth already held: kept, nothing changed. */
  conflictId?: string;
}

/** A stable digest of a birth's content: the same input from any channel gives the same hash. */
export function contentHash(input: BirthInput): string {
  const canonical = Object.keys(input)
    .sort()
    .filter((k) => input[k as keyof BirthInput] !== undefined)
    .map((k) => [k, input[k as keyof BirthInput]]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

const DUPLICATE_KEY = 11000;
// Concurrent corrections of one birth race for the next version; the loser retries.
const MAX_VERSION_ATTEMPTS = 1000;

@Injectable()
export class BirthsService implements OnModuleInit, OnApplicationBootstrap {
  // Corrections of one child queue here instead of racing for the same version slot.
  private readonly perChild = new KeyedSerializer();

  constructor(
    @InjectModel(BirthRecord.name) private readonly records: Model<BirthRecord>,
    private readonly producer: EventProducer,
    private readonly geography: ReachAreaDirectory,
    private readonly cipher: PersonalDataCipher,
    private readonly relays: OutboxRelays,
    @InjectConnection() connection: Connection,
  ) {
    this.conflicts = connection.collection('birth_conflicts');
  }

  private readonly conflicts: Collection<{
    _id: string;
    nhsNumber: string;
    contentHash: string;
    receivedAt: Date;
    data: unknown;
  }>;

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.records.collection, [
      { name: 'child_version', key: { nhsNumber: 1, version: 1 }, unique: true },
      { name: 'centre_child', key: { centreId: 1, nhsNumber: 1 } },
      ...OUTBOX_INDEXES,
    ]);
  }
  /** The relay publishes what the inserts below stored, each child's events in version order. */
  onApplicationBootstrap(): void {
    this.relays.start('birth-relay', { collections: [this.records.collection] });
  }

  /**
   * Stores a notification (version 1) with the event it causes; answering only after this insert
   * means an acknowledged notification survives a Kafka outage or a crash. One notification per
   * child: a re-send is recognised by its idempotency key.
   */
  async notifyBirth(input: BirthInput, receivedAt: Date): Promise<RecordBirthResult> {
    const idempotencyKey = `birth-notified:${input.nhsNumber}`;
    const eventId = deterministicEventId(idempotencyKey);
    const record = await this.buildRecord(eventId, idempotencyKey, 1, input, receivedAt);
    if (await this.tryInsert(record)) return { eventId, version: 1, created: true };
    const existing = await this.records.findById(eventId).lean<BirthRecord>().exec();
    if (!existing) throw new Error('duplicate key on insert but no record with that id');
    // The same birth again: identical content is a re-send; different content changes nothing
    // unless it comes as a correction, and is kept for someone to resolve.
    if (existing.contentHash === record.contentHash) {
      return { eventId, version: existing.version, created: false };
    }
    return {
      eventId,
      version: existing.version,
      created: false,
      conflictId: await this.keepConflict(record),
    };
  }

  /**
   * Notifies a batch of births (one import batch, in row order): each as `notifyBirth` would.
   * Answers how many were already held unchanged (duplicates) and which rows were refused
   * because a different notification of that birth is held (kept for review, nothing changed).
   */
  async notifyBirths(rows: readonly BirthBatchRow[], receivedAt: Date): Promise<BirthBatchOutcome> {
    const outcome: BirthBatchOutcome = { duplicates: 0, refused: [] };
    for (const { rowNumber, input } of rows) {
      const result = await this.notifyBirth(input, receivedAt);
      if (result.conflictId) {
        outcome.refused.push({
          row: rowNumber,
          column: 'nhs_number',
          reason:
            'a different notification of this birth is already held; nothing changed ' +
            `(kept for review as conflict ${result.conflictId}; send a correction to change it)`,
        });
      } else if (!result.created) outcome.duplicates++;
    }
    return outcome;
  }

  /**
   * Stores a correction (the full new state) as the birth's next version. The version is taken by
   * inserting into the unique (nhsNumber, version) slot, never by updating a counter: the store
   * loses concurrent updates of one document, but not inserts.
   */
  async correctBirth(
    input: BirthInput,
    sourceCorrectionId: string,
    receivedAt: Date,
  ): Promise<RecordBirthResult> {
    const { nhsNumber } = input;
    const idempotencyKey = `birth-corrected:${nhsNumber}:${sourceCorrectionId}`;
    const eventId = deterministicEventId(idempotencyKey);
    return this.perChild.run(nhsNumber, () =>
      this.insertNextVersion(input, idempotencyKey, eventId, receivedAt),
    );
  }

  private async insertNextVersion(
    input: BirthInput,
    idempotencyKey: string,
    eventId: string,
    receivedAt: Date,
  ): Promise<RecordBirthResult> {
    const { nhsNumber } = input;
    const resent = await this.records.findById(eventId).lean<BirthRecord>().exec();
    if (resent) return { eventId, version: resent.version, created: false };
    for (let attempt = 1; attempt <= MAX_VERSION_ATTEMPTS; attempt++) {
      const latest = await this.latest(nhsNumber);
      if (!latest) throw new NotFoundException('no birth notified for that NHS number');
      const version = latest.version + 1;
      const record = await this.buildRecord(eventId, idempotencyKey, version, input, receivedAt);
      if (await this.tryInsert(record)) return { eventId, version, created: true };
      // Lost the slot: to another process's correction, or this very input sent twice at once.
      const winner = await this.records.findById(eventId).lean<BirthRecord>().exec();
      if (winner) return { eventId, version: winner.version, created: false };
      await sleep(Math.random() * Math.min(50, attempt * 2));
    }
    throw new Error(
      `could not take a version for a correction after ${MAX_VERSION_ATTEMPTS} attempts`,
    );
  }

  /**
   * The birth's current state for a centre caller: its highest version, only if that version is
   * assigned to one of the caller's centres (an older version in scope does not count: the
   * family may have moved out of the area).
   */
  async findCurrentBirth(scope: CentreScope, nhsNumber: string): Promise<BirthRecord | null> {
    const inScope = await this.records
      .findOne(scope.filter({ nhsNumber }))
      .sort({ version: -1 })
      .lean<BirthRecord>()
      .exec();
    if (!inScope) return null;
    const newer = await this.records.countDocuments({
      nhsNumber,
      // Operators in mongoose filters must be trusted: sanitizeFilter neutralises all others.
      version: trusted({ $gt: inScope.version }),
    });
    return newer === 0 ? inScope : null;
  }

  /** What a centre caller sees of a birth: facts, and identities unless the subject was erased. */
  async readCurrentBirth(scope: CentreScope, nhsNumber: string): Promise<BirthView | null> {
    const birth = await this.findCurrentBirth(scope, nhsNumber);
    if (!birth) return null;
    const { personal } = birth.outbox.event.data as BirthNotifiedV1;
    const opened = personal
      ? await this.cipher.open<BirthPersonal>(personal, { subjectId: nhsNumber })
      : undefined;
    return {
      nhsNumber: birth.nhsNumber,
      version: birth.version,
      birthDate: birth.birthDate,
      postcodeDistrict: birth.postcodeDistrict,
      centreId: birth.centreId,
      identity: opened?.status === 'ok' ? opened.personal : null,
      identityStatus: opened ? (opened.status === 'ok' ? 'present' : opened.status) : 'absent',
      receivedAt: birth.receivedAt,
      published: birth.outbox.status === 'published',
    };
  }

  /** The birth's current state: its highest version (internal use: no caller scope). */
  async latest(nhsNumber: string): Promise<BirthRecord | null> {
    return this.records.findOne({ nhsNumber }).sort({ version: -1 }).lean<BirthRecord>().exec();
  }

  private async buildRecord(
    eventId: string,
    idempotencyKey: string,
    version: number,
    input: BirthInput,
    receivedAt: Date,
  ): Promise<BirthRecord> {
    const { nhsNumber } = input;
    const kind = version === 1 ? 'notified' : 'corrected';
    const correlationId = currentCorrelationId() ?? eventId;
    // The assignment in force at the event date (the birth) travels with the event; figures can
    // still map its LSOA under any other boundary version.
    const assignment = await this.geography.assignAt(input.postcode, input.birthDate);
    const split = splitBirth(input, {
      lsoa: assignment.lsoa,
      centreId: assignment.centreId,
    });
    // Identifying details travel (and are kept here) only encrypted with the child's key, so
    // erasing the key erases them everywhere; null once the subject has been erased.
    const personal = await this.cipher.seal(nhsNumber, split.personal);
    const data: BirthNotifiedV1 = { facts: split.facts, ...(personal ? { personal } : {}) };
    const event = this.producer.buildEvent({
      topic: BIRTHS_TOPIC,
      key: nhsNumber,
      type: kind === 'notified' ? 'BirthNotified' : 'BirthCorrected',
      id: eventId,
      subject: nhsNumber,
      time: `${input.birthDate}T00:00:00Z`,
      recordedtime: receivedAt.toISOString(),
      subjectversion: version,
      correlationid: correlationId,
      data,
    });
    // Refuse now what the relay could never publish.
    this.producer.assertValid(BIRTHS_TOPIC, event);
    return {
      _id: eventId,
      idempotencyKey,
      nhsNumber,
      version,
      kind,
      birthDate: input.birthDate,
      postcodeDistrict: data.facts.postcodeDistrict,
      centreId: data.facts.centreId ?? null,
      la: input.sensitive ? null : assignment.la,
      contentHash: contentHash(input),
      receivedAt,
      correlationId,
      outbox: pendingOutbox(BIRTHS_TOPIC, nhsNumber, version, event, receivedAt),
    };
  }

  /** Inserts; false on a duplicate key (re-send or a lost race for the version). */
  private async tryInsert(record: BirthRecord): Promise<boolean> {
    try {
      await this.records.collection.insertOne(record as never);
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  /** Keeps a conflicting notification (sealed like the record) for review; idempotent. */
  private async keepConflict(record: BirthRecord): Promise<string> {
    const conflictId = deterministicEventId(
      `birth-conflict:${record.nhsNumber}:${record.contentHash}`,
    );
    try {
      await this.conflicts.insertOne({
        _id: conflictId,
        nhsNumber: record.nhsNumber,
        contentHash: record.contentHash,
        receivedAt: record.receivedAt,
        data: record.outbox.event.data,
      });
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    }
    return conflictId;
  }
}

export interface BirthBatchRow {
  rowNumber: number;
  input: BirthInput;
}

export interface BirthBatchOutcome {
  duplicates: number;
  refused: { row: number; column: string; reason: string }[];
}

export interface BirthView {
  nhsNumber: string;
  version: number;
  birthDate: string;
  postcodeDistrict: string | null;
  centreId: string | null;
  /** Postcode and names; null when none were given, the subject was erased, or unreadable. */
  identity: BirthPersonal | null;
  identityStatus: 'present' | 'absent' | 'erased' | 'unreadable';
  receivedAt: Date;
  published: boolean;
}
