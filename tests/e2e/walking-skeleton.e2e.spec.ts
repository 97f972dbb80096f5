import { mintDevToken } from '@lib/auth';
import { NhsNumberGenerator } from '@lib/nhs-number';
import request from 'supertest';
import { BirthsAppModule } from '../../apps/births/src/births-app.module';
import { ReportingAppModule } from '../../apps/reporting/src/reporting-app.module';
import { readIndependently } from '../support/kafka-reader';
import { givenPostcodeInCentre } from '../support/given';
import { eventually, startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(120_000);

// Given births and reporting running on real Kafka and a real store,
// when a minimal birth is posted to births,
// then reporting shows it as the child's journey.
describe('walking skeleton: a birth flows from births to reporting', () => {
  const nhsNumbers = new NhsNumberGenerator('test');
  let births: TestApp;
  let reporting: TestApp;
  // The births feed writes; centre staff of C1 read, stating why (every read is audited).
  // Children are visible to a centre when geography puts their postcode in its reach area.
  let feed: { authorization: string };
  let reader: { authorization: string; 'x-purpose': string };
  let otherCentre: { authorization: string; 'x-purpose': string };

  beforeAll(async () => {
    const token = (claims: Parameters<typeof mintDevToken>[0]) =>
      mintDevToken(claims).then((t) => `Bearer ${t}`);
    feed = { authorization: await token({ sub: 'feed', roles: ['births-feed'], org: 'RX1' }) };
    reader = {
      authorization: await token({
        sub: 'centre-worker',
        roles: ['centre-staff'],
        la: 'E06000045',
        centres: ['C1'],
      }),
      'x-purpose': 'walking skeleton test',
    };
    otherCentre = {
      authorization: await token({
        sub: 'elsewhere',
        roles: ['centre-staff'],
        la: 'E06000045',
        centres: ['C2'],
      }),
      'x-purpose': 'walking skeleton test',
    };
    births = await startTestApp(BirthsAppModule, 'births');
    reporting = await startTestApp(ReportingAppModule, 'reporting');
    for (const postcode of ['QX1 4ZZ', 'QX2 7AB', 'QX3 1CD']) {
      await givenPostcodeInCentre(births.app, postcode, 'C1', 'E06000045');
    }
  });

  afterAll(async () => {
    await births?.close();
    await reporting?.close();
  });

  it('should store, publish, consume and show the birth as a journey', async () => {
    const nhsNumber = nhsNumbers.next();
    const posted = await request(births.app.getHttpServer())
      .post('/births')
      .set(feed)
      .send({ nhsNumber, birthDate: '2026-11-02', postcode: 'qx1 4zz' })
      .expect(201);
    expect(posted.body).toEqual({
      nhsNumber,
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      version: 1,
      created: true,
    });
    expect(posted.headers.location).toBe(`/births/${nhsNumber}`);

    const stored = await request(births.app.getHttpServer())
      .get(`/births/${nhsNumber}`)
      .set(reader)
      .expect(200);
    expect(stored.body).toMatchObject({
      nhsNumber,
      version: 1,
      birthDate: '2026-11-02',
      postcodeDistrict: 'QX1',
      identity: { postcode: 'QX1 4ZZ' },
      identityStatus: 'present',
      centreId: 'C1',
    });

    const journey = await eventually(async () => {
      const res = await request(reporting.app.getHttpServer())
        .get(`/journeys/${nhsNumber}`)
        .set(reader);
      return res.status === 200 ? (res.body as Record<string, unknown>) : undefined;
    });
    expect(journey).toEqual({
      nhsNumber,
      birth: {
        birthDate: '2026-11-02',
        postcodeDistrict: 'QX1',
        centreId: 'C1',
        version: 1,
        identity: { postcode: 'QX1 4ZZ' },
        source: 'births',
        notifiedAt: '2026-11-02T00:00:00Z',
      },
      events: [
        {
          type: 'BirthNotified',
          occurredAt: '2026-11-02T00:00:00Z',
          source: 'births',
          version: 1,
          facts: {
            nhsNumber,
            birthDate: '2026-11-02',
            postcodeDistrict: 'QX1',
            centreId: 'C1',
            lsoa: 'E01999999',
          },
        },
      ],
    });

    // Another centre's staff cannot tell the child exists.
    await request(births.app.getHttpServer())
      .get(`/births/${nhsNumber}`)
      .set(otherCentre)
      .expect(404);
    await request(reporting.app.getHttpServer())
      .get(`/journeys/${nhsNumber}`)
      .set(otherCentre)
      .expect(404);
  });

  it('should answer a re-sent notification with the same event id and keep one journey entry', async () => {
    const nhsNumber = nhsNumbers.next();
    const body = { nhsNumber, birthDate: '2026-10-30', postcode: 'QX2 7AB' };
    const first = await request(births.app.getHttpServer())
      .post('/births')
      .set(feed)
      .send(body)
      .expect(201);
    const again = await request(births.app.getHttpServer())
      .post('/births')
      .set(feed)
      .send(body)
      .expect(200);
    expect(again.body).toEqual({
      nhsNumber,
      eventId: first.body.eventId,
      version: 1,
      created: false,
    });

    await eventually(async () => {
      const res = await request(reporting.app.getHttpServer())
        .get(`/journeys/${nhsNumber}`)
        .set(reader);
      return res.status === 200 ? true : undefined;
    });
    // A later birth proves the consumer has moved past anything the re-send could have caused.
    const marker = nhsNumbers.next();
    await request(births.app.getHttpServer())
      .post('/births')
      .set(feed)
      .send({ ...body, nhsNumber: marker })
      .expect(201);
    await eventually(async () => {
      const res = await request(reporting.app.getHttpServer())
        .get(`/journeys/${marker}`)
        .set(reader);
      return res.status === 200 ? true : undefined;
    });
    const res = await request(reporting.app.getHttpServer())
      .get(`/journeys/${nhsNumber}`)
      .set(reader)
      .expect(200);
    expect(res.body.events).toHaveLength(1);
  });

  it('should carry the caller’s correlation id from HTTP into the published event', async () => {
    const nhsNumber = nhsNumbers.next();
    const posted = await request(births.app.getHttpServer())
      .post('/births')
      .set(feed)
      .set('x-correlation-id', 'skeleton-corr-42')
      .send({ nhsNumber, birthDate: '2026-11-03', postcode: 'QX3 1CD' })
      .expect(201);
    expect(posted.headers['x-correlation-id']).toBe('skeleton-corr-42');
    const seen = await readIndependently('births.child.v1', (s) =>
      s.some((m) => m.key?.toString() === nhsNumber),
    );
    const message = seen.find((m) => m.key?.toString() === nhsNumber)!;
    expect(JSON.parse(message.value!.toString())).toMatchObject({
      id: posted.body.eventId,
      correlationid: 'skeleton-corr-42',
    });
    expect(message.headers?.['correlation-id']?.toString()).toBe('skeleton-corr-42');
  });

  describe('bad input', () => {
    it('should refuse an invalid NHS number with 400 naming the field and reason', async () => {
      const res = await request(births.app.getHttpServer())
        .post('/births')
        .set(feed)
        .send({ nhsNumber: '9995000019', birthDate: '2026-11-02', postcode: 'QX1 4ZZ' })
        .expect(400);
      expect(res.body.problems).toEqual([
        { field: 'nhsNumber', reason: 'nhsNumber fails the Modulus 11 check digit' },
      ]);
    });

    it('should refuse unknown fields with 400', async () => {
      const res = await request(births.app.getHttpServer())
        .post('/births')
        .set(feed)
        .send({
          nhsNumber: nhsNumbers.next(),
          birthDate: '2026-11-02',
          postcode: 'QX1 4ZZ',
          favouriteColour: 'teal',
        })
        .expect(400);
      expect(res.body.problems).toEqual([
        { field: 'favouriteColour', reason: 'is not an allowed field' },
      ]);
    });

    it('should refuse a query operator where a value belongs', async () => {
      const res = await request(births.app.getHttpServer())
        .post('/births')
        .set(feed)
        .send({ nhsNumber: { $ne: null }, birthDate: '2026-11-02', postcode: 'QX1 4ZZ' })
        .expect(400);
      expect(res.body.problems).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'nhsNumber.$ne' })]),
      );
    });

    it('should list every missing field at once', async () => {
      const res = await request(births.app.getHttpServer())
        .post('/births')
        .set(feed)
        .send({})
        .expect(400);
      const fields = (res.body.problems as { field: string }[]).map((p) => p.field);
      expect(new Set(fields)).toEqual(new Set(['nhsNumber', 'birthDate', 'postcode']));
    });

    it('should refuse an impossible date and a malformed postcode', async () => {
      const res = await request(births.app.getHttpServer())
        .post('/births')
        .set(feed)
        .send({ nhsNumber: nhsNumbers.next(), birthDate: '2026-02-30', postcode: 'NOT A POSTCODE' })
        .expect(400);
      expect(res.body.problems).toEqual(
        expect.arrayContaining([
          { field: 'birthDate', reason: 'birthDate must be a date as YYYY-MM-DD' },
          { field: 'postcode', reason: 'postcode must be a UK postcode such as QX1 4ZZ' },
        ]),
      );
    });

    it('should answer 413 to an oversized body, not 500', async () => {
      const res = await request(births.app.getHttpServer())
        .post('/births')
        .set(feed)
        .set('content-type', 'application/json')
        .send(JSON.stringify({ nhsNumber: nhsNumbers.next(), padding: 'x'.repeat(200 * 1024) }))
        .expect(413);
      expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    });

    it('should answer 400 to malformed JSON', async () => {
      const res = await request(births.app.getHttpServer())
        .post('/births')
        .set(feed)
        .set('content-type', 'application/json')
        .send('{"nhsNumber": ')
        .expect(400);
      expect(res.body.message).toBe('request body is not valid JSON');
    });

    it('should refuse a malformed NHS number in a path with 400', async () => {
      const res = await request(reporting.app.getHttpServer())
        .get('/journeys/12345')
        .set(reader)
        .expect(400);
      expect(res.body.problems).toEqual([
        { field: 'nhsNumber', reason: 'nhsNumber must be exactly 10 digits with no spaces' },
      ]);
    });
  });

  it('should hide the journey from the centre while the parent objects, and show it once withdrawn', async () => {
    const nhsNumber = nhsNumbers.next();
    await request(births.app.getHttpServer())
      .post('/births')
      .set(feed)
      .send({ nhsNumber, birthDate: '2026-10-01', postcode: 'QX2 7AB', givenName: 'Wren' })
      .expect(201);
    const journey = () =>
      request(reporting.app.getHttpServer()).get(`/journeys/${nhsNumber}`).set(reader);
    await eventually(async () => {
      const res = await journey();
      return res.status === 200 ? true : undefined;
    });
    await request(births.app.getHttpServer())
      .post(`/births/${nhsNumber}/sharing-objection`)
      .set(feed)
      .send({ effectiveDate: '2026-10-05' })
      .expect(201);
    // While the objection stands the centre cannot tell the child exists: 404, as for any child
    // outside its centres.
    const hidden = await eventually(async () => {
      const res = await journey();
      return res.status === 404 ? (res.body as object) : undefined;
    });
    expect(hidden).toMatchObject({ statusCode: 404 });

    await request(births.app.getHttpServer())
      .post(`/births/${nhsNumber}/sharing-objection/withdrawal`)
      .set(feed)
      .send({ effectiveDate: '2026-10-09' })
      .expect(201);
    const shown = await eventually(async () => {
      const res = await journey();
      const types = (res.body as { events?: { type: string }[] }).events?.map((e) => e.type);
      return types?.includes('SharingObjectionWithdrawn') ? (res.body as object) : undefined;
    });
    expect(shown).toMatchObject({
      birth: { identity: { givenName: 'Wren', postcode: 'QX2 7AB' } },
      events: [
        { type: 'BirthNotified', version: 1 },
        { type: 'SharingObjectionRecorded', version: 2, facts: { objectionInForce: true } },
        { type: 'SharingObjectionWithdrawn', version: 3, facts: { objectionInForce: false } },
      ],
    });
  });
});
