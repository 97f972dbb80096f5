import { checkDigitFor } from './nhs-number';

/**
 * Sub-ranges of the 999 test range (DOMAIN.md, Identity) that keep data sets apart:
 * demo 9990-9994, the project's own tests 9995-9997; 9998-9999 stay free for outside checks.
 */
export const NHS_TEST_SUB_RANGES = {
  demo: { firstPrefix: 9990, lastPrefix: 9994 },
  test: { firstPrefix: 9995, lastPrefix: 9997 },
} as const;

export type NhsTestSubRange = keyof typeof NHS_TEST_SUB_RANGES;

const BODIES_PER_PREFIX = 100_000; // the five digits after a 4-digit prefix

/**
 * Draws valid NHS numbers from one sub-range without replacement. Bodies are visited in a
 * seeded affine permutation of the index space (a full cycle, so no number repeats until the
 * sub-range is exhausted), skipping the one body in eleven that has no valid check digit.
 */
export class NhsNumberGenerator {
  private readonly firstPrefix: number;
  private readonly size: number;
  private readonly multiplier: number;
  private readonly offset: number;
  private drawn = 0;

  constructor(subRange: NhsTestSubRange, seed: number = Date.now() ^ process.pid) {
    const range = NHS_TEST_SUB_RANGES[subRange];
    this.firstPrefix = range.firstPrefix;
    this.size = (range.lastPrefix - range.firstPrefix + 1) * BODIES_PER_PREFIX;
    const s = Math.abs(Math.trunc(seed)) % this.size;
    this.offset = s;
    this.multiplier = coprimeMultiplier(this.size, s);
  }

  /** The next unused valid NHS number; throws once the sub-range is exhausted. */
  next(): string {
    while (this.drawn < this.size) {
      const index = (this.multiplier * this.drawn + this.offset) % this.size;
      this.drawn++;
      const prefix = this.firstPrefix + Math.floor(index / BODIES_PER_PREFIX);
      const body = `${prefix}${String(index % BODIES_PER_PREFIX).padStart(5, '0')}`;
      const check = checkDigitFor(body);
      if (check !== null) return `${body}${check}`;
    }
    throw new Error('the NHS test sub-range is exhausted');
  }

  take(count: number): string[] {
    return Array.from({ length: count }, () => this.next());
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** A multiplier coprime with size, spread from the seed, so the affine map is a permutation. */
function coprimeMultiplier(size: number, seed: number): number {
  let m = 7919 + ((seed * 2654435761) % 1_000_003);
  while (gcd(m, size) !== 1) m++;
  return m % size;
}
