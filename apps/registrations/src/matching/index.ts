export type {
  DateAgreement,
  FieldAgreements,
  FieldWeights,
  KnownBirth,
  NameAgreement,
  PostcodeAgreement,
  RegisteredChild,
  RegisteredMother,
  SexAgreement,
  SexAtBirth,
} from './types';
export { damerauLevenshtein, jaro, jaroWinkler } from './string-distance';
export {
  areGivenNameVariants,
  compactName,
  compareFamilyNames,
  compareGivenNames,
  foldName,
  nameTokens,
} from './names';
export { candidateBirthDates, compareDates, type BirthDateBounds } from './dates';
export { comparePostcodes, normalisePostcode, postcodeDistrict, postcodeSector } from './postcodes';
export {
  BIRTH_DATE_WEIGHTS,
  FAMILY_NAME_WEIGHTS,
  GIVEN_NAME_WEIGHTS,
  HOUSEHOLD_EVIDENCE_CAP,
  MOTHER_BIRTH_DATE_WEIGHTS,
  MOTHER_FAMILY_NAME_WEIGHTS,
  MOTHER_GIVEN_NAME_WEIGHTS,
  POSTCODE_WEIGHTS,
  SEX_WEIGHTS,
  compareFields,
  scoreCandidate,
  type CandidateScore,
} from './score';
export {
  LINK_THRESHOLD,
  MAX_REVIEW_CANDIDATES,
  MINIMUM_MARGIN,
  REVIEW_THRESHOLD,
  areMultipleBirthSiblings,
  distinguishesFromSibling,
  matchChild,
  matchFamily,
  type MatchDecision,
  type MatchOptions,
  type RankedCandidate,
  type ReviewReason,
} from './match';
