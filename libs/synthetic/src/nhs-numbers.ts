import { checkDigitFor } from '@lib/nhs-number';

/**
 * NHS numbers for the synthetic world, drawn without replacement from a sub-range of the 999
 * test range (DOMAIN.md, Identity): demo 9990-9994 (the default, the same sub-range as
 * `NhsNumberGenerator('demo')`), test 9995-9997, or national 9990-9997 (demo and test together,
 * ~727,000 numbers, needed only at national scale; 9998-9999 stay free for checks run from
 * outside the project).
 *
 * Unlike `NhsNumberGenerator`, which draws in sequence, a number here is a pure function of an
 * ordinal: shard k owns ordinals [base_k, base_k + n_k), so shards are generated independently
 * and in any order with the same result. Children take ordinals from the bottom, mothers from the
 * top (`motherNumber`); the valid numbers are visited in a seeded affine permutation.
 */
export const NHS_RANGES = {
  demo: { firstPrefix: 9990, lastPrefix: 9994 },
  test: { firstPrefix: 9995, lastPrefix: 9997 },
  national: { firstPrefix: 9990, lastPrefix: 9997 },
} as const;
export type NhsRange = keyof typeof NHS_RANGES;

export class NhsNumberPool {
  private readonly bodies: Int32Array;
  readonly size: number;
  private readonly multiplier: number;
  private readonly offset: number;

  constructor(
    readonly range: NhsRange,
    seed: number,
  ) {
    this.bodies = validBodies(range);
    const n = this.bodies.length;
    this.size = n;
    this.offset = Math.abs(seed * 7919) % n;
    let m = (Math.abs(seed * 104_729) % (n - 1)) + 1;
    while (gcd(m, n) !== 1) m++;
    this.multiplier = m;
  }

  private at(index: number): string {
    const body = String(this.bodies[(this.multiplier * index + this.offset) % this.size]);
    return `${body}${checkDigitFor(body)}`;
  }

  /** The child with this ordinal's NHS number. */
  childNumber(ordinal: number): string {
    if (ordinal < 0 || ordinal >= this.size) throw new Error(`NHS ${this.range} range exhausted`);
    return this.at(ordinal);
  }

  /** The mother with this ordinal's NHS number (from the top of the permutation). */
  motherNumber(ordinal: number): string {
    return this.at(this.size - 1 - ordinal);
  }
}

const VALID_BODIES = new Map<NhsRange, Int32Array>();

/** The 9-digit bodies of a range that have a valid check digit, in order (cached per range). */
function validBodies(range: NhsRange): Int32Array {
  const cached = VALID_BODIES.get(range);
  if (cached) return cached;
  const { firstPrefix, lastPrefix } = NHS_RANGES[range];
  const all = (lastPrefix - firstPrefix + 1) * 100_000;
  const bodies = new Int32Array(all);
  let n = 0;
  for (let i = 0; i < all; i++) {
    const body = firstPrefix * 100_000 + i;
    if (checkDigitFor(String(body)) !== null) bodies[n++] = body;
  }
  const valid = bodies.slice(0, n);
  VALID_BODIES.set(range, valid);
  return valid;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** A valid-shaped NHS number with a wrong check digit (a typo the Modulus 11 check catches). */
export function withWrongCheckDigit(nhsNumber: string): string {
  const check = Number(nhsNumber[9]);
  return `${nhsNumber.slice(0, 9)}${(check + 1) % 10}`;
}
