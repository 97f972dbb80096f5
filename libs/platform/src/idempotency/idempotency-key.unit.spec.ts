import { BadRequestException } from '@nestjs/common';
import {
  canonicalJson,
  canonicalQuery,
  idempotencyRecordId,
  idempotencyScopeHash,
  parseIdempotencyKey,
  requestFingerprint,
} from './idempotency-key';

function problemOf(value: string | string[]): unknown {
  try {
    parseIdempotencyKey(value);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return (error as BadRequestException).getResponse();
  }
  throw new Error('expected a 400');
}

describe('parseIdempotencyKey', () => {
  it('should accept 1 to 255 printable ASCII characters, as sent', () => {
    expect(parseIdempotencyKey('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe(
      '8e03978e-40d5-43e8-bc93-6894a57f9324',
    );
    expect(parseIdempotencyKey('x')).toBe('x');
    expect(parseIdempotencyKey('a b ~!"{}')).toBe('a b ~!"{}');
    expect(parseIdempotencyKey('k'.repeat(255))).toHaveLength(255);
    expect(parseIdempotencyKey(['a', 'b'])).toBe('a, b');
  });

  it('should refuse an empty, long or non-ASCII key with a 400 naming the header', () => {
    for (const bad of ['', 'k'.repeat(256), 'clé', 'tab\there', 'nul\u0000', 'del\u007f']) {
      expect(problemOf(bad)).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'request validation failed',
        problems: [{ field: 'Idempotency-Key', reason: expect.any(String) }],
      });
    }
    expect(problemOf('k'.repeat(256))).toMatchObject({
      problems: [{ reason: 'must be at most 255 characters' }],
    });
  });
});

describe('idempotencyScopeHash', () => {
  const scope = { subject: 'hv-system-1', method: 'POST', path: '/contacts', key: 'k1' };

  it('should be a sha256 that names neither the caller nor the key', () => {
    const hash = idempotencyScopeHash(scope);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(idempotencyScopeHash({ ...scope, method: 'post' }));
    expect(idempotencyRecordId(hash, 3)).toBe(`${hash}.3`);
  });

  it('should differ for another caller, method, path or key', () => {
    const hashes = new Set([
      idempotencyScopeHash(scope),
      idempotencyScopeHash({ ...scope, subject: 'hv-system-2' }),
      idempotencyScopeHash({ ...scope, method: 'PUT' }),
      idempotencyScopeHash({ ...scope, path: '/contacts/cancellation' }),
      idempotencyScopeHash({ ...scope, key: 'k2' }),
      // No separator trick: moving characters between fields changes the hash.
      idempotencyScopeHash({ ...scope, subject: 'hv-system-1/contacts', path: '' }),
    ]);
    expect(hashes.size).toBe(6);
  });
});

describe('canonicalJson', () => {
  it('should sort object keys at every depth and keep array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('should agree with JSON.stringify on values and escapes', () => {
    const value = { s: 'é "q" \n\u2028', n: -0, f: 1.5e300, t: true, e: [], o: {} };
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
    expect(canonicalJson('text body')).toBe('"text body"');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson({ u: undefined, d: new Date(0), a: [undefined] })).toBe(
      '{"a":[null],"d":"1970-01-01T00:00:00.000Z"}',
    );
  });

  it('should keep an own __proto__ key as data', () => {
    expect(canonicalJson(JSON.parse('{"__proto__":{"admin":true},"a":1}'))).toBe(
      '{"__proto__":{"admin":true},"a":1}',
    );
  });

  it('should survive very deep nesting without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: [deep] };
    expect(canonicalJson(deep)).toHaveLength(100_000 * 8 + 1);
  });
});

describe('canonicalQuery', () => {
  it('should sort parameters by name and keep the order of repeated ones', () => {
    expect(canonicalQuery('b=2&a=1&b=1')).toBe('a=1&b=2&b=1');
    expect(canonicalQuery('')).toBe('');
  });
});

describe('requestFingerprint', () => {
  it('should not depend on key order or parameter order', () => {
    expect(requestFingerprint({ a: 1, b: { c: 2, d: 3 } }, 'x=1&y=2')).toBe(
      requestFingerprint({ b: { d: 3, c: 2 }, a: 1 }, 'y=2&x=1'),
    );
  });

  it('should differ for another body or query', () => {
    const base = requestFingerprint({ name: 'Ada' }, '');
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(requestFingerprint({ name: 'Ada ' }, '')).not.toBe(base);
    expect(requestFingerprint({ name: 'Ada' }, 'dryRun=true')).not.toBe(base);
    expect(requestFingerprint({ name: ['Ada'] }, '')).not.toBe(base);
    expect(requestFingerprint('{"name":"Ada"}', '')).not.toBe(base);
  });

  it('should treat a missing body as null', () => {
    expect(requestFingerprint(undefined, '')).toBe(requestFingerprint(null, ''));
    expect(requestFingerprint(undefined, '')).not.toBe(requestFingerprint({}, ''));
  });
});
