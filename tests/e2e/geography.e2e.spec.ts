import { ContractRegistry, type GeographyVersionPublishedV1 } from '@lib/contracts';
import { NhsNumberGenerator } from '@lib/nhs-number';
import type { KafkaMessage } from 'kafkajs';
import request from 'supertest';
import { BirthsAppModule } from '../../apps/births/src/births-app.module';
import { ReachAreaDirectory } from '../../apps/births/src/geography/reach-area-directory';
import { tokenFor } from '../support/given';
import { readIndependently } from '../support/kafka-reader';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(180_000);

const LA = 'E06000045';
// LSOA A moves from centre GC1 (boundary v1) to GC2 (boundary v2).
const LSOA_A = 'E01000001';
const LSOA_B = 'E01000002';
const LSOA_C = 'E01000003'; // known to the postcode lookup only (no IMD decile given)
const LSOA_OUT = 'E01000009'; // in the lookup, in no reach area

const boundaries = (effectiveFrom: string, areas: Record<string, string[]>) => ({
  effectiveFrom,
  las: [{ code: LA, name: 'Test unitary' }],
  clusters: [{ id: 'GCL', name: 'Test cluster', la: LA }],
  centres: [
    { id: 'GC1', name: 'Harbour', la: LA, cluster: 'GCL' },
    { id: 'GC2', name: 'Park', la: LA, cluster: 'GCL' },
  ],
  reachAreas: Object.entries(areas).map(([centreId, lsoas]) => ({ centreId, lsoas })),
  imdDeciles: [
    { lsoa: LSOA_A, decile: 2 },
    { lsoa: LSOA_B, decile: 7 },
    { lsoa: LSOA_OUT, decile: 9 },
  ],
});

const POSTCODE_CSV = [
  'pcd7,pcds,dointr,lsoa21cd,msoa21cd,ladcd,usertype',
  `QX1 4ZZ,QX1 4ZZ,202001,${LSOA_A},E02000001,${LA},0`,
  `QX2 7AB,QX2 7AB,202001,${LSOA_B},E02000001,${LA},0`,
  `QX3 1CD,QX3 1CD,202001,${LSOA_C},E02000001,${LA},0`,
  `QX9 9XX,QX9 9XX,202001,${LSOA_OUT},E02000002,${LA},0`,
].join('\n');

