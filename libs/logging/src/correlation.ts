import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Carries one correlation id through an HTTP request or a consumed event, and what it causes. */
const storage = new AsyncLocalStorage<{ correlationId: string }>();

export const CORRELATION_HEADER = 'x-correlation-id';

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export function runWithCorrelationId<T>(correlationId: string | undefined, fn: () => T): T {
  return storage.run({ correlationId: normaliseCorrelationId(correlationId) }, fn);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** A caller's id is kept only if it is a plain token (it ends up in logs and headers). */
export function normaliseCorrelationId(candidate: string | undefined): string {
  return candidate && ACCEPTABLE_ID.test(candidate) ? candidate : randomUUID();
}
