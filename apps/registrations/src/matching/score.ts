import { compareDates } from './dates';
import { compareFamilyNames, compareGivenNames } from './names';
import { comparePostcodes } from './postcodes';
import type {
  DateAgreement,
  FieldAgreements,
  FieldWeights,
  KnownBirth,
  NameAgreement,
  PostcodeAgreement,
  RegisteredChild,
  SexAgreement,
  SexAtBirth,
} from './types';

/*
 * Fellegi-Sunter weights. For each field and agreement level, the weight is log2(m / u): m is how
 * often a true pair (the registered child and its own birth record) shows that level, u how often
 * a pair of two different children of the area does. The m estimates come from what the domain
 * says forms get wrong (DOMAIN.md, Identity) and published registry error rates (a few per cent
 * of names and dates); u from an area of about 5,000 under-fives with ~1,500 postcodes. A score
 * is the sum over fields: +1 is twice as likely for the same child, -1 half as likely. A missing
 * value on either side weighs 0, as it tells nothing either way.
 */

/** Given name: m(exact) ≈ 0.80 while two children share a given name about 1 time in 100. */
export const GIVEN_NAME_WEIGHTS: Readonly<Record<NameAgreement, number>> = {
  exact: 6.5,
  // A middle name dropped or added: as telling as exact on the name the child is called by.
  part: 5.5,
  // A listed short form or spelling: m ≈ 0.08, u ≈ 0.005 (names of one group are common).
  variant: 4,
  // One letter out: m ≈ 0.05, u ≈ 0.003.
  typo: 4,
  // Abdi/Abdirahman: m small, but random names rarely start with another whole name.
  shortened: 3,
  // Jaro-Winkler close or two edits: as common among different children as among true pairs.
  similar: 0.5,
  // m ≈ 0.02 (a different name entirely), u ≈ 0.97.
  different: -5.5,
  missing: 0,
};

/**
 * Family name: u(exact) ≈ 0.006 (a few surnames are very common in some communities), m ≈ 0.85;
 * a child registered under the other parent's surname is not rare (m(different) ≈ 0.03).
 */
export const FAMILY_NAME_WEIGHTS: Readonly<Record<NameAgreement, number>> = {
  exact: 7,
  // One half of a double-barrelled name, "Kaur Sandhu" / "Sandhu": m ≈ 0.04, but a written
  // "Evans-Walker" shares a half with every Evans and every Walker (u ≈ 0.005).
  part: 4,
  variant: 5.5,
  typo: 4.5,
  shortened: 2,
  similar: 0.5,
  different: -4.5,
  missing: 0,
};

/**
 * Birth date: u(exact) ≈ 1/1,826 (five years of births), m ≈ 0.93. A slip's u is the number of
 * dates it covers over 1,826 and its m the rate of that slip on forms: day and month swapped
 * covers one date and happens on about 5% of forms whose day allows it (log2(0.05 × 1,826) ≈ 6.5);
 * a day out covers two (m ≈ 0.01); a digit slip of the day or month about 20 (m ≈ 0.03), so it is weak evidence.
 */
export const BIRTH_DATE_WEIGHTS: Readonly<Record<DateAgreement, number>> = {
  exact: 10,
  dayMonthSwapped: 6.5,
  oneDay: 3.5,
  digitSlip: 2,
  // Same day and month, year one out: covers 2-4 dates, m ≈ 0.007. Also how a brother or sister
  // born a year apart on the same day looks, which is why match.ts adds a guard.
  yearSlip: 2,
  // Outside every slip: only seen when another child's lookup brought the candidate in.
  different: -8,
  missing: 0,
};

/** Sex: m(agree) ≈ 0.99, u ≈ 0.5; a disagreement is rare for a true pair (m ≈ 0.01). */
export const SEX_WEIGHTS: Readonly<Record<SexAgreement, number>> = {
  agree: 1,
  disagree: -5.5,
  missing: 0,
};

/**
 * Postcode: u(exact) ≈ 1/400 (about 2-3 families with under-fives share a unit postcode),
 * m ≈ 0.80 (families move; the registration may be years after the birth). One character wrong:
 * m ≈ 0.04; u ≈ 0.002, since a neighbouring postcode often differs in one character too.
 * Same sector or district is about as common for a family that moved as for a stranger.
 */
export const POSTCODE_WEIGHTS: Readonly<Record<PostcodeAgreement, number>> = {
  exact: 8,
  oneChar: 4,
  sector: 1,
  district: -0.5,
  different: -3,
  missing: 0,
};

