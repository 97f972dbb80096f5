import { problemsException } from '@lib/platform';
import type {
  BirthRetractedV1,
  ChildEventChannel,
  DeathNotifiedV1,
  DeathRetractedV1,
  ResidenceChangedV1,
  ResidenceChangeRetractedV1,
  SharingObjectionFactsV1,
} from '@lib/contracts';
import { deterministicEventId } from '@lib/kafka';
import { PersonalDataCipher } from '@lib/personal-data';
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ReachAreaDirectory } from '../geography/reach-area-directory';
import { ChildChangeConflict, placedLa, Submitter } from './births.service';
import { ChildRecords } from './child-records';
import {
  currentResidence,
  initialState,
  objectionInForce,
  stateOf,
  withChoice,
  withoutMove,
  withResidence,
} from './child-state';
import { postcodeDistrict } from '@lib/platform';
import type { BirthRecord } from './schemas/birth-record.schema';

export type MoveDirection = 'in' | 'out' | 'within';

/** A change of the child's usual residence, as the feed states it. */
export interface MoveInput {
  nhsNumber: string;
  /** As the feed states it; when absent (NEMS), from where the new address is placed. */
  direction?: MoveDirection;
  /** YYYY-MM-DD the family moved. */
  effectiveDate: string;
  /** The new address's postcode (normalised); required unless moving out. */
  postcode?: string;
  addressLine1?: string;
  addressLine2?: string;
  town?: string;
  /** Needed when the child is not known here yet (born elsewhere, moving in). */
  birthDate?: string;
  givenName?: string;
  familyName?: string;
  /** Flagged sensitive on the spine: no address, postcode or area leaves health. */
  sensitive?: boolean;
}

export interface SharingChoiceInput {
  nhsNumber: string;
  objects: boolean;
  /** YYYY-MM-DD from which the choice applies. */
  effectiveDate: string;
  channel: ChildEventChannel;
  /** ODS code of the organisation that recorded it, when known. */
  organisationCode?: string;
}

export interface ChildEventResult {
  eventId: string;
  version: number;
  /** false when this change was already held (a re-send): nothing new was stored. */
  created: boolean;
}

/**
 * What happens to a known child after the birth: moves, death, retraction of the notification,
 * and the parent's sharing choices. Each is one version of the child (ChildRecords) and one event
 * on births.child.v1, idempotent on its natural key (the same fact sent again changes nothing).
 */
@Injectable()
export class ChildEventsService {
  constructor(
    private readonly records: ChildRecords,
    private readonly geography: ReachAreaDirectory,
    private readonly cipher: PersonalDataCipher,
  ) {}

  /**
   * A move in, out or within the area: the residence (and so the centre and who may read the
   * child) changes from its date, unless a later-dated move is already held. A child born
   * elsewhere becomes known here by moving in, with its date of birth.
   */
  async recordMove(
    input: MoveInput,
    channel: ChildEventChannel,
    receivedAt: Date,
    submitter: Submitter = {},
  ): Promise<ChildEventResult> {
    const { nhsNumber } = input;
    return this.append(nhsNumber, moveKey(input), receivedAt, async (latest, recordId) => {
      if (latest?.retracted) throw retracted();
      const birthDate = latest?.birthDate ?? input.birthDate;
      if (!birthDate) {
        throw new NotFoundException(
          'no birth known for that NHS number: a move in of a child born elsewhere needs birthDate',
        );
      }
      if (input.effectiveDate < birthDate) {
        throw invalid('effectiveDate', 'is before the child was born');
      }
      const before = latest ? stateOf(latest) : initialState(birthDate);
      const sensitive = before.sensitive || input.sensitive === true;
      const assignment = input.postcode
        ? await this.geography.assignAt(input.postcode, input.effectiveDate)
        : null;
      const direction = input.direction ?? (assignment?.la ? (before.la ? 'within' : 'in') : 'out');
      const district = input.postcode && !sensitive ? postcodeDistrict(input.postcode) : null;
      const lsoa = sensitive ? null : (assignment?.lsoa ?? null);
      const centreId = sensitive ? null : (assignment?.centreId ?? null);
      const personal = await this.cipher.seal(
        nhsNumber,
        defined({
          // Names travel only when this move introduces the child; otherwise the birth has them.
          givenName: latest ? undefined : input.givenName,
          familyName: latest ? undefined : input.familyName,
          addressLine1: sensitive ? undefined : input.addressLine1,
          addressLine2: sensitive ? undefined : input.addressLine2,
          town: sensitive ? undefined : input.town,
          postcode: sensitive ? undefined : input.postcode,
        }),
      );
      const data: ResidenceChangedV1 = {
        facts: {
          nhsNumber,
          birthDate,
          direction,
          effectiveDate: input.effectiveDate,
          postcodeDistrict: district,
          ...(lsoa ? { lsoa } : {}),
          centreId,
          ...(sensitive ? { sensitive: true as const } : {}),
          channel,
        },
        ...(personal ? { personal } : {}),
      };
      const residence = {
        postcodeDistrict: district,
        lsoa,
        centreId,
        la: sensitive || !assignment ? null : placedLa(assignment, submitter),
        unplaced: assignment?.status === 'unassigned' ? assignment.reason : null,
        from: input.effectiveDate,
        recordId,
      };
      return {
        kind: 'residence-changed',
        type: 'ResidenceChanged',
        time: `${input.effectiveDate}T00:00:00Z`,
        data,
        state: withResidence({ ...before, sensitive }, residence, 'move'),
        choice: null,
        contentHash: digest(input),
      };
    });
  }

