import type { Principal } from '@lib/auth';
import type { Request } from 'express';
import type { Actor } from '../families/families.service';

/**
 * Who is acting, and the request's Idempotency-Key: the ids an operation makes derive from it,
 * so a retry after a crash makes the same records (the interceptor replays finished answers).
 */
export function actorOf(principal: Principal, req: Request): Actor {
  const key = req.headers['idempotency-key'];
  return {
    subject: principal.subject,
    ...(typeof key === 'string' && key !== '' ? { idempotencyKey: key } : {}),
  };
}
