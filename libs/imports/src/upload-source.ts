import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';

/** Why an upload was not read to its end. */
export class UploadStopped extends Error {
  constructor(
    readonly kind: 'too-large' | 'broken-off',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A request body as an import reads it: bytes counted, at most `maxBytes`, and an upload the
 * client breaks off ends in an error rather than looking like a short but complete file.
 *
 * The request is piped in, not handed to the import's stream pipeline: a pipeline destroys its
 * source on error, and destroying an unfinished request destroys its socket, so no 413 could
 * be answered. Here the request is only unpiped and paused; the caller answers and closes.
 */
export class UploadSource extends Transform {
  private bytes = 0;
  private why: UploadStopped | undefined;

  constructor(
    private readonly request: IncomingMessage,
    private readonly maxBytes: number,
  ) {
    super();
    request.on('close', () => {
      if (!request.complete) this.stop(this.brokenOff());
    });
    request.on('error', () => {
      if (!request.complete) this.stop(this.brokenOff());
    });
    request.pipe(this);
  }

  /** Bytes of the body read so far. */
  get bytesRead(): number {
    return this.bytes;
  }

  /** Set when the upload was not read to its end: too large, or broken off by the client. */
  get stopped(): UploadStopped | undefined {
    return this.why;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      this.stop(
        new UploadStopped(
          'too-large',
          `the upload is larger than the limit of ${describeBytes(this.maxBytes)}: reading ` +
            'stopped there. Rows before it were imported; split the file and send the parts ' +
            '(rows already held count as duplicates)',
        ),
      );
      done();
      return;
    }
    done(null, chunk);
  }

  private brokenOff(): UploadStopped {
    return new UploadStopped(
      'broken-off',
      `the upload ended early after ${this.bytes} bytes (the client broke it off, or the ` +
        'connection was lost or timed out); rows read before that were imported (send the whole ' +
        'file again: rows already held count as duplicates)',
    );
  }

  private stop(why: UploadStopped): void {
    if (this.why || this.destroyed) return;
    this.why = why;
    this.request.unpipe(this);
    this.request.pause();
    this.destroy(why);
  }
}

/** "200 MB (209715200 bytes)". */
export function describeBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 1 ? `${Number(mb.toFixed(1))} MB (${bytes} bytes)` : `${bytes} bytes`;
}
