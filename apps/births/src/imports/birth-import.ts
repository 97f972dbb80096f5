import type { ImportCounts, RowError } from '@lib/imports';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * Collections:
 * - `birth_imports`: one document per uploaded extract (`_id` = the import id, a UUID), its
 *   counts kept up to date after every batch while it runs. Counts always satisfy
 *   rowsRead = accepted + duplicates + rejected.
 * - `birth_import_errors`: its row errors (row, column, reason) in row order, written in bulk
 *   when the file has been read, ERRORS_PER_CHUNK to a document (`_id` `<importId>:<chunk>`), so
 *   that they are read back by `_id` only.
 */
export const BIRTH_IMPORT_COLLECTIONS = {
  imports: 'birth_imports',
  errors: 'birth_import_errors',
} as const;

export type BirthImportStatus = 'running' | 'completed' | 'failed';

export interface BirthImportDoc {
  _id: string;
  status: BirthImportStatus;
  /** As the uploader named it (`?fileName=`); null when not given. */
  fileName: string | null;
  /** The verified caller: the token's subject and organisation. */
  uploadedBy: { subject: string; org: string | null };
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
  /** The upload's correlation id: the BirthNotified events it caused carry it. */
  correlationId: string | null;
}

export const ERRORS_PER_CHUNK = 500;

export interface BirthImportErrorChunk {
  _id: string;
  importId: string;
  chunk: number;
  errors: RowError[];
}

export function errorChunkId(importId: string, chunk: number): string {
  return `${importId}:${chunk}`;
}

export function importPath(importId: string): string {
  return `/births/imports/${importId}`;
}

export function rejectedRowsPath(importId: string): string {
  return `${importPath(importId)}/rejected-rows`;
}

class ImportCountsDto implements ImportCounts {
  @ApiProperty({ description: 'Data rows read (= accepted + duplicates + rejected)' })
  rowsRead!: number;
  @ApiProperty({ description: 'New births stored (each published once as BirthNotified)' })
  accepted!: number;
  @ApiProperty({ description: 'Births already held with the same content (nothing changed)' })
  duplicates!: number;
  @ApiProperty({
    description: 'Rows refused: invalid, unreadable, or a different birth already held',
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
export class BirthImportView {
  @ApiProperty({ format: 'uuid' })
  importId!: string;
  @ApiProperty({ enum: ['running', 'completed', 'failed'] })
  status!: BirthImportStatus;
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

export function importView(doc: BirthImportDoc): BirthImportView {
  const { rowsRead, accepted, duplicates, rejected } = doc.counts;
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
    links: { self: importPath(doc._id), rejectedRows: rejectedRowsPath(doc._id) },
  };
}
