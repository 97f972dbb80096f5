import { isRealDate } from '@lib/platform';
import type { RowProblem, RowResult, RowSpec } from '@lib/imports';
import { nhsNumberProblem } from '@lib/nhs-number';
import type {
  BirthInput,
  DeliveryMethod,
  EthnicCategory,
  SexAtBirth,
  SmokingAtDelivery,
} from '../births/birth-input';
import { normalisePostcode, UK_POSTCODE } from '@lib/platform';

/** The columns of an LA's monthly live-birth extract, in the order LAs send them. */
export const LIVE_BIRTH_EXTRACT_COLUMNS = [
  'nhs_number',
  'birth_date',
  'birth_time',
  'sex',
  'birth_weight_g',
  'gestation_weeks',
  'delivery_method',
  'multiple_birth_order',
  'baby_given_name',
  'baby_family_name',
  'ethnic_category',
  'mother_nhs_number',
  'mother_given_name',
  'mother_family_name',
  'mother_birth_date',
  'address_line1',
  'address_line2',
  'town',
  'postcode',
  'smoking_at_delivery',
  'sharing_objection',
] as const;

export type LiveBirthExtractColumn = (typeof LIVE_BIRTH_EXTRACT_COLUMNS)[number];

const REQUIRED: ReadonlySet<LiveBirthExtractColumn> = new Set([
  'nhs_number',
  'birth_date',
  'postcode',
]);

const SEXES: readonly SexAtBirth[] = ['M', 'F', 'I', 'U'];
const DELIVERY_METHODS: readonly DeliveryMethod[] = [
  'spontaneous',
  'instrumental',
  'caesarean_elective',
  'caesarean_emergency',
  'unknown',
];
const ETHNIC_CATEGORIES: readonly EthnicCategory[] = [
  'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'R', 'S', 'Z',
]; // prettier-ignore
const SMOKING: readonly SmokingAtDelivery[] = ['Y', 'N', 'U'];

export const BIRTH_WEIGHT_GRAMS = { min: 200, max: 7000 } as const;
export const GESTATION_WEEKS = { min: 20, max: 45 } as const;
/** A mother younger than this or older than `max` at the birth is a data error. */
export const MOTHER_AGE_YEARS = { min: 10, max: 65 } as const;

export interface LiveBirthExtractOptions {
  /** Today as YYYY-MM-DD, UK local date: dates after it are refused. */
  today: string;
}

/**
 * The row spec of the monthly live-birth extract, mapping to the canonical `BirthInput`.
 * Only nhs_number, birth_date and postcode are required; an empty cell is absent ("unknown"),
 * never invented. Every failed check is a row problem naming its column.
 *
 * A mother's NHS number that fails Modulus 11 rejects the row (the NEMS channel instead drops
 * the mother link with a warning): an extract is a batch the LA can correct and send again from
 * the error report, whereas dropping the link silently loses the mother (teenage-mother target
 * group, linkage to her other children) with nobody positioned to notice.
 */
export function liveBirthExtractSpec(options: LiveBirthExtractOptions): RowSpec<BirthInput> {
  if (!isRealDate(options.today)) throw new Error('today must be a date as YYYY-MM-DD');
  const today = options.today;
  return {
    columns: LIVE_BIRTH_EXTRACT_COLUMNS.map((name) => ({ name, required: REQUIRED.has(name) })),
    unknownColumns: 'ignore',
    mapRow: (record) => mapLiveBirthRow(record, today),
  };
}

