/**
 * NHS number rules (DOMAIN.md, Identity): 10 digits, the last a Modulus 11 check digit
 * over the first nine weighted 10 down to 2.
 */
export const NHS_NUMBER_PATTERN = /^[0-9]{10}$/;

/** The check digit for a 9-digit body, or null when no valid check digit exists (r = 10). */
export function checkDigitFor(body: string): number | null {
  if (!/^[0-9]{9}$/.test(body)) {
    throw new Error('an NHS number body is exactly 9 digits');
  }
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    sum += Number(body[i]) * (10 - i);
  }
  const r = 11 - (sum % 11);
  if (r === 11) return 0;
  if (r === 10) return null;
  return r;
}

/** Why a value is not a valid NHS number, or null when it is one. */
export function nhsNumberProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string of 10 digits';
  if (!NHS_NUMBER_PATTERN.test(value)) return 'must be exactly 10 digits with no spaces';
  const expected = checkDigitFor(value.slice(0, 9));
  if (expected === null) return 'is not a valid NHS number (no Modulus 11 check digit exists)';
  if (expected !== Number(value[9])) return 'fails the Modulus 11 check digit';
  return null;
}

export function isValidNhsNumber(value: unknown): value is string {
  return nhsNumberProblem(value) === null;
}
