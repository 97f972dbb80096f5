import { runImport, type AcceptedRow } from '@lib/imports';
import { NhsNumberGenerator } from '@lib/nhs-number';
import { Readable } from 'node:stream';
import type { BirthInput } from '../births/birth-input';
import {
  LIVE_BIRTH_EXTRACT_COLUMNS,
  liveBirthExtractSpec,
  mapLiveBirthRow,
} from './live-birth-extract';
import { ukToday } from '@lib/platform';

const TODAY = '2025-06-15';
const [BABY, MOTHER] = new NhsNumberGenerator('test', 11).take(2);

const full: Record<string, string> = {
  nhs_number: BABY,
  birth_date: '2025-05-01',
  birth_time: '07:45',
  sex: 'F',
  birth_weight_g: '3250',
  gestation_weeks: '39',
  delivery_method: 'spontaneous',
  multiple_birth_order: '1',
  baby_given_name: 'Amara',
  baby_family_name: 'Okafor',
  ethnic_category: 'N',
  mother_nhs_number: MOTHER,
  mother_given_name: 'Grace',
  mother_family_name: 'Okafor',
  mother_birth_date: '1995-02-10',
  address_line1: '1 Test Street',
  address_line2: '',
  town: 'Testtown',
  postcode: 'qx14zz',
  smoking_at_delivery: 'N',
  sharing_objection: 'N',
};

const problemsOf = (overrides: Record<string, string>) => {
  const r = mapLiveBirthRow({ ...full, ...overrides }, TODAY);
  return r.ok ? [] : r.problems;
};

describe('live-birth extract row mapping', () => {
  it('maps a full row to BirthInput', () => {
    expect(mapLiveBirthRow(full, TODAY)).toEqual({
      ok: true,
      value: {
        nhsNumber: BABY,
        birthDate: '2025-05-01',
        postcode: 'QX1 4ZZ',
        birthTime: '07:45',
        sex: 'F',
        birthWeightGrams: 3250,
        gestationWeeks: 39,
        deliveryMethod: 'spontaneous',
        multipleBirthOrder: 1,
        givenName: 'Amara',
        familyName: 'Okafor',
        ethnicCategory: 'N',
        motherNhsNumber: MOTHER,
        motherGivenName: 'Grace',
        motherFamilyName: 'Okafor',
        motherBirthDate: '1995-02-10',
        addressLine1: '1 Test Street',
        town: 'Testtown',
        smokingAtDelivery: 'N',
        sharingObjection: false,
      },
    });
  });

  it('leaves empty optional cells absent, never invented', () => {
    const only = { nhs_number: BABY, birth_date: '2025-05-01', postcode: 'ZZ99 3VZ' };
    expect(mapLiveBirthRow(only, TODAY)).toEqual({
      ok: true,
      value: { nhsNumber: BABY, birthDate: '2025-05-01', postcode: 'ZZ99 3VZ' },
    });
  });

  it.each([
    [{ nhs_number: '' }, 'nhs_number', 'is required'],
    [{ birth_date: ' ' }, 'birth_date', 'is required'],
    [{ postcode: '' }, 'postcode', 'is required'],
    [{ nhs_number: '9995000019' }, 'nhs_number', 'fails the Modulus 11 check digit'],
    [{ nhs_number: '943 476 5919' }, 'nhs_number', 'must be exactly 10 digits with no spaces'],
    [{ mother_nhs_number: '9995000019' }, 'mother_nhs_number', 'fails the Modulus 11 check digit'],
    [{ mother_nhs_number: BABY }, 'mother_nhs_number', "is the baby's own NHS number"],
    [{ birth_date: '2025-02-30' }, 'birth_date', 'must be a real date as YYYY-MM-DD'],
    [{ birth_date: '01/05/2025' }, 'birth_date', 'must be a real date as YYYY-MM-DD'],
    [{ birth_date: '2025-06-16' }, 'birth_date', 'is in the future'],
    [{ mother_birth_date: '2030-01-01' }, 'mother_birth_date', 'is in the future'],
    [{ birth_time: '24:00' }, 'birth_time', 'must be a time as HH:MM (00:00 to 23:59)'],
    [{ sex: 'X' }, 'sex', 'must be one of M, F, I, U'],
    [{ birth_weight_g: '199' }, 'birth_weight_g', 'must be a whole number from 200 to 7000'],
    [{ birth_weight_g: '7001' }, 'birth_weight_g', 'must be a whole number from 200 to 7000'],
    [{ birth_weight_g: '3250.5' }, 'birth_weight_g', 'must be a whole number from 200 to 7000'],
    [{ gestation_weeks: '19' }, 'gestation_weeks', 'must be a whole number from 20 to 45'],
    [{ gestation_weeks: '46' }, 'gestation_weeks', 'must be a whole number from 20 to 45'],
    [
      { delivery_method: 'forceps' },
      'delivery_method',
      expect.stringMatching(/^must be one of spontaneous/),
    ],
    [{ multiple_birth_order: '0' }, 'multiple_birth_order', 'must be a whole number of at least 1'],
    [{ ethnic_category: 'I' }, 'ethnic_category', expect.stringMatching(/^must be one of A, B/)],
    [{ ethnic_category: 'O' }, 'ethnic_category', expect.stringMatching(/^must be one of A, B/)],
    [{ postcode: 'NOT A POSTCODE' }, 'postcode', expect.stringMatching(/^must be a UK postcode/)],
    [{ smoking_at_delivery: 'maybe' }, 'smoking_at_delivery', 'must be one of Y, N, U'],
    [{ sharing_objection: 'U' }, 'sharing_objection', 'must be one of Y, N'],
    [
      { mother_birth_date: '2016-01-01' },
      'mother_birth_date',
      'makes the mother 9 at the birth; expected 10 to 65',
    ],
    [
      { mother_birth_date: '1959-04-30' },
      'mother_birth_date',
      'makes the mother 66 at the birth; expected 10 to 65',
    ],
    [
      { mother_birth_date: '2025-05-02' },
      'mother_birth_date',
      expect.stringMatching(/born after the baby/),
    ],
  ])('rejects %p at %s', (overrides, column, reason) => {
    expect(problemsOf(overrides)).toEqual([{ column, reason }]);
  });

  it('accepts the edges: mother 10 and 65, ZZ99 pseudo-postcode, birth today, lower-case codes', () => {
    expect(problemsOf({ mother_birth_date: '2015-05-01' })).toEqual([]);
    expect(problemsOf({ mother_birth_date: '1959-05-02' })).toEqual([]);
    expect(problemsOf({ birth_date: TODAY, mother_birth_date: '1990-01-01' })).toEqual([]);
    expect(problemsOf({ sex: 'm', ethnic_category: 'z', sharing_objection: 'y' })).toEqual([]);
    const r = mapLiveBirthRow({ ...full, postcode: 'zz993vz', sharing_objection: 'Y' }, TODAY);
    expect(r.ok && r.value).toMatchObject({ postcode: 'ZZ99 3VZ', sharingObjection: true });
  });

  it('names every failing column of a row', () => {
    expect(
      problemsOf({ sex: 'Q', gestation_weeks: '99', postcode: '??' }).map((p) => p.column),
    ).toEqual(['postcode', 'sex', 'gestation_weeks']);
  });

  it('ukToday gives the London date', () => {
    expect(ukToday(new Date('2025-06-30T23:30:00Z'))).toBe('2025-07-01');
    expect(ukToday(new Date('2025-01-31T23:30:00Z'))).toBe('2025-01-31');
  });
});

