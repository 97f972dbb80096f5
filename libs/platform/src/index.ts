export { createServiceApp, runService, startService, type ServiceDescription } from './bootstrap';
export { ServiceCoreModule, type ServiceCoreOptions } from './service-core.module';
export { AllExceptionsFilter, bodyParserErrorHandler } from './errors';
export {
  fieldProblems,
  problemsException,
  strictValidationPipe,
  type FieldProblem,
} from './validation';
export { NhsNumberPipe } from './nhs-number.pipe';
export { ensureIndexes, type IndexSpec } from './indexes';
export { findOperatorKey, OperatorKeyGuard, OPERATOR_KEY_REASON } from './operator-keys';
export { CallerThrottlerGuard, RateLimitModule, rateLimitTracker } from './rate-limit';
export { RequestHardeningModule } from './request-hardening.module';
export { KeyedSerializer } from './keyed-serializer';
export { isRealDate, ukLocal, ukToday, type UkLocal } from './uk-dates';
export { normalisePostcode, postcodeDistrict, UK_POSTCODE } from './postcode';
export {
  IdempotencyInterceptor,
  IdempotencyModule,
  IdempotencyStore,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  type IdempotencyOptions,
} from './idempotency';
