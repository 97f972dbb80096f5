import { Pseudonymiser, subjectKeyId } from './pseudonymiser';

const SECRET = 'a test pseudonym secret of at least 32 characters';

describe(Pseudonymiser, () => {
  it('should give the same 64-hex pseudonym for the same input and secret', () => {
    const a = new Pseudonymiser(SECRET).pseudonym('9995000016');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(new Pseudonymiser(SECRET).pseudonym('9995000016')).toBe(a);
    expect(new Pseudonymiser(Buffer.from(SECRET)).pseudonym('9995000016')).toBe(a);
  });

  it('should depend on the secret and on the input', () => {
    const a = new Pseudonymiser(SECRET).pseudonym('9995000016');
    expect(new Pseudonymiser(`${SECRET}!`).pseudonym('9995000016')).not.toBe(a);
    expect(new Pseudonymiser(SECRET).pseudonym('9995000026')).not.toBe(a);
  });

  it('should be HMAC-SHA256 (a known vector, RFC 4231 case 2)', () => {
    expect(new Pseudonymiser('Jefe').pseudonym('what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('should never equal the key id events carry next to the NHS number', () => {
    expect(subjectKeyId(SECRET, '9995000016')).toMatch(/^[0-9a-f]{64}$/);
    expect(subjectKeyId(SECRET, '9995000016')).not.toBe(
      new Pseudonymiser(SECRET).pseudonym('9995000016'),
    );
  });

  it('should refuse an empty secret', () => {
    expect(() => new Pseudonymiser('')).toThrow();
  });
});
