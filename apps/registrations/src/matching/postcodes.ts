import { damerauLevenshteinAtMost } from './string-distance';
import type { PostcodeAgreement } from './types';

/**
 * Upper case, inner spaces removed, one space before the 3-character inward code:
 * "qx14zz", "QX1  4ZZ" and " qx1 4zz" all become "QX1 4ZZ". Empty input gives "".
 */
export function normalisePostcode(raw: string): string {
  const compact = raw.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
  return compact.length > 3 ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : compact;
}

/** Outward code ("QX1"), a postal district. */
export function postcodeDistrict(postcode: string): string {
  return normalisePostcode(postcode).split(' ')[0] ?? '';
}

/** Outward code and the inward digit ("QX1 4"), a postal sector of a few thousand addresses. */
export function postcodeSector(postcode: string): string {
  const normal = normalisePostcode(postcode);
  const space = normal.indexOf(' ');
  return space < 0 ? normal : normal.slice(0, space + 2);
}

/** A plausible full UK postcode shape once normalised. */
const POSTCODE_SHAPE = /^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$/;

/**
 * NHS pseudo-postcodes (ZZ99: no fixed abode, not known) say nothing about where a family lives,
 * so they compare as missing rather than as an address shared by everyone without one.
 */
export function usable(normal: string): boolean {
  return normal.length >= 5 && !normal.startsWith('ZZ99');
}

/**
 * How a postcode on a form agrees with a known one. One wrong, missing, extra or swapped
 * character anywhere (compared without the space) is "oneChar", checked before sector and
 * district because a slip in the unit letters of the right postcode is the likelier story.
 */
export function comparePostcodes(registered?: string, known?: string): PostcodeAgreement {
  if (registered === undefined || known === undefined) return 'missing';
  const r = normalisePostcode(registered);
  const k = normalisePostcode(known);
  if (!usable(r) || !usable(k)) return 'missing';
  if (r === k) return 'exact';
  if (damerauLevenshteinAtMost(r.replace(' ', ''), k.replace(' ', ''), 1) === 1) return 'oneChar';
  if (POSTCODE_SHAPE.test(r) && POSTCODE_SHAPE.test(k)) {
    if (postcodeSector(r) === postcodeSector(k)) return 'sector';
    if (postcodeDistrict(r) === postcodeDistrict(k)) return 'district';
  }
  return 'different';
}
