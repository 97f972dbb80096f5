export type { CloudEvent, ContractCheck, TopicContract } from './cloud-event';
export { ContractRegistry } from './contract-registry';
export { isBackwardCompatible } from './compatibility';
export type { JsonSchema } from './schema-files';
export { DEAD_LETTER_HEADERS } from './dead-letter';
export type { EncryptedPersonal } from './encrypted-personal';
export type {
  BirthCorrectedV1,
  BirthFactsV1,
  BirthNotifiedV1,
  BirthRetractedV1,
  ChildEventChannel,
  DeathNotifiedV1,
  ResidenceChangedFactsV1,
  ResidenceChangedV1,
  SexAtBirth,
  SharingObjectionFactsV1,
  SharingObjectionRecordedV1,
  SharingObjectionWithdrawnV1,
  WeighedSharingChoice,
} from './births';
export { objectionInForceOf } from './births';
export {
  ERASURE_REASONS,
  type ErasureReason,
  type SubjectErasedFactsV1,
  type SubjectErasedV1,
} from './privacy';
export type {
  GeographyBoundariesV1,
  GeographyCentreV1,
  GeographyClusterV1,
  GeographyImdDecileV1,
  GeographyLaV1,
  GeographyPostcodeSummaryV1,
  GeographyReachAreaV1,
  GeographyVersionFactsV1,
  GeographyVersionPublishedV1,
} from './geography';
