import { createReadStream, statSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Transform } from 'node:stream';

export interface UploadProgress {
  bytesSent: number;
  totalBytes: number;
  /** Lines sent after the header (a quoted cell spanning lines counts each line). */
  rowsSent: number;
}

export interface UploadOptions {
  /** The service, e.g. http://127.0.0.1:3001 (births) */
  baseUrl: string;
  /** The imports resource to POST to (default /births/imports), e.g. /contacts/imports */
  path?: string;
  token: string;
  file: string;
  /** Kept on the import (default: none). */
  fileName?: string;
  correlationId?: string;
  onProgress?(progress: UploadProgress): void;
}

export interface UploadAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: unknown;
}

/**
 * The import resource as `POST /births/imports` and `GET /births/imports/:id` answer it (and
 * every imports resource built on @lib/imports, e.g. `/contacts/imports`).
 */
export interface ImportResource {
  importId: string;
  status: 'running' | 'completed' | 'failed';
  fileName: string | null;
  counts: { rowsRead: number; accepted: number; duplicates: number; rejected: number };
  bytesRead: number;
  errorCount: number;
  startedAt: string;
  finishedAt: string | null;
  fileError?: string;
  links: { self: string; rejectedRows: string };
}

const NEWLINE = 0x0a;

/**
 * Streams a CSV file to `POST /births/imports` (or `options.path`; the file is never read whole)
 * and answers the server's response. An answer that comes before the file is sent (415, 413...)
 * ends the upload.
 */
export function uploadExtract(options: UploadOptions): Promise<UploadAnswer> {
  const url = new URL(options.path ?? '/births/imports', options.baseUrl);
  if (options.fileName) url.searchParams.set('fileName', options.fileName);
  const totalBytes = statSync(options.file).size;
  const progress: UploadProgress = { bytesSent: 0, totalBytes, rowsSent: 0 };
  let lines = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      progress.bytesSent += chunk.length;
      for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) lines++;
      progress.rowsSent = Math.max(0, lines - 1);
      options.onProgress?.({ ...progress });
      done(null, chunk);
    },
  });
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<UploadAnswer>((resolve, reject) => {
    let answered = false;
    const file = createReadStream(options.file, { highWaterMark: 64 * 1024 });
    const req = send(url, {
      method: 'POST',
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-length': String(totalBytes),
        authorization: `Bearer ${options.token}`,
        ...(options.correlationId ? { 'x-correlation-id': options.correlationId } : {}),
      },
    });
    req.on('response', (res) => {
      answered = true;
      file.unpipe(counter);
      file.destroy();
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        if (/json/.test(res.headers['content-type'] ?? '')) {
          try {
            body = JSON.parse(text);
          } catch {
            // keep the text
          }
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    // Once answered, a connection the server closes while the rest is being sent is expected.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    file.on('error', (error) => {
      if (!answered) req.destroy(error);
    });
    file.pipe(counter).pipe(req);
  });
}
