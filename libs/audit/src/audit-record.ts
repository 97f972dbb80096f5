import type { Role } from '@lib/auth';

/** What was read; grows with the identifiable resources. */
export type AuditResource =
  'birth' | 'journey' | 'contact' | 'registration' | 'worklist' | 'data-quality-list';

/** `denied`: an attempt outside the caller's centres (refused, and recorded). */
export type AuditOutcome = 'found' | 'not_found' | 'denied';

/** One read of identifiable data. Insert-only; never logged (it names the child). */
export interface AuditRecord {
  _id: string;
  at: Date;
  /** Who: the token subject, their roles, organisation, LA and centres at the time. */
  sub: string;
  roles: Role[];
  org: string | null;
  la: string | null;
  centres: string[];
  /** The stated reason (x-purpose header). */
  purpose: string;
  /** What: resource type and the subject's id (the NHS number for child records). */
  resource: AuditResource;
  subjectId: string;
  /** How: method and route pattern (not the URL, which holds the identifier). */
  method: string;
  route: string;
  outcome: AuditOutcome;
  correlationId: string | null;
}
