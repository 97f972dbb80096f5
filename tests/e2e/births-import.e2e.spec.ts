import { NhsNumberGenerator } from '@lib/nhs-number';
import { getConnectionToken } from '@nestjs/mongoose';
import { parse } from 'csv-parse/sync';
import type { KafkaMessage } from 'kafkajs';
import type { Connection } from 'mongoose';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { basename, join } from 'node:path';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { BirthsAppModule } from '../../apps/births/src/births-app.module';
import type { ImportDoc as BirthImportDoc } from '@lib/imports';
import { BirthImportLimits } from '../../apps/births/src/imports/birth-imports.service';
import type { LiveBirthExtractColumn } from '../../apps/births/src/imports/live-birth-extract';
import { readTopicToEnd } from '../../scripts/support/read-topic';
import {
  extractLine,
  syntheticExtractHeader,
  syntheticExtractRows,
  type SyntheticRow,
} from '../../scripts/support/synthetic-extract';
import { givenPostcodeInCentre, tokenFor } from '../support/given';
import { readIndependently } from '../support/kafka-reader';
import { eventually, startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(180_000);

const TOPIC = 'births.child.v1';
/** Rows of the generated extract (then a few written by hand). */
const GENERATED_ROWS = 400;
const brokers = (): string[] => (process.env.KAFKA_BROKERS ?? '').split(',');

interface ErrorLine {
  row: string;
  column: string;
  reason: string;
}

interface ImportBody {
  importId: string;
  status: string;
  fileName: string | null;
  counts: { rowsRead: number; accepted: number; duplicates: number; rejected: number };
  errorCount: number;
  fileError?: string;
  links: { self: string; rejectedRows: string };
}

// An LA's monthly extract imported as a resource over HTTP, against real Kafka and the store:
// counts, the downloadable rejected rows, exactly one event per accepted birth, a safe re-send.
describe('births: importing a live-birth extract (POST /births/imports)', () => {
  let births: TestApp;
  let feed: string;
  let admin: string;
  let limits: BirthImportLimits;
  const defaults = new BirthImportLimits();
  // Every NHS number of this file from one draw without replacement: no row repeats another by chance.
  const nhsNumbers = new NhsNumberGenerator('test', 4711);

  beforeAll(async () => {
    births = await startTestApp(BirthsAppModule, 'births');
    await givenPostcodeInCentre(births.app, 'QX4 2AB', 'C-IMPORT');
    feed = await tokenFor('births-feed', { org: 'RX1' });
    admin = await tokenFor('admin');
    limits = births.app.get(BirthImportLimits);
    // Small batches: more progress updates to observe.
    limits.batchSize = 100;
    // A listening server: raw HTTP requests below stream and break off uploads.
    const server = births.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await births?.close();
  });

  const server = () => births.app.getHttpServer();
  const store = () => births.app.get<Connection>(getConnectionToken());
  const postCsv = (body: string, token = feed, query = '') =>
    request(server())
      .post(`/births/imports${query}`)
      .auth(token, { type: 'bearer' })
      .set('content-type', 'text/csv')
      .send(body);
  const getImport = (id: string, token = feed) =>
    request(server()).get(`/births/imports/${id}`).auth(token, { type: 'bearer' });
  const rejectedRows = async (id: string): Promise<ErrorLine[]> => {
    const res = await request(server())
      .get(`/births/imports/${id}/rejected-rows`)
      .auth(feed, { type: 'bearer' })
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="birth-import-${id}-rejected-rows.csv"`,
    );
    return parse<ErrorLine>(res.text, { columns: true });
  };
  const invariant = (c: ImportBody['counts']) =>
    expect(c.rowsRead).toBe(c.accepted + c.duplicates + c.rejected);

  /** BirthNotified keys on the topic, read independently to its end, caused by one upload. */
  async function readNotifiedBy(correlationId: string): Promise<string[]> {
    const keys: string[] = [];
    await readTopicToEnd(brokers(), TOPIC, (m) => {
      if (m.type === 'BirthNotified' && m.correlationId === correlationId && m.key) {
        keys.push(m.key);
      }
    });
    return keys.sort();
  }

  /**
   * The upload's BirthNotified keys once at least `expected` are on the topic (the relay
   * publishes after the import answers), read again a moment later to catch any extra one.
   */
  async function notifiedBy(correlationId: string, expected: number): Promise<string[]> {
    if (expected > 0) {
      const ours = (m: KafkaMessage) =>
        m.headers?.['correlation-id']?.toString() === correlationId &&
        m.headers?.['ce-type']?.toString() === 'BirthNotified';
      let count = 0;
      await readIndependently(
        TOPIC,
        (seen) => (ours(seen[seen.length - 1]) ? ++count : count) >= expected,
        90_000,
      );
    }
    await new Promise((r) => setTimeout(r, 2000));
    return readNotifiedBy(correlationId);
  }

  describe('an extract with bad rows, repeated rows and a conflicting birth', () => {
    // 400 generated rows (8 invalid of four kinds, 4 repeated: one of them repeats an invalid
    // row), then hand-written rows with other problems.
    const generated: SyntheticRow[] = [
      ...syntheticExtractRows({
        rows: GENERATED_ROWS,
        nhsNumbers,
        invalidEvery: 45,
        duplicateEvery: 97,
      }),
    ];
    const conflicting = generated.find((r) => r.row === 301)!;
    const base = (): Partial<Record<LiveBirthExtractColumn, string>> => ({
      nhs_number: nhsNumbers.next(),
      birth_date: '2025-03-01',
      postcode: 'QX4 2AB',
      baby_given_name: 'Tamsin',
    });
    const firstHandWritten = generated.length + 2;
    const handWritten: { line: string; errors: Omit<ErrorLine, 'row'>[] }[] = [
      {
        line: extractLine({ ...base(), birth_date: '2999-01-01' }),
        errors: [{ column: 'birth_date', reason: 'is in the future' }],
      },
      {
        line: extractLine({ ...base(), postcode: '' }),
        errors: [{ column: 'postcode', reason: 'is required' }],
      },
      {
        line: extractLine({ ...base(), birth_time: '25:00', gestation_weeks: '50' }),
        errors: [
          { column: 'birth_time', reason: 'must be a time as HH:MM (00:00 to 23:59)' },
          { column: 'gestation_weeks', reason: 'must be a whole number from 20 to 45' },
        ],
      },
      {
        line: `${nhsNumbers.next()},2025-03-02,10:00\r\n`,
        errors: [{ column: '', reason: 'has 3 cells where the header has 21' }],
      },
      {
        line: extractLine({ ...base(), sex: 'X' }),
        errors: [{ column: 'sex', reason: 'must be one of M, F, I, U' }],
      },
    ];
    const mother = base();
    handWritten.push({
      line: extractLine({ ...mother, mother_nhs_number: mother.nhs_number }),
      errors: [{ column: 'mother_nhs_number', reason: "is the baby's own NHS number" }],
    });
    const file =
      syntheticExtractHeader() +
      generated.map((r) => r.line).join('') +
      handWritten.map((h) => h.line).join('');

    const rowsRead = generated.length + handWritten.length;
    const accepted = generated.filter((r) => r.kind === 'valid' && r !== conflicting);
    const repeated = generated.filter((r) => r.kind === 'duplicate');
    const invalid = generated.filter((r) => r.kind === 'invalid');
    const rejectedRowNumbers = [
      ...invalid.map((r) => r.row),
      conflicting.row,
      ...handWritten.map((_, i) => firstHandWritten + i),
    ].sort((a, b) => a - b);

    let first: ImportBody;
    let firstCorrelation: string;

    it('should be generated as intended', () => {
      expect(invalid).toHaveLength(9);
      expect(invalid.filter((r) => r.repeats !== undefined)).toHaveLength(1);
      expect(repeated).toHaveLength(3);
      expect(conflicting.kind).toBe('valid');
      expect(new Set(accepted.map((r) => r.nhsNumber)).size).toBe(accepted.length);
    });

    it('should import it: counts add up, progress is visible while it runs, 201 with Location', async () => {
      // A birth already notified through the API with other content: that row must be refused.
      await request(server())
        .post('/births')
        .auth(feed, { type: 'bearer' })
        .send({ nhsNumber: conflicting.nhsNumber, birthDate: '2024-06-01', postcode: 'QX4 2AB' })
        .expect(201);

      // Watch the import document while it runs: every update keeps the invariant.
      const snapshots: BirthImportDoc[] = [];
      let watching = true;
      const watcher = (async () => {
        const imports = store().collection<BirthImportDoc>('birth_imports');
        while (watching) {
          snapshots.push(...(await imports.find({ fileName: 'extract-1.csv' }).toArray()));
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      firstCorrelation = randomUUID();
      const res = await postCsv(file, feed, '?fileName=extract-1.csv')
        .set('x-correlation-id', firstCorrelation)
        .expect(201);
      watching = false;
      await watcher;
      first = res.body as ImportBody;

      expect(res.headers.location).toBe(`/births/imports/${first.importId}`);
      expect(first).toMatchObject({
        status: 'completed',
        fileName: 'extract-1.csv',
        counts: {
          rowsRead,
          accepted: accepted.length,
          duplicates: repeated.length,
          rejected: rejectedRowNumbers.length,
        },
        links: {
          self: `/births/imports/${first.importId}`,
          rejectedRows: `/births/imports/${first.importId}/rejected-rows`,
        },
      });
      expect(first.fileError).toBeUndefined();
      invariant(first.counts);

      const running = snapshots.filter((s) => s.status === 'running' && s.counts.rowsRead > 0);
      expect(running.length).toBeGreaterThan(0);
      for (const s of snapshots) invariant(s.counts);
      const seen = snapshots.map((s) => s.counts.rowsRead);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));

      // GET shows the same finished import, to the feed and to an admin.
      const got = await getImport(first.importId).expect(200);
      expect(got.body).toEqual({
        ...first,
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
      });
      expect(got.body.uploadedBy).toEqual({ subject: 'test-births-feed', org: 'RX1' });
      await getImport(first.importId, admin).expect(200);
    });

    it('should list every rejected row with its row number, column and reason, in row order', async () => {
      const lines = await rejectedRows(first.importId);
      expect(lines).toHaveLength(first.errorCount);
      expect([...new Set(lines.map((l) => Number(l.row)))]).toEqual(rejectedRowNumbers);
      expect(lines.map((l) => Number(l.row))).toEqual(
        [...lines.map((l) => Number(l.row))].sort((a, b) => a - b),
      );

      // The generated kinds, each with its exact reason (the unbalanced quote names its cause).
      for (const r of invalid) {
        const line = lines.filter((l) => Number(l.row) === r.row);
        expect({ row: r.row, line }).toEqual({
          row: r.row,
          line: [
            {
              row: String(r.row),
              column: r.invalid!.column,
              reason:
                r.invalid!.kind === 'unbalanced-quote'
                  ? expect.stringContaining('unbalanced quotes')
                  : r.invalid!.reason,
            },
          ],
        });
      }
      // Several exact rows.
      expect(lines).toEqual(
        expect.arrayContaining([
          {
            row: '46',
            column: 'birth_weight_g',
            reason: 'must be a whole number from 200 to 7000',
          },
          {
            row: '91',
            column: 'postcode',
            reason: 'must be a UK postcode such as QX1 4ZZ (ZZ99 pseudo-postcodes allowed)',
          },
          { row: '181', column: 'nhs_number', reason: 'fails the Modulus 11 check digit' },
          // Row 195 repeats row 46, invalid too.
          {
            row: '195',
            column: 'birth_weight_g',
            reason: 'must be a whole number from 200 to 7000',
          },
        ]),
      );
      expect(lines.find((l) => l.row === '136')).toEqual({
        row: '136',
        column: '',
        reason: expect.stringMatching(/^unbalanced quotes/),
      });
      expect(lines.filter((l) => l.row === '301')).toEqual([
        {
          row: '301',
          column: 'nhs_number',
          reason: expect.stringMatching(
            /^a different notification of this birth is already held; nothing changed \(kept for review as conflict [0-9a-f-]{36}; send a correction to change it\)$/,
          ),
        },
      ]);
      handWritten.forEach((h, i) => {
        const row = String(firstHandWritten + i);
        expect(lines.filter((l) => l.row === row)).toEqual(h.errors.map((e) => ({ row, ...e })));
      });
    });

    it('should publish exactly one BirthNotified event per accepted birth, and none for the rest', async () => {
      const keys = await notifiedBy(firstCorrelation, accepted.length);
      expect(keys).toEqual(accepted.map((r) => r.nhsNumber).sort());
    });

    it('should take the same file again as all duplicates, with no new event', async () => {
      const correlation = randomUUID();
      const res = await postCsv(file, feed, '?fileName=extract-1-again.csv')
        .set('x-correlation-id', correlation)
        .expect(201);
      const again = res.body as ImportBody;
      expect(again.importId).not.toBe(first.importId);
      expect(again).toMatchObject({
        status: 'completed',
        counts: {
          rowsRead,
          accepted: 0,
          duplicates: first.counts.accepted + first.counts.duplicates,
          rejected: first.counts.rejected,
        },
      });
      invariant(again.counts);
      expect(await notifiedBy(correlation, 0)).toEqual([]);
      expect(await readNotifiedBy(firstCorrelation)).toHaveLength(accepted.length);
      const lines = await rejectedRows(again.importId);
      expect([...new Set(lines.map((l) => Number(l.row)))]).toEqual(rejectedRowNumbers);
    });
  });

  describe('refusals', () => {
    const oneRow = () =>
      syntheticExtractHeader() +
      extractLine({ nhs_number: nhsNumbers.next(), birth_date: '2025-01-02', postcode: 'QX4 2AB' });

    it('should refuse another content type with 415, saying what to send', async () => {
      const res = await request(server())
        .post('/births/imports')
        .auth(feed, { type: 'bearer' })
        .set('content-type', 'application/json')
        .send({ rows: [] })
        .expect(415);
      expect(res.body).toEqual({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: 'send the extract as text/csv or application/csv (got application/json)',
      });
      const latin1 = await postCsv(oneRow())
        .set('content-type', 'text/csv; charset=iso-8859-1')
        .expect(415);
      expect(latin1.body.message).toBe(
        'send the extract in UTF-8 (charset=iso-8859-1 is not read)',
      );
    });

    it('should accept application/csv', async () => {
      const res = await request(server())
        .post('/births/imports')
        .auth(feed, { type: 'bearer' })
        .set('content-type', 'application/csv')
        .send(oneRow())
        .expect(201);
      expect(res.body).toMatchObject({ status: 'completed', counts: { accepted: 1 } });
    });

    it('should answer 401 without a token and 403 for another role', async () => {
      const none = await request(server())
        .post('/births/imports')
        .set('content-type', 'text/csv')
        .send(oneRow())
        .expect(401);
      expect(none.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      await postCsv(oneRow(), await tokenFor('centre-staff', { centres: ['C-IMPORT'] })).expect(
        403,
      );
      // Reading imports: feeds and admins only.
      await request(server())
        .get(`/births/imports/${randomUUID()}`)
        .auth(await tokenFor('la-analyst'), { type: 'bearer' })
        .expect(403);
    });

    it('should answer 404 for an unknown import, 400 for a malformed id', async () => {
      const unknown = await getImport(randomUUID()).expect(404);
      expect(unknown.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'no such import',
      });
      await request(server())
        .get(`/births/imports/${randomUUID()}/rejected-rows`)
        .auth(feed, { type: 'bearer' })
        .expect(404);
      const malformed = await getImport('not-an-id').expect(400);
      expect(malformed.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'request validation failed',
        problems: [{ field: 'importId', reason: 'importId must be a UUID' }],
      });
    });

    it("should not show one organisation's import to another (404)", async () => {
      const res = await postCsv(oneRow()).expect(201);
      const other = await tokenFor('births-feed', { org: 'RX9' });
      await getImport((res.body as ImportBody).importId, other).expect(404);
    });

    it('should mark an import whose process died (running, silent for 15 minutes) failed on read', async () => {
      const res = await postCsv(oneRow()).expect(201);
      const importId = (res.body as ImportBody).importId;
      // As a service stopped mid-file leaves it: running, last written 16 minutes ago.
      const imports = store().collection('birth_imports');
      const silentSince = new Date(Date.now() - 16 * 60_000);
      await imports.updateOne(
        { _id: importId as never },
        { $set: { status: 'running', finishedAt: null, updatedAt: silentSince } },
      );
      const got = await getImport(importId).expect(200);
      expect(got.body).toMatchObject({ importId, status: 'failed' });
      expect(got.body.fileError).toMatch(
        /^the import stopped after 1 rows \(no progress since .*: the service restarted\)/,
      );
      const stored = await imports.findOne({ _id: importId as never });
      expect(stored).toMatchObject({ status: 'failed', fileError: got.body.fileError });
    });

    it('should fail an empty file and a file without a header, saying why', async () => {
      const empty = await postCsv('', feed, '?fileName=empty.csv').expect(201);
      expect(empty.body).toMatchObject({
        status: 'failed',
        fileError: 'the file is empty: no header row',
        counts: { rowsRead: 0, accepted: 0, duplicates: 0, rejected: 0 },
      });
      const headless = await postCsv(
        `${nhsNumbers.next()},2025-01-02,QX4 2AB\r\n${nhsNumbers.next()},2025-01-03,QX4 2AB\r\n`,
      ).expect(201);
      expect(headless.body).toMatchObject({
        status: 'failed',
        fileError: 'the header lacks required column(s): nhs_number, birth_date, postcode',
        counts: { rowsRead: 0, accepted: 0 },
      });
      const { importId } = headless.body as ImportBody;
      const got = await getImport(importId).expect(200);
      expect(got.body.status).toBe('failed');
      expect(await rejectedRows(importId)).toEqual([]);
    });
  });

  describe('the import:births command', () => {
    it('should import a file with its progress bar, print the counts and where the rejected rows are', async () => {
      const cli = join(__dirname, '../../dist/scripts/import-births.js');
      // Built by `npm test` (and `npm run build`) before the tests run.
      expect(existsSync(cli)).toBe(true);
      const generated = [
        ...syntheticExtractRows({ rows: 30, nhsNumbers, invalidEvery: 10, duplicateEvery: 0 }),
      ];
      const file = join(tmpdir(), `cli-extract-${randomUUID()}.csv`);
      writeFileSync(file, syntheticExtractHeader() + generated.map((r) => r.line).join(''));
      const url = `http://127.0.0.1:${(server().address() as AddressInfo).port}`;
      try {
        const run = await promisify(execFile)(
          process.execPath,
          [cli, file, '--url', url, '--token', feed, '--file-name', 'cli.csv'],
          { timeout: 60_000 },
        ).then(
          ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
          (failed: { code?: number; stdout?: string; stderr?: string }) => ({
            code: failed.code ?? -1,
            stdout: failed.stdout ?? '',
            stderr: failed.stderr ?? '',
          }),
        );
        expect(run.code).toBe(0);
        const importId = /^import ([0-9a-f-]{36}): completed \(cli\.csv\)$/m.exec(run.stdout)?.[1];
        expect(importId).toBeDefined();
        expect(run.stdout).toContain('rows read 30: 27 accepted, 0 duplicates, 3 rejected');
        expect(run.stdout).toContain(
          `rejected rows (3 problems): ${url}/births/imports/${importId}/rejected-rows`,
        );
        // The progress bar, on stderr: the file's name and the whole file sent.
        expect(run.stderr).toMatch(new RegExp(`${basename(file)} \\[[█░]+\\] 100%`));
        const resource = await getImport(importId!).expect(200);
        expect(resource.body).toMatchObject({
          status: 'completed',
          counts: { rowsRead: 30, accepted: 27, duplicates: 0, rejected: 3 },
        });
        expect((await rejectedRows(importId!)).map((l) => Number(l.row))).toEqual(
          generated.filter((r) => r.kind === 'invalid').map((r) => r.row),
        );
      } finally {
        unlinkSync(file);
      }
    });
  });

  describe('uploads that stop early', () => {
    it('should let an upload take as long as its import (no 408 after 5 minutes)', () => {
      expect(server().requestTimeout).toBe(defaults.uploadTimeoutMs);
      expect(defaults.uploadTimeoutMs).toBeGreaterThanOrEqual(60 * 60 * 1000);
    });

    const port = () => (server().address() as AddressInfo).port;

    /** A chunked upload written by hand, so that it can be held open or broken off. */
    function openUpload(query: string) {
      const req = httpRequest({
        host: '127.0.0.1',
        port: port(),
        method: 'POST',
        path: `/births/imports${query}`,
        headers: { 'content-type': 'text/csv', authorization: `Bearer ${feed}` },
      });
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        req.on('response', (res: IncomingMessage) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body });
            // The server stopped reading this upload: do not leave the connection behind.
            req.destroy();
          });
        });
        req.on('error', reject);
      });
      answer.catch(() => undefined);
      return { req, answer };
    }

    const rows = (n: number) =>
      [...syntheticExtractRows({ rows: n, nhsNumbers, invalidEvery: 0 })]
        .map((r) => r.line)
        .join('');

    it('should show a running import progressing, then mark a broken-off upload failed', async () => {
      const { req } = openUpload('?fileName=broken-off.csv');
      limits.batchSize = 50;
      try {
        req.write(syntheticExtractHeader() + rows(80));
        const imports = store().collection<BirthImportDoc>('birth_imports');
        const running = await eventually(async () => {
          const doc = await imports.findOne({ fileName: 'broken-off.csv' });
          return doc && doc.counts.rowsRead >= 50 ? doc : undefined;
        }, 120_000);
        const during = (await getImport(running._id).expect(200)).body as ImportBody;
        expect(during).toMatchObject({ status: 'running', finishedAt: null });
        expect(during.counts.rowsRead).toBeGreaterThanOrEqual(50);
        invariant(during.counts);
        await request(server())
          .get(`/births/imports/${running._id}/rejected-rows`)
          .auth(feed, { type: 'bearer' })
          .expect(409);

        req.destroy();
        const failed = await eventually(async () => {
          const res = await getImport(running._id).expect(200);
          return res.body.status === 'failed' ? (res.body as ImportBody) : undefined;
        });
        expect(failed.fileError).toMatch(/^the upload ended early after \d+ bytes/);
        invariant(failed.counts);
        expect(failed.counts.accepted).toBeGreaterThanOrEqual(50);
      } finally {
        req.destroy();
        limits.batchSize = 100;
      }
    });

    it('should refuse an upload over the limit with 413 and mark the import failed', async () => {
      limits.maxBytes = 64 * 1024;
      try {
        // Declared too large: refused before anything is read; no import.
        const body = syntheticExtractHeader() + rows(600);
        const declared = await postCsv(body).expect(413);
        expect(declared.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
        expect(declared.body.message).toMatch(/is larger than the limit of 65536 bytes/);

        // Streamed without a length: read up to the limit, then refused; the import failed.
        const { req, answer } = openUpload('?fileName=too-large.csv');
        // Written in two parts, so that the client sends it chunked, without a length.
        req.write(body.slice(0, 1000));
        req.end(body.slice(1000));
        const res = await answer.finally(() => req.destroy());
        expect(res.status).toBe(413);
        const refusal = JSON.parse(res.body) as { message: string; import: ImportBody };
        expect(refusal.message).toMatch(/^the upload is larger than the limit of 65536 bytes/);
        expect(refusal.import).toMatchObject({ status: 'failed', fileName: 'too-large.csv' });
        expect(refusal.import.fileError).toBe(refusal.message);
        invariant(refusal.import.counts);
        const got = await getImport(refusal.import.importId).expect(200);
        expect(got.body.status).toBe('failed');
      } finally {
        limits.maxBytes = defaults.maxBytes;
      }
    });
  });
});
