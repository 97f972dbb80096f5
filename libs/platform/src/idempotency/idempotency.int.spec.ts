import { attachPrincipal } from '@lib/auth';
import { createLogger, ROOT_LOGGER } from '@lib/logging';
import {
  Body,
  ConflictException,
  Controller,
  Get,
  Global,
  HttpCode,
  INestApplication,
  Module,
  Post,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Test } from '@nestjs/testing';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import request from 'supertest';
import { AllExceptionsFilter } from '../errors';
import { problemsException } from '../validation';
import { idempotencyRecordId, idempotencyScopeHash, requestFingerprint } from './idempotency-key';
import type { IdempotencyRecord } from './idempotency-record';
import { IdempotencyModule } from './idempotency.module';
import { IdempotencyStore } from './idempotency.store';

jest.setTimeout(120_000);

const DB = `test_idempotency_${randomUUID().slice(0, 8)}`;
const logger = createLogger({ service: 'idempotency-int', level: 'silent' });

/** How often each handler ran. */
const calls = { create: 0, refuse: 0, flaky: 0, busy: 0, list: 0, raw: 0, file: 0 };

@Controller('things')
class ThingsController {
  /** 200 unless it creates (always, here): the status is chosen at run time, as contacts do. */
  @Post()
  @HttpCode(200)
  async create(
    @Body() body: { name?: string; waitMs?: number },
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ id: string; name: string | null }> {
    calls.create++;
    const id = `thing-${calls.create}`;
    if (body.waitMs) await new Promise((resolve) => setTimeout(resolve, body.waitMs));
    res.status(201).setHeader('Location', `/things/${id}`);
    return { id, name: body.name ?? null };
  }

  @Post('refused')
  refuse(): never {
    calls.refuse++;
    throw problemsException([{ field: 'name', reason: `is required (refusal ${calls.refuse})` }]);
  }

  /** Fails like a store outage the first time, then works. */
  @Post('flaky')
  flaky(): { attempt: number } {
    calls.flaky++;
    if (calls.flaky === 1) throw new Error('connection reset');
    return { attempt: calls.flaky };
  }

  /** Busy (409) the first time: a refusal of the moment, not stored. */
  @Post('busy')
  busy(): { attempt: number } {
    calls.busy++;
    if (calls.busy === 1) throw new ConflictException('locked by another change');
    return { attempt: calls.busy };
  }

  /** Writes its own response: nothing to capture, so the key is ignored (with a warning). */
  @Post('raw')
  raw(@Res() res: Response): void {
    calls.raw++;
    res.status(202).json({ attempt: calls.raw });
  }

  @Post('file')
  file(): StreamableFile {
    calls.file++;
    return new StreamableFile(Buffer.from(`file ${calls.file}`));
  }

  @Get()
  list(): { calls: number } {
    calls.list++;
    return { calls: calls.list };
  }
}

@Global()
@Module({ providers: [{ provide: ROOT_LOGGER, useValue: logger }], exports: [ROOT_LOGGER] })
class TestLoggerModule {}

/** Stands in for the auth guard: the caller named in a test header is the verified principal. */
function fakePrincipal(req: Request, _res: Response, next: NextFunction): void {
  const subject = req.headers['x-test-subject'];
  if (typeof subject === 'string') attachPrincipal(req, { subject, roles: [], centres: [] });
  next();
}