/** Mother's given name: u(exact) ≈ 0.02, m ≈ 0.9 when both sides state it. */
export const MOTHER_GIVEN_NAME_WEIGHTS: Readonly<Record<NameAgreement, number>> = {
  exact: 5,
  part: 4,
  variant: 3.5,
  typo: 3.5,
  shortened: 2.5,
  similar: 0.5,
  different: -3,
  missing: 0,
};

/**
 * Mother's family name: largely the child's family name again (not independent evidence), and
 * often a maiden or married name that legitimately differs, so it weighs little either way.
 */
export const MOTHER_FAMILY_NAME_WEIGHTS: Readonly<Record<NameAgreement, number>> = {
  exact: 2,
  part: 1.5,
  variant: 1.5,
  typo: 1.5,
  shortened: 1,
  similar: 0.5,
  different: -0.5,
  missing: 0,
};

/** Mother's date of birth: u(exact) ≈ 1/9,000 (25 years of mothers' birthdays), m ≈ 0.9. */
export const MOTHER_BIRTH_DATE_WEIGHTS: Readonly<Record<DateAgreement, number>> = {
  exact: 8,
  dayMonthSwapped: 4.5,
  oneDay: 3,
  digitSlip: 2.5,
  yearSlip: 2.5,
  different: -4,
  missing: 0,
};

/**
 * Family name, postcode and the mother's details are not independent: they all say "same
 * household", and siblings (twins above all) share every one of them. Summing them as if
 * independent would let a sibling's household outweigh a different given name and date, so their
 * positive total is capped at what "certainly the same household" is worth. Telling which child
 * of the household it is falls to the given name, date of birth and sex.
 */
export const HOUSEHOLD_EVIDENCE_CAP = 18;

export interface CandidateScore {
  /** Sum of the field weights, with the household fields capped (log2 likelihood ratio). */
  score: number;
  agreements: FieldAgreements;
  /** Each field's weight as it entered the sum (before the household cap). */
  weights: FieldWeights;
  /** The household fields summed to more than the cap and were cut to it. */
  householdCapped: boolean;
}

function compareSex(registered?: SexAtBirth, known?: SexAtBirth): SexAgreement {
  const told = (s?: SexAtBirth): s is 'M' | 'F' => s === 'M' || s === 'F';
  if (!told(registered) || !told(known)) return 'missing';
  return registered === known ? 'agree' : 'disagree';
}

/** Field-by-field agreement of a registered child with one known birth. */
export function compareFields(child: RegisteredChild, birth: KnownBirth): FieldAgreements {
  return {
    givenName: compareGivenNames(child.givenName, birth.givenName),
    familyName: compareFamilyNames(child.familyName, birth.familyName),
    birthDate: compareDates(child.birthDate, birth.birthDate),
    sex: compareSex(child.sex, birth.sex),
    postcode: comparePostcodes(child.postcode, birth.postcode),
    motherGivenName: compareGivenNames(child.mother?.givenName, birth.motherGivenName),
    motherFamilyName: compareFamilyNames(child.mother?.familyName, birth.motherFamilyName),
    motherBirthDate: compareDates(child.mother?.birthDate, birth.motherBirthDate),
  };
}

/** The score of one known birth as the registered child's record, and why. */
export function scoreCandidate(child: RegisteredChild, birth: KnownBirth): CandidateScore {
  const agreements = compareFields(child, birth);
  const weights: FieldWeights = {
    givenName: GIVEN_NAME_WEIGHTS[agreements.givenName],
    familyName: FAMILY_NAME_WEIGHTS[agreements.familyName],
    birthDate: BIRTH_DATE_WEIGHTS[agreements.birthDate],
    sex: SEX_WEIGHTS[agreements.sex],
    postcode: POSTCODE_WEIGHTS[agreements.postcode],
    motherGivenName: MOTHER_GIVEN_NAME_WEIGHTS[agreements.motherGivenName],
    motherFamilyName: MOTHER_FAMILY_NAME_WEIGHTS[agreements.motherFamilyName],
    motherBirthDate: MOTHER_BIRTH_DATE_WEIGHTS[agreements.motherBirthDate],
  };
  const household =
    weights.familyName +
    weights.postcode +
    weights.motherGivenName +
    weights.motherFamilyName +
    weights.motherBirthDate;
  const householdCapped = household > HOUSEHOLD_EVIDENCE_CAP;
  const childSpecific = weights.givenName + weights.birthDate + weights.sex;
  const score = childSpecific + Math.min(household, HOUSEHOLD_EVIDENCE_CAP);
  return { score, agreements, weights, householdCapped };
}
