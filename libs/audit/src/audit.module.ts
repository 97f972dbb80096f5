import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditInterceptor } from './audit.interceptor';
import { AuditRepository } from './audit.repository';

/** The audit trail of identifiable reads; imported once by ServiceCoreModule. */
@Module({
  providers: [AuditRepository, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  exports: [AuditRepository],
})
export class AuditModule {}
