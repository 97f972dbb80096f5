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
export { describeBytes, UploadSource, UploadStopped } from './upload-source';
export {
  ERRORS_PER_CHUNK,
  errorChunkId,
  ImportResources,
  STALLED_AFTER_MS,
  type ImportDoc,
  type ImportErrorChunk,
  type ImportResourceOptions,
  type ImportStatus,
} from './import-resource';
export {
  CSV_TYPES,
  FILE_NAME_MAX,
  fileNameOf,
  ImportIdPipe,
  ImportLimits,
  importView,
  ImportView,
  noSuchImport,
  raiseRequestTimeoutForUploads,
  refuseDeclaredTooLarge,
  rejectedRowsFile,
  requireCsv,
  uploadTooLarge,
} from './import-http';
