import { POSTCODE_LOOKUP_ROWS } from './postcode-rows';

const row = (cells: Partial<Record<'pcds' | 'lsoa21cd' | 'msoa21cd' | 'ladcd', string>>) => ({
  pcds: 'qx1  4zz',
  lsoa21cd: 'E01000001',
  msoa21cd: 'E02000001',
  ladcd: 'E06000045',
  ...cells,
});

describe('POSTCODE_LOOKUP_ROWS', () => {
  it('should normalise the postcode and keep the codes', () => {
    expect(POSTCODE_LOOKUP_ROWS.mapRow(row({}), 2)).toEqual({
      ok: true,
      value: { postcode: 'QX1 4ZZ', lsoa: 'E01000001', msoa: 'E02000001', la: 'E06000045' },
    });
    expect(POSTCODE_LOOKUP_ROWS.mapRow(row({ msoa21cd: '' }), 2)).toMatchObject({
      ok: true,
      value: { msoa: null },
    });
  });

  it('should accept ONS pseudo codes of other nations', () => {
    expect(
      POSTCODE_LOOKUP_ROWS.mapRow(row({ lsoa21cd: 'S01000001', ladcd: 'S12000036' }), 2),
    ).toMatchObject({ ok: true });
  });

  it('should name every bad cell', () => {
    expect(
      POSTCODE_LOOKUP_ROWS.mapRow(
        row({ pcds: 'NOT A PC', lsoa21cd: 'E0100001', msoa21cd: 'x', ladcd: '' }),
        2,
      ),
    ).toEqual({
      ok: false,
      problems: [
        { column: 'pcds', reason: 'is not a full UK postcode' },
        { column: 'lsoa21cd', reason: 'is not a 9-character ONS code' },
        { column: 'msoa21cd', reason: 'is not a 9-character ONS code' },
        { column: 'ladcd', reason: 'is not a 9-character ONS code' },
      ],
    });
  });

  it('should refuse ZZ99 pseudo-postcodes and empty postcodes', () => {
    expect(POSTCODE_LOOKUP_ROWS.mapRow(row({ pcds: 'ZZ99 3VZ' }), 2)).toEqual({
      ok: false,
      problems: [{ column: 'pcds', reason: 'is a ZZ99 pseudo-postcode, which has no LSOA' }],
    });
    expect(POSTCODE_LOOKUP_ROWS.mapRow(row({ pcds: ' ' }), 2)).toEqual({
      ok: false,
      problems: [{ column: 'pcds', reason: 'is empty' }],
    });
  });
});
