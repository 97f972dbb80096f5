import {
  assessRecord,
  DEFAULT_TIMING,
  isReplayableStatus,
  type IdempotencyRecord,
  type StoredAnswer,
} from './idempotency-record';

const now = new Date('2026-05-01T12:00:00Z');
const ago = (ms: number): Date => new Date(now.getTime() - ms);
const answer: StoredAnswer = {
  status: 201,
  body: '{"id":"t1"}',
  location: '/t/t1',
  refusal: false,
};

function record(overrides: Partial<IdempotencyRecord>): IdempotencyRecord {
  return {
    _id: 'h.0',
    state: 'done',
    fingerprint: 'f1',
    createdAt: ago(1000),
    answer,
    ...overrides,
  };
}

describe('assessRecord', () => {
  const assess = (r: IdempotencyRecord, fingerprint = 'f1') =>
    assessRecord(r, fingerprint, now, DEFAULT_TIMING);

  it('should replay a done record of the same request', () => {
    expect(assess(record({}))).toEqual({ kind: 'replay', answer });
  });

  it('should call another request with the key a mismatch, done or in progress', () => {
    expect(assess(record({}), 'f2')).toEqual({ kind: 'mismatch' });
    expect(assess(record({ state: 'in-progress', answer: undefined }), 'f2')).toEqual({
      kind: 'mismatch',
    });
  });

  it('should report a young in-progress record and pass over a stale one', () => {
    expect(assess(record({ state: 'in-progress', createdAt: ago(59_999) }))).toEqual({
      kind: 'in-progress',
    });
    expect(assess(record({ state: 'in-progress', createdAt: ago(60_000) }))).toEqual({
      kind: 'dead',
    });
    // A stale record does not refuse a different request either: it is gone.
    expect(assess(record({ state: 'in-progress', createdAt: ago(61_000) }), 'f2')).toEqual({
      kind: 'dead',
    });
  });

  it('should pass over records older than 24 h, released ones and unreadable ones', () => {
    expect(assess(record({ createdAt: ago(24 * 3600_000 - 1) })).kind).toBe('replay');
    expect(assess(record({ createdAt: ago(24 * 3600_000) }), 'f2')).toEqual({ kind: 'dead' });
    expect(assess(record({ state: 'released' }))).toEqual({ kind: 'dead' });
    expect(assess(record({ answer: undefined }))).toEqual({ kind: 'dead' });
    expect(assess(record({ createdAt: new Date(Number.NaN) }))).toEqual({ kind: 'dead' });
  });

  it('should not pass over a record from a host whose clock is ahead', () => {
    expect(assess(record({ state: 'in-progress', createdAt: ago(-5000) }))).toEqual({
      kind: 'in-progress',
    });
  });
});

describe('isReplayableStatus', () => {
  it('should store successes and lasting refusals, not momentary ones or server errors', () => {
    expect([200, 201, 204, 303, 400, 410, 413, 422].every(isReplayableStatus)).toBe(true);
    expect([401, 403, 404, 409, 429, 500, 502, 503, 100].some(isReplayableStatus)).toBe(false);
  });
});
