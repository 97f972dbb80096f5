import { stringify } from 'csv-stringify/sync';
import { stringify as stringifyStream } from 'csv-stringify';
import { Readable } from 'node:stream';
import type { RowError } from './row-spec';

const COLUMNS = ['row', 'column', 'reason'];

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a leading apostrophe:
 * reasons may quote what the uploader wrote, and the report is opened in Excel.
 */
function defuse(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function toRecord(e: RowError): [number, string, string] {
  return [e.row, defuse(e.column), defuse(e.reason)];
}

/** The downloadable row-error report: `row,column,reason`, RFC 4180 quoting, CRLF-free. */
export function rowErrorsCsv(errors: readonly RowError[]): string {
  return stringify(errors.map(toRecord), { header: true, columns: COLUMNS });
}

/** The same report as a stream, for large error lists. */
export function rowErrorsCsvStream(errors: Iterable<RowError> | AsyncIterable<RowError>): Readable {
  async function* records(): AsyncGenerator<[number, string, string]> {
    for await (const e of errors) yield toRecord(e);
  }
  return Readable.from(records()).pipe(stringifyStream({ header: true, columns: COLUMNS }));
}
