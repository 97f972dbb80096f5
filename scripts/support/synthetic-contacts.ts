/**
 * A synthetic health-visitor contact extract (the CSV `contactExtractSpec` reads), for benchmarks
 * and tests: test-range NHS numbers (9995-9997), a month-or-so of contacts dated in the past few
 * months, a realistic mix of contact types (feeding status only at the new-birth visit and the
 * 6-8 week review, ASQ-3 only at the 2-2½ year review), about 1% deliberately invalid rows (eight
 * kinds, in turn: some refused when the row is read, some only when it is recorded) and a few
 * rows repeated byte for byte. Deterministic for given options (and `today`).
 */
import { once } from 'node:events';
import { createWriteStream, statSync } from 'node:fs';
import { NhsNumberGenerator } from '@lib/nhs-number';
import { ukToday } from '@lib/platform';
import type { ContactType } from '../../apps/health-visits/src/contacts/contact';
import {
  CONTACT_EXTRACT_COLUMNS,
  type ContactExtractColumn,
} from '../../apps/health-visits/src/imports/contact-extract';

export interface SyntheticContactsOptions {
  /** Data rows (the header is not counted). */
  rows: number;
  /** The uploader's organisation (ODS code): most rows carry it, some leave the cell empty. */
  organisationCode: string;
  /** Seed of the children's NHS numbers and of the mix (default 2026); mothers use their own. */
  seed?: number;
  /** Draw the children's NHS numbers from this generator instead (to keep extracts apart). */
  nhsNumbers?: NhsNumberGenerator;
  /** The UK date the extract is imported on, YYYY-MM-DD (default: today in the UK). */
  today?: string;
  /** Every n-th data row is made invalid (default 100: 1%). 0: none. */
  invalidEvery?: number;
  /**
   * Rows 1 + k·n (k ≥ 1) repeat one of the first 50 rows byte for byte (default 500: 39 in
   * 20,000; offset by one so that they never fall on an invalid row). 0: none.
   */
  duplicateEvery?: number;
}

/**
 * The kinds of invalid row, in the order they are used (row n·invalidEvery gets kind n mod 8).
 * `at`: `read` rows are refused when the row is read (shape, codes, check digit, organisation),
 * `recorded` ones only by the rules applied when the contact is recorded (calendar, review type).
 */
export const INVALID_CONTACT_KINDS = [
  { kind: 'nhs-check-digit', column: 'nhs_number', at: 'read' },
  { kind: 'contact-type', column: 'contact_type', at: 'read' },
  { kind: 'not-a-date', column: 'contact_date', at: 'read' },
  { kind: 'future-date', column: 'contact_date', at: 'recorded' },
  { kind: 'feeding-at-12-months', column: 'feeding_status', at: 'recorded' },
  { kind: 'flag', column: 'referred_to_centre', at: 'read' },
  { kind: 'other-organisation', column: 'organisation_code', at: 'read' },
  { kind: 'unbalanced-quote', column: '', at: 'read' },
] as const;

export type InvalidContactKind = (typeof INVALID_CONTACT_KINDS)[number];

export interface SyntheticContactRow {
  /** The row as a spreadsheet numbers it (the header is row 1). */
  row: number;
  /** The CSV line, CRLF-terminated. */
  line: string;
  contactType: string;
  /** valid: a new contact; duplicate: repeats an earlier valid row; invalid: must be rejected. */
  kind: 'valid' | 'duplicate' | 'invalid';
  invalid?: InvalidContactKind;
  /** A valid row with a feeding status. */
  feeding?: boolean;
  /** A valid row where the child's parent objects to sharing (a sharing event of its own). */
  objects?: boolean;
  /** For duplicate rows: the row it repeats. */
  repeats?: number;
}

export interface SyntheticContactsSummary {
  rows: number;
  valid: number;
  duplicates: number;
  invalid: number;
  /** Invalid rows refused when read / only when recorded. */
  invalidAtRead: number;
  invalidAtRecord: number;
  /** Valid rows per contact type. */
  contactTypes: Record<string, number>;
  /** Valid rows that carry a feeding status. */
  withFeedingStatus: number;
  /** Valid rows of a child (not antenatal) whose parent objects to sharing. */
  objections: number;
  bytes: number;
}

