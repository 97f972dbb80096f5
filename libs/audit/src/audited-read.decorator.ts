import { SetMetadata } from '@nestjs/common';
import type { AuditResource } from './audit-record';

export interface AuditedReadOptions {
  resource: AuditResource;
  /** The route parameter naming the subject (e.g. `nhsNumber`). */
  subjectParam: string;
}

export const AUDITED_READ_KEY = 'eyb:audit:read';

/**
 * A read of identifiable data: needs an `x-purpose` header (400 without), and writes an audit
 * record (found or not found) before the answer leaves; if it cannot, the answer is a 503 and
 * the data is not sent. Use with @Roles.
 */
export const AuditedRead = (options: AuditedReadOptions): MethodDecorator =>
  SetMetadata(AUDITED_READ_KEY, options);
