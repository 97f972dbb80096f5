import { NhsNumberGenerator } from '@lib/nhs-number';
import request from 'supertest';
import { BirthsAppModule } from '../../apps/births/src/births-app.module';
import { givenPostcodeInCentre, tokenFor } from '../support/given';
import { readIndependently } from '../support/kafka-reader';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(120_000);

const NORTH = 'C-NORTH';
const SOUTH = 'C-SOUTH';

interface PublishedEvent {
  type: string;
  subjectversion: number;
  data: { facts: Record<string, unknown>; personal?: object };
}

// What happens to a child after the birth, through the births JSON API: sharing objections and
// their withdrawal, deaths, moves and retractions, each one event on births.child.v1, and what a
// centre may then read.
describe('births: sharing choices, deaths, moves and retractions', () => {
  const nhsNumbers = new NhsNumberGenerator('test');
  let births: TestApp;
  let feed: string;
  let northStaff: string;
  let southStaff: string;

  beforeAll(async () => {
    births = await startTestApp(BirthsAppModule, 'births');
    await givenPostcodeInCentre(births.app, 'QN1 1AA', NORTH);
    await givenPostcodeInCentre(births.app, 'QS2 2BB', SOUTH);
    feed = await tokenFor('births-feed', { org: 'RX1' });
    northStaff = await tokenFor('centre-staff', { centres: [NORTH] });
    southStaff = await tokenFor('centre-staff', { centres: [SOUTH] });
  });

  afterAll(async () => {
    await births?.close();
  });

  const http = () => request(births.app.getHttpServer());
  const post = (path: string, body: object = {}) =>
    http().post(path).auth(feed, { type: 'bearer' }).send(body);
  const read = (nhsNumber: string, token: string) =>
    http()
      .get(`/births/${nhsNumber}`)
      .auth(token, { type: 'bearer' })
      .set('x-purpose', 'test: what a centre sees');

  async function notify(extra: object = {}): Promise<string> {
    const nhsNumber = nhsNumbers.next();
    await post('/births', {
      nhsNumber,
      birthDate: '2026-04-10',
      postcode: 'QN1 1AA',
      givenName: 'Tamsin',
      familyName: 'Quarrender',
      addressLine1: '7 Wick Lane',
      ...extra,
    }).expect(201);
    return nhsNumber;
  }

  async function eventsOf(nhsNumber: string, count: number): Promise<PublishedEvent[]> {
    const ours = (s: Awaited<ReturnType<typeof readIndependently>>) =>
      s.filter((m) => m.key?.toString() === nhsNumber);
    const seen = await readIndependently('births.child.v1', (s) => ours(s).length >= count);
    return ours(seen).map((m) => JSON.parse(m.value!.toString()) as PublishedEvent);
  }

  it('should hide identities from centres while an objection stands, and show them once withdrawn', async () => {
    const child = await notify();
    const before = await read(child, northStaff).expect(200);
    expect(before.body).toMatchObject({
      sharingObjection: false,
      identityStatus: 'present',
      identity: { givenName: 'Tamsin', familyName: 'Quarrender', postcode: 'QN1 1AA' },
    });

    const objection = await post(`/births/${child}/sharing-objection`, {
      effectiveDate: '2026-05-01',
    }).expect(201);
    expect(objection.body).toMatchObject({ version: 2, created: true, objectionInForce: true });
    // The same objection again is a re-send.
    await post(`/births/${child}/sharing-objection`, { effectiveDate: '2026-05-01' }).expect(200);
    const hidden = await read(child, northStaff).expect(200);
    expect(hidden.body).toMatchObject({
      nhsNumber: child,
      birthDate: '2026-04-10',
      centreId: NORTH,
      sharingObjection: true,
      identity: null,
      identityStatus: 'withheld',
    });

    // A withdrawal dated before the objection does not end it: the latest effective date wins.
    const stale = await post(`/births/${child}/sharing-objection/withdrawal`, {
      effectiveDate: '2026-04-20',
    }).expect(201);
    expect(stale.body).toMatchObject({ version: 3, objectionInForce: true });
    expect((await read(child, northStaff).expect(200)).body.identity).toBeNull();

    const withdrawal = await post(`/births/${child}/sharing-objection/withdrawal`, {
      effectiveDate: '2026-06-01',
      organisationCode: 'RX2',
    }).expect(201);
    expect(withdrawal.body).toMatchObject({ version: 4, objectionInForce: false });
    const shown = await read(child, northStaff).expect(200);
    expect(shown.body).toMatchObject({
      sharingObjection: false,
      identityStatus: 'present',
      identity: { givenName: 'Tamsin', familyName: 'Quarrender' },
    });

    const events = await eventsOf(child, 4);
    expect(events.map((e) => [e.type, e.subjectversion])).toEqual([
      ['BirthNotified', 1],
      ['SharingObjectionRecorded', 2],
      ['SharingObjectionWithdrawn', 3],
      ['SharingObjectionWithdrawn', 4],
    ]);
    expect(events[1].data).toEqual({
      facts: {
        nhsNumber: child,
        effectiveDate: '2026-05-01',
        source: { channel: 'births-api', organisationCode: 'RX1' },
        objectionInForce: true,
      },
    });
    expect(events[3].data.facts).toMatchObject({
      effectiveDate: '2026-06-01',
      source: { channel: 'births-api', organisationCode: 'RX2' },
      objectionInForce: false,
    });
  });

  it('should withhold identities from the start when the notification says the parent objected', async () => {
    const child = await notify({ sharingObjection: true });
    const res = await read(child, northStaff).expect(200);
    expect(res.body).toMatchObject({ sharingObjection: true, identity: null });
    await post(`/births/${child}/sharing-objection/withdrawal`, {
      effectiveDate: '2026-04-10',
    }).expect(201);
    expect((await read(child, northStaff).expect(200)).body.identityStatus).toBe('present');
  });

  it('should publish a death at once, show it, and refuse a second death on another date', async () => {
    const child = await notify();
    const res = await post(`/births/${child}/death`, { dateOfDeath: '2026-09-03' }).expect(201);
    expect(res.body).toMatchObject({ nhsNumber: child, version: 2, created: true });
    const [, death] = await eventsOf(child, 2);
    expect(death).toMatchObject({
      type: 'DeathNotified',
      subjectversion: 2,
      data: { facts: { nhsNumber: child, dateOfDeath: '2026-09-03', channel: 'births-api' } },
    });
    expect((await read(child, northStaff).expect(200)).body.dateOfDeath).toBe('2026-09-03');

    await post(`/births/${child}/death`, { dateOfDeath: '2026-09-03' }).expect(200);
    const other = await post(`/births/${child}/death`, { dateOfDeath: '2026-09-04' }).expect(409);
    expect(other.body.message).toMatch(/a death on 2026-09-03 is already recorded/);
  });

  it('should refuse impossible deaths and unknown children with the field and the reason', async () => {
    const child = await notify();
    const early = await post(`/births/${child}/death`, { dateOfDeath: '2026-01-01' }).expect(400);
    expect(early.body.problems).toEqual([
      { field: 'dateOfDeath', reason: 'is before the child was born' },
    ]);
    const future = await post(`/births/${child}/death`, { dateOfDeath: '2999-01-01' }).expect(400);
    expect(future.body.problems).toEqual([{ field: 'dateOfDeath', reason: 'is in the future' }]);
    const unknown = nhsNumbers.next();
    await post(`/births/${unknown}/death`, { dateOfDeath: '2026-09-03' }).expect(404);
    await post(`/births/${unknown}/sharing-objection`, { effectiveDate: '2026-05-01' }).expect(404);
    await post(`/births/${child}/death`, { dateOfDeath: '3 Sept' }).expect(400);
    await post('/births/9995000018/death', { dateOfDeath: '2026-09-03' }).expect(400);
  });

  it('should follow a move: the new centre reads the child, the old one no longer does', async () => {
    const child = await notify();
    await read(child, northStaff).expect(200);
    const move = await post(`/births/${child}/moves`, {
      direction: 'within',
      effectiveDate: '2026-07-15',
      postcode: 'QS2 2BB',
      addressLine1: '1 Fenn Court',
    }).expect(201);
    expect(move.body).toMatchObject({ version: 2, created: true });
    await read(child, northStaff).expect(404);
    const south = await read(child, southStaff).expect(200);
    expect(south.body).toMatchObject({
      centreId: SOUTH,
      postcodeDistrict: 'QS2',
      identity: { givenName: 'Tamsin', addressLine1: '1 Fenn Court', postcode: 'QS2 2BB' },
    });
    expect(south.body.identity).not.toHaveProperty('town');

    // A move reported late, dated before the one held, does not undo it.
    await post(`/births/${child}/moves`, {
      direction: 'within',
      effectiveDate: '2026-06-01',
      postcode: 'QN1 1AA',
    }).expect(201);
    await read(child, southStaff).expect(200);

    await post(`/births/${child}/moves`, { direction: 'out', effectiveDate: '2026-08-01' }).expect(
      201,
    );
    await read(child, southStaff).expect(404);

    const events = await eventsOf(child, 4);
    expect(events.map((e) => e.type)).toEqual([
      'BirthNotified',
      'ResidenceChanged',
      'ResidenceChanged',
      'ResidenceChanged',
    ]);
    expect(events[1].data.facts).toEqual({
      nhsNumber: child,
      birthDate: '2026-04-10',
      direction: 'within',
      effectiveDate: '2026-07-15',
      postcodeDistrict: 'QS2',
      lsoa: 'E01999999',
      centreId: SOUTH,
      channel: 'births-api',
    });
    expect(events[1].data.personal).toBeDefined();
    expect(events[3].data.facts).toMatchObject({
      direction: 'out',
      postcodeDistrict: null,
      centreId: null,
    });
  });

  it('should withdraw moves and deaths: the child is where its other statements place it, alive', async () => {
    const child = await notify();
    const july = { effectiveDate: '2026-07-15', postcode: 'QS2 2BB' };
    const june = { effectiveDate: '2026-06-01', postcode: 'QN1 1AA' };
    await post(`/births/${child}/moves`, { direction: 'within', ...july }).expect(201);
    await post(`/births/${child}/moves`, {
      direction: 'within',
      ...june,
      addressLine1: '3 Late Row',
    }).expect(201);
    await read(child, southStaff).expect(200); // the July move holds

    await post(`/births/${child}/moves/retraction`, july).expect(201);
    await post(`/births/${child}/moves/retraction`, july).expect(200);
    await read(child, southStaff).expect(404);
    const afterJuly = await read(child, northStaff).expect(200);
    expect(afterJuly.body.identity).toMatchObject({ addressLine1: '3 Late Row' });

    await post(`/births/${child}/moves/retraction`, june).expect(201);
    const afterJune = await read(child, northStaff).expect(200);
    expect(afterJune.body.identity).toMatchObject({ addressLine1: '7 Wick Lane' });
    const never = await post(`/births/${child}/moves/retraction`, {
      effectiveDate: '2026-08-01',
      postcode: 'QS2 2BB',
    }).expect(404);
    expect(never.body.message).toMatch(/no change of address to QS2 2BB from 2026-08-01/);
    const malformed = await post(`/births/${child}/moves/retraction`, {
      effectiveDate: '15 July',
      postcode: 'NOWHERE',
      direction: 'in',
    }).expect(400);
    expect(JSON.stringify(malformed.body)).toMatch(/effectiveDate/);
    expect(JSON.stringify(malformed.body)).toMatch(/postcode must be a UK postcode/);
    expect(JSON.stringify(malformed.body)).toMatch(/direction/);

    await post(`/births/${child}/death`, { dateOfDeath: '2026-09-03' }).expect(201);
    await post(`/births/${child}/death/correction`, { dateOfDeath: '2026-09-05' }).expect(201);
    await post(`/births/${child}/death/correction`, { dateOfDeath: '2026-09-05' }).expect(200);
    expect((await read(child, northStaff).expect(200)).body.dateOfDeath).toBe('2026-09-05');
    const stale = await post(`/births/${child}/death/retraction`, {
      dateOfDeath: '2026-09-03',
    }).expect(409);
    expect(stale.body.message).toMatch(/is on 2026-09-05, not 2026-09-03/);
    await post(`/births/${child}/death/retraction`, { dateOfDeath: '2026-09-05' }).expect(201);
    await post(`/births/${child}/death/retraction`, { dateOfDeath: '2026-09-05' }).expect(200);
    expect((await read(child, northStaff).expect(200)).body.dateOfDeath).toBeNull();

    const events = await eventsOf(child, 8);
    expect(events.map((e) => e.type)).toEqual([
      'BirthNotified',
      'ResidenceChanged',
      'ResidenceChanged',
      'ResidenceChangeRetracted',
      'ResidenceChangeRetracted',
      'DeathNotified',
      'DeathNotified',
      'DeathRetracted',
    ]);
    expect(events[3].data.facts).toEqual({
      nhsNumber: child,
      retractedEventId: (events[1] as unknown as { id: string }).id,
      effectiveDate: '2026-07-15',
      residenceNow: {
        from: '2026-06-01',
        postcodeDistrict: 'QN1',
        lsoa: 'E01999999',
        centreId: NORTH,
      },
      channel: 'births-api',
    });
    expect(events[4].data.facts).toMatchObject({
      retractedEventId: (events[2] as unknown as { id: string }).id,
      residenceNow: { from: '2026-04-10', postcodeDistrict: 'QN1', centreId: NORTH },
    });
    expect(events[7].data.facts).toEqual({
      nhsNumber: child,
      dateOfDeath: '2026-09-05',
      channel: 'births-api',
    });
  });

  it('should make a child born elsewhere known by its move in', async () => {
    const child = nhsNumbers.next();
    const missing = await post(`/births/${child}/moves`, {
      direction: 'in',
      effectiveDate: '2026-08-01',
      postcode: 'QN1 1AA',
    }).expect(404);
    expect(missing.body.message).toMatch(/needs birthDate/);
    await post(`/births/${child}/moves`, {
      direction: 'in',
      effectiveDate: '2026-08-01',
      postcode: 'QN1 1AA',
      birthDate: '2026-02-02',
      givenName: 'Ilse',
      familyName: 'Varga',
    }).expect(201);
    const res = await read(child, northStaff).expect(200);
    expect(res.body).toMatchObject({
      known: 'move-in',
      birthDate: '2026-02-02',
      centreId: NORTH,
      identity: { givenName: 'Ilse', familyName: 'Varga', postcode: 'QN1 1AA' },
    });
    const noPostcode = await post(`/births/${child}/moves`, {
      direction: 'in',
      effectiveDate: '2026-08-02',
    }).expect(400);
    expect(noPostcode.body.problems).toEqual([
      { field: 'postcode', reason: 'is required unless moving out' },
    ]);
  });

  it('should retract a notification: centres no longer see it and corrections are refused', async () => {
    const child = await notify();
    await post(`/births/${child}/retraction`).expect(201);
    await post(`/births/${child}/retraction`).expect(200);
    await read(child, northStaff).expect(404);
    const correction = await http()
      .put(`/births/${child}`)
      .auth(feed, { type: 'bearer' })
      .set('idempotency-key', 'fix-1')
      .send({ birthDate: '2026-04-11', postcode: 'QN1 1AA' })
      .expect(409);
    expect(correction.body.message).toMatch(/retracted/);
    const [, retraction] = await eventsOf(child, 2);
    expect(retraction).toMatchObject({
      type: 'BirthRetracted',
      data: { facts: { nhsNumber: child, channel: 'births-api' } },
    });
  });

  it('should keep children with ZZ99 or unknown postcodes, counted in the LA and listed for data quality', async () => {
    const LA = 'E06000998';
    const laFeed = await tokenFor('births-feed', { org: 'RX9', la: LA });
    const analyst = await tokenFor('la-analyst', { la: LA });
    const notifyIn = async (postcode: string) => {
      const nhsNumber = nhsNumbers.next();
      await http()
        .post('/births')
        .auth(laFeed, { type: 'bearer' })
        .send({ nhsNumber, birthDate: '2026-03-03', postcode })
        .expect(201);
      return nhsNumber;
    };
    const noFixedAbode = await notifyIn('ZZ99 3VZ');
    const placed = await notifyIn('QN1 1AA');
    const laterPlaced = await notifyIn('ZZ99 3WZ');
    await http()
      .post(`/births/${laterPlaced}/moves`)
      .auth(laFeed, { type: 'bearer' })
      .send({ direction: 'within', effectiveDate: '2026-05-05', postcode: 'QS2 2BB' })
      .expect(201);

    const list = await http()
      .get(`/births/data-quality/${LA}/unplaced`)
      .auth(analyst, { type: 'bearer' })
      .set('x-purpose', 'data quality: find addresses')
      .expect(200);
    expect(list.body).toEqual({
      la: LA,
      counts: {
        unknown_postcode: 0,
        pseudo_postcode: 1,
        outside_reach_areas: 0,
        no_boundary_version: 0,
        total: 1,
      },
      children: [
        {
          nhsNumber: noFixedAbode,
          reason: 'pseudo_postcode',
          birthDate: '2026-03-03',
          postcodeDistrict: null,
          version: 1,
          receivedAt: expect.any(String),
        },
      ],
    });
    expect(JSON.stringify(list.body)).not.toContain(placed);

    const otherLa = await tokenFor('la-analyst', { la: 'E06000997' });
    await http()
      .get(`/births/data-quality/${LA}/unplaced`)
      .auth(otherLa, { type: 'bearer' })
      .set('x-purpose', 'data quality')
      .expect(403);
    await http()
      .get(`/births/data-quality/${LA}/unplaced`)
      .auth(analyst, { type: 'bearer' })
      .expect(400);
    await http()
      .get('/births/data-quality/not-an-la/unplaced')
      .auth(analyst, { type: 'bearer' })
      .set('x-purpose', 'data quality')
      .expect(400);
  });

  it('should let only the births feed record these changes', async () => {
    const child = await notify();
    await http()
      .post(`/births/${child}/death`)
      .auth(northStaff, { type: 'bearer' })
      .send({ dateOfDeath: '2026-09-03' })
      .expect(403);
    await http()
      .post(`/births/${child}/sharing-objection`)
      .send({ effectiveDate: '2026-05-01' })
      .expect(401);
  });
});
