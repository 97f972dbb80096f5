import type { Principal } from '@lib/auth';
import { DEFAULT_BATCH_SIZE, runImport, type ImportCounts, type RowError } from '@lib/imports';
import { currentCorrelationId, ROOT_LOGGER } from '@lib/logging';
import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { BirthsService, submitterOf } from '../births/births.service';
import { ukToday } from '@lib/platform';
import {
  BIRTH_IMPORT_COLLECTIONS,
  ERRORS_PER_CHUNK,
  errorChunkId,
  type BirthImportDoc,
  type BirthImportErrorChunk,
} from './birth-import';
import { liveBirthExtractSpec } from './live-birth-extract';
import type { UploadSource } from './upload-source';

/** A running import is written after every batch (seconds apart); this long silent, it died. */
const STALLED_AFTER_MS = 15 * 60 * 1000;

/** Limits of an extract import; a provider, so that a test can lower them. */
@Injectable()
export class BirthImportLimits {
  /** Largest upload read; the rest of a larger one is refused (413, import failed). */
  maxBytes = 200 * 1024 * 1024;
  /** Valid rows handed to the births service (and counted on the import) at a time. */
  batchSize = DEFAULT_BATCH_SIZE;
  /**
   * Longest time an upload may take to arrive. The body is read only as fast as the rows are
   * imported (backpressure), so a large extract takes as long to upload as to import: Node's
   * default request timeout (5 minutes) would cut it off with a 408.
   */
  uploadTimeoutMs = 2 * 60 * 60 * 1000;
}

/**
 * Imports of an LA's live-birth extract as a resource. The upload is streamed through the CSV
 * import engine (never held whole); each batch of valid rows is notified through the births
 * service (stored with its BirthNotified event, published by the outbox relay), and the
 * import's counts are written after every batch, so a reader sees it progress. Row errors are
 * stored in bulk once the file has been read. One writer per import document (this request),
 * its updates in order: FerretDB can lose concurrent updates of one document, not sequential ones.
 * Every read and write goes by `_id` (the store scans whole collections for anything else).
 */
@Injectable()
export class BirthImportsService {
  private readonly imports: Collection<BirthImportDoc>;
  private readonly errors: Collection<BirthImportErrorChunk>;

  constructor(
    @InjectConnection() connection: Connection,
    private readonly births: BirthsService,
    private readonly limits: BirthImportLimits,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.imports = connection.collection<BirthImportDoc>(BIRTH_IMPORT_COLLECTIONS.imports);
    this.errors = connection.collection<BirthImportErrorChunk>(BIRTH_IMPORT_COLLECTIONS.errors);
  }

  get maxBytes(): number {
    return this.limits.maxBytes;
  }

  /**
   * Creates the import (status running), reads the upload to its end (or its limit), and
   * finishes it as completed or failed. Answers the finished import document.
   */
  async importExtract(
    upload: UploadSource,
    fileName: string | null,
    principal: Principal,
  ): Promise<BirthImportDoc> {
    const now = new Date();
    const doc: BirthImportDoc = {
      _id: randomUUID(),
      status: 'running',
      fileName,
      uploadedBy: { subject: principal.subject, org: principal.org ?? null },
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
    const submitter = submitterOf(principal);
    const result = await runImport(
      upload,
      liveBirthExtractSpec({ today: ukToday() }),
      {
        accept: async (rows) => {
          try {
            await progress;
            if (progressFailure !== undefined) throw asError(progressFailure);
            return await this.births.notifyBirths(
              rows.map(({ rowNumber, value }) => ({ rowNumber, input: value })),
              new Date(),
              submitter,
            );
          } catch (error) {
            // Kept here: the engine may report a failed batch only as the stream it aborted.
            storeFailure ??= asError(error);
            throw error;
          }
        },
      },
      { batchSize: this.limits.batchSize, onProgress },
    );
    await progress;

    const { errors, status, fileError, ...counts } = result;
    if (storeFailure) {
      this.logger.error({ importId: id, err: storeFailure }, 'birth extract import: store failed');
    }
    let finalError =
      upload.stopped?.message ??
      (storeFailure
        ? `the births could not be stored after ${counts.rowsRead} rows (the rows counted are ` +
          `imported; send the file again once the service is healthy): ${storeFailure.message}`
        : fileError);
    let errorCount = errors.length;
    try {
      await this.storeErrors(id, errors);
    } catch (error) {
      errorCount = 0;
      finalError ??= `the row errors could not be stored: ${asError(error).message}`;
    }
    const finished: Partial<BirthImportDoc> = {
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
      'birth extract import finished',
    );
    return done;
  }

  /**
   * The import, if the caller may see it (admin: any; a feed: those of its organisation). A
   * running import not updated for `STALLED_AFTER_MS` lost its process (it writes its counts after
   * every batch): it is marked failed here, so nobody waits on it for ever.
   */
  async find(importId: string, principal: Principal): Promise<BirthImportDoc | null> {
    const doc = await this.imports.findOne({ _id: importId });
    if (!doc || !mayRead(principal, doc)) return null;
    if (doc.status !== 'running' || Date.now() - doc.updatedAt.getTime() < STALLED_AFTER_MS) {
      return doc;
    }
    const stalled: Partial<BirthImportDoc> = {
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
  async *rowErrors(doc: BirthImportDoc): AsyncGenerator<RowError> {
    const chunks = Math.ceil(doc.errorCount / ERRORS_PER_CHUNK);
    for (let chunk = 0; chunk < chunks; chunk++) {
      const found = await this.errors.findOne({ _id: errorChunkId(doc._id, chunk) });
      if (!found) throw new Error(`row errors of import ${doc._id} are missing (chunk ${chunk})`);
      yield* found.errors;
    }
  }

  private async storeErrors(importId: string, errors: readonly RowError[]): Promise<void> {
    const chunks: BirthImportErrorChunk[] = [];
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

function mayRead(principal: Principal, doc: BirthImportDoc): boolean {
  if (principal.roles.includes('admin')) return true;
  if (doc.uploadedBy.org !== null || principal.org !== undefined) {
    return doc.uploadedBy.org === (principal.org ?? null);
  }
  return doc.uploadedBy.subject === principal.subject;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