describe('live-birth extract through runImport', () => {
  it('imports an extract file with a BOM and reports bad rows by spreadsheet row', async () => {
    const header = LIVE_BIRTH_EXTRACT_COLUMNS.join(',');
    const row = (o: Record<string, string>) =>
      LIVE_BIRTH_EXTRACT_COLUMNS.map((c) => {
        const v = { ...full, ...o }[c] ?? '';
        return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
      }).join(',');
    const [second] = new NhsNumberGenerator('test', 12).take(1);
    const text = `\uFEFF${[
      header,
      row({}),
      row({ nhs_number: '9995000019' }),
      row({ nhs_number: second, address_line1: 'Flat 2, "The Mews"' }),
    ].join('\r\n')}\r\n`;
    const rows: AcceptedRow<BirthInput>[] = [];
    const result = await runImport(
      Readable.from([Buffer.from(text)]),
      liveBirthExtractSpec({ today: TODAY }),
      { accept: (batch) => (rows.push(...batch), Promise.resolve({ duplicates: 0 })) },
    );
    expect(result).toMatchObject({ status: 'completed', rowsRead: 3, accepted: 2, rejected: 1 });
    expect(result.errors).toEqual([
      { row: 3, column: 'nhs_number', reason: 'fails the Modulus 11 check digit' },
    ]);
    expect(rows.map((r) => [r.rowNumber, r.value.addressLine1])).toEqual([
      [2, '1 Test Street'],
      [4, 'Flat 2, "The Mews"'],
    ]);
  });

  it('refuses an extract without its required columns', async () => {
    const result = await runImport(
      Readable.from([Buffer.from('nhs_number,sex\n9995000016,F\n')]),
      liveBirthExtractSpec({ today: TODAY }),
      { accept: () => Promise.resolve({ duplicates: 0 }) },
    );
    expect(result.fileError).toBe('the header lacks required column(s): birth_date, postcode');
  });
});
