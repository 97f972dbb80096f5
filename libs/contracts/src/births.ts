import type { EncryptedPersonal } from './encrypted-personal';

/** Sex at birth: M male, F female, I indeterminate, U not known. */
export type SexAtBirth = 'M' | 'F' | 'I' | 'U';

/** In-clear facts of a birth (contracts/schemas/births/BirthNotified.v1.json, `facts`). */
export interface BirthFactsV1 {
  /** 10 digits, no spaces. */
  nhsNumber: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  /** Outward code (e.g. `SO14`); null when the postcode is unknown or a ZZ99 pseudo-postcode. */
  postcodeDistrict: string | null;
  /** HH:MM, UK local time. */
  birthTime?: string;
  sex?: SexAtBirth;
  /** 200-7000. */
  birthWeightGrams?: number;
  /** Completed weeks, 20-45. */
  gestationWeeks?: number;
  /** The parent objected to sharing at the birth notification; absent = not stated. */
  sharingObjection?: boolean;
  /** Centre whose reach area held the address at the event date; null/absent while unassigned. */
  centreId?: string | null;
  /** LSOA of the address at the event date (figures map it to a centre by boundary version). */
  lsoa?: string;
  deliveryMethod?:
    'spontaneous' | 'instrumental' | 'caesarean_elective' | 'caesarean_emergency' | 'unknown';
  /** 1 for a singleton. */
  multipleBirthOrder?: number;
  /** NHS ethnic category A-H, J-N, P, R, S; Z not stated. */
  ethnicCategory?: string;
  /** The mother's age in whole years on the birth date (teenage mothers: under 20). */
  motherAgeAtBirth?: number;
  smokingAtDelivery?: 'Y' | 'N' | 'U';
  /** Flagged sensitive on the spine: no address, postcode or area is released. */
  sensitive?: boolean;
}

/** `data` of a `BirthNotified` v1 event on `births.child.v1` (key: the child's NHS number). */
export interface BirthNotifiedV1 {
  facts: BirthFactsV1;
  personal?: EncryptedPersonal;
}

/** `data` of a `BirthCorrected` v1 event: the full new state, same shape as a notification. */
export type BirthCorrectedV1 = BirthNotifiedV1;

/** Which interface a births-service event (or a sharing-status change) came through. */
export type ChildEventChannel =
  'births-api' | 'births-extract' | 'nems' | 'hv-api' | 'hv-topic' | 'hv-extract';

/**
 * `BirthRetracted` v1: the notification was withdrawn by its source (a NEMS `delete`, or the API);
 * figures drop the child.
 */
export interface BirthRetractedV1 {
  facts: { nhsNumber: string; channel: ChildEventChannel };
}

/** `ResidenceChanged` v1 facts: the child's usual residence changed on `effectiveDate`. */
export interface ResidenceChangedFactsV1 {
  nhsNumber: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  /** Into the LA / out of it / within it. */
  direction: 'in' | 'out' | 'within';
  /** YYYY-MM-DD the family moved. */
  effectiveDate: string;
  /** Outward code of the new postcode; null when unknown, a ZZ99 pseudo-postcode or sensitive. */
  postcodeDistrict: string | null;
  /** LSOA of the new address at `effectiveDate`. */
  lsoa?: string;
  /** Centre whose reach area holds the new address at `effectiveDate`; null/absent: unassigned. */
  centreId?: string | null;
  /** Flagged sensitive on the spine: no address, postcode or area is released. */
  sensitive?: true;
  channel: ChildEventChannel;
}

/** `data` of a `ResidenceChanged` v1 event; `personal`: the new address (and names if new here). */
export interface ResidenceChangedV1 {
  facts: ResidenceChangedFactsV1;
  personal?: EncryptedPersonal;
}

/** `DeathNotified` v1: the child died; worklists and outreach must stop at once. */
export interface DeathNotifiedV1 {
  facts: { nhsNumber: string; dateOfDeath: string; channel: ChildEventChannel };
}

/**
 * `DeathRetracted` v1: a death notification was withdrawn by its source (a NEMS `delete`): as far
 * as births knows the child is alive; consumers count the child and may contact the family again.
 */
export interface DeathRetractedV1 {
  facts: { nhsNumber: string; dateOfDeath: string; channel: ChildEventChannel };
}

/** Where the child lives once a change of residence is withdrawn (null: nowhere stated). */
export interface ResidenceNowV1 {
  /** YYYY-MM-DD from which this residence applies (the birth date, or an earlier move's date). */
  from: string;
  postcodeDistrict: string | null;
  lsoa?: string;
  centreId?: string | null;
}

/**
 * `ResidenceChangeRetracted` v1: a change of residence was withdrawn by its source (a NEMS
 * `delete`); the residence reverts to what the child's other statements give (`residenceNow`).
 */
export interface ResidenceChangeRetractedV1 {
  facts: {
    nhsNumber: string;
    /** The CloudEvents `id` of the `ResidenceChanged` withdrawn. */
    retractedEventId: string;
    /** YYYY-MM-DD the withdrawn change said the family moved. */
    effectiveDate: string;
    residenceNow: ResidenceNowV1 | null;
    /** Flagged sensitive on the spine: no postcode or area is released. */
    sensitive?: true;
    channel: ChildEventChannel;
  };
}

/**
 * The sharing-status schema shared by births and health-visits (`SharingObjectionRecorded` /
 * `SharingObjectionWithdrawn` v1).
 */
export interface SharingObjectionFactsV1 {
  nhsNumber: string;
  /**
   * YYYY-MM-DD from which the parent's choice applies; of all a child's choices, the latest
   * effective date wins (ties: the later event).
   */
  effectiveDate: string;
  /** `organisationCode`: ODS code, `^[A-Z0-9]{3,10}$`. */
  source: { channel: ChildEventChannel; organisationCode?: string };
  /**
   * After this event and every earlier one for the child, whether an objection is in force today
   * (consumers can act on this alone).
   */
  objectionInForce: boolean;
}

/** `data` of a `SharingObjectionRecorded` v1 event. */
export interface SharingObjectionRecordedV1 {
  facts: SharingObjectionFactsV1;
}

/** `data` of a `SharingObjectionWithdrawn` v1 event. */
export interface SharingObjectionWithdrawnV1 {
  facts: SharingObjectionFactsV1;
}

/** A parent's sharing choice as the rule weighs it; `order` ranks statements of one date. */
export interface WeighedSharingChoice {
  objects: boolean;
  effectiveDate: string;
  order: number;
}

/**
 * The sharing-status rule both services apply: of all a child's choices, the one with the latest
 * effective date wins; on the same date, the later statement (higher `order`). No choice: none.
 */
export function objectionInForceOf(choices: readonly WeighedSharingChoice[]): boolean {
  let winner: WeighedSharingChoice | undefined;
  for (const c of choices) {
    if (
      !winner ||
      c.effectiveDate > winner.effectiveDate ||
      (c.effectiveDate === winner.effectiveDate && c.order > winner.order)
    ) {
      winner = c;
    }
  }
  return winner?.objects ?? false;
}
