import { objectionInForceOf } from '@lib/contracts';
import type { BirthRecord, SharingChoice } from './schemas/birth-record.schema';

/** What holds for a child after a version: carried on every version (see BirthRecord). */
export interface ChildState {
  birthDate: string;
  postcodeDistrict: string | null;
  lsoa: string | null;
  centreId: string | null;
  la: string | null;
  residenceFrom: string | null;
  /** Why the current residence is in no centre's reach area (kept and listed for data quality). */
  unplaced: UnplacedReason | null;
  /** The current residence was stated by a move (a birth's own address no longer applies). */
  residenceByMove: boolean;
  addressRecordId: string | null;
  /**
   * Every residence still stated: the birth's latest statement and each move not withdrawn. The
   * current residence above is derived from it (`currentResidence`), so a withdrawn move can be
   * undone without reading older versions.
   */
  residences: StatedResidence[];
  /** Flagged sensitive on the spine: no address, postcode or area leaves health. */
  sensitive: boolean;
  sharingObjection: boolean;
  /** Every sharing choice stated so far, with the version that stated it. */
  choices: (SharingChoice & { version: number })[];
  /** The version holding the birth's latest stated state (notification or correction). */
  birthRecordId: string | null;
  dateOfDeath: string | null;
  /** How many death notifications were withdrawn: a later death notification is a new one. */
  deathsRetracted: number;
  retracted: boolean;
}

export type UnplacedReason =
  'unknown_postcode' | 'pseudo_postcode' | 'outside_reach_areas' | 'no_boundary_version';

/** A residence as a version states it: where, from when, and which version sealed the address. */
export interface Residence {
  postcodeDistrict: string | null;
  lsoa: string | null;
  centreId: string | null;
  la: string | null;
  unplaced: UnplacedReason | null;
  from: string;
  recordId: string;
}

/** A residence and what stated it: the birth's own address, or a move. */
export interface StatedResidence extends Residence {
  statedBy: 'birth' | 'move';
}

export function stateOf(record: BirthRecord): ChildState {
  return {
    birthDate: record.birthDate,
    postcodeDistrict: record.postcodeDistrict,
    lsoa: record.lsoa ?? null,
    centreId: record.centreId,
    la: record.la,
    residenceFrom: record.residenceFrom ?? record.birthDate,
    unplaced: record.unplaced ?? null,
    residenceByMove: record.residenceByMove ?? false,
    addressRecordId: record.addressRecordId ?? record._id,
    residences: record.residences ?? residencesBefore(record),
    sensitive: record.sensitive ?? false,
    sharingObjection: record.sharingObjection ?? false,
    choices: record.choices ?? [],
    birthRecordId: record.birthRecordId ?? null,
    dateOfDeath: record.dateOfDeath ?? null,
    deathsRetracted: record.deathsRetracted ?? 0,
    retracted: record.retracted ?? false,
  };
}

/** The residence a version stored before versions listed every stated residence. */
function residencesBefore(record: BirthRecord): StatedResidence[] {
  if (record.residenceFrom === null || record.residenceFrom === undefined) return [];
  return [
    {
      postcodeDistrict: record.postcodeDistrict,
      lsoa: record.lsoa ?? null,
      centreId: record.centreId,
      la: record.la,
      unplaced: record.unplaced ?? null,
      from: record.residenceFrom,
      recordId: record.addressRecordId ?? record._id,
      statedBy: record.residenceByMove ? 'move' : 'birth',
    },
  ];
}

/** The state before a child's first version. */
export function initialState(birthDate: string): ChildState {
  return {
    birthDate,
    postcodeDistrict: null,
    lsoa: null,
    centreId: null,
    la: null,
    residenceFrom: null,
    unplaced: null,
    residenceByMove: false,
    addressRecordId: null,
    residences: [],
    sensitive: false,
    sharingObjection: false,
    choices: [],
    birthRecordId: null,
    dateOfDeath: null,
    deathsRetracted: 0,
    retracted: false,
  };
}

/**
 * The residence after a version stating `residence`. A birth's own address (notification or
 * correction) replaces the birth's earlier statement; a move is added to the moves stated.
 */
export function withResidence(
  state: ChildState,
  residence: Residence,
  statedBy: 'birth' | 'move',
): ChildState {
  const kept =
    statedBy === 'birth'
      ? state.residences.filter((r) => r.statedBy !== 'birth')
      : state.residences;
  return placed(state, [...kept, { ...residence, statedBy }]);
}

/** The residence once the move stated by version `recordId` is withdrawn. */
export function withoutMove(state: ChildState, recordId: string): ChildState {
  return placed(
    state,
    state.residences.filter((r) => !(r.statedBy === 'move' && r.recordId === recordId)),
  );
}

/**
 * Which stated residence holds: the latest-dated move (a move reported late must not undo a
 * later one; on the same date the later statement), and the birth's own address until a move is
 * stated; null when none is.
 */
export function currentResidence(residences: readonly StatedResidence[]): StatedResidence | null {
  let current: StatedResidence | null = null;
  for (const r of residences.filter((m) => m.statedBy === 'move')) {
    if (current === null || r.from >= current.from) current = r;
  }
  return current ?? residences.find((r) => r.statedBy === 'birth') ?? null;
}

function placed(state: ChildState, residences: StatedResidence[]): ChildState {
  const current = currentResidence(residences);
  return {
    ...state,
    residences,
    postcodeDistrict: current?.postcodeDistrict ?? null,
    lsoa: current?.lsoa ?? null,
    centreId: current?.centreId ?? null,
    la: current?.la ?? null,
    residenceFrom: current?.from ?? null,
    unplaced: current?.unplaced ?? null,
    residenceByMove: current?.statedBy === 'move',
    addressRecordId: current?.recordId ?? null,
  };
}

/**
 * Whether an objection is in force given every sharing choice stated for a child: the choice with
 * the latest effective date wins; on the same date, the later version (the later statement).
 */
export function objectionInForce(
  choices: readonly (SharingChoice & { version: number })[],
): boolean {
  return objectionInForceOf(
    choices.map((c) => ({ objects: c.objects, effectiveDate: c.effectiveDate, order: c.version })),
  );
}

/** The choices after a version that states `choice` (unchanged when it states none). */
export function withChoice(
  choices: readonly (SharingChoice & { version: number })[],
  choice: SharingChoice | null,
  version: number,
): (SharingChoice & { version: number })[] {
  return choice ? [...choices, { ...choice, version }] : [...choices];
}
