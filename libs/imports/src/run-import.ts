import { parse, type CsvError } from 'csv-parse';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvRowFramer, MALFORMED_ROW } from './csv-row-framer';
import type {
  AcceptedRow,
  ImportCounts,
  ImportOptions,
  ImportResult,
  ImportSink,
  RowError,
  RowSpec,
} from './row-spec';

export const DEFAULT_BATCH_SIZE = 500;

/** The file as a whole cannot be imported; carried out of the stream pipeline. */
class FileError extends Error {}

/**
 * Streams a UTF-8 CSV with a header row through csv-parse, maps each row with `spec.mapRow` and
 * hands valid rows to `sink` in batches, awaiting each batch before reading on (the file is
 * never held in memory). Bad rows are counted and reported, never fatal; only the header, an
 * unreadable source or a failing sink fail the import. Invariant:
 * rowsRead = accepted + duplicates + rejected (a batch the sink failed on is not counted).
 */
export async function runImport<T>(
  source: Readable,
  spec: RowSpec<T>,
  sink: ImportSink<T>,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const batchSize = Math.max(1, Math.trunc(options.batchSize ?? DEFAULT_BATCH_SIZE));
  const counts: ImportCounts = { rowsRead: 0, accepted: 0, duplicates: 0, rejected: 0 };
  const errors: RowError[] = [];
  let batch: AcceptedRow<T>[] = [];
  let columnIndex: Array<[string, number]> | undefined;
  let headerWidth = 0;
  let lastRow = 1;

  const reject = (row: number, problems: { column: string; reason: string }[]): void => {
    counts.rowsRead++;
    counts.rejected++;
    if (problems.length === 0) problems = [{ column: '', reason: 'was refused' }];
    for (const p of problems) errors.push({ row, column: p.column, reason: p.reason });
  };

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    let duplicates: number;
    let refused: RowError[];
    try {
      ({ duplicates, refused = [] } = await sink.accept(rows));
    } catch (e) {
      throw new FileError(`the sink failed after ${counts.rowsRead} rows: ${message(e)}`);
    }
    const refusedRows = new Set(refused.map((e) => e.row)).size;
    if (!Number.isInteger(duplicates) || duplicates < 0 || duplicates + refusedRows > rows.length) {
      throw new FileError(
        `the sink reported ${duplicates} duplicates and ${refusedRows} refused rows for ${rows.length} rows`,
      );
    }
    counts.rowsRead += rows.length;
    counts.accepted += rows.length - duplicates - refusedRows;
    counts.duplicates += duplicates;
    counts.rejected += refusedRows;
    errors.push(...refused);
    options.onProgress?.({ ...counts });
  };

  const readHeader = (row: number, kind: string, cells: string[]): void => {
    if (kind === MALFORMED_ROW) {
      throw new FileError(`the header row (row ${row}) cannot be read: ${cells[0] ?? ''}`);
    }
    const names = cells.map((c) => c.trim().toLowerCase());
    const seen = new Set<string>();
    const repeated = names.filter((n) => (seen.has(n) ? true : (seen.add(n), false)));
    if (repeated.length > 0) {
      throw new FileError(`the header repeats column(s): ${[...new Set(repeated)].join(', ')}`);
    }
    const missing = spec.columns.filter((c) => c.required && !seen.has(c.name)).map((c) => c.name);
    if (missing.length > 0) {
      throw new FileError(`the header lacks required column(s): ${missing.join(', ')}`);
    }
    const declared = new Set(spec.columns.map((c) => c.name));
    const unknown = names.filter((n) => !declared.has(n));
    if (unknown.length > 0 && spec.unknownColumns === 'refuse') {
      throw new FileError(`the header has unknown column(s): ${unknown.join(', ')}`);
    }
    headerWidth = names.length;
    columnIndex = spec.columns.map((c) => [c.name, names.indexOf(c.name)]);
  };

  const readRow = async (row: number, kind: string, cells: string[]): Promise<void> => {
    if (kind === MALFORMED_ROW) return reject(row, [{ column: '', reason: cells[0] ?? '' }]);
    if (cells.length !== headerWidth) {
      return reject(row, [
        { column: '', reason: `has ${cells.length} cells where the header has ${headerWidth}` },
      ]);
    }
    const record: Record<string, string> = {};
    for (const [name, index] of columnIndex ?? []) record[name] = index >= 0 ? cells[index] : '';
    let result: ReturnType<RowSpec<T>['mapRow']>;
    try {
      result = spec.mapRow(record, row);
    } catch (e) {
      return reject(row, [{ column: '', reason: `could not be mapped: ${message(e)}` }]);
    }
    if (!result.ok) return reject(row, result.problems);
    batch.push({ rowNumber: row, value: result.value });
    if (batch.length >= batchSize) await flush();
  };

  const parser = parse({
    relax_quotes: true,
    relax_column_count: true,
    skip_records_with_error: true,
    record_delimiter: '\n',
  });
  // The framer hands csv-parse balanced rows only, so this is a safety net: count, never crash.
  parser.on('skip', (err: CsvError) => {
    reject(lastRow + 1, [{ column: '', reason: `cannot be read as CSV: ${err.message}` }]);
  });

  try {
    await pipeline(
      source,
      new CsvRowFramer(options.maxLinesPerRow),
      parser,
      async (records: AsyncIterable<string[]>) => {
        for await (const record of records) {
          const row = Number(record[0]);
          const kind = record[1];
          const cells = record.slice(2);
          lastRow = row;
          if (columnIndex === undefined) readHeader(row, kind, cells);
          else await readRow(row, kind, cells);
        }
        if (columnIndex === undefined) throw new FileError('the file is empty: no header row');
        await flush();
      },
    );
  } catch (e) {
    const fileError =
      e instanceof FileError ? e.message : `the file could not be read: ${message(e)}`;
    errors.sort((a, b) => a.row - b.row);
    options.onProgress?.({ ...counts });
    return { ...counts, errors, status: 'failed', fileError };
  }
  errors.sort((a, b) => a.row - b.row);
  options.onProgress?.({ ...counts });
  return { ...counts, errors, status: 'completed' };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
