/**
 * - `in-progress`: claimed by a request whose handler is running (or whose process died);
 * - `done`: holds the answer to replay;
 * - `released`: given up by its request (a 5xx, an unstored answer) once it was too old to be
 *   deleted safely; retries look past it.
 */
export type IdempotencyRecordState = 'in-progress' | 'done' | 'released';

/** An answer as it is replayed. */
export interface StoredAnswer {
  status: number;
  /** The body as JSON text (what Express sent), or null when the handler returned nothing. */
  body: string | null;
  location: string | null;
  /** Replayed by throwing it again (an HttpException's body) rather than returning it. */
  refusal: boolean;
}

/**
 * One attempt to serve a key. Nothing identifying: the `_id` is a hash of (caller, method, path,
 * key) plus the generation, the fingerprint a hash of the request. The stored answer is what
 * the caller was sent (which may itself hold personal data, as the handler's own records do).
 */
export interface IdempotencyRecord {
  _id: string;
  state: IdempotencyRecordState;
  fingerprint: string;
  createdAt: Date;
  completedAt?: Date;
  answer?: StoredAnswer;
}

export interface IdempotencyTiming {
  /** An `in-progress` record older than this belongs to a request presumed dead. */
  staleAfterMs: number;
  /** Any record older than this is treated as absent. */
  expireAfterMs: number;
}

export const DEFAULT_TIMING: IdempotencyTiming = {
  staleAfterMs: 60_000,
  expireAfterMs: 24 * 60 * 60_000,
};

export type RecordAssessment =
  /** Released, expired, or in progress for too long: the next generation decides. */
  | { kind: 'dead' }
  | { kind: 'mismatch' }
  | { kind: 'in-progress' }
  | { kind: 'replay'; answer: StoredAnswer };

/** What a held record means to a request with this fingerprint, now. */
export function assessRecord(
  record: IdempotencyRecord,
  fingerprint: string,
  now: Date,
  timing: IdempotencyTiming,
): RecordAssessment {
  const age = now.getTime() - new Date(record.createdAt).getTime();
  if (record.state === 'released' || !(age < timing.expireAfterMs)) return { kind: 'dead' };
  if (record.state === 'in-progress') {
    if (age >= timing.staleAfterMs) return { kind: 'dead' };
    return record.fingerprint === fingerprint ? { kind: 'in-progress' } : { kind: 'mismatch' };
  }
  if (!record.answer) return { kind: 'dead' }; // not written by this code: ignore it
  return record.fingerprint === fingerprint
    ? { kind: 'replay', answer: record.answer }
    : { kind: 'mismatch' };
}

/**
 * Refusals that depend on the moment or the token: a retry must be judged afresh. 404 among them:
 * what is not found now (a centre whose geography has not arrived yet) may be found later.
 */
const MOMENTARY_STATUSES: ReadonlySet<number> = new Set([401, 403, 404, 409, 429]);

/** Whether an answer with this status is stored and replayed (2xx, 3xx, and lasting 4xx). */
export function isReplayableStatus(status: number): boolean {
  return status >= 200 && status < 500 && !MOMENTARY_STATUSES.has(status);
}
