import { principalOf } from '@lib/auth';
import { ServiceConfig } from '@lib/config';
import { Injectable, Module } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';

const MINUTE_MS = 60_000;

/** The throttling key: the verified caller's subject, else the client address. */
export function rateLimitTracker(req: Record<string, unknown>): string {
  const principal = principalOf(req);
  if (principal) return `sub:${principal.subject}`;
  const ip = typeof req.ip === 'string' ? req.ip : 'unknown';
  return `ip:${ip}`;
}

/**
 * Per-caller rate limit (RATE_LIMIT_PER_MINUTE): 429 with Retry-After. Runs after the auth
 * guard, so an authenticated caller is counted by subject wherever it connects from.
 */
@Injectable()
export class CallerThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    return Promise.resolve(rateLimitTracker(req));
  }
}

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [ServiceConfig],
      useFactory: (config: ServiceConfig) => ({
        throttlers: [{ name: 'default', ttl: MINUTE_MS, limit: config.RATE_LIMIT_PER_MINUTE }],
        errorMessage: 'too many requests; retry after the time in Retry-After (seconds)',
      }),
    }),
  ],
  exports: [ThrottlerModule],
})
export class RateLimitModule {}
