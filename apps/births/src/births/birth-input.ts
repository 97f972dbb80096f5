/**
 * The canonical state of a birth as any channel states it (JSON API, LA CSV extract, NEMS
 * message), before it is stored. Only NHS number, date of birth and postcode are required;
 * anything not stated is absent ("unknown"), never invented.
 */
export type SexAtBirth = 'M' | 'F' | 'I' | 'U';
export type DeliveryMethod =
  'spontaneous' | 'instrumental' | 'caesarean_elective' | 'caesarean_emergency' | 'unknown';
/** NHS ethnic category: A-H, J-N, P, R, S; Z = not stated. */
export type EthnicCategory =
  | 'A'
  | 'B'
  | 'C'
  | 'D'
  | 'E'
  | 'F'
  | 'G'
  | 'H'
  | 'J'
  | 'K'
  | 'L'
  | 'M'
  | 'N'
  | 'P'
  | 'R'
  | 'S'
  | 'Z';
export type SmokingAtDelivery = 'Y' | 'N' | 'U';

export interface BirthInput {
  nhsNumber: string;
  /** YYYY-MM-DD, UK local date. */
  birthDate: string;
  /** Normalised "QX1 4ZZ"; ZZ99 pseudo-postcodes allowed. */
  postcode: string;
  /** HH:MM, UK local time. */
  birthTime?: string;
  sex?: SexAtBirth;
  birthWeightGrams?: number;
  gestationWeeks?: number;
  deliveryMethod?: DeliveryMethod;
  /** 1 for a singleton. */
  multipleBirthOrder?: number;
  givenName?: string;
  familyName?: string;
  ethnicCategory?: EthnicCategory;
  motherNhsNumber?: string;
  motherGivenName?: string;
  motherFamilyName?: string;
  /** YYYY-MM-DD. */
  motherBirthDate?: string;
  addressLine1?: string;
  addressLine2?: string;
  town?: string;
  smokingAtDelivery?: SmokingAtDelivery;
  /** The parent objected to sharing with children's centres at the notification. */
  sharingObjection?: boolean;
  /** PDS sensitive flag ("S"): address and postcode never leave health. */
  sensitive?: boolean;
}

/** A problem with one input field, as a 4xx body, a CSV row error or a FHIR OperationOutcome says it. */
export interface InputProblem {
  field: string;
  reason: string;
}
