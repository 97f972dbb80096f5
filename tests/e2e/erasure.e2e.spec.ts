import { ContractRegistry, type BirthNotifiedV1 } from '@lib/contracts';
import { createLogger } from '@lib/logging';
import { KafkaConnection } from '@lib/kafka';
import { NhsNumberGenerator } from '@lib/nhs-number';
import { PersonalDataCipher } from '@lib/personal-data';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import request from 'supertest';
import { BirthsAppModule } from '../../apps/births/src/births-app.module';
import { ReportingAppModule } from '../../apps/reporting/src/reporting-app.module';
import { givenPostcodeInCentre, tokenFor } from '../support/given';
import { readIndependently } from '../support/kafka-reader';
import { eventually, startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(240_000);

const CENTRE = 'C-ERASE';
const POSTCODE = 'QX5 5EE';
// Invented identity; the strings the scan below must never find after erasure.
const GIVEN = 'Ysolde';
const FAMILY = 'Brackenthwaite';
const PURPOSE = { 'x-purpose': 'erasure check' };

// Given a child whose identity reached births, reporting, the topic and a dead-letter topic,
// when the subject is erased, then no copy of its name or address can be read anywhere,
// including after a replay from offset 0, while its facts still count.
describe('erasure by crypto-shredding', () => {
  const nhsNumbers = new NhsNumberGenerator('test');
  let births: TestApp;
  let reporting: TestApp;
  let replay: TestApp | undefined;

  beforeAll(async () => {
    births = await startTestApp(BirthsAppModule, 'births');
    reporting = await startTestApp(ReportingAppModule, 'reporting');
    await givenPostcodeInCentre(births.app, POSTCODE, CENTRE);
  });

  afterAll(async () => {
    await replay?.close();
    await births?.close();
    await reporting?.close();
  });

  it('should leave facts and no identity anywhere once the subject is erased', async () => {
    const feed = await tokenFor('births-feed', { org: 'RX1' });
    const staff = await tokenFor('centre-staff', { centres: [CENTRE] });
    const admin = await tokenFor('admin', { sub: 'ig-officer' });
    const nhsNumber = nhsNumbers.next();
    const journeyOf = (app: TestApp) =>
      request(app.app.getHttpServer())
        .get(`/journeys/${nhsNumber}`)
        .auth(staff, { type: 'bearer' })
        .set(PURPOSE);

    await request(births.app.getHttpServer())
      .post('/births')
      .auth(feed, { type: 'bearer' })
      .send({
        nhsNumber,
        birthDate: '2026-08-08',
        postcode: POSTCODE,
        givenName: GIVEN,
        familyName: FAMILY,
      })
      .expect(201);
    const before = await eventually(async () => {
      const res = await journeyOf(reporting);
      return res.status === 200 ? (res.body as { birth: { identity: unknown } }) : undefined;
    });
    expect(before.birth.identity).toEqual({
      postcode: POSTCODE,
      givenName: GIVEN,
      familyName: FAMILY,
    });

    // A schema-invalid copy carrying the sealed identity lands on the dead-letter topic.
    const published = await readIndependently('births.child.v1', (s) =>
      s.some((m) => m.key?.toString() === nhsNumber),
    );
    const original = JSON.parse(
      published.find((m) => m.key?.toString() === nhsNumber)!.value!.toString(),
    ) as { id: string; data: BirthNotifiedV1 };
    const poison = {
      ...original,
      id: `${original.id.slice(0, 35)}0`,
      data: { ...original.data, facts: { nhsNumber } },
    };
    await sendRaw('births.child.v1', nhsNumber, JSON.stringify(poison));
    await readIndependently('births.child.v1.dlt', (s) =>
      s.some((m) => m.key?.toString() === nhsNumber),
    );

    const erased = await request(births.app.getHttpServer())
      .post(`/subjects/${nhsNumber}/erasure`)
      .auth(admin, { type: 'bearer' })
      .send({ reason: 'erasure_request' })
      .expect(202);
    expect(erased.body).toMatchObject({ alreadyErased: false, reason: 'erasure_request' });

    // Projections drop what they opened; the facts stay.
    const after = await eventually(async () => {
      const res = await journeyOf(reporting);
      const body = res.body as { birth: { identity: unknown } };
      return res.status === 200 && body.birth.identity === null ? body : undefined;
    });
    expect(after.birth).toMatchObject({
      birthDate: '2026-08-08',
      postcodeDistrict: 'QX5',
      centreId: CENTRE,
    });
    const birthNow = await request(births.app.getHttpServer())
      .get(`/births/${nhsNumber}`)
      .auth(staff, { type: 'bearer' })
      .set(PURPOSE)
      .expect(200);
    expect(birthNow.body).toMatchObject({
      identity: null,
      identityStatus: 'erased',
      birthDate: '2026-08-08',
    });

    // A later correction for the erased child carries no identity at all.
    await request(births.app.getHttpServer())
      .put(`/births/${nhsNumber}`)
      .auth(feed, { type: 'bearer' })
      .set('idempotency-key', 'after-erasure')
      .send({ birthDate: '2026-08-09', postcode: POSTCODE, givenName: GIVEN })
      .expect(201);

    // A rebuild from offset 0 (a new consumer group, an empty database) finds facts, no identity.
    replay = await startTestApp(ReportingAppModule, 'reporting');
    const rebuilt = await eventually(async () => {
      const res = await journeyOf(replay!);
      const body = res.body as { birth: { version: number } };
      return res.status === 200 && body.birth.version === 2
        ? (res.body as Record<string, unknown>)
        : undefined;
    });
    expect(JSON.stringify(rebuilt)).not.toMatch(new RegExp(`${GIVEN}|${FAMILY}|${POSTCODE}`));
    expect(rebuilt).toMatchObject({ birth: { birthDate: '2026-08-09', identity: null } });

    // Every copy on the topics (events and dead letters) is sealed with the deleted key.
    const cipher = births.app.get(PersonalDataCipher);
    for (const topic of ['births.child.v1', 'births.child.v1.dlt']) {
      const copies = (
        await readIndependently(topic, (s) => s.some((m) => m.key?.toString() === nhsNumber))
      )
        .filter((m) => m.key?.toString() === nhsNumber)
        .map((m) => m.value!.toString());
      expect(copies.length).toBeGreaterThan(0);
      for (const copy of copies) {
        expect(copy).not.toMatch(new RegExp(`${GIVEN}|${FAMILY}|${POSTCODE}`));
        const personal = (JSON.parse(copy) as { data: BirthNotifiedV1 }).data.personal;
        if (personal) expect((await cipher.open(personal)).status).toBe('erased');
      }
    }

    // And no store of either service holds the strings in clear (geography reference data
    // lists postcodes of places, not of people, and is left out).
    for (const app of [births, reporting, replay]) {
      const db = app.app.get<Connection>(getConnectionToken()).db!;
      const collections = (await db.listCollections().toArray()).filter(
        (c) => c.name !== 'postcode_assignments',
      );
      expect(collections.length).toBeGreaterThan(1);
      for (const { name } of collections) {
        const docs = await db.collection(name).find({}).toArray();
        expect(JSON.stringify(docs)).not.toMatch(new RegExp(`${GIVEN}|${FAMILY}|${POSTCODE}`));
      }
    }
  });
});

async function sendRaw(topic: string, key: string, value: string): Promise<void> {
  const logger = createLogger({ service: 'erasure-test', level: 'silent' });
  const connection = new KafkaConnection({
    brokers: process.env.KAFKA_BROKERS!.split(','),
    clientId: 'erasure-test',
    logger,
  });
  ContractRegistry.load(); // contracts must load; the poison below is meant to break them
  const producer = connection.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({ topic, messages: [{ key, value }] });
  await producer.disconnect();
  await connection.close();
}