/** Contact types and their share of an extract (antenatal contacts carry the mother's number). */
const TYPE_MIX: readonly (readonly [ContactType, number])[] = [
  ['antenatal', 0.12],
  ['new_birth_visit', 0.26],
  ['review_6_8_week', 0.24],
  ['review_12_month', 0.18],
  ['review_2_2_5_year', 0.15],
  ['other', 0.05],
];
const LOCATIONS: Record<ContactType, readonly (readonly [string, number])[]> = {
  antenatal: [
    ['home', 0.5],
    ['clinic', 0.4],
    ['childrens_centre', 0.1],
  ],
  new_birth_visit: [
    ['home', 0.92],
    ['clinic', 0.08],
  ],
  review_6_8_week: [
    ['home', 0.35],
    ['clinic', 0.45],
    ['childrens_centre', 0.2],
  ],
  review_12_month: [
    ['clinic', 0.5],
    ['childrens_centre', 0.35],
    ['home', 0.15],
  ],
  review_2_2_5_year: [
    ['clinic', 0.45],
    ['childrens_centre', 0.4],
    ['home', 0.15],
  ],
  other: [
    ['other', 0.4],
    ['clinic', 0.3],
    ['home', 0.3],
  ],
};
const OUTCOMES = [
  ['completed', 0.86],
  ['did_not_attend', 0.08],
  ['cancelled', 0.04],
  ['declined', 0.02],
] as const;
const FEEDING = [
  ['totally_breastfed', 0.33],
  ['partially_breastfed', 0.24],
  ['not_breastfed', 0.38],
  ['unknown', 0.05],
] as const;
const SMOKING = [
  ['non_smoker', 0.82],
  ['smoker', 0.11],
  ['unknown', 0.07],
] as const;
const SOURCE_SYSTEMS = ['bench-hv-east', 'bench-hv-west'] as const;
const REMEMBERED = 50;
/** How far back contacts are dated (days before today, at least one). */
const MAX_DAYS_AGO = 120;

/** The header line (with a UTF-8 BOM, as spreadsheet exports write it). */
export function syntheticContactsHeader(): string {
  return `\uFEFF${CONTACT_EXTRACT_COLUMNS.join(',')}\r\n`;
}

/** One CSV line of the extract from named cells (absent columns are empty), RFC 4180 quoting. */
export function contactLine(cells: Partial<Record<ContactExtractColumn, string>>): string {
  return `${CONTACT_EXTRACT_COLUMNS.map((c) => quote(cells[c] ?? '')).join(',')}\r\n`;
}