describe('Idempotency-Key on the real store', () => {
  let app: INestApplication;
  let store: IdempotencyStore;

  const http = () => request(app.getHttpServer() as Server);
  const post = (path: string, key: string | undefined, body: object = {}, subject = 'caller-a') => {
    const req = http().post(path).set('x-test-subject', subject);
    return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
  };
  const recordOf = (key: string, generation = 0, subject = 'caller-a', path = '/things') =>
    idempotencyRecordId(idempotencyScopeHash({ subject, method: 'POST', path, key }), generation);

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TestLoggerModule,
        MongooseModule.forRoot(process.env.MONGODB_URI!, {
          dbName: DB,
          autoIndex: false,
          autoCreate: false,
          serverSelectionTimeoutMS: 5000,
        }),
        IdempotencyModule.forRoot(),
      ],
      controllers: [ThingsController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.use(fakePrincipal);
    app.useGlobalFilters(new AllExceptionsFilter(logger));
    await app.init();
    store = app.get(IdempotencyStore);
  });

  afterAll(async () => {
    await store?.collection.db.dropDatabase();
    await app?.close();
  });

  beforeEach(() => {
    for (const name of Object.keys(calls) as (keyof typeof calls)[]) calls[name] = 0;
  });

  it('should replay the status, body and Location of a retry without running the handler again', async () => {
    const key = randomUUID();
    const first = await post('/things', key, { name: 'Ada' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ id: 'thing-1', name: 'Ada' });
    expect(first.headers.location).toBe('/things/thing-1');
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    // Same body with its keys in another order: the same request.
    const retry = await http()
      .post('/things')
      .set('x-test-subject', 'caller-a')
      .set('Idempotency-Key', key)
      .set('Content-Type', 'application/json')
      .send('{ "name": "Ada" }');
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.text).toBe(first.text);
    expect(retry.headers.location).toBe('/things/thing-1');
    expect(retry.headers['content-type']).toBe(first.headers['content-type']);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(calls.create).toBe(1);

    // The record names neither the caller nor the key.
    const stored = await store.collection.findOne({ _id: recordOf(key) });
    expect(stored).toMatchObject({ state: 'done', answer: { status: 201, refusal: false } });
    expect(JSON.stringify(stored)).not.toContain(key);
    expect(JSON.stringify(stored)).not.toContain('caller-a');
  });

  it('should refuse the same key for a different body or query with 422, running nothing', async () => {
    const key = randomUUID();
    expect((await post('/things', key, { name: 'Ada' })).status).toBe(201);
    const otherBody = await post('/things', key, { name: 'Grace' });
    expect(otherBody.status).toBe(422);
    expect(otherBody.body).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: expect.stringContaining('different request'),
    });
    const otherQuery = await post('/things?dryRun=true', key, { name: 'Ada' });
    expect(otherQuery.status).toBe(422);
    expect(calls.create).toBe(1);
  });

  it('should run concurrent duplicates once: one 201, the others 409 or the replay', async () => {
    const key = randomUUID();
    const body = { name: 'Ada', waitMs: 300 };
    const answers = await Promise.all(Array.from({ length: 5 }, () => post('/things', key, body)));
    const fresh = answers.filter((a) => a.status === 201 && !a.headers['idempotent-replayed']);
    expect(fresh).toHaveLength(1);
    for (const other of answers.filter((a) => a !== fresh[0])) {
      if (other.status === 409) {
        expect(other.headers['retry-after']).toBe('1');
        expect(other.body.message).toMatch(/still in progress/);
      } else {
        expect(other.status).toBe(201);
        expect(other.body).toEqual(fresh[0].body);
      }
    }
    expect(answers.some((a) => a.status === 409)).toBe(true); // they did overlap
    expect(calls.create).toBe(1);
    const later = await post('/things', key, body);
    expect(later.status).toBe(201);
    expect(later.headers['idempotent-replayed']).toBe('true');
    expect(later.body).toEqual(fresh[0].body);
    expect(calls.create).toBe(1);
  });

  it('should replay a 400 refusal', async () => {
    const key = randomUUID();
    const first = await post('/things/refused', key, { x: 1 });
    const retry = await post('/things/refused', key, { x: 1 });
    expect(first.status).toBe(400);
    expect(first.body.problems).toEqual([{ field: 'name', reason: 'is required (refusal 1)' }]);
    expect(retry.status).toBe(400);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(calls.refuse).toBe(1);
  });

  it('should not store a 500: the retry runs the handler', async () => {
    const key = randomUUID();
    const failed = await post('/things/flaky', key);
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ statusCode: 500, message: 'internal error' });
    expect(
      await store.collection.findOne({ _id: recordOf(key, 0, 'caller-a', '/things/flaky') }),
    ).toBeNull();
    const retry = await post('/things/flaky', key);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual({ attempt: 2 });
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    const again = await post('/things/flaky', key);
    expect(again.body).toEqual({ attempt: 2 });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(calls.flaky).toBe(2);
  });

  it('should not store a 409 of the handler (a refusal of the moment)', async () => {
    const key = randomUUID();
    expect((await post('/things/busy', key)).status).toBe(409);
    const retry = await post('/things/busy', key);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual({ attempt: 2 });
    expect(calls.busy).toBe(2);
  });

  it('should keep two callers with the same key apart', async () => {
    const key = 'order-1';
    const a = await post('/things', key, { name: 'Ada' }, 'caller-a');
    const b = await post('/things', key, { name: 'Grace' }, 'caller-b');
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body).toEqual({ id: 'thing-2', name: 'Grace' });
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(calls.create).toBe(2);
  });

  it('should leave GET, requests without the header and unauthenticated requests untouched', async () => {
    const key = randomUUID();
    for (let i = 0; i < 2; i++) {
      const got = await http()
        .get('/things')
        .set('x-test-subject', 'caller-a')
        .set('Idempotency-Key', i === 0 ? key : 'clé');
      expect(got.status).toBe(200);
      expect(got.headers['idempotent-replayed']).toBeUndefined();
    }
    expect(calls.list).toBe(2);

    await post('/things', undefined, { name: 'Ada' });
    await post('/things', undefined, { name: 'Ada' });
    expect(calls.create).toBe(2);

    for (let i = 0; i < 2; i++) {
      const anonymous = await http()
        .post('/things')
        .set('Idempotency-Key', key)
        .send({ name: 'Ada' });
      expect(anonymous.status).toBe(201);
    }
    expect(calls.create).toBe(4);
  });

  it('should refuse a malformed key with 400 naming the header, running nothing', async () => {
    for (const bad of ['', 'k'.repeat(256), 'clé']) {
      const refused = await post('/things', bad, { name: 'Ada' });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'request validation failed',
        problems: [{ field: 'Idempotency-Key', reason: expect.any(String) }],
      });
    }
    expect((await post('/things', 'k'.repeat(255), { name: 'Ada' })).status).toBe(201);
    expect(calls.create).toBe(1);
  });

  it('should answer 409 while a live claim holds the key, and take over a stale one', async () => {
    const key = randomUUID();
    const body = { name: 'Ada' };
    const claim = (createdAt: Date): IdempotencyRecord => ({
      _id: recordOf(key),
      state: 'in-progress',
      fingerprint: requestFingerprint(body, ''),
      createdAt,
    });
    await store.collection.insertOne(claim(new Date()));
    const busy = await post('/things', key, body);
    expect(busy.status).toBe(409);
    expect(calls.create).toBe(0);

    // The process holding it died over a minute ago: the next generation takes over.
    await store.collection.deleteOne({ _id: recordOf(key) });
    await store.collection.insertOne(claim(new Date(Date.now() - 61_000)));
    const takenOver = await post('/things', key, body);
    expect(takenOver.status).toBe(201);
    expect(calls.create).toBe(1);
    expect(await store.collection.findOne({ _id: recordOf(key, 0) })).toMatchObject({
      state: 'in-progress',
    });
    expect(await store.collection.findOne({ _id: recordOf(key, 1) })).toMatchObject({
      state: 'done',
    });
    const retry = await post('/things', key, body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(takenOver.body);
    expect(calls.create).toBe(1);
  });

  it('should treat a record older than 24 h as absent', async () => {
    const key = randomUUID();
    await store.collection.insertOne({
      _id: recordOf(key),
      state: 'done',
      fingerprint: requestFingerprint({ name: 'old' }, ''),
      createdAt: new Date(Date.now() - 25 * 3600_000),
      answer: { status: 201, body: '{"id":"old"}', location: null, refusal: false },
    });
    const fresh = await post('/things', key, { name: 'new' });
    expect(fresh.status).toBe(201);
    expect(fresh.body).toEqual({ id: 'thing-1', name: 'new' });
    expect(calls.create).toBe(1);
  });

  it('should pass routes it cannot replay through unstored: @Res() without passthrough, streams', async () => {
    const key = randomUUID();
    const raw = [await post('/things/raw', key), await post('/things/raw', key)];
    expect(raw.map((r) => [r.status, r.body as unknown])).toEqual([
      [202, { attempt: 1 }],
      [202, { attempt: 2 }],
    ]);
    const files = [await post('/things/file', key), await post('/things/file', key)];
    expect(files.map((r) => [r.status, (r.body as Buffer).toString()])).toEqual([
      [201, 'file 1'],
      [201, 'file 2'],
    ]);
    expect(files[1].headers['idempotent-replayed']).toBeUndefined();
    expect(
      await store.collection.findOne({ _id: recordOf(key, 0, 'caller-a', '/things/file') }),
    ).toBeNull();
  });

  it('should find its collection in place at the next start-up', async () => {
    await expect(store.ensureCollection()).resolves.toBeUndefined();
  });
});
