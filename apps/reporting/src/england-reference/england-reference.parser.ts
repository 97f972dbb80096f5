import { CsvError, parse } from 'csv-parse/sync';
import { INDICATORS, type IndicatorId } from '../figures/figure-types';

/**
 * The England reference CSV an LA analyst uploads: England's value of each health indicator per
 * financial quarter, the benchmark the figures compare every area with (docs/figures.md).
 *
 * ```
 * indicator,period,value,source
 * smoking_at_delivery,quarter:2026-27-Q1,0.074,NHS Digital SATOD 2026-27 Q1
 * breastfeeding_nbv,quarter:2026-27-Q1,12.5%,
 * ```
 *
 * The file is accepted or refused whole: every problem is listed with its line (as in the file,
 * the header being line 1) so the analyst can fix the file and upload it again.
 */

/** The columns, in no particular order; the header is read case-insensitively. */
export const ENGLAND_REFERENCE_COLUMNS = ['indicator', 'period', 'value', 'source'] as const;
type Column = (typeof ENGLAND_REFERENCE_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly Column[] = ['indicator', 'period', 'value'];
export const SOURCE_MAX_LENGTH = 200;
/** Longest piece of a bad cell repeated in a message. */
const ECHO_MAX = 60;

export interface EnglandReferenceRow {
  indicator: IndicatorId;
  /** A financial quarter id, `quarter:2026-27-Q1`. */
  period: string;
  /** England's value as a proportion, 0..1. */
  value: number;
  /** Where the value comes from (free text); absent when the cell is empty. */
  source?: string;
}

/**
 * One problem. `field` is a column name for a cell or header problem, `row` for a row that does
 * not have the header's number of cells, `header` for a column without a name and `file` for the
 * file as a whole (empty, no rows, not readable as CSV).
 */
export interface EnglandReferenceError {
  line: number;
  field: string;
  message: string;
}

export interface ParsedEnglandReference {
  /** The rows in file order; empty whenever there is any error (nothing of the file is used). */
  rows: EnglandReferenceRow[];
  errors: EnglandReferenceError[];
}

/** `quarter:YYYY-YY-Qn`; the second year is checked against the first. */
const QUARTER = /^quarter:(\d{4})-(\d{2})-Q([1-4])$/;
const DECIMAL = /^(?:\d+(?:\.\d+)?|\.\d+)$/;
const PERCENTAGE = /^(\d+(?:\.\d+)?|\.\d+)\s*%$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const KNOWN_INDICATORS: ReadonlySet<string> = new Set(INDICATORS);

interface RawRecord {
  record: string[];
  info: { lines: number };
}

export function parseEnglandReferenceCsv(text: string): ParsedEnglandReference {
  let records: RawRecord[];
  try {
    // With `info`, csv-parse yields `{ record, info }` (its typings only know the plain arrays).
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as RawRecord[];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = typeof error.lines === 'number' && error.lines > 0 ? error.lines : 1;
    return refused([{ line, field: 'file', message: `not readable as CSV: ${error.message}` }]);
  }
  // A row of empty cells (",,,", as spreadsheets write) is a blank line.
  const lines = records
    .map(({ record, info }) => ({
      cells: record.map((c) => c.trim()),
      line: firstLine(record, info),
    }))
    .filter(({ cells }) => cells.some((c) => c !== ''));

  const [header, ...body] = lines;
  if (!header) {
    return refused([
      {
        line: 1,
        field: 'file',
        message: `the file is empty: expected a header (${ENGLAND_REFERENCE_COLUMNS.join(',')}) and a row for each indicator and quarter`,
      },
    ]);
  }

  const { columns, errors } = readHeader(header.cells, header.line);
  const missing = REQUIRED_COLUMNS.filter((c) => columns[c] === undefined);
  for (const column of missing) {
    errors.push({
      line: header.line,
      field: column,
      message: `missing column ${column}: the header must name indicator, period and value (source is optional)`,
    });
  }
  if (missing.length > 0) return refused(errors);
  if (body.length === 0) {
    return refused([
      ...errors,
      { line: header.line + 1, field: 'file', message: 'the file has a header but no rows' },
    ]);
  }

  const rows: EnglandReferenceRow[] = [];
  const firstSeen = new Map<string, number>();
  for (const { cells, line } of body) {
    if (cells.length !== header.cells.length) {
      errors.push({
        line,
        field: 'row',
        message: `the row has ${cells.length} cells where the header has ${header.cells.length}`,
      });
      continue;
    }
    const cell = (column: Column): string => {
      const index = columns[column];
      return index === undefined ? '' : (cells[index] ?? '');
    };
    const problems: EnglandReferenceError[] = [];
    const problem = (field: Column, message: string) => problems.push({ line, field, message });

    const indicator = readIndicator(cell('indicator'), (m) => problem('indicator', m));
    const period = readPeriod(cell('period'), (m) => problem('period', m));
    const value = readValue(cell('value'), (m) => problem('value', m));
    const source = readSource(cell('source'), (m) => problem('source', m));

    if (indicator !== undefined && period !== undefined) {
      const key = `${indicator} ${period}`;
      const first = firstSeen.get(key);
      if (first !== undefined) {
        problem('indicator', `${indicator} for ${period} is already given on line ${first}`);
      } else {
        firstSeen.set(key, line);
      }
    }
    errors.push(...problems);
    if (problems.length === 0 && indicator && period && value !== undefined) {
      rows.push({ indicator, period, value, ...(source ? { source } : {}) });
    }
  }
  return errors.length > 0 ? refused(errors) : { rows, errors: [] };
}

/** Where each column is; unknown, unnamed and repeated columns are errors. */
function readHeader(
  cells: string[],
  line: number,
): { columns: Partial<Record<Column, number>>; errors: EnglandReferenceError[] } {
  const columns: Partial<Record<Column, number>> = {};
  const errors: EnglandReferenceError[] = [];
  const expected = 'the columns are indicator, period, value and (optional) source';
  cells.forEach((raw, index) => {
    const name = raw.toLowerCase();
    if (name === '') {
      errors.push({
        line,
        field: 'header',
        message: `column ${index + 1} has no name: ${expected}`,
      });
      return;
    }
    if (!isColumn(name)) {
      errors.push({
        line,
        field: echo(raw),
        message: `unknown column "${echo(raw)}": ${expected}`,
      });
      return;
    }
    const earlier = columns[name];
    if (earlier !== undefined) {
      errors.push({
        line,
        field: name,
        message: `column ${name} is named twice (columns ${earlier + 1} and ${index + 1})`,
      });
      return;
    }
    columns[name] = index;
  });
  return { columns, errors };
}

function readIndicator(cell: string, problem: (m: string) => void): IndicatorId | undefined {
  if (cell === '') {
    problem('indicator is required');
    return undefined;
  }
  if (isIndicator(cell)) return cell;
  problem(`unknown indicator "${echo(cell)}": expected one of ${INDICATORS.join(', ')}`);
  return undefined;
}

function readPeriod(cell: string, problem: (m: string) => void): string | undefined {
  if (cell === '') {
    problem('period is required, e.g. quarter:2026-27-Q1');
    return undefined;
  }
  const m = QUARTER.exec(cell);
  if (!m) {
    problem(`period "${echo(cell)}" is not a financial quarter: write it like quarter:2026-27-Q1`);
    return undefined;
  }
  const start = Number(m[1]);
  const written = `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
  if (Number(m[2]) !== (start + 1) % 100) {
    problem(
      `period "${cell}": the financial year starting in ${start} is written ${written} (quarter:${written}-Q${m[3]})`,
    );
    return undefined;
  }
  return cell;
}

/** A proportion (0..1) as a decimal, or a percentage (0..100) with a trailing `%`. */
function readValue(cell: string, problem: (m: string) => void): number | undefined {
  if (cell === '') {
    problem('value is required: a proportion (0.125) or a percentage (12.5%)');
    return undefined;
  }
  const percentage = PERCENTAGE.exec(cell);
  if (percentage) {
    // Shifting the decimal point in the text keeps 8.8% exactly 0.088 (8.8 / 100 is not).
    const value = Number(`${percentage[1]}e-2`);
    if (value > 1) {
      problem(`value ${echo(cell)} is over 100%`);
      return undefined;
    }
    return value;
  }
  if (!DECIMAL.test(cell)) {
    problem(
      `value "${echo(cell)}" is not a number: write a proportion between 0 and 1 (0.125) or a percentage (12.5%)`,
    );
    return undefined;
  }
  const value = Number(cell);
  if (value > 1) {
    problem(
      `value ${echo(cell)} is not a proportion between 0 and 1: write 0.125, or 12.5% for a percentage`,
    );
    return undefined;
  }
  return value;
}

function readSource(cell: string, problem: (m: string) => void): string | undefined {
  if (cell === '') return undefined;
  if (cell.length > SOURCE_MAX_LENGTH) {
    problem(`source is ${cell.length} characters long: at most ${SOURCE_MAX_LENGTH}`);
    return undefined;
  }
  if (CONTROL.test(cell)) {
    problem('source must be one line of text, without control characters');
    return undefined;
  }
  return cell;
}

/** csv-parse counts a record's last line; a quoted cell may hold line breaks before it. */
function firstLine(record: string[], info: { lines: number }): number {
  const breaks = record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
  return info.lines - breaks;
}

function refused(errors: EnglandReferenceError[]): ParsedEnglandReference {
  return { rows: [], errors: [...errors].sort((a, b) => a.line - b.line) };
}

function isColumn(name: string): name is Column {
  return (ENGLAND_REFERENCE_COLUMNS as readonly string[]).includes(name);
}

function isIndicator(value: string): value is IndicatorId {
  return KNOWN_INDICATORS.has(value);
}

function echo(text: string): string {
  return text.length > ECHO_MAX ? `${text.slice(0, ECHO_MAX)}…` : text;
}
