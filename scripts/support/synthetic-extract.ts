/**
 * A synthetic LA live-birth extract (the CSV `liveBirthExtractSpec` reads), for benchmarks and
 * tests: test-range NHS numbers (9995-9997), invented names, invented QX postcodes, a few
 * deliberately invalid rows (four kinds, in turn) and some rows repeated byte for byte.
 * Deterministic for given options: the same options give the same file.
 */
import { once } from 'node:events';
import { createWriteStream, statSync } from 'node:fs';
import { NhsNumberGenerator } from '@lib/nhs-number';
import {
  LIVE_BIRTH_EXTRACT_COLUMNS,
  type LiveBirthExtractColumn,
} from '../../apps/births/src/imports/live-birth-extract';

export interface SyntheticExtractOptions {
  /** Data rows (the header is not counted). */
  rows: number;
  /** Seed of the babies' NHS numbers (default 2025); the mothers' use their own seed. */
  seed?: number;
  /** Draw the babies' NHS numbers from this generator instead (to keep several extracts apart). */
  nhsNumbers?: NhsNumberGenerator;
  /** Every n-th data row is made invalid (default 160: 300 in 50,000). 0: none. */
  invalidEvery?: number;
  /** Every n-th data row repeats one of the first 50 rows byte for byte (default 500). 0: none. */
  duplicateEvery?: number;
}

/** The kinds of invalid row, in the order they are used (row n·invalidEvery gets kind n mod 4). */
export const INVALID_KINDS = [
  { kind: 'nhs-check-digit', column: 'nhs_number', reason: 'fails the Modulus 11 check digit' },
  {
    kind: 'birth-weight',
    column: 'birth_weight_g',
    reason: 'must be a whole number from 200 to 7000',
  },
  {
    kind: 'postcode',
    column: 'postcode',
    reason: 'must be a UK postcode such as QX1 4ZZ (ZZ99 pseudo-postcodes allowed)',
  },
  // The reason names unbalanced quotes; its exact words depend on what follows the row.
  { kind: 'unbalanced-quote', column: '', reason: 'unbalanced quotes' },
] as const;

export type InvalidKind = (typeof INVALID_KINDS)[number];

export interface SyntheticRow {
  /** The row as a spreadsheet numbers it (the header is row 1). */
  row: number;
  /** The CSV line, CRLF-terminated. */
  line: string;
  /** The NHS number in the row (as written: for an invalid check digit, the wrong one). */
  nhsNumber: string;
  /** valid: a new birth; duplicate: repeats an earlier valid row; invalid: must be rejected. */
  kind: 'valid' | 'duplicate' | 'invalid';
  /** For invalid rows: what is wrong with it. */
  invalid?: InvalidKind;
  /** For duplicate rows: the row it repeats. */
  repeats?: number;
}

export interface SyntheticExtractSummary {
  rows: number;
  valid: number;
  duplicates: number;
  invalid: number;
  bytes: number;
  /** Each invalid row (a few hundred): its number and what is wrong with it. */
  invalidRows: { row: number; invalid: InvalidKind }[];
}

const GIVEN = ['Amara', 'Oliver', 'Zoë', 'Mohammed', 'Isla', 'Jack', 'Ava', 'Noah', 'Freya', 'Leo'];
const FAMILY = ['Smith', 'Okafor', 'Khan', "O'Brien", 'Jones', 'Nowak', 'Patel', 'Williams-Ray'];
const REMEMBERED = 50;

/** The header line (with a UTF-8 BOM, as spreadsheet exports write it). */
export function syntheticExtractHeader(): string {
  return `\uFEFF${LIVE_BIRTH_EXTRACT_COLUMNS.join(',')}\r\n`;
}

/** One CSV line of the extract from named cells (absent columns are empty), RFC 4180 quoting. */
export function extractLine(cells: Partial<Record<LiveBirthExtractColumn, string>>): string {
  return `${LIVE_BIRTH_EXTRACT_COLUMNS.map((c) => quote(cells[c] ?? '')).join(',')}\r\n`;
}

