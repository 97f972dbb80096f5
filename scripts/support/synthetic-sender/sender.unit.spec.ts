import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOutcomes } from './outcomes';
import { outcomesFileOf, SyntheticSender, type SendOptions } from './sender';

// The services are stubbed by one small HTTP server that answers like them and notes each request.
describe('synthetic sender: sending and resuming', () => {
  let dir: string;
  let server: Server;
  let url: string;
  const seen: { method: string; path: string; body: unknown; idempotencyKey?: string }[] = [];
  let onRequest: (count: number) => void = () => undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const path = req.url ?? '';
        seen.push({
          method: req.method ?? '',
          path,
          body: text ? JSON.parse(text) : undefined,
          ...(req.headers['idempotency-key']
            ? { idempotencyKey: String(req.headers['idempotency-key']) }
            : {}),
        });
        onRequest(seen.length);
        const answer = path.endsWith('/families')
          ? {
              familyId: 'C01-ABC123',
              children: [{ childId: 'child-1' }],
              carers: [{ carerId: 'carer-1' }],
            }
          : path.includes('9990000999')
            ? undefined
            : { created: true };
        res.writeHead(answer ? 201 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer ?? { message: 'no birth known for that NHS number' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'synthetic-send-'));
    seen.length = 0;
    onRequest = () => undefined;
    const write = (file: string, lines: unknown[]): void => {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    };
    write('births/api/2026-01.ndjson', [
      { seq: 1, method: 'POST', path: '/births/9990000018/moves', body: { direction: 'out' } },
      {
        seq: 2,
        method: 'POST',
        path: '/births/9990000026/death',
        body: { dateOfDeath: '2026-01-09' },
      },
      {
        seq: 3,
        method: 'POST',
        path: '/births/9990000999/death',
        body: { dateOfDeath: '2026-01-09' },
      },
    ]);
    write('registrations/2026-02.ndjson', [
      {
        seq: 1,
        method: 'POST',
        path: '/centres/C01/families',
        body: { carers: [{ givenName: 'Ruth' }], children: [{ givenName: 'Ada' }] },
        idempotencyKey: 'fam-1',
        refs: { family: 'F1', children: ['F1-K1'], carers: ['F1-M'] },
      },
      {
        seq: 2,
        method: 'POST',
        path: '/families/{family:F1}/changes',
        body: { carers: [{ carerRef: 'F1-M', employmentStatus: 'employed' }] },
        idempotencyKey: 'chg-1',
      },
      { seq: 3, method: 'POST', path: '/families/{family:F9}/changes', body: {} },
    ]);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const options = (extra: Partial<SendOptions> = {}): SendOptions => ({
    inDir: dir,
    birthsUrl: url,
    hvUrl: url,
    registrationsUrl: url,
    brokers: ['127.0.0.1:1'],
    progressMode: 'off',
    ...extra,
  });

  it('should send in order, resume where it stopped and never send a record twice', async () => {
    const controller = new AbortController();
    onRequest = (count) => {
      if (count === 2) controller.abort();
    };
    const first = await new SyntheticSender(options({ signal: controller.signal })).send();
    expect(first.sent).toBe(2);

    onRequest = () => undefined;
    const second = await new SyntheticSender(options()).send();
    expect(second.sent).toBe(4);
    const third = await new SyntheticSender(options()).send();
    expect(third.sent).toBe(0);

    expect(seen.map((r) => r.path)).toEqual([
      '/births/9990000018/moves',
      '/births/9990000026/death',
      '/births/9990000999/death',
      '/centres/C01/families',
      '/families/C01-ABC123/changes',
    ]);
    // The change names the carer by the id the family's answer gave, with its Idempotency-Key.
    expect(seen[4]).toMatchObject({
      body: { carers: [{ carerId: 'carer-1', employmentStatus: 'employed' }] },
      idempotencyKey: 'chg-1',
    });

    const outcomes = readOutcomes(outcomesFileOf(join(dir, '.send', 'state.json')));
    expect(outcomes.map((o) => [o.ref, o.kind === 'record' ? o.treatment : o.kind])).toEqual([
      ['births/api/2026-01.ndjson#1', 'accepted'],
      ['births/api/2026-01.ndjson#2', 'accepted'],
      ['births/api/2026-01.ndjson#3', 'rejected'],
      ['registrations/2026-02.ndjson#1', 'accepted'],
      ['registrations/2026-02.ndjson#2', 'accepted'],
      ['registrations/2026-02.ndjson#3', 'rejected'],
    ]);
    const state = JSON.parse(readFileSync(join(dir, '.send', 'state.json'), 'utf8')) as {
      refs: { family: Record<string, string> };
    };
    expect(state.refs.family).toEqual({ F1: 'C01-ABC123' });
  });

  it('should send only the months asked for, and the rest later', async () => {
    const first = await new SyntheticSender(options({ months: 1 })).send();
    expect(first.months).toEqual(['2026-01']);
    expect(seen).toHaveLength(3);
    await new SyntheticSender(options()).send();
    expect(seen).toHaveLength(5);
  });
});
