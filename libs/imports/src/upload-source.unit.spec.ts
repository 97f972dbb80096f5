import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describeBytes, UploadSource, UploadStopped } from './upload-source';

/** Enough of a request: a readable body that knows whether it arrived whole. */
function fakeRequest(): PassThrough & { complete: boolean } {
  const req = new PassThrough() as PassThrough & { complete: boolean };
  req.complete = false;
  req.on('end', () => (req.complete = true));
  return req;
}

async function drain(source: UploadSource): Promise<{ text: string; error?: unknown }> {
  let text = '';
  try {
    for await (const chunk of source) text += (chunk as Buffer).toString();
    return { text };
  } catch (error) {
    return { text, error };
  }
}

describe('UploadSource', () => {
  it('passes the body through and counts its bytes', async () => {
    const req = fakeRequest();
    const sut = new UploadSource(req as unknown as IncomingMessage, 100);
    req.write('a,b\n');
    req.end('1,2\n');
    expect(await drain(sut)).toEqual({ text: 'a,b\n1,2\n' });
    expect(sut.bytesRead).toBe(8);
    expect(sut.stopped).toBeUndefined();
  });

  it('stops at the limit with a reason, and stops reading the request', async () => {
    const req = fakeRequest();
    const sut = new UploadSource(req as unknown as IncomingMessage, 10);
    req.write('12345678\n');
    req.write('abcdefgh\n');
    const { text, error } = await drain(sut);
    expect(text.length).toBeLessThanOrEqual(10);
    expect(error).toBeInstanceOf(UploadStopped);
    expect(sut.stopped).toMatchObject({ kind: 'too-large' });
    expect(sut.stopped?.message).toMatch(/^the upload is larger than the limit of 10 bytes/);
    expect(req.isPaused()).toBe(true);
  });

  it('ends with an error when the request closes before its end', async () => {
    const req = fakeRequest();
    const sut = new UploadSource(req as unknown as IncomingMessage, 1000);
    req.write('a,b\n');
    const drained = drain(sut);
    await new Promise((r) => setImmediate(r));
    req.destroy();
    const { error } = await drained;
    expect(error).toBeInstanceOf(UploadStopped);
    expect(sut.stopped).toMatchObject({ kind: 'broken-off' });
    expect(sut.stopped?.message).toMatch(/^the upload ended early after 4 bytes/);
  });

  it('describes sizes in MB when they are that large', () => {
    expect(describeBytes(200 * 1024 * 1024)).toBe('200 MB (209715200 bytes)');
    expect(describeBytes(65_536)).toBe('65536 bytes');
  });
});