function quote(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The data rows, one at a time (nothing is held but the first 50 rows, for duplicates). */
export function* syntheticExtractRows(options: SyntheticExtractOptions): Generator<SyntheticRow> {
  const invalidEvery = options.invalidEvery ?? 160;
  const duplicateEvery = options.duplicateEvery ?? 500;
  const babies = options.nhsNumbers ?? new NhsNumberGenerator('test', options.seed ?? 2025);
  const mothers = new NhsNumberGenerator('test', (options.seed ?? 2025) + 2217);
  const recent: SyntheticRow[] = [];
  for (let i = 1; i <= options.rows; i++) {
    const row = i + 1;
    if (duplicateEvery > 0 && i % duplicateEvery === 0 && recent.length > 0) {
      const original = recent[i % recent.length];
      yield {
        ...original,
        row,
        kind: original.kind === 'valid' ? 'duplicate' : original.kind,
        repeats: original.row,
      };
      continue;
    }
    const day = String((i % 28) + 1).padStart(2, '0');
    const month = String((i % 12) + 1).padStart(2, '0');
    const family = FAMILY[i % FAMILY.length];
    const baby = babies.next();
    let mother = i % 7 === 0 ? '' : mothers.next();
    // The two draws are independent: a mother must not get her baby's number by chance.
    if (mother === baby) mother = mothers.next();
    const cells: Record<LiveBirthExtractColumn, string> = {
      nhs_number: baby,
      birth_date: `2024-${month}-${day}`,
      birth_time: `${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
      sex: 'MFIU'[i % 4],
      birth_weight_g: String(2000 + (i % 2500)),
      gestation_weeks: String(30 + (i % 12)),
      delivery_method: 'spontaneous',
      multiple_birth_order: i % 40 === 0 ? '2' : '1',
      baby_given_name: GIVEN[i % GIVEN.length],
      baby_family_name: family,
      ethnic_category: 'ABCDEFGHJKLMNPRSZ'[i % 17],
      mother_nhs_number: mother,
      mother_given_name: GIVEN[(i + 3) % GIVEN.length],
      mother_family_name: family,
      mother_birth_date: `${1980 + (i % 20)}-${month}-${day}`,
      address_line1: `${i % 200} ${i % 3 === 0 ? 'Flat 2, ' : ''}Example Road`,
      address_line2: '',
      town: 'Testtown',
      postcode: i % 250 === 0 ? 'ZZ99 3VZ' : `QX${(i % 9) + 1} ${i % 10}${'ABDEFGHJ'[i % 8]}Z`,
      smoking_at_delivery: 'YNU'[i % 3],
      sharing_objection: i % 50 === 0 ? 'Y' : 'N',
    };
    let invalid: InvalidKind | undefined;
    let line: string;
    if (invalidEvery > 0 && i % invalidEvery === 0) {
      invalid = INVALID_KINDS[(i / invalidEvery) % INVALID_KINDS.length];
      const nhs = cells.nhs_number;
      if (invalid.kind === 'nhs-check-digit') {
        cells.nhs_number = `${nhs.slice(0, 9)}${(Number(nhs[9]) + 1) % 10}`;
      }
      if (invalid.kind === 'birth-weight') cells.birth_weight_g = '9999';
      if (invalid.kind === 'postcode') cells.postcode = 'NOWHERE';
    }
    if (invalid?.kind === 'unbalanced-quote') {
      // A quote opened and never closed, written raw (everything else is quoted properly).
      line = extractLine({ ...cells, address_line1: '' }).replace(
        /^((?:[^,]*,){15})/,
        '$1"unbalanced',
      );
    } else {
      line = extractLine(cells);
    }
    const generated: SyntheticRow = {
      row,
      line,
      nhsNumber: cells.nhs_number,
      kind: invalid ? 'invalid' : 'valid',
      ...(invalid ? { invalid } : {}),
    };
    if (recent.length < REMEMBERED) recent.push(generated);
    yield generated;
  }
}

/** Writes the extract (header and rows) to `path`, streaming; says what it holds. */
export async function writeSyntheticExtract(
  path: string,
  options: SyntheticExtractOptions,
): Promise<SyntheticExtractSummary> {
  const out = createWriteStream(path);
  const summary: SyntheticExtractSummary = {
    rows: 0,
    valid: 0,
    duplicates: 0,
    invalid: 0,
    bytes: 0,
    invalidRows: [],
  };
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(syntheticExtractHeader());
  for (const r of syntheticExtractRows(options)) {
    summary.rows++;
    if (r.kind === 'valid') summary.valid++;
    else if (r.kind === 'duplicate') summary.duplicates++;
    else {
      summary.invalid++;
      if (r.invalid) summary.invalidRows.push({ row: r.row, invalid: r.invalid });
    }
    await write(r.line);
  }
  out.end();
  await once(out, 'finish');
  summary.bytes = statSync(path).size;
  return summary;
}
