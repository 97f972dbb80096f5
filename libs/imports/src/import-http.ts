import { problemsException } from '@lib/platform';
import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
  PayloadTooLargeException,
  type PipeTransform,
  StreamableFile,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { Logger } from 'pino';
import type { ImportDoc, ImportStatus } from './import-resource';
import { rowErrorsCsvStream } from './row-errors-csv';
import type { ImportCounts, RowError } from './row-spec';
import { DEFAULT_BATCH_SIZE } from './run-import';
import { describeBytes } from './upload-source';

/** The HTTP side of an import resource: what every `POST .../imports` and its reads share. */

export const CSV_TYPES = ['text/csv', 'application/csv'];
export const FILE_NAME_MAX = 255;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Limits of an extract import; each service provides its own subclass, so a test can lower them. */
@Injectable()
export class ImportLimits {
  /** Largest upload read; the rest of a larger one is refused (413, import failed). */
  maxBytes = 200 * 1024 * 1024;
  /** Valid rows handed to the service (and counted on the import) at a time. */
  batchSize = DEFAULT_BATCH_SIZE;
  /**
   * Longest time an upload may take to arrive. The body is read only as fast as the rows are
   * imported (backpressure), so a large extract takes as long to upload as to import: Node's
   * default request timeout (5 minutes) would cut it off with a 408.
   */
  uploadTimeoutMs = 2 * 60 * 60 * 1000;
}

/**
 * An extract upload arrives as fast as it is imported: the app's HTTP server gets a request
 * timeout long enough for the largest one (Node's default of 5 minutes would answer 408
 * mid-import). The header timeout (60 s) and the JSON body limit are unchanged.
 */
export function raiseRequestTimeoutForUploads(
  adapterHost: HttpAdapterHost,
  limits: ImportLimits,
  logger: Logger,
): void {
  const server = adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
  const wanted = limits.uploadTimeoutMs;
  if (!server || server.requestTimeout === 0 || server.requestTimeout >= wanted) return;
  logger.info(
    { requestTimeoutMs: wanted, was: server.requestTimeout },
    'HTTP request timeout raised for extract uploads',
  );
  server.requestTimeout = wanted;
}

function invalid(field: string, reason: string): BadRequestException {
  return problemsException([{ field, reason }]);
}

/** An import id route parameter: a UUID, or 400 naming the parameter. */
@Injectable()
export class ImportIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value === 'string' && UUID.test(value)) return value.toLowerCase();
    throw invalid('importId', 'importId must be a UUID');
  }
}

/** text/csv or application/csv, in UTF-8 (the default when no charset is named); else 415. */
export function requireCsv(headers: IncomingHttpHeaders): void {
  const [type = '', ...params] = (headers['content-type'] ?? '').split(';').map((p) => p.trim());
  const charset = params
    .map((p) => /^charset\s*=\s*"?([^"]*)"?$/i.exec(p)?.[1])
    .find((c) => c !== undefined);
  const problem = !CSV_TYPES.includes(type.toLowerCase())
    ? `send the extract as text/csv or application/csv (got ${type ? type.slice(0, 100) : 'no content type'})`
    : charset !== undefined && !/^utf-?8$/i.test(charset)
      ? `send the extract in UTF-8 (charset=${charset.slice(0, 40)} is not read)`
      : undefined;
  if (problem) {
    throw new UnsupportedMediaTypeException({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: problem,
    });
  }
}

/** An upload declared larger than the limit is refused before a byte is read. */
export function refuseDeclaredTooLarge(headers: IncomingHttpHeaders, maxBytes: number): void {
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new PayloadTooLargeException({
      statusCode: 413,
      error: 'Payload Too Large',
      message: `the upload (${declared} bytes) is larger than the limit of ${describeBytes(maxBytes)}: nothing was imported; split the file and send the parts`,
    });
  }
}

/** An upload that turned out larger than the limit: 413 carrying the (failed) import. */
export function uploadTooLarge(view: ImportView): PayloadTooLargeException {
  return new PayloadTooLargeException({
    statusCode: 413,
    error: 'Payload Too Large',
    message: view.fileError,
    import: view,
  });
}

