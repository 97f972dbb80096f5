import type { Principal } from '@lib/auth';
import { currentCorrelationId } from '@lib/logging';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ImportCounts, ImportSink, RowError, RowSpec } from './row-spec';
import { runImport } from './run-import';
import type { UploadSource } from './upload-source';

export type ImportStatus = 'running' | 'completed' | 'failed';

/** One uploaded file's import (`_id` = the import id, a UUID), its counts kept current. */
export interface ImportDoc {
  _id: string;
  status: ImportStatus;
  /** As the uploader named it (`?fileName=`); null when not given. */
  fileName: string | null;
  /** The verified caller: the token's subject and organisation. */
  uploadedBy: { subject: string; org: string | null };
  /** Always rowsRead = accepted + duplicates + rejected. */
  counts: ImportCounts;
  /** Bytes of the upload read so far. */
  bytesRead: number;
  /** Row errors stored (one row may have several); set when the import finishes. */
  errorCount: number;
  startedAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  /** Why the file as a whole failed (header, size limit, broken upload, store failure). */
  fileError?: string;
  /** The upload's correlation id: the events it caused carry it. */
  correlationId: string | null;
}

export const ERRORS_PER_CHUNK = 500;

/** Row errors of an import, ERRORS_PER_CHUNK to a document (`_id` `<importId>:<chunk>`). */
export interface ImportErrorChunk {
  _id: string;
  importId: string;
  chunk: number;
  errors: RowError[];
}

export interface ImportResourceOptions {
  /** The import documents and their row-error chunks. */
  collections: { imports: string; errors: string };
  /** What the rows are, for messages: "births", "contacts". */
  rowsAre: string;
  /** Log message prefix: "birth extract import". */
  label: string;
}

/** A running import is written after every batch (seconds apart); this long silent, it died. */
export const STALLED_AFTER_MS = 15 * 60 * 1000;

export function errorChunkId(importId: string, chunk: number): string {
  return `${importId}:${chunk}`;
}

/**
 * Imports of uploaded CSV files as a resource, the same for every service that takes extracts.
 * The upload is streamed through the CSV import engine (never held whole); each batch of valid
 * rows goes to the service's sink, and the import's counts are written after every batch, so a
 * reader sees it progress. Row errors are stored in bulk once the file has been read. One writer
 * per import document (the uploading request), its updates in order: FerretDB can lose
 * concurrent updates of one document, not sequential ones. Every read and write goes by `_id`
 * (the store scans whole collections for anything else).
 */
export class ImportResources {
  private readonly imports: Collection<ImportDoc>;
  private readonly errors: Collection<ImportErrorChunk>;

  constructor(
    connection: Connection,
    private readonly options: ImportResourceOptions,
    private readonly logger: Logger,
  ) {
    this.imports = connection.collection<ImportDoc>(options.collections.imports);
    this.errors = connection.collection<ImportErrorChunk>(options.collections.errors);
  }