export function mapLiveBirthRow(
  record: Record<string, string>,
  today: string,
): RowResult<BirthInput> {
  const problems: RowProblem[] = [];
  const cell = (column: LiveBirthExtractColumn): string | undefined => {
    const value = (record[column] ?? '').trim();
    if (value !== '') return value;
    if (REQUIRED.has(column)) problems.push({ column, reason: 'is required' });
    return undefined;
  };
  const problem = (column: LiveBirthExtractColumn, reason: string): undefined => {
    problems.push({ column, reason });
    return undefined;
  };

  const nhsNumber = nhsNumberIn('nhs_number');
  const birthDate = dateIn('birth_date');
  const postcode = postcodeIn('postcode');
  const birthTime = timeIn('birth_time');
  const sex = codeIn('sex', SEXES, 'upper');
  const birthWeightGrams = integerIn('birth_weight_g', BIRTH_WEIGHT_GRAMS);
  const gestationWeeks = integerIn('gestation_weeks', GESTATION_WEEKS);
  const deliveryMethod = codeIn('delivery_method', DELIVERY_METHODS, 'lower');
  const multipleBirthOrder = integerIn('multiple_birth_order', { min: 1 });
  const ethnicCategory = codeIn('ethnic_category', ETHNIC_CATEGORIES, 'upper');
  const motherNhsNumber = nhsNumberIn('mother_nhs_number');
  const motherBirthDate = dateIn('mother_birth_date');
  const smokingAtDelivery = codeIn('smoking_at_delivery', SMOKING, 'upper');
  const sharing = codeIn('sharing_objection', ['Y', 'N'] as const, 'upper');

  if (birthDate && motherBirthDate) {
    const age = ageInYears(motherBirthDate, birthDate);
    if (age < MOTHER_AGE_YEARS.min || age > MOTHER_AGE_YEARS.max) {
      problem(
        'mother_birth_date',
        `makes the mother ${age < 0 ? 'born after the baby' : `${age} at the birth`}; ` +
          `expected ${MOTHER_AGE_YEARS.min} to ${MOTHER_AGE_YEARS.max}`,
      );
    }
  }
  if (nhsNumber && motherNhsNumber === nhsNumber) {
    problem('mother_nhs_number', "is the baby's own NHS number");
  }

  if (problems.length > 0 || !nhsNumber || !birthDate || !postcode) {
    return { ok: false, problems };
  }
  const value: BirthInput = { nhsNumber, birthDate, postcode };
  const optional: Partial<BirthInput> = {
    birthTime,
    sex,
    birthWeightGrams,
    gestationWeeks,
    deliveryMethod,
    multipleBirthOrder,
    givenName: cell('baby_given_name'),
    familyName: cell('baby_family_name'),
    ethnicCategory,
    motherNhsNumber,
    motherGivenName: cell('mother_given_name'),
    motherFamilyName: cell('mother_family_name'),
    motherBirthDate,
    addressLine1: cell('address_line1'),
    addressLine2: cell('address_line2'),
    town: cell('town'),
    smokingAtDelivery,
    sharingObjection: sharing === undefined ? undefined : sharing === 'Y',
  };
  for (const [key, v] of Object.entries(optional)) {
    if (v !== undefined) (value as unknown as Record<string, unknown>)[key] = v;
  }
  return { ok: true, value };

  function nhsNumberIn(column: LiveBirthExtractColumn): string | undefined {
    const raw = cell(column);
    if (raw === undefined) return undefined;
    const why = nhsNumberProblem(raw);
    return why === null ? raw : problem(column, why);
  }

  function dateIn(column: LiveBirthExtractColumn): string | undefined {
    const raw = cell(column);
    if (raw === undefined) return undefined;
    if (!isRealDate(raw)) return problem(column, 'must be a real date as YYYY-MM-DD');
    if (raw > today) return problem(column, 'is in the future');
    return raw;
  }

  function timeIn(column: LiveBirthExtractColumn): string | undefined {
    const raw = cell(column);
    if (raw === undefined) return undefined;
    return /^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(raw)
      ? raw
      : problem(column, 'must be a time as HH:MM (00:00 to 23:59)');
  }

  function integerIn(
    column: LiveBirthExtractColumn,
    range: { min: number; max?: number },
  ): number | undefined {
    const raw = cell(column);
    if (raw === undefined) return undefined;
    const n = /^[0-9]{1,6}$/.test(raw) ? Number(raw) : NaN;
    if (n >= range.min && (range.max === undefined || n <= range.max)) return n;
    return problem(
      column,
      range.max === undefined
        ? `must be a whole number of at least ${range.min}`
        : `must be a whole number from ${range.min} to ${range.max}`,
    );
  }

  function codeIn<C extends string>(
    column: LiveBirthExtractColumn,
    codes: readonly C[],
    letterCase: 'upper' | 'lower',
  ): C | undefined {
    const raw = cell(column);
    if (raw === undefined) return undefined;
    const value = letterCase === 'upper' ? raw.toUpperCase() : raw.toLowerCase();
    return (codes as readonly string[]).includes(value)
      ? (value as C)
      : problem(column, `must be one of ${codes.join(', ')}`);
  }

  function postcodeIn(column: LiveBirthExtractColumn): string | undefined {
    const raw = cell(column);
    if (raw === undefined) return undefined;
    const normalised = normalisePostcode(raw);
    return UK_POSTCODE.test(normalised)
      ? normalised
      : problem(column, 'must be a UK postcode such as QX1 4ZZ (ZZ99 pseudo-postcodes allowed)');
  }
}

/** Whole years from `born` to `on`, both YYYY-MM-DD; negative when `on` is before `born`. */
function ageInYears(born: string, on: string): number {
  const [by, bm, bd] = born.split('-').map(Number);
  const [oy, om, od] = on.split('-').map(Number);
  let age = oy - by;
  if (om < bm || (om === bm && od < bd)) age--;
  return age;
}