  /**
   * A death. One in force per child: the same date again is a re-send, another date a conflict
   * unless it comes as a correction (a NEMS `update`), which states the date anew. After a
   * withdrawal (`retractDeath`) a death notification is a new one.
   */
  async recordDeath(
    nhsNumber: string,
    dateOfDeath: string,
    channel: ChildEventChannel,
    receivedAt: Date,
    as: 'notification' | 'correction' = 'notification',
  ): Promise<ChildEventResult> {
    const before = await this.records.latest(nhsNumber);
    // Through stateOf: versions stored before withdrawals existed have no count.
    const withdrawn = before ? stateOf(before).deathsRetracted : 0;
    if (as === 'correction' && before?.dateOfDeath === dateOfDeath) {
      return { eventId: before.eventId, version: before.version, created: false };
    }
    // The first death keeps the key it always had, so re-sends from before withdrawals existed
    // are still recognised.
    const key =
      as === 'correction'
        ? `death-corrected:${nhsNumber}:${withdrawn}:${dateOfDeath}`
        : `death-notified:${nhsNumber}${withdrawn > 0 ? `:${withdrawn}` : ''}`;
    const result = await this.append(nhsNumber, key, receivedAt, (latest) => {
      if (!latest) throw unknownChild();
      if (dateOfDeath < latest.birthDate) {
        throw invalid('dateOfDeath', 'is before the child was born');
      }
      if (as === 'notification' && latest.dateOfDeath && latest.dateOfDeath !== dateOfDeath) {
        throw deathConflict(latest.dateOfDeath);
      }
      const data: DeathNotifiedV1 = { facts: { nhsNumber, dateOfDeath, channel } };
      return Promise.resolve({
        kind: 'died',
        type: 'DeathNotified',
        time: `${dateOfDeath}T00:00:00Z`,
        data,
        state: { ...stateOf(latest), dateOfDeath },
        choice: null,
        contentHash: digest({ dateOfDeath }),
      });
    });
    const held = result.record.dateOfDeath;
    if (!result.created && held !== dateOfDeath && before?.dateOfDeath !== dateOfDeath) {
      throw deathConflict(before?.dateOfDeath ?? held);
    }
    return result;
  }

  /**
   * The death notification was withdrawn by its source (a NEMS `delete`): the child is alive as
   * far as we know. It must name the death held; the same withdrawal again changes nothing.
   */
  async retractDeath(
    nhsNumber: string,
    dateOfDeath: string,
    channel: ChildEventChannel,
    receivedAt: Date,
  ): Promise<ChildEventResult> {
    const before = await this.records.latest(nhsNumber);
    if (!before) throw unknownChild();
    const withdrawn = stateOf(before).deathsRetracted;
    if (!before.dateOfDeath && withdrawn > 0) {
      // Withdrawn already (a re-send): answered with the withdrawal held.
      const held = await this.records.held(deathRetractedKey(nhsNumber, withdrawn - 1));
      if (held) return { eventId: held.eventId, version: held.version, created: false };
    }
    return this.append(nhsNumber, deathRetractedKey(nhsNumber, withdrawn), receivedAt, (latest) => {
      if (!latest?.dateOfDeath) {
        throw new NotFoundException('no death is recorded for this child');
      }
      if (latest.dateOfDeath !== dateOfDeath) {
        throw new ChildChangeConflict(
          `the death recorded for this child is on ${latest.dateOfDeath}, not ${dateOfDeath}`,
        );
      }
      const state = stateOf(latest);
      const data: DeathRetractedV1 = { facts: { nhsNumber, dateOfDeath, channel } };
      return Promise.resolve({
        kind: 'death-retracted',
        type: 'DeathRetracted',
        time: receivedAt.toISOString(),
        data,
        state: { ...state, dateOfDeath: null, deathsRetracted: state.deathsRetracted + 1 },
        choice: null,
        contentHash: digest({ deathRetracted: dateOfDeath }),
      });
    });
  }

