import { AuditModule } from '@lib/audit';
import { AuthGuard, AuthModule } from '@lib/auth';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { OperatorKeyGuard } from './operator-keys';
import { CallerThrottlerGuard, RateLimitModule } from './rate-limit';

/**
 * The HTTP security every app gets, in this order: authentication and roles (AuthGuard),
 * then the per-caller rate limit, then operator-key refusal; identifiable reads
 * are audited by AuditModule's interceptor. Order matters: the limit counts by verified subject.
 */
@Module({
  imports: [AuthModule, RateLimitModule, AuditModule],
  // Global guards run in the order they are provided here (AuthModule only provides the verifier).
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: CallerThrottlerGuard },
    { provide: APP_GUARD, useClass: OperatorKeyGuard },
  ],
})
export class RequestHardeningModule {}
