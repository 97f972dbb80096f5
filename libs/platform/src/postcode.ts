/** UK postcode shape (outward code, space, inward code), including ZZ99 pseudo-postcodes. */
export const UK_POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$/;

/** Upper case, one space before the inward code: "qx14zz" → "QX1 4ZZ". */
export function normalisePostcode(raw: string): string {
  const compact = raw.replace(/\s+/g, '').toUpperCase();
  return compact.length > 3 ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : compact;
}

/**
 * The outward code ("QX1"), a district of thousands of households: coarse enough to travel in
 * an event's clear facts. Pseudo-postcodes (ZZ99, no fixed abode) carry no district.
 */
export function postcodeDistrict(postcode: string): string | null {
  const outward = postcode.split(' ')[0] ?? '';
  return outward.startsWith('ZZ99') || outward === '' ? null : outward;
}
