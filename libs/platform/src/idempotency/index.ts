export {
  canonicalJson,
  canonicalQuery,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  idempotencyRecordId,
  idempotencyScopeHash,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  parseIdempotencyKey,
  requestFingerprint,
  type IdempotencyScope,
} from './idempotency-key';
export {
  assessRecord,
  DEFAULT_TIMING,
  isReplayableStatus,
  type IdempotencyRecord,
  type IdempotencyRecordState,
  type IdempotencyTiming,
  type StoredAnswer,
} from './idempotency-record';
export {
  IdempotencyStore,
  MAX_GENERATIONS,
  type ClaimOutcome,
  type IdempotencyClaim,
} from './idempotency.store';
export { IdempotencyInterceptor, MAX_STORED_BODY_BYTES } from './idempotency.interceptor';
export {
  DEFAULT_IDEMPOTENCY_COLLECTION,
  IdempotencyModule,
  type IdempotencyOptions,
} from './idempotency.module';
