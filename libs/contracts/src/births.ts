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
