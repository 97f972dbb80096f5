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
export {
  ACTIVITY_CATEGORIES,
  CARER_RELATIONSHIPS,
  EMPLOYMENT_STATUSES,
  HEARD_VIA,
  OUTREACH_OUTCOMES,
  OUTREACH_VISIT_TYPES,
  UNLINK_REASONS,
  WITHDRAWAL_REASONS,
  type ActivityCategory,
  type AttendanceRecordedFactsV1,
  type AttendanceRecordedV1,
  type CarerAttendanceRecordedFactsV1,
  type CarerAttendanceRecordedV1,
  type CarerFactsV1,
  type CarerRelationship,
  type ChildLinkedFactsV1,
  type ChildLinkedV1,
  type ChildRegisteredFactsV1,
  type ChildRegisteredV1,
  type ChildRegistrationWithdrawnFactsV1,
  type ChildRegistrationWithdrawnV1,
  type ChildUnlinkedFactsV1,
  type ChildUnlinkedV1,
  type EmploymentStatus,
  type FamilyDetailsChangedFactsV1,
  type FamilyDetailsChangedV1,
  type FamilyRegisteredFactsV1,
  type FamilyRegisteredV1,
  type HeardVia,
  type KnownFlag,
  type OutreachContactRecordedFactsV1,
  type OutreachContactRecordedV1,
  type OutreachOutcome,
  type OutreachVisitType,
  type RegistrationWithdrawnFactsV1,
  type RegistrationWithdrawnV1,
  type UnlinkReason,
  type WithdrawalReason,
} from './registrations';
