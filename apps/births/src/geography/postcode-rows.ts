import type { RowProblem, RowResult, RowSpec } from '@lib/imports';
import { GSS_CODE, isPseudoPostcode, normalisePostcode, POSTCODE } from './geography-codes';

/** One row of an ONS-style postcode lookup, as stored in a postcode version. */
export interface PostcodeRow {
  postcode: string;
  lsoa: string;
  msoa: string | null;
  la: string;
}

/**
 * The ONS postcode directory columns births reads (`pcds`, `lsoa21cd`, `msoa21cd`, `ladcd`);
 * every other column of an ONSPD/NSPL file is ignored. Codes are 9-character GSS codes; ONS
 * pseudo codes (`S01…`, `L99999999`, ...) are accepted here, since the file covers the whole UK:
 * only E01/W01 LSOAs can ever fall in a reach area. `msoa21cd` may be empty.
 */
export const POSTCODE_LOOKUP_ROWS: RowSpec<PostcodeRow> = {
  columns: [
    { name: 'pcds', required: true },
    { name: 'lsoa21cd', required: true },
    { name: 'msoa21cd', required: true },
    { name: 'ladcd', required: true },
  ],
  unknownColumns: 'ignore',
  mapRow(record): RowResult<PostcodeRow> {
    const problems: RowProblem[] = [];
    const raw = record.pcds.trim();
    const postcode = normalisePostcode(raw);
    if (raw === '') problems.push({ column: 'pcds', reason: 'is empty' });
    else if (isPseudoPostcode(postcode)) {
      problems.push({ column: 'pcds', reason: 'is a ZZ99 pseudo-postcode, which has no LSOA' });
    } else if (!POSTCODE.test(postcode)) {
      problems.push({ column: 'pcds', reason: 'is not a full UK postcode' });
    }
    const lsoa = record.lsoa21cd.trim().toUpperCase();
    if (!GSS_CODE.test(lsoa)) {
      problems.push({ column: 'lsoa21cd', reason: 'is not a 9-character ONS code' });
    }
    const msoa = record.msoa21cd.trim().toUpperCase();
    if (msoa !== '' && !GSS_CODE.test(msoa)) {
      problems.push({ column: 'msoa21cd', reason: 'is not a 9-character ONS code' });
    }
    const la = record.ladcd.trim().toUpperCase();
    if (!GSS_CODE.test(la)) {
      problems.push({ column: 'ladcd', reason: 'is not a 9-character ONS code' });
    }
    if (problems.length > 0) return { ok: false, problems };
    return { ok: true, value: { postcode, lsoa, msoa: msoa === '' ? null : msoa, la } };
  },
};
