export * from './world';
export { Rng, hashString } from './prng';
export { RATES, rateFor, ratesMarkdown, type Rate, type RateName } from './rates';
export { NHS_RANGES, NhsNumberPool, withWrongCheckDigit, type NhsRange } from './nhs-numbers';
export {
  LA,
  boundariesBody,
  buildGeography,
  postcodeAt,
  postcodesCsv,
  unitsFor,
  type GeographyIndex,
} from './geography';
export {
  BIRTH_EXTRACT_COLUMNS,
  CONTACT_EXTRACT_COLUMNS,
  birthExtractRow,
  contactExtractRow,
  contactSubmittedEvent,
  nemsBirthBundle,
  uuidFrom,
  type ContactBody,
} from './channels';
export { generateShard, describeAge, type ShardPlan, type WorldContext } from './simulate';
export {
  GENERATOR_VERSION,
  generate,
  planShards,
  type FileEntry,
  type GenerateOptions,
  type GenerateResult,
  type Manifest,
  type Summary,
} from './generate';
