export { Pseudonymiser, subjectKeyId } from './pseudonymiser';
export {
  ERASED_SUBJECTS,
  KEYSTORE_META,
  SUBJECT_KEYS,
  SubjectKeyStore,
  type OpeningKey,
  type SealingKey,
  type SubjectKeySource,
  type SubjectKeyStoreOptions,
  type Tombstone,
} from './subject-key-store';
export {
  PersonalDataCipher,
  type OpenOptions,
  type OpenedPersonal,
  type UnreadableReason,
} from './personal-data-cipher';
export {
  PRIVACY_SUBJECT_TOPIC,
  SUBJECT_ERASED,
  SubjectErasure,
  type ErasureResult,
} from './subject-erasure';
export {
  PersonalDataReader,
  type EventDataWithPersonal,
  type ReadData,
} from './personal-data-reader';
export { InMemorySubjectKeys } from './in-memory-key-source';
export {
  DEFAULT_KEYSTORE_DB,
  personalDataSettings,
  type PersonalDataConfig,
  type PersonalDataSettings,
} from './settings';
export {
  KEYSTORE_CONNECTION,
  PersonalDataModule,
  type PersonalDataModuleOptions,
} from './personal-data.module';
