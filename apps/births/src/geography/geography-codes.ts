/** Code formats of the geography reference data (ONS GSS codes) and postcode normalisation. */

/** LSOA 2021 in England (E01) or Wales (W01): the areas reach areas and IMD deciles use. */
export const LSOA_CODE = /^[EW]01[0-9]{6}$/;
/** Local authority district: unitary (E06), non-metropolitan (E07), metropolitan (E08), London borough (E09), Welsh (W06). */
export const LA_CODE = /^(E0[6-9]|W06)[0-9]{6}$/;
/** Any 9-character GSS code, including ONS pseudo codes (e.g. `S01…`, `L99999999`), as an ONS postcode file may hold. */
export const GSS_CODE = /^[A-Z][0-9]{8}$/;
/** Centre and cluster ids: as centre ids elsewhere (contracts, tokens). */
export const LOCAL_ID = /^[A-Za-z0-9_-]{1,40}$/;
/** A full UK postcode, normalised (upper case, one space before the inward code). */
export const POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$/;
/** An effective date: a real calendar date, YYYY-MM-DD. */
export const ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

/** Upper case, spaces removed, one space before the last three characters ("qx14zz" → "QX1 4ZZ"). */
export function normalisePostcode(raw: string): string {
  const compact = raw.toUpperCase().replace(/\s+/g, '');
  if (compact.length < 5) return compact;
  return `${compact.slice(0, -3)} ${compact.slice(-3)}`;
}

/** NHS pseudo-postcodes (no fixed abode, not known, ...) start `ZZ99`. */
export function isPseudoPostcode(normalised: string): boolean {
  return normalised.replace(/\s+/g, '').startsWith('ZZ99');
}

export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}
