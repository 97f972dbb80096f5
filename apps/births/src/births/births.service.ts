import { mapConcurrently } from '@lib/concurrency';
import { deterministicEventId, isPendingOutbox } from '@lib/kafka';
import { BirthNotifiedV1, EncryptedPersonal } from '@lib/contracts';
import { CentreScope, type Principal } from '@lib/auth';
import { PersonalDataCipher } from '@lib/personal-data';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import { createHash } from 'node:crypto';
import { Connection } from 'mongoose';
import { GeographyAssignment, ReachAreaDirectory } from '../geography/reach-area-directory';
import { BirthPersonal, splitBirth } from './birth-event-data';
import type { BirthInput } from './birth-input';
import { ChildRecords, ChildVersionDraft, recordId } from './child-records';
import { initialState, objectionInForce, stateOf, withChoice, withResidence } from './child-state';
import type { BirthRecord } from './schemas/birth-record.schema';

export { BIRTHS_TOPIC } from './child-records';

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
/** Requests of an import batch in flight at once. */
const BATCH_CONCURRENCY = 8;

/** A change refused because of what is already held about the child. */
export class ChildChangeConflict extends ConflictException {
  constructor(message: string) {
    super({ statusCode: 409, error: 'Conflict', message });
  }
}

@Injectable()
export class BirthsService {
  private readonly conflicts: Collection<{
    _id: string;
    nhsNumber: string;
    contentHash: string;
    receivedAt: Date;
    data: unknown;
  }>;

  constructor(
    private readonly records: ChildRecords,
    private readonly geography: ReachAreaDirectory,
    private readonly cipher: PersonalDataCipher,
    @InjectConnection() connection: Connection,
  ) {
    this.conflicts = connection.collection('birth_conflicts');
  }

  /**
   * Stores a notification with the event it causes; answering only after this insert means an
   * acknowledged notification survives a Kafka outage or a crash. One notification per child: a
   * re-send is recognised by its idempotency key; different content changes nothing unless it
   * comes as a correction, and is kept for someone to resolve.
   */
  async notifyBirth(
    input: BirthInput,
    receivedAt: Date,
    submitter: Submitter = {},
  ): Promise<RecordBirthResult> {
    const idempotencyKey = `birth-notified:${input.nhsNumber}`;
    const eventId = deterministicEventId(idempotencyKey);
    const hash = contentHash(input);
    const { record, created } = await this.records.append(
      input.nhsNumber,
      eventId,
      idempotencyKey,
      receivedAt,
      (latest, recordId) => this.birthStateDraft('notified', recordId, input, latest, submitter),
    );
    const result = { eventId, version: record.version, created };
    if (created || record.contentHash === hash) return result;
    const conflictId = await this.keepConflict(input, hash, receivedAt);
    return { ...result, conflictId };
  }

  /**
   * Notifies a batch of births (one import batch, in row order): each as `notifyBirth` would.
   * Answers how many were already held unchanged (duplicates) and which rows were refused
   * because a different notification of that birth is held (kept for review, nothing changed).
   *
   * The store costs a round trip per request, so a batch is stored in bulk where it can: one
   * `_id` probe of each child's version 1 sorts the rows into children not known here (stored
   * together by `appendFirstVersions`), notifications already held (duplicates or conflicts,
   * decided by that version alone), and the rest (a child known here by a move first, or named
   * twice in the batch), which take the one-by-one path in row order.
   */
  async notifyBirths(
    rows: readonly BirthBatchRow[],
    receivedAt: Date,
    submitter: Submitter = {},
  ): Promise<BirthBatchOutcome> {
    const notices = rows.map(({ input }) => {
      const idempotencyKey = `birth-notified:${input.nhsNumber}`;
      return { input, idempotencyKey, eventId: deterministicEventId(idempotencyKey) };
    });
    const firstVersions = await mapConcurrently(notices, BATCH_CONCURRENCY, ({ input }) =>
      this.records.findById(recordId(input.nhsNumber, 1)),
    );
    const results = new Array<RecordBirthResult | undefined>(rows.length);
    const fresh: number[] = [];
    let oneByOne: number[] = [];
    const seen = new Set<string>();
    notices.forEach(({ input, eventId }, i) => {
      const first = firstVersions[i];
      if (seen.has(input.nhsNumber)) oneByOne.push(i);
      else if (!first) fresh.push(i);
      else if (first.eventId === eventId && first.contentHash === contentHash(input)) {
        results[i] = { eventId, version: first.version, created: false };
      } else oneByOne.push(i);
      seen.add(input.nhsNumber);
    });

    await this.cipher.prepareKeys(fresh.map((i) => notices[i].input.nhsNumber));
    const drafts = await mapConcurrently(fresh, BATCH_CONCURRENCY, (i) =>
      this.birthStateDraft(
        'notified',
        recordId(notices[i].input.nhsNumber, 1),
        notices[i].input,
        null,
        submitter,
      ),
    );
    const stored = await this.records.appendFirstVersions(
      fresh.map((i, k) => ({
        nhsNumber: notices[i].input.nhsNumber,
        eventId: notices[i].eventId,
        idempotencyKey: notices[i].idempotencyKey,
        receivedAt,
        draft: drafts[k],
      })),
    );
    fresh.forEach((i, k) => {
      if (stored[k]) results[i] = { eventId: notices[i].eventId, version: 1, created: true };
      else oneByOne.push(i);
    });

    // Rows of one child keep row order: the per-child serializer queues each call in the order
    // the workers take them.
    oneByOne = oneByOne.sort((x, y) => x - y);
    const slow = await mapConcurrently(oneByOne, BATCH_CONCURRENCY, (i) =>
      this.notifyBirth(notices[i].input, receivedAt, submitter),
    );
    oneByOne.forEach((i, k) => (results[i] = slow[k]));

    const outcome: BirthBatchOutcome = { duplicates: 0, refused: [] };
    rows.forEach(({ rowNumber }, i) => {
      const result = results[i];
      if (!result) throw new Error(`row ${rowNumber} of the batch was not stored`);
      if (result.conflictId) {
        outcome.refused.push({
          row: rowNumber,
          column: 'nhs_number',
          reason:
            'a different notification of this birth is already held; nothing changed ' +
            `(kept for review as conflict ${result.conflictId}; send a correction to change it)`,
        });
      } else if (!result.created) outcome.duplicates++;
    });
    return outcome;
  }

