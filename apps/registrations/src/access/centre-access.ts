import {
  auditRecordOf,
  AuditRepository,
  PURPOSE_HEADER,
  requirePurpose,
  type AuditOutcome,
} from '@lib/audit';
import type { Principal } from '@lib/auth';
import { ForbiddenException, Injectable } from '@nestjs/common';
import type { Request } from 'express';

/**
 * Who may touch what at the desk: centre staff and managers, for their own centres only. An
 * attempt on another centre's data is refused (403) and recorded in the audit trail, as every
 * read of identifiable data is.
 */
@Injectable()
export class CentreAccess {
  constructor(private readonly audit: AuditRepository) {}

  /** 403 (audited as `denied`) unless the caller serves the centre. */
  async assertServes(
    principal: Principal,
    centreId: string,
    req: Request,
    subjectId = centreId,
  ): Promise<void> {
    if (principal.centres.includes(centreId)) return;
    await this.record(principal, req, [subjectId], 'denied');
    throw new ForbiddenException({
      statusCode: 403,
      error: 'Forbidden',
      message: `you do not serve centre ${centreId}: its families are not yours to see or change`,
    });
  }

  /** The stated purpose of a read of identifiable data (400 without one). */
  purposeOf(req: Request): string {
    return requirePurpose(req.headers[PURPOSE_HEADER]);
  }

  /** Records a read of these families or children, before the answer leaves. */
  async recordRead(
    principal: Principal,
    req: Request,
    subjectIds: readonly string[],
  ): Promise<void> {
    await this.record(principal, req, subjectIds, 'found');
  }

  private async record(
    principal: Principal,
    req: Request,
    subjectIds: readonly string[],
    outcome: AuditOutcome,
  ): Promise<void> {
    const purposeHeader = req.headers[PURPOSE_HEADER];
    const purpose =
      outcome === 'denied'
        ? typeof purposeHeader === 'string' && purposeHeader.trim() !== ''
          ? purposeHeader.trim().slice(0, 200)
          : '(none given)'
        : requirePurpose(purposeHeader);
    for (const subjectId of subjectIds) {
      await this.audit.insert(
        auditRecordOf(principal, req, { purpose, resource: 'registration', subjectId, outcome }),
      );
    }
  }
}
