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
  /** Flagged sensitive on the spine: no address, postcode or area leaves health. */
  sensitive: boolean;
  sharingObjection: boolean;
  /** Every sharing choice stated so far, with the version that stated it. */
  choices: (SharingChoice & { version: number })[];
  /** The version holding the birth's latest stated state (notification or correction). */
  birthRecordId: string | null;
  dateOfDeath: string | null;
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
    sensitive: record.sensitive ?? false,
    sharingObjection: record.sharingObjection ?? false,
    choices: record.choices ?? [],
    birthRecordId: record.birthRecordId ?? null,
    dateOfDeath: record.dateOfDeath ?? null,
    retracted: record.retracted ?? false,
  };
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
    sensitive: false,
    sharingObjection: false,
    choices: [],
    birthRecordId: null,
    dateOfDeath: null,
    retracted: false,
  };
}

/**
 * The residence after a version stating `residence`. A move replaces the current residence unless
 * that applies from a later date (a move reported late must not undo a later one); a birth's own
 * address (notification or correction) applies only until a move has been recorded.
 */
export function withResidence(
  state: ChildState,
  residence: Residence,
  statedBy: 'birth' | 'move',
): ChildState {
  if (statedBy === 'birth' && state.residenceByMove) return state;
  if (statedBy === 'move' && state.residenceFrom !== null && residence.from < state.residenceFrom) {
    return state;
  }
  return {
    ...state,
    postcodeDistrict: residence.postcodeDistrict,
    lsoa: residence.lsoa,
    centreId: residence.centreId,
    la: residence.la,
    residenceFrom: residence.from,
    unplaced: residence.unplaced,
    residenceByMove: statedBy === 'move',
    addressRecordId: residence.recordId,
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