describe('geography reference data: versioned, validated, published', () => {
  const nhsNumbers = new NhsNumberGenerator('test');
  let births: TestApp;
  let directory: ReachAreaDirectory;
  let admin: { authorization: string };
  const http = () => request(births.app.getHttpServer());

  beforeAll(async () => {
    births = await startTestApp(BirthsAppModule, 'births');
    directory = births.app.get(ReachAreaDirectory, { strict: false });
    admin = { authorization: `Bearer ${await tokenFor('admin')}` };
  });

  afterAll(async () => {
    await births?.close();
  });

  function loadPostcodes(csv: string, effectiveFrom = '2020-01-01'): request.Test {
    return http()
      .post(`/geography/postcodes?effectiveFrom=${effectiveFrom}`)
      .set(admin)
      .set('content-type', 'text/csv')
      .send(csv);
  }

  it('should map a birth by the boundary version in force, and re-map figures by version without changing the event', async () => {
    const postcodes = await loadPostcodes(POSTCODE_CSV).expect(201);
    expect(postcodes.body).toMatchObject({ kind: 'postcodes', version: 1, created: true });

    const v1 = await http()
      .post('/geography/boundaries')
      .set(admin)
      .send(boundaries('2020-01-01', { GC1: [LSOA_A], GC2: [LSOA_B, LSOA_C] }))
      .expect(201);
    expect(v1.body).toMatchObject({ kind: 'boundaries', version: 1, versionId: 'boundaries:1' });

    expect(await directory.assignAt('qx1 4zz', '2023-06-01')).toEqual({
      status: 'assigned',
      postcode: 'QX1 4ZZ',
      lsoa: LSOA_A,
      centreId: 'GC1',
      cluster: 'GCL',
      la: LA,
      boundaryVersion: 1,
      postcodeVersion: 1,
      imdDecile: 2,
    });

    // A birth posted now carries the centre in force (v1).
    const nhsNumber = nhsNumbers.next();
    await http()
      .post('/births')
      .set({ authorization: `Bearer ${await tokenFor('births-feed', { org: 'RX1' })}` })
      .send({ nhsNumber, birthDate: '2023-06-01', postcode: 'QX1 4ZZ' })
      .expect(201);
    const staff = {
      authorization: `Bearer ${await tokenFor('centre-staff', { la: LA, centres: ['GC1'] })}`,
      'x-purpose': 'geography test',
    };
    const read = await http().get(`/births/${nhsNumber}`).set(staff).expect(200);
    expect(read.body).toMatchObject({ nhsNumber, centreId: 'GC1' });
    const isTheBirth = (m: KafkaMessage) => m.key?.toString() === nhsNumber;
    const before = (await readIndependently('births.child.v1', (s) => s.some(isTheBirth))).filter(
      isTheBirth,
    );
    expect(before).toHaveLength(1);
    const published = JSON.parse(before[0].value!.toString()) as {
      data: { facts: Record<string, unknown> };
    };
    expect(published.data.facts.centreId).toBe('GC1');

    // Boundary v2, in force from a later date, moves LSOA A to GC2.
    const v2 = await http()
      .post('/geography/boundaries')
      .set(admin)
      .send(boundaries('2024-04-01', { GC1: [LSOA_B], GC2: [LSOA_A, LSOA_C] }))
      .expect(201);
    expect(v2.body).toMatchObject({ version: 2, effectiveFrom: '2024-04-01', created: true });

    expect(await directory.centreFor(LSOA_A, 1)).toMatchObject({
      centreId: 'GC1',
      boundaryVersion: 1,
    });
    expect(await directory.centreFor(LSOA_A, 2)).toMatchObject({
      centreId: 'GC2',
      boundaryVersion: 2,
    });
    expect(await directory.centreFor(LSOA_A)).toMatchObject({
      centreId: 'GC2',
      boundaryVersion: 2,
    });
    expect(await directory.centreFor(LSOA_A, 7)).toBeNull();
    // The assignment follows the date asked about.
    expect(await directory.assignAt('QX1 4ZZ', '2023-06-01')).toMatchObject({
      centreId: 'GC1',
      boundaryVersion: 1,
    });
    expect(await directory.assignAt('QX1 4ZZ', '2024-04-01')).toMatchObject({
      centreId: 'GC2',
      boundaryVersion: 2,
    });
    expect(await directory.assignAt('QX1 4ZZ', '2019-12-31')).toMatchObject({
      status: 'unassigned',
      reason: 'unknown_postcode',
    });

    // The birth event already published is unchanged: still one event, same bytes.
    const after = (await readIndependently('births.child.v1', (s) => s.some(isTheBirth))).filter(
      isTheBirth,
    );
    expect(after).toHaveLength(1);
    expect(after[0].value!.toString()).toBe(before[0].value!.toString());

    // Loading the same content again is the same version.
    const again = await http()
      .post('/geography/boundaries')
      .set(admin)
      .send(boundaries('2024-04-01', { GC1: [LSOA_B], GC2: [LSOA_A, LSOA_C] }))
      .expect(200);
    expect(again.body).toMatchObject({
      version: 2,
      created: false,
      eventId: (v2.body as { eventId: string }).eventId,
    });

    // Published on geography.reference.v1, valid against the contract.
    const eventIds = [postcodes.body.eventId, v1.body.eventId, v2.body.eventId] as string[];
    const seen = await readIndependently('geography.reference.v1', (s) =>
      eventIds.every((id) => s.some((m) => JSON.parse(m.value!.toString()).id === id)),
    );
    const registry = ContractRegistry.load();
    const ours = seen
      .map((m) => ({
        key: m.key?.toString(),
        value: JSON.parse(m.value!.toString()) as {
          id: string;
          subject: string;
          subjectversion: number;
          data: GeographyVersionPublishedV1;
        },
      }))
      .filter(({ value }) => eventIds.includes(value.id));
    expect(ours).toHaveLength(3);
    for (const { key, value } of ours) {
      expect(registry.check('geography.reference.v1', value)).toMatchObject({ valid: true });
      expect(key).toBe(value.subject);
    }
    const v2Event = ours.find(({ value }) => value.id === v2.body.eventId)!.value as {
      subject: string;
      subjectversion: number;
      data: GeographyVersionPublishedV1;
    };
    expect(v2Event.subject).toBe('boundaries');
    expect(v2Event.subjectversion).toBe(2);
    expect(v2Event.data.facts.boundaries?.reachAreas).toEqual([
      { centreId: 'GC1', lsoas: [LSOA_B] },
      { centreId: 'GC2', lsoas: [LSOA_A, LSOA_C] },
    ]);
    const pcEvent = ours.find(({ value }) => value.id === postcodes.body.eventId)!.value as {
      data: GeographyVersionPublishedV1;
    };
    expect(pcEvent.data.facts.postcodes).toEqual({
      postcodes: 4,
      lsoas: 4,
      byLa: [{ la: LA, postcodes: 4 }],
    });

    // Reference data for readers.
    const analyst = {
      authorization: `Bearer ${await tokenFor('la-analyst', { la: LA })}`,
    };
    const current = await http().get('/geography/boundaries/current').set(analyst).expect(200);
    expect(current.body).toMatchObject({ version: 2, effectiveFrom: '2024-04-01' });
    const first = await http().get('/geography/boundaries/1').set(staff).expect(200);
    expect(first.body.reachAreas).toEqual([
      { centreId: 'GC1', lsoas: [LSOA_A] },
      { centreId: 'GC2', lsoas: [LSOA_B, LSOA_C] },
    ]);
  });

  it('should keep unknown, pseudo and out-of-area postcodes with the reason and the LA when known', async () => {
    expect(await directory.assignAt('ZZ99 3VZ', '2025-01-01')).toMatchObject({
      status: 'unassigned',
      reason: 'pseudo_postcode',
      la: null,
    });
    expect(await directory.assignAt('QX8 8QQ', '2025-01-01')).toMatchObject({
      status: 'unassigned',
      reason: 'unknown_postcode',
      postcodeVersion: 1,
    });
    expect(await directory.assignAt('QX9 9XX', '2025-01-01')).toEqual({
      status: 'unassigned',
      reason: 'outside_reach_areas',
      postcode: 'QX9 9XX',
      lsoa: LSOA_OUT,
      centreId: null,
      cluster: null,
      la: LA,
      boundaryVersion: 2,
      postcodeVersion: 1,
      imdDecile: 9,
    });
  });

  it('should refuse invalid boundary versions whole, listing every problem, with no new version', async () => {
    const twoAreas = await http()
      .post('/geography/boundaries')
      .set(admin)
      .send(boundaries('2025-01-01', { GC1: [LSOA_A, LSOA_B], GC2: [LSOA_B, 'E01000777'] }))
      .expect(400);
    expect(twoAreas.body.problems).toEqual([
      {
        field: 'reachAreas[1].lsoas[0]',
        reason: `LSOA ${LSOA_B} is in the reach areas of both centre GC1 and centre GC2`,
      },
      {
        field: 'reachAreas[1].lsoas[1]',
        reason: 'LSOA E01000777 is unknown: neither in imdDeciles nor in the postcode lookup',
      },
    ]);

    const malformed = boundaries('2025-01-01', { GC1: ['E1000001'], GC2: [LSOA_B] });
    malformed.las[0].code = 'E6000045';
    malformed.imdDeciles[0].decile = 0;
    const refused = await http()
      .post('/geography/boundaries')
      .set(admin)
      .send(malformed)
      .expect(400);
    expect(
      (refused.body as { problems: { field: string }[] }).problems.map((p) => p.field),
    ).toEqual(
      expect.arrayContaining([
        'las[0].code',
        'clusters[0].la',
        'centres[0].la',
        'reachAreas[0].lsoas[0]',
        'imdDeciles[0].decile',
      ]),
    );

    await http().get('/geography/boundaries/3').set(admin).expect(404);
    const current = await http().get('/geography/boundaries/current').set(admin).expect(200);
    expect(current.body.version).toBe(2);
  });

  it('should refuse a postcode file with bad rows whole, listing them, with no new version', async () => {
    const csv = [
      'pcds,lsoa21cd,msoa21cd,ladcd',
      `QX5 5AA,${LSOA_A},E02000001,${LA}`,
      `NOT A POSTCODE,${LSOA_A},E02000001,${LA}`,
      `QX5 5AB,E0100000X,E02000001,${LA}`,
      `QX5 5AA,${LSOA_B},E02000001,${LA}`,
    ].join('\n');
    const refused = await loadPostcodes(csv, '2025-01-01').expect(400);
    expect(refused.body).toMatchObject({
      message: 'postcode lookup refused: nothing was loaded',
      rowsRead: 4,
      rejected: 3,
      errors: [
        { row: 3, column: 'pcds', reason: 'is not a full UK postcode' },
        { row: 4, column: 'lsoa21cd', reason: 'is not a 9-character ONS code' },
        { row: 5, column: 'pcds', reason: 'repeats a postcode given earlier in the file' },
      ],
    });
    // The good row of the refused file is not visible.
    expect(await directory.assignAt('QX5 5AA', '2025-06-01')).toMatchObject({
      reason: 'unknown_postcode',
      postcodeVersion: 1,
    });
    const noHeader = await loadPostcodes('postcode,lsoa\nQX1 4ZZ,E01000001', '2025-01-01').expect(
      400,
    );
    expect(noHeader.body.fileError).toMatch(/lacks required column/);
    await loadPostcodes(POSTCODE_CSV, 'yesterday').expect(400);
  });

  it('should let only admins load, and refuse readers without a reader role', async () => {
    for (const role of ['centre-manager', 'la-analyst', 'births-feed'] as const) {
      const token = {
        authorization: `Bearer ${await tokenFor(role, { la: LA, centres: ['GC1'] })}`,
      };
      await http()
        .post('/geography/boundaries')
        .set(token)
        .send(boundaries('2026-01-01', { GC1: [LSOA_A], GC2: [LSOA_B] }))
        .expect(403);
      await http()
        .post('/geography/postcodes?effectiveFrom=2026-01-01')
        .set(token)
        .set('content-type', 'text/csv')
        .send(POSTCODE_CSV)
        .expect(403);
    }
    const feed = { authorization: `Bearer ${await tokenFor('births-feed')}` };
    await http().get('/geography/boundaries/current').set(feed).expect(403);
    await http().post('/geography/boundaries').send({}).expect(401);
  });

  it('should stream a 50,000-row postcode file into one version', async () => {
    const rows = ['pcds,lsoa21cd,msoa21cd,ladcd,extra'];
    for (let i = 0; i < 50_000; i++) {
      const district = 10 + Math.floor(i / 1000);
      const n = i % 1000;
      const inward = `${n % 10}${String.fromCharCode(65 + (Math.floor(n / 26 / 10) % 26))}${String.fromCharCode(65 + (Math.floor(n / 10) % 26))}`;
      rows.push(`QY${district} ${inward},E0100${String(i % 5000).padStart(4, '0')},,${LA},x`);
    }
    const started = Date.now();
    const loaded = await loadPostcodes(rows.join('\n'), '2026-01-01').expect(201);
    expect(loaded.body).toMatchObject({ kind: 'postcodes', version: 2, created: true });
    console.log(`50,000 postcode rows loaded in ${Date.now() - started} ms`);
    expect(await directory.assignAt('QY10 0AA', '2026-02-01')).toMatchObject({
      lsoa: 'E01000000',
      postcodeVersion: 2,
    });
  });
});