  /** Stores a correction (the full new state) as the child's next version; old versions kept. */
  async correctBirth(
    input: BirthInput,
    sourceCorrectionId: string,
    receivedAt: Date,
    submitter: Submitter = {},
  ): Promise<RecordBirthResult> {
    const idempotencyKey = `birth-corrected:${input.nhsNumber}:${sourceCorrectionId}`;
    const eventId = deterministicEventId(idempotencyKey);
    const { record, created } = await this.records.append(
      input.nhsNumber,
      eventId,
      idempotencyKey,
      receivedAt,
      (latest, recordId) => {
        if (!latest?.birthRecordId) {
          throw new NotFoundException('no birth notified for that NHS number');
        }
        if (latest.retracted) {
          throw new ChildChangeConflict('the notification of this birth was retracted');
        }
        return this.birthStateDraft('corrected', recordId, input, latest, submitter);
      },
    );
    return { eventId, version: record.version, created };
  }

  /**
   * The child's current state for a centre caller: its highest version, only if that version
   * places the child in one of the caller's centres (an older version in scope does not count:
   * the family may have moved out of the area).
   */
  async findCurrentBirth(scope: CentreScope, nhsNumber: string): Promise<BirthRecord | null> {
    const current = await this.records.latest(nhsNumber);
    if (!current || current.centreId === null || !scope.centres.includes(current.centreId)) {
      return null;
    }
    return scope.la === undefined || current.la === scope.la ? current : null;
  }

  /**
   * What a centre caller sees of a child: the birth's facts and current residence, and the
   * identities unless a sharing objection is in force or the subject was erased.
   */
  async readCurrentBirth(scope: CentreScope, nhsNumber: string): Promise<BirthView | null> {
    const current = await this.findCurrentBirth(scope, nhsNumber);
    if (!current || current.retracted) return null;
    const birth = current.birthRecordId ? await this.records.findById(current.birthRecordId) : null;
    const view: Omit<BirthView, 'identity' | 'identityStatus'> = {
      nhsNumber,
      version: current.version,
      birthDate: current.birthDate,
      postcodeDistrict: current.postcodeDistrict,
      centreId: current.centreId,
      known: birth ? 'birth' : 'move-in',
      sharingObjection: current.sharingObjection,
      dateOfDeath: current.dateOfDeath,
      receivedAt: current.receivedAt,
      published: !(await isPendingOutbox(this.records.model.collection, current._id)),
    };
    if (current.sharingObjection) return { ...view, identity: null, identityStatus: 'withheld' };
    return { ...view, ...(await this.openIdentity(nhsNumber, birth, current.addressRecordId)) };
  }

  /** Names from the birth (or the move-in that introduced the child), address from the residence. */
  private async openIdentity(
    nhsNumber: string,
    birth: BirthRecord | null,
    addressRecordId: string | null,
  ): Promise<Pick<BirthView, 'identity' | 'identityStatus'>> {
    const address =
      addressRecordId && addressRecordId !== birth?._id
        ? await this.records.findById(addressRecordId)
        : null;
    const sealedIn = [birth, address].filter((r): r is BirthRecord => r !== null);
    let identity: BirthPersonal | null = null;
    let status: BirthView['identityStatus'] = 'absent';
    for (const record of sealedIn) {
      const { personal } = record.outbox.event.data as { personal?: EncryptedPersonal };
      if (!personal) continue;
      const opened = await this.cipher.open<BirthPersonal>(personal, { subjectId: nhsNumber });
      if (opened.status !== 'ok') {
        status = opened.status;
        continue;
      }
      status = 'present';
      // A move's address replaces the birth's address as a whole (lines and postcode).
      identity =
        record === address
          ? { ...withoutAddress(identity ?? {}), ...opened.personal }
          : { ...(identity ?? {}), ...opened.personal };
    }
    return { identity: status === 'present' ? identity : null, identityStatus: status };
  }

