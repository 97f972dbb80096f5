/** A problem with one cell of a row (or with the row as a whole when `column` is ''). */
export interface RowProblem {
  column: string;
  reason: string;
}

export type RowResult<T> = { ok: true; value: T } | { ok: false; problems: RowProblem[] };

export interface ColumnSpec {
  name: string;
  required: boolean;
}

/**
 * What a CSV file must look like and how one row becomes a value. `mapRow` is pure: it gets the
 * row's cells by column name (every declared column is present; a column missing from an
 * optional header reads as '') and the spreadsheet row number.
 */
export interface RowSpec<T> {
  columns: readonly ColumnSpec[];
  /** Header columns the spec does not declare: ignored (default) or a file-level error. */
  unknownColumns?: 'ignore' | 'refuse';
  mapRow(record: Record<string, string>, rowNumber: number): RowResult<T>;
}

export interface AcceptedRow<T> {
  rowNumber: number;
  value: T;
}

/**
 * Where valid rows go, in order, one batch at a time. It says how many it already held
 * (duplicates) and which rows it refused although they were well-formed (e.g. a birth already
 * held with different content): those count as rejected, with their problems reported.
 */
export interface ImportSink<T> {
  accept(rows: AcceptedRow<T>[]): Promise<SinkOutcome>;
}

export interface SinkOutcome {
  duplicates: number;
  refused?: RowError[];
}

export interface ImportCounts {
  rowsRead: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

/** One row error; `row` counts the header as row 1, as a spreadsheet shows it. */
export interface RowError {
  row: number;
  column: string;
  reason: string;
}

export interface ImportResult extends ImportCounts {
  /** Every row error, in row order. */
  errors: RowError[];
  status: 'completed' | 'failed';
  /** Why the file as a whole could not be imported (header, encoding, source or sink failure). */
  fileError?: string;
}

export interface ImportOptions {
  /** Valid rows per `sink.accept` call; default 500. */
  batchSize?: number;
  /** Called after every batch reaches the sink, and once at the end. */
  onProgress?(counts: ImportCounts): void;
  /** A quoted cell may span at most this many physical lines before its row is refused; default 20. */
  maxLinesPerRow?: number;
}