  /**
   * Creates the import (status running), reads the upload to its end (or its limit) through
   * `spec` into `sink`, and finishes it as completed or failed. Answers the finished import.
   */
  async run<T>(
    upload: UploadSource,
    spec: RowSpec<T>,
    sink: ImportSink<T>,
    by: { fileName: string | null; principal: Principal; batchSize: number },
  ): Promise<ImportDoc> {
    const now = new Date();
    const doc: ImportDoc = {
      _id: randomUUID(),
      status: 'running',
      fileName: by.fileName,
      uploadedBy: { subject: by.principal.subject, org: by.principal.org ?? null },
      counts: { rowsRead: 0, accepted: 0, duplicates: 0, rejected: 0 },
      bytesRead: 0,
      errorCount: 0,
      startedAt: now,
      updatedAt: now,
      finishedAt: null,
      correlationId: currentCorrelationId() ?? null,
    };
    await this.imports.insertOne(doc);
    const id = doc._id;

    // Progress writes are chained (in order, one at a time); the next batch waits for the last.
    let progress: Promise<void> = Promise.resolve();
    let progressFailure: unknown;
    let storeFailure: Error | undefined;
    const onProgress = (counts: ImportCounts): void => {
      const snapshot = { ...counts };
      const bytesRead = upload.bytesRead;
      progress = progress.then(async () => {
        if (progressFailure !== undefined) return;
        try {
          await this.imports.updateOne(
            { _id: id },
            { $set: { counts: snapshot, bytesRead, updatedAt: new Date() } },
          );
        } catch (error) {
          progressFailure = error;
        }
      });
    };
    const result = await runImport(
      upload,
      spec,
      {
        accept: async (rows) => {
          try {
            await progress;
            if (progressFailure !== undefined) throw asError(progressFailure);
            return await sink.accept(rows);
          } catch (error) {
            // Kept here: the engine may report a failed batch only as the stream it aborted.
            storeFailure ??= asError(error);
            throw error;
          }
        },
      },
      { batchSize: by.batchSize, onProgress },
    );
    await progress;

    const { errors, status, fileError, ...counts } = result;
    if (storeFailure) {
      this.logger.error({ importId: id, err: storeFailure }, `${this.options.label}: store failed`);
    }
    let finalError =
      upload.stopped?.message ??
      (storeFailure
        ? `the ${this.options.rowsAre} could not be stored after ${counts.rowsRead} rows (the ` +
          'rows counted are imported; send the file again once the service is healthy): ' +
          storeFailure.message
        : fileError);
    let errorCount = errors.length;
    try {
      await this.storeErrors(id, errors);
    } catch (error) {
      errorCount = 0;
      finalError ??= `the row errors could not be stored: ${asError(error).message}`;
    }
    const finished: Partial<ImportDoc> = {
      status: status === 'completed' && finalError === undefined ? 'completed' : 'failed',
      counts,
      bytesRead: upload.bytesRead,
      errorCount,
      updatedAt: new Date(),
      finishedAt: new Date(),
      ...(finalError !== undefined ? { fileError: finalError } : {}),
    };
    await this.imports.updateOne({ _id: id }, { $set: finished });
    const done = { ...doc, ...finished };
    // Counts and the file-level reason only: no row content, no identifiers.
    this.logger.info(
      {
        importId: id,
        status: done.status,
        ...counts,
        bytesRead: done.bytesRead,
        ms: done.finishedAt!.getTime() - now.getTime(),
        ...(finalError !== undefined ? { fileError: finalError } : {}),
      },
      `${this.options.label} finished`,
    );
    return done;
  }

  /**
   * The import, if the caller may see it (admin: any; otherwise those of the caller's
   * organisation, or its own without one). A running import not updated for `STALLED_AFTER_MS`
   * lost its process (it writes its counts after every batch): it is marked failed here, so
   * nobody waits on it for ever.
   */
  async find(importId: string, principal: Principal): Promise<ImportDoc | null> {
    const doc = await this.imports.findOne({ _id: importId });
    if (!doc || !mayRead(principal, doc)) return null;
    if (doc.status !== 'running' || Date.now() - doc.updatedAt.getTime() < STALLED_AFTER_MS) {
      return doc;
    }
    const stalled: Partial<ImportDoc> = {
      status: 'failed',
      finishedAt: new Date(),
      fileError:
        `the import stopped after ${doc.counts.rowsRead} rows (no progress since ` +
        `${doc.updatedAt.toISOString()}: the service restarted); the rows counted are imported, ` +
        'send the file again to import the rest (rows already held count as duplicates)',
    };
    await this.imports.updateOne({ _id: importId, status: 'running' }, { $set: stalled });
    return { ...doc, ...stalled };
  }

  /** The import's row errors in row order, read from the store a chunk at a time. */
  async *rowErrors(doc: ImportDoc): AsyncGenerator<RowError> {
    const chunks = Math.ceil(doc.errorCount / ERRORS_PER_CHUNK);
    for (let chunk = 0; chunk < chunks; chunk++) {
      const found = await this.errors.findOne({ _id: errorChunkId(doc._id, chunk) });
      if (!found) throw new Error(`row errors of import ${doc._id} are missing (chunk ${chunk})`);
      yield* found.errors;
    }
  }

  private async storeErrors(importId: string, errors: readonly RowError[]): Promise<void> {
    const chunks: ImportErrorChunk[] = [];
    for (let start = 0, chunk = 0; start < errors.length; start += ERRORS_PER_CHUNK, chunk++) {
      chunks.push({
        _id: errorChunkId(importId, chunk),
        importId,
        chunk,
        errors: errors
          .slice(start, start + ERRORS_PER_CHUNK)
          .map(({ row, column, reason }) => ({ row, column, reason })),
      });
    }
    // A few chunks at a time: a very bad file must not become one huge request.
    for (let i = 0; i < chunks.length; i += 10) {
      await this.errors.insertMany(chunks.slice(i, i + 10), { ordered: true });
    }
  }
}

function mayRead(principal: Principal, doc: ImportDoc): boolean {
  if (principal.roles.includes('admin')) return true;
  if (doc.uploadedBy.org !== null || principal.org !== undefined) {
    return doc.uploadedBy.org === (principal.org ?? null);
  }
  return doc.uploadedBy.subject === principal.subject;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
