import { checkDigitFor, isValidNhsNumber, nhsNumberProblem } from './nhs-number';
import { NhsNumberGenerator } from './test-range';

describe('nhsNumberProblem', () => {
  it('accepts the example from DOMAIN.md', () => {
    expect(nhsNumberProblem('9434765919')).toBeNull();
    expect(isValidNhsNumber('9434765919')).toBe(true);
  });

  it('rejects a wrong check digit', () => {
    expect(nhsNumberProblem('9434765918')).toBe('fails the Modulus 11 check digit');
  });

  it('rejects bodies whose remainder gives 10', () => {
    // 999000001x: sum = 9*10+9*9+9*8+1*2 = 245, 245 mod 11 = 3, r = 8 -> valid with 8.
    expect(checkDigitFor('999000001')).toBe(8);
    // find a body with no check digit and prove it is rejected whatever the last digit
    let body = 999000000;
    while (checkDigitFor(String(body)) !== null) body++;
    for (let d = 0; d <= 9; d++) {
      expect(nhsNumberProblem(`${body}${d}`)).toMatch(/no Modulus 11 check digit/);
    }
  });

  it('maps remainder 11 to check digit 0', () => {
    let body = 999000000;
    while (checkDigitFor(String(body)) !== 0) body++;
    expect(nhsNumberProblem(`${body}0`)).toBeNull();
  });

  it.each([
    ['943 476 5919', 'must be exactly 10 digits with no spaces'],
    ['94347659', 'must be exactly 10 digits with no spaces'],
    [9434765919, 'must be a string of 10 digits'],
    [undefined, 'must be a string of 10 digits'],
  ])('rejects %p', (value, reason) => {
    expect(nhsNumberProblem(value)).toBe(reason);
  });
});

describe('NhsNumberGenerator', () => {
  it('draws valid, distinct numbers inside the tests sub-range', () => {
    const sut = new NhsNumberGenerator('test', 42);
    const numbers = sut.take(20_000);
    expect(new Set(numbers).size).toBe(20_000);
    for (const n of numbers) {
      expect(isValidNhsNumber(n)).toBe(true);
      const prefix = Number(n.slice(0, 4));
      expect(prefix).toBeGreaterThanOrEqual(9995);
      expect(prefix).toBeLessThanOrEqual(9997);
    }
  });

  it('keeps the demo sub-range apart', () => {
    const numbers = new NhsNumberGenerator('demo', 7).take(1000);
    for (const n of numbers) expect(Number(n.slice(0, 4))).toBeLessThanOrEqual(9994);
  });

  it('is deterministic for a seed', () => {
    expect(new NhsNumberGenerator('test', 5).take(5)).toEqual(
      new NhsNumberGenerator('test', 5).take(5),
    );
  });

  it('yields every valid number of the sub-range exactly once before running out', () => {
    const sut = new NhsNumberGenerator('test', 99);
    const seen = new Set<string>();
    for (;;) {
      try {
        seen.add(sut.next());
      } catch (e) {
        expect((e as Error).message).toMatch(/exhausted/);
        break;
      }
    }
    // 300,000 bodies, about one in eleven without a check digit
    expect(seen.size).toBeGreaterThan(270_000);
    expect(seen.size).toBeLessThan(275_000);
  });
});