/** `?fileName=`: optional, given once, at most FILE_NAME_MAX characters, no control characters. */
export function fileNameOf(value: unknown): string | null {
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string') throw invalid('fileName', 'fileName must be given once');
  // eslint-disable-next-line no-control-regex
  if (value.length > FILE_NAME_MAX || /[\u0000-\u001f\u007f]/.test(value)) {
    throw invalid(
      'fileName',
      `fileName must be at most ${FILE_NAME_MAX} characters, without control characters`,
    );
  }
  return value;
}

export function noSuchImport(): NotFoundException {
  return new NotFoundException({ statusCode: 404, error: 'Not Found', message: 'no such import' });
}

/** The rejected-rows report of a finished import (409 while it runs), as a CSV attachment. */
export function rejectedRowsFile(
  doc: ImportDoc,
  basePath: string,
  rows: AsyncIterable<RowError>,
  filePrefix: string,
): StreamableFile {
  if (doc.status === 'running') {
    throw new ConflictException({
      statusCode: 409,
      error: 'Conflict',
      message: `the import is still running; its rejected rows are listed once it has finished (GET ${basePath}/${doc._id})`,
    });
  }
  return new StreamableFile(rowErrorsCsvStream(rows), {
    type: 'text/csv; charset=utf-8',
    disposition: `attachment; filename="${filePrefix}-${doc._id}-rejected-rows.csv"`,
  });
}

class ImportCountsDto implements ImportCounts {
  @ApiProperty({ description: 'Data rows read (= accepted + duplicates + rejected)' })
  rowsRead!: number;
  @ApiProperty({ description: 'Rows that changed what the service holds (each published once)' })
  accepted!: number;
  @ApiProperty({ description: 'Rows already held with the same content (nothing changed)' })
  duplicates!: number;
  @ApiProperty({
    description: 'Rows refused: invalid, unreadable, or against what the service already holds',
  })
  rejected!: number;
}

class UploadedByDto {
  @ApiProperty()
  subject!: string;
  @ApiProperty({ type: String, nullable: true })
  org!: string | null;
}

class ImportLinksDto {
  @ApiProperty({ example: '/births/imports/3b0c…' })
  self!: string;
  @ApiProperty({
    description: 'text/csv download of the rejected rows (row, column, reason)',
    example: '/births/imports/3b0c…/rejected-rows',
  })
  rejectedRows!: string;
}

/** The import resource as the API shows it. */
export class ImportView {
  @ApiProperty({ format: 'uuid' })
  importId!: string;
  @ApiProperty({ enum: ['running', 'completed', 'failed'] })
  status!: ImportStatus;
  @ApiProperty({ type: String, nullable: true })
  fileName!: string | null;
  @ApiProperty({ type: UploadedByDto })
  uploadedBy!: UploadedByDto;
  @ApiProperty({ type: ImportCountsDto })
  counts!: ImportCountsDto;
  @ApiProperty({ description: 'Bytes of the upload read so far' })
  bytesRead!: number;
  @ApiProperty({ description: 'Row errors listed in the rejected-rows report (once finished)' })
  errorCount!: number;
  @ApiProperty({ format: 'date-time' })
  startedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finishedAt!: string | null;
  @ApiPropertyOptional({ description: 'Why the file as a whole failed' })
  fileError?: string;
  @ApiProperty({ type: ImportLinksDto })
  links!: ImportLinksDto;
}

/** The view of an import held under `basePath` (e.g. `/births/imports`). */
export function importView(doc: ImportDoc, basePath: string): ImportView {
  const { rowsRead, accepted, duplicates, rejected } = doc.counts;
  const self = `${basePath}/${doc._id}`;
  return {
    importId: doc._id,
    status: doc.status,
    fileName: doc.fileName,
    uploadedBy: { subject: doc.uploadedBy.subject, org: doc.uploadedBy.org },
    counts: { rowsRead, accepted, duplicates, rejected },
    bytesRead: doc.bytesRead,
    errorCount: doc.errorCount,
    startedAt: doc.startedAt.toISOString(),
    finishedAt: doc.finishedAt ? doc.finishedAt.toISOString() : null,
    ...(doc.fileError ? { fileError: doc.fileError } : {}),
    links: { self, rejectedRows: `${self}/rejected-rows` },
  };
}