  /** The event and state of a notification or correction. */
  private async birthStateDraft(
    kind: 'notified' | 'corrected',
    recordId: string,
    input: BirthInput,
    latest: BirthRecord | null,
    submitter: Submitter,
  ): Promise<ChildVersionDraft> {
    const { nhsNumber } = input;
    // The assignment in force at the event date (the birth) travels with the event; figures can
    // still map its LSOA under any other boundary version.
    const assignment = await this.geography.assignAt(input.postcode, input.birthDate);
    const split = splitBirth(input, { lsoa: assignment.lsoa, centreId: assignment.centreId });
    // Identifying details travel (and are kept here) only encrypted with the child's key, so
    // erasing the key erases them everywhere; null once the subject has been erased.
    const personal = await this.cipher.seal(nhsNumber, split.personal);
    const data: BirthNotifiedV1 = { facts: split.facts, ...(personal ? { personal } : {}) };
    const sensitive = input.sensitive === true;
    const before = latest ? stateOf(latest) : initialState(input.birthDate);
    const residence = {
      postcodeDistrict: data.facts.postcodeDistrict,
      lsoa: data.facts.lsoa ?? null,
      centreId: data.facts.centreId ?? null,
      la: sensitive ? null : placedLa(assignment, submitter),
      unplaced: assignment.status === 'unassigned' ? assignment.reason : null,
      from: input.birthDate,
      recordId,
    };
    const choice =
      input.sharingObjection === undefined
        ? null
        : { objects: input.sharingObjection, effectiveDate: input.birthDate };
    const choices = withChoice(before.choices, choice, (latest?.version ?? 0) + 1);
    const state = {
      ...withResidence({ ...before, birthDate: input.birthDate, sensitive }, residence, 'birth'),
      birthRecordId: recordId,
      choices,
      sharingObjection: objectionInForce(choices),
    };
    return {
      kind,
      type: kind === 'notified' ? 'BirthNotified' : 'BirthCorrected',
      time: `${input.birthDate}T00:00:00Z`,
      data,
      state,
      choice,
      contentHash: contentHash(input),
    };
  }

  /** Keeps a conflicting notification (sealed like a record) for review; idempotent. */
  private async keepConflict(input: BirthInput, hash: string, receivedAt: Date): Promise<string> {
    const conflictId = deterministicEventId(`birth-conflict:${input.nhsNumber}:${hash}`);
    const split = splitBirth(input, { lsoa: null, centreId: null });
    const personal = await this.cipher.seal(input.nhsNumber, split.personal);
    try {
      await this.conflicts.insertOne({
        _id: conflictId,
        nhsNumber: input.nhsNumber,
        contentHash: hash,
        receivedAt,
        data: { facts: split.facts, ...(personal ? { personal } : {}) },
      });
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    }
    return conflictId;
  }
}

/** Who sent a change: the LA of the feed counts a child whose postcode places it nowhere. */
export interface Submitter {
  la?: string;
}

/**
 * The LA a residence counts in: the postcode's own LA when the lookup knows it, else (unknown or
 * pseudo-postcode) the LA of the feed that reported the child, so it is counted at LA level.
 */
export function submitterOf(principal: Principal): Submitter {
  return principal.la ? { la: principal.la } : {};
}

export function placedLa(assignment: GeographyAssignment, submitter: Submitter): string | null {
  return assignment.la ?? submitter.la ?? null;
}

const ADDRESS_FIELDS = ['addressLine1', 'addressLine2', 'town', 'postcode'] as const;

function withoutAddress(personal: BirthPersonal): BirthPersonal {
  const rest = { ...personal };
  for (const field of ADDRESS_FIELDS) delete rest[field];
  return rest;
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
  /** How the child became known here: a birth notification, or a move into the area. */
  known: 'birth' | 'move-in';
  /** A sharing objection is in force: identities are withheld from centres. */
  sharingObjection: boolean;
  /** Set once a death has been notified: no contact, no worklist. */
  dateOfDeath: string | null;
  /**
   * Names and address; null when none were given, withheld under a sharing objection, the
   * subject was erased, or unreadable.
   */
  identity: BirthPersonal | null;
  identityStatus: 'present' | 'absent' | 'withheld' | 'erased' | 'unreadable';
  receivedAt: Date;
  published: boolean;
}