  /**
   * A change of residence was withdrawn by its source (a NEMS `delete`, which repeats the change
   * it withdraws): the residence reverts to the latest-dated move left, else the birth's address.
   */
  async retractMove(
    input: Pick<MoveInput, 'nhsNumber' | 'effectiveDate' | 'postcode'>,
    channel: ChildEventChannel,
    receivedAt: Date,
  ): Promise<ChildEventResult> {
    const { nhsNumber } = input;
    const move = await this.records.held(moveKey(input));
    if (!move) {
      throw new NotFoundException(
        `no change of address to ${input.postcode ?? 'no postcode'} from ${input.effectiveDate} is recorded for this child`,
      );
    }
    const key = `residence-change-retracted:${move.eventId}`;
    return this.append(nhsNumber, key, receivedAt, (latest) => {
      if (!latest) throw unknownChild();
      const after = withoutMove(stateOf(latest), move._id);
      const now = currentResidence(after.residences);
      const data: ResidenceChangeRetractedV1 = {
        facts: {
          nhsNumber,
          retractedEventId: move.eventId,
          effectiveDate: input.effectiveDate,
          residenceNow: now
            ? {
                from: now.from,
                postcodeDistrict: now.postcodeDistrict,
                ...(now.lsoa ? { lsoa: now.lsoa } : {}),
                centreId: now.centreId,
              }
            : null,
          ...(after.sensitive ? { sensitive: true as const } : {}),
          channel,
        },
      };
      return Promise.resolve({
        kind: 'residence-retracted',
        type: 'ResidenceChangeRetracted',
        time: receivedAt.toISOString(),
        data,
        state: after,
        choice: null,
        contentHash: digest({ residenceChangeRetracted: move.eventId }),
      });
    });
  }

  /** The notification was withdrawn by its source (a NEMS `delete`): figures drop the child. */
  async retractBirth(
    nhsNumber: string,
    channel: ChildEventChannel,
    receivedAt: Date,
  ): Promise<ChildEventResult> {
    return this.append(nhsNumber, `birth-retracted:${nhsNumber}`, receivedAt, (latest) => {
      if (!latest?.birthRecordId) {
        throw new NotFoundException('no birth notified for that NHS number');
      }
      const data: BirthRetractedV1 = { facts: { nhsNumber, channel } };
      return Promise.resolve({
        kind: 'retracted',
        type: 'BirthRetracted',
        time: receivedAt.toISOString(),
        data,
        state: { ...stateOf(latest), retracted: true },
        choice: null,
        contentHash: digest({ retracted: true }),
      });
    });
  }

  /**
   * A parent's sharing objection, or its withdrawal, effective from a date. The same choice on
   * the same date again changes nothing. Every event says whether an objection is in force once
   * it is applied (latest effective date wins), so consumers can act on it alone.
   */
  async recordSharingChoice(
    input: SharingChoiceInput,
    receivedAt: Date,
  ): Promise<ChildEventResult & { objectionInForce: boolean }> {
    const { nhsNumber, objects, effectiveDate } = input;
    const kind = objects ? 'objection-recorded' : 'objection-withdrawn';
    const result = await this.append(
      nhsNumber,
      `${kind}:${nhsNumber}:${effectiveDate}`,
      receivedAt,
      (latest) => {
        if (!latest) throw unknownChild();
        const choice = { objects, effectiveDate };
        const before = stateOf(latest);
        const choices = withChoice(before.choices, choice, latest.version + 1);
        const inForce = objectionInForce(choices);
        const facts: SharingObjectionFactsV1 = {
          nhsNumber,
          effectiveDate,
          source: {
            channel: input.channel,
            ...(input.organisationCode ? { organisationCode: input.organisationCode } : {}),
          },
          objectionInForce: inForce,
        };
        return Promise.resolve({
          kind,
          type: objects ? 'SharingObjectionRecorded' : 'SharingObjectionWithdrawn',
          time: `${effectiveDate}T00:00:00Z`,
          data: { facts },
          state: { ...before, choices, sharingObjection: inForce },
          choice,
          contentHash: digest(choice),
        });
      },
    );
    return { ...result, objectionInForce: result.record.sharingObjection };
  }

  private async append(
    nhsNumber: string,
    idempotencyKey: string,
    receivedAt: Date,
    draft: (
      latest: BirthRecord | null,
      recordId: string,
    ) => ReturnType<Parameters<ChildRecords['append']>[4]>,
  ): Promise<ChildEventResult & { record: BirthRecord }> {
    const eventId = deterministicEventId(idempotencyKey);
    const { record, created } = await this.records.append(
      nhsNumber,
      eventId,
      idempotencyKey,
      receivedAt,
      (latest, recordId) => draft(latest, recordId),
    );
    return { eventId, version: record.version, created, record };
  }
}

function unknownChild(): NotFoundException {
  return new NotFoundException('no birth or move in known for that NHS number');
}

function moveKey(input: Pick<MoveInput, 'nhsNumber' | 'effectiveDate' | 'postcode'>): string {
  return `residence-changed:${input.nhsNumber}:${input.effectiveDate}:${input.postcode ?? ''}`;
}

function deathRetractedKey(nhsNumber: string, withdrawnBefore: number): string {
  return `death-retracted:${nhsNumber}:${withdrawnBefore}`;
}

function deathConflict(heldDate: string | null): ChildChangeConflict {
  return new ChildChangeConflict(
    `a death on ${heldDate ?? 'another date'} is already recorded for this child; send a correction to change it`,
  );
}

function retracted(): ChildChangeConflict {
  return new ChildChangeConflict('the notification of this birth was retracted');
}

function invalid(field: string, reason: string): BadRequestException {
  return problemsException([{ field, reason }]);
}

function digest(value: object): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
