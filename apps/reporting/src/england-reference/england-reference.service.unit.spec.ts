import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { EnglandReferenceVersionDoc } from './england-reference-store';
import { EnglandReferenceService, REFRESH_AFTER_MS } from './england-reference.service';

/** The few collection calls the service makes, over a Map keyed by `_id`. */
class FakeVersions {
  readonly docs = new Map<string, EnglandReferenceVersionDoc>();
  /** `_id`s another instance takes just before this one inserts them. */
  readonly takenByOthers = new Set<string>();
  findOneCalls = 0;

  insertOne(doc: EnglandReferenceVersionDoc): Promise<void> {
    if (this.takenByOthers.delete(doc._id)) this.docs.set(doc._id, { ...doc, uploadedBy: 'other' });
    if (this.docs.has(doc._id))
      return Promise.reject(Object.assign(new Error('E11000'), { code: 11000 }));
    this.docs.set(doc._id, copy(doc));
    return Promise.resolve();
  }

  findOne(filter: { _id: string }): Promise<EnglandReferenceVersionDoc | null> {
    this.findOneCalls++;
    const doc = this.docs.get(filter._id);
    return Promise.resolve(doc ? copy(doc) : null);
  }

  find(): { toArray: () => Promise<{ version: number }[]> } {
    const versions = [...this.docs.values()].map(({ version }) => ({ version }));
    return { toArray: () => Promise.resolve(versions) };
  }
}

function copy(doc: EnglandReferenceVersionDoc): EnglandReferenceVersionDoc {
  return { ...doc, rows: doc.rows.map((row) => ({ ...row })) };
}

const CSV = [
  'indicator,period,value,source',
  'smoking_at_delivery,quarter:2026-27-Q1,0.074,SATOD',
  'breastfeeding_nbv,quarter:2026-27-Q1,48.2%,',
  'smoking_at_delivery,quarter:2026-27-Q2,0.07,',
].join('\n');

function setup(fake = new FakeVersions()) {
  const connection = { collection: () => fake } as unknown as Connection;
  const logger = { warn: jest.fn() } as unknown as Logger;
  return { fake, service: new EnglandReferenceService(connection, logger) };
}

describe('EnglandReferenceService', () => {
  afterEach(() => jest.useRealTimers());

  it('stores an accepted upload as version 1, then 2, and answers the latest values', async () => {
    const { fake, service } = setup();
    expect(await service.valuesFor('quarter:2026-27-Q1')).toEqual({});
    expect(await service.latest()).toBeNull();

    expect(await service.upload(CSV, 'analyst-1')).toEqual({ ok: true, version: 1, rowCount: 3 });
    expect(await service.valuesFor('quarter:2026-27-Q1')).toEqual({
      smoking_at_delivery: 0.074,
      breastfeeding_nbv: 0.482,
    });
    expect(await service.valuesFor('quarter:2026-27-Q2')).toEqual({ smoking_at_delivery: 0.07 });
    expect(await service.valuesFor('quarter:2026-27-Q3')).toEqual({});

    const second = 'indicator,period,value\nnormal_delivery,quarter:2026-27-Q1,0.6';
    expect(await service.upload(second, 'analyst-2')).toEqual({
      ok: true,
      version: 2,
      rowCount: 1,
    });
    expect(await service.valuesFor('quarter:2026-27-Q1')).toEqual({ normal_delivery: 0.6 });

    const stored = fake.docs.get('england-reference:1');
    expect(stored).toMatchObject({
      _id: 'england-reference:1',
      version: 1,
      uploadedBy: 'analyst-1',
      rowCount: 3,
      rows: [
        {
          indicator: 'smoking_at_delivery',
          period: 'quarter:2026-27-Q1',
          value: 0.074,
          source: 'SATOD',
        },
        { indicator: 'breastfeeding_nbv', period: 'quarter:2026-27-Q1', value: 0.482 },
        { indicator: 'smoking_at_delivery', period: 'quarter:2026-27-Q2', value: 0.07 },
      ],
    });
    expect(stored?.uploadedAt).toBeInstanceOf(Date);
    expect(await service.latest()).toMatchObject({
      version: 2,
      uploadedBy: 'analyst-2',
      rowCount: 1,
    });
  });

  it('stores nothing when the file has errors', async () => {
    const { fake, service } = setup();
    const outcome = await service.upload('indicator,period,value\nx,quarter:2026-27-Q1,0.5', 'a');
    expect(outcome).toEqual({
      ok: false,
      errors: [
        { line: 2, field: 'indicator', message: expect.stringContaining('unknown indicator') },
      ],
    });
    expect(fake.docs.size).toBe(0);
  });

  it('takes the next number when another upload took it first', async () => {
    const { fake, service } = setup();
    await service.upload(CSV, 'analyst-1');
    fake.takenByOthers.add('england-reference:2');
    fake.takenByOthers.add('england-reference:3');
    expect(await service.upload(CSV, 'analyst-1')).toEqual({ ok: true, version: 4, rowCount: 3 });
    expect([...fake.docs.keys()].sort()).toEqual([
      'england-reference:1',
      'england-reference:2',
      'england-reference:3',
      'england-reference:4',
    ]);
    expect((await service.latest())?.version).toBe(4);
  });

  it('loads the highest stored version on first use and sees other instances’ uploads after a while', async () => {
    jest.useFakeTimers({ now: new Date('2026-05-01T09:00:00Z') });
    const fake = new FakeVersions();
    const other = setup(fake).service;
    await other.upload(CSV, 'a');
    await other.upload('indicator,period,value\nnormal_delivery,quarter:2026-27-Q1,0.6', 'a');

    const { service } = setup(fake);
    expect(await service.valuesFor('quarter:2026-27-Q1')).toEqual({ normal_delivery: 0.6 });

    await other.upload('indicator,period,value\nnormal_delivery,quarter:2026-27-Q1,0.55', 'a');
    const reads = fake.findOneCalls;
    expect(await service.valuesFor('quarter:2026-27-Q1')).toEqual({ normal_delivery: 0.6 });
    expect(fake.findOneCalls).toBe(reads);

    jest.setSystemTime(Date.now() + REFRESH_AFTER_MS);
    expect(await service.valuesFor('quarter:2026-27-Q1')).toEqual({ normal_delivery: 0.55 });
    expect((await service.latest())?.version).toBe(3);
  });

  it('keeps answering from the cached version when the store cannot be read', async () => {
    jest.useFakeTimers({ now: new Date('2026-05-01T09:00:00Z') });
    const { fake, service } = setup();
    await service.upload(CSV, 'a');
    jest.spyOn(fake, 'findOne').mockRejectedValue(new Error('store down'));
    jest.setSystemTime(Date.now() + REFRESH_AFTER_MS);
    expect(await service.valuesFor('quarter:2026-27-Q2')).toEqual({ smoking_at_delivery: 0.07 });
  });
});
