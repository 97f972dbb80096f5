export { createServiceApp, runService, startService, type ServiceDescription } from './bootstrap';
export { ServiceCoreModule, type ServiceCoreOptions } from './service-core.module';
export { AllExceptionsFilter, bodyParserErrorHandler } from './errors';
export { fieldProblems, strictValidationPipe, type FieldProblem } from './validation';
export { NhsNumberPipe } from './nhs-number.pipe';
export { ensureIndexes, type IndexSpec } from './indexes';
