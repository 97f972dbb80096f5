/**
 * What the matcher compares (DOMAIN.md, Identity): a child registered at a children's centre
 * without an NHS number, and the births known in the area. Pure data, no storage concerns.
 */

/** Sex at birth as the births service states it; I (indeterminate) and U (unknown) tell nothing. */
export type SexAtBirth = 'M' | 'F' | 'I' | 'U';

/** A candidate: what the births service knows about one live birth. */
export interface KnownBirth {
  nhsNumber: string;
  /** All forenames as notified ("Amelia Rose"); often absent on an early birth notification. */
  givenName?: string;
  familyName?: string;
  /** YYYY-MM-DD, UK local date. */
  birthDate: string;
  sex?: SexAtBirth;
  /** Full postcode ("QX1 4ZZ"); absent for sensitive records or when not known. */
  postcode?: string;
  motherGivenName?: string;
  motherFamilyName?: string;
  /** YYYY-MM-DD. */
  motherBirthDate?: string;
  /** 1 for a singleton, 2 and up for the children of a multiple birth. */
  multipleBirthOrder?: number;
}

/** What the family wrote on the registration form about the mother. */
export interface RegisteredMother {
  givenName?: string;
  familyName?: string;
  /** YYYY-MM-DD. */
  birthDate?: string;
}

/** A child as registered at the desk, without an NHS number. */
export interface RegisteredChild {
  givenName: string;
  familyName: string;
  /** YYYY-MM-DD as written on the form (it may hold the slips matching has to survive). */
  birthDate: string;
  sex?: SexAtBirth;
  /** As written: case and spacing are normalised before comparing. */
  postcode?: string;
  mother?: RegisteredMother;
}

/**
 * How two names agree, strongest first. exact: same letters once case, accents and separators
 * are set aside; part: one side's names all appear on the other (a middle name dropped, one half
 * of a double-barrelled name); variant: a listed short form or spelling of the same name (or a
 * gendered surname ending); typo: one letter wrong, missing, extra or two swapped, in the name or
 * in a listed form of it ("Lizzy" written "Lizy"); shortened: one is the start or end of the other
 * (Abdi/Abdirahman, Seun/Oluwaseun); similar: close spelling (two edits, Jaro-Winkler ≥ 0.9);
 * different; missing: one side did not say.
 */
export type NameAgreement =
  'exact' | 'part' | 'variant' | 'typo' | 'shortened' | 'similar' | 'different' | 'missing';

/**
 * How two dates agree: the slips forms really contain, then different, or missing. digitSlip: one
 * digit of the day or month wrong, or its two digits swapped; yearSlip: same day and month, the
 * year one out (or two, where only one digit differs).
 */
export type DateAgreement =
  'exact' | 'dayMonthSwapped' | 'oneDay' | 'digitSlip' | 'yearSlip' | 'different' | 'missing';

/**
 * How two postcodes agree. oneChar: one character wrong, missing, extra or two swapped;
 * sector: same outward code and first inward digit ("QX1 4"); district: same outward code.
 */
export type PostcodeAgreement =
  'exact' | 'oneChar' | 'sector' | 'district' | 'different' | 'missing';

export type SexAgreement = 'agree' | 'disagree' | 'missing';

/** Agreement level per compared field: what a reviewer reads to see why a score is what it is. */
export interface FieldAgreements {
  givenName: NameAgreement;
  familyName: NameAgreement;
  birthDate: DateAgreement;
  sex: SexAgreement;
  postcode: PostcodeAgreement;
  motherGivenName: NameAgreement;
  motherFamilyName: NameAgreement;
  motherBirthDate: DateAgreement;
}

/** The weight (log2 likelihood ratio) each field contributed. */
export type FieldWeights = Record<keyof FieldAgreements, number>;
