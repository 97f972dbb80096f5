import { principalOf, type Principal } from '@lib/auth';
import { currentCorrelationId } from '@lib/logging';
import {
  CallHandler,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  NestInterceptor,
  ServiceUnavailableException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '@lib/logging';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { randomUUID } from 'node:crypto';
import type { AuditOutcome, AuditRecord, AuditResource } from './audit-record';
import { AuditRepository } from './audit.repository';
import { AUDITED_READ_KEY, type AuditedReadOptions } from './audited-read.decorator';
import { PURPOSE_HEADER, requirePurpose } from './purpose';

/** Writes the audit record of an @AuditedRead route before its answer (or its 404) leaves. */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditRepository,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.get<AuditedReadOptions | undefined>(
      AUDITED_READ_KEY,
      context.getHandler(),
    );
    if (!options || context.getType() !== 'http') return next.handle();

    const req = context.switchToHttp().getRequest<Request>();
    const principal = principalOf(req);
    if (!principal) throw new Error('@AuditedRead needs @Roles: no verified principal');
    const purpose = requirePurpose(req.headers[PURPOSE_HEADER]);
    const subjectId = req.params[options.subjectParam];
    if (typeof subjectId !== 'string') {
      throw new Error(`@AuditedRead: route has no parameter ${options.subjectParam}`);
    }

    const record = (outcome: AuditOutcome): AuditRecord =>
      auditRecordOf(principal, req, { purpose, resource: options.resource, subjectId, outcome });

    return next.handle().pipe(
      mergeMap((result: unknown) => from(this.write(record('found')).then(() => result))),
      catchError((error: unknown) => {
        if (error instanceof HttpException && error.getStatus() === Number(HttpStatus.NOT_FOUND)) {
          return from(this.write(record('not_found'))).pipe(
            mergeMap(() => throwError(() => error)),
          );
        }
        return throwError(() => error);
      }),
    );
  }

  private async write(record: AuditRecord): Promise<void> {
    try {
      await this.audit.insert(record);
    } catch (error) {
      // Only what failed, never the record: it names the child.
      this.logger.error(
        { err: error, resource: record.resource, route: record.route },
        'audit insert failed; read refused',
      );
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'audit unavailable; the read was not served',
      });
    }
  }
}

/** The audit record of one read (or attempt) by a verified caller, stamped now. */
export function auditRecordOf(
  principal: Principal,
  req: Request,
  what: { purpose: string; resource: AuditResource; subjectId: string; outcome: AuditOutcome },
): AuditRecord {
  return {
    _id: randomUUID(),
    at: new Date(),
    sub: principal.subject,
    roles: [...principal.roles],
    org: principal.org ?? null,
    la: principal.la ?? null,
    centres: [...principal.centres],
    ...what,
    method: req.method,
    route: routePattern(req),
    correlationId: currentCorrelationId() ?? null,
  };
}

function routePattern(req: Request): string {
  const route = (req as unknown as { route?: { path?: unknown } }).route;
  const path = typeof route?.path === 'string' ? route.path : '(unknown route)';
  return `${typeof req.baseUrl === 'string' ? req.baseUrl : ''}${path}`;
}