function quote(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A small seeded PRNG (mulberry32): the same seed, the same extract. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, weighted: readonly (readonly [T, number])[]): T {
  let r = rand();
  for (const [value, weight] of weighted) {
    if (r < weight) return value;
    r -= weight;
  }
  return weighted[weighted.length - 1][0];
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The data rows, one at a time (nothing is held but the first 50 rows and a few children). */
export function* syntheticContactRows(
  options: SyntheticContactsOptions,
): Generator<SyntheticContactRow> {
  const invalidEvery = options.invalidEvery ?? 100;
  const duplicateEvery = options.duplicateEvery ?? 500;
  const seed = options.seed ?? 2026;
  const today = options.today ?? ukToday();
  const rand = random(seed);
  const children = options.nhsNumbers ?? new NhsNumberGenerator('test', seed);
  const mothers = new NhsNumberGenerator('test', seed + 7919);
  /** Children seen at a new-birth visit, some of whom come back for their 6-8 week review. */
  const visited: string[] = [];
  const recent: SyntheticContactRow[] = [];
  for (let i = 1; i <= options.rows; i++) {
    const row = i + 1;
    if (duplicateEvery > 0 && i % duplicateEvery === 1 && recent.length > 0) {
      const original = recent[i % recent.length];
      yield {
        ...original,
        row,
        kind: original.kind === 'valid' ? 'duplicate' : original.kind,
        repeats: original.row,
      };
      continue;
    }
    const type = pick(rand, TYPE_MIX);
    let nhsNumber: string;
    if (type === 'antenatal') nhsNumber = mothers.next();
    else if (type === 'review_6_8_week' && visited.length > 0 && rand() < 0.5)
      nhsNumber = visited.splice(Math.floor(rand() * visited.length), 1)[0];
    else nhsNumber = children.next();
    if (type === 'new_birth_visit' && visited.length < 500) visited.push(nhsNumber);
    const outcome = pick(rand, OUTCOMES);
    const completed = outcome === 'completed';
    const feeding =
      completed && (type === 'new_birth_visit' || type === 'review_6_8_week') && rand() < 0.9
        ? pick(rand, FEEDING)
        : '';
    const smoking =
      completed && (type === 'antenatal' || type === 'new_birth_visit') && rand() < 0.8
        ? pick(rand, SMOKING)
        : '';
    const referred = rand();
    const sharing = rand();
    const cells: Record<ContactExtractColumn, string> = {
      source_system: SOURCE_SYSTEMS[rand() < 0.7 ? 0 : 1],
      organisation_code: rand() < 0.9 ? options.organisationCode : '',
      source_contact_id: `C${seed}-${String(i).padStart(8, '0')}`,
      nhs_number: nhsNumber,
      contact_type: type,
      contact_date: addDays(today, -1 - Math.floor(rand() * MAX_DAYS_AGO)),
      location: pick(rand, LOCATIONS[type]),
      outcome,
      feeding_status: feeding,
      maternal_smoking: smoking,
      referred_to_centre: referred < 0.08 ? 'Y' : referred < 0.7 ? 'N' : '',
      asq3_completed: completed && type === 'review_2_2_5_year' ? (rand() < 0.85 ? 'Y' : 'N') : '',
      sharing_status: sharing < 0.02 ? 'objects' : sharing < 0.3 ? 'not_asked' : '',
    };
    let invalid: InvalidContactKind | undefined;
    let line: string;
    if (invalidEvery > 0 && i % invalidEvery === 0) {
      invalid = INVALID_CONTACT_KINDS[(i / invalidEvery) % INVALID_CONTACT_KINDS.length];
      switch (invalid.kind) {
        case 'nhs-check-digit': {
          const nhs = cells.nhs_number;
          cells.nhs_number = `${nhs.slice(0, 9)}${(Number(nhs[9]) + 1) % 10}`;
          break;
        }
        case 'contact-type':
          cells.contact_type = 'review_3_year';
          break;
        case 'not-a-date':
          cells.contact_date = `${today.slice(0, 4)}-02-30`;
          break;
        case 'future-date':
          cells.contact_date = addDays(today, 30);
          break;
        case 'feeding-at-12-months':
          Object.assign(cells, {
            contact_type: 'review_12_month',
            outcome: 'completed',
            feeding_status: 'not_breastfed',
            asq3_completed: '',
          });
          break;
        case 'flag':
          cells.referred_to_centre = 'maybe';
          break;
        case 'other-organisation':
          cells.organisation_code = options.organisationCode === 'RZZ99' ? 'RZZ98' : 'RZZ99';
          break;
        case 'unbalanced-quote':
          break;
      }
    }
    if (invalid?.kind === 'unbalanced-quote') {
      // A quote opened in the location cell and never closed, written raw.
      line = contactLine(cells).replace(/^((?:[^,]*,){6})/, '$1"unbalanced ');
    } else {
      line = contactLine(cells);
    }
    const generated: SyntheticContactRow = {
      row,
      line,
      contactType: cells.contact_type,
      kind: invalid ? 'invalid' : 'valid',
      ...(invalid
        ? { invalid }
        : {
            feeding: cells.feeding_status !== '',
            objects: cells.sharing_status === 'objects' && type !== 'antenatal',
          }),
    };
    if (recent.length < REMEMBERED) recent.push(generated);
    yield generated;
  }
}

/** Writes the extract (header and rows) to `path`, streaming; says what it holds. */
export async function writeSyntheticContacts(
  path: string,
  options: SyntheticContactsOptions,
): Promise<SyntheticContactsSummary> {
  const out = createWriteStream(path);
  const summary: SyntheticContactsSummary = {
    rows: 0,
    valid: 0,
    duplicates: 0,
    invalid: 0,
    invalidAtRead: 0,
    invalidAtRecord: 0,
    contactTypes: {},
    withFeedingStatus: 0,
    objections: 0,
    bytes: 0,
  };
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(syntheticContactsHeader());
  for (const r of syntheticContactRows(options)) {
    summary.rows++;
    if (r.kind === 'valid') {
      summary.valid++;
      summary.contactTypes[r.contactType] = (summary.contactTypes[r.contactType] ?? 0) + 1;
      if (r.feeding) summary.withFeedingStatus++;
      if (r.objects) summary.objections++;
    } else if (r.kind === 'duplicate') summary.duplicates++;
    else {
      summary.invalid++;
      if (r.invalid?.at === 'recorded') summary.invalidAtRecord++;
      else summary.invalidAtRead++;
    }
    await write(r.line);
  }
  out.end();
  await once(out, 'finish');
  summary.bytes = statSync(path).size;
  return summary;
}
