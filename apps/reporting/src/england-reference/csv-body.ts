import { describeBytes, requireCsv, UploadSource, UploadStopped } from '@lib/imports';
import {
  BadRequestException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';

/**
 * A small CSV request body as text. The apps parse JSON bodies only (createServiceApp), so a
 * CSV upload reads its own request, as the extract imports do: `requireCsv` (text/csv or
 * application/csv, UTF-8, else 415) and `UploadSource` (bytes counted up to a limit, a
 * broken-off upload an error), here gathered whole since reference files are small.
 */
export async function readCsvBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  requireCsv(req.headers);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const upload = new UploadSource(req, maxBytes);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of upload) chunks.push(chunk as Buffer);
  } catch (error) {
    if (!(error instanceof UploadStopped)) throw error;
    if (error.kind === 'too-large') throw tooLarge(maxBytes);
    throw new BadRequestException(
      'the upload ended early: nothing was stored; send the file again',
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new UnsupportedMediaTypeException({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: 'the file is not UTF-8 text: save it as CSV UTF-8 and upload it again',
    });
  }
}

function tooLarge(maxBytes: number): PayloadTooLargeException {
  return new PayloadTooLargeException({
    statusCode: 413,
    error: 'Payload Too Large',
    message: `the file is larger than the limit of ${describeBytes(maxBytes)}: nothing was stored`,
  });
}
