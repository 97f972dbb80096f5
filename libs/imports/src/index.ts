export {
  type AcceptedRow,
  type ColumnSpec,
  type ImportCounts,
  type ImportOptions,
  type ImportResult,
  type ImportSink,
  type RowError,
  type RowProblem,
  type RowResult,
  type RowSpec,
  type SinkOutcome,
} from './row-spec';
export { DEFAULT_BATCH_SIZE, runImport } from './run-import';
export { rowErrorsCsv, rowErrorsCsvStream } from './row-errors-csv';
export { importProgressBar, type ImportProgressBar } from './progress';
