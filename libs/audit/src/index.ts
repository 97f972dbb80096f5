export type { AuditOutcome, AuditRecord, AuditResource } from './audit-record';
export { AUDIT_COLLECTION, AuditRepository } from './audit.repository';
export { AUDITED_READ_KEY, AuditedRead, type AuditedReadOptions } from './audited-read.decorator';
export { AuditInterceptor, auditRecordOf } from './audit.interceptor';
export { AuditModule } from './audit.module';
export {
  PURPOSE_HEADER,
  PURPOSE_MAX_LENGTH,
  PURPOSE_MIN_LENGTH,
  purposeProblem,
  requirePurpose,
} from './purpose';
