import { resolveInfra, RunningInfra } from '@lib/infra';
import { NhsNumberGenerator } from '@lib/nhs-number';
import request from 'supertest';
import { BirthsAppModule } from '../../apps/births/src/births-app.module';
import { ReportingAppModule } from '../../apps/reporting/src/reporting-app.module';
import { givenPostcodeInCentre, tokenFor } from '../support/given';
import { eventually, startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(300_000);

const CENTRE = 'C-OUTAGE';
const PURPOSE = { 'x-purpose': 'outage drill: checking a birth reached the centre' };

// Given births and reporting on a broker of their own (this test stops it),
// when Kafka is down, a birth is still accepted, and once Kafka is back it reaches reporting.
describe('outbox: nothing acknowledged is lost while Kafka is down', () => {
  const nhsNumbers = new NhsNumberGenerator('test');
  let infra: RunningInfra;
  let births: TestApp;
  let reporting: TestApp;

  beforeAll(async () => {
    infra = await ownInfrastructure();
    const env = { KAFKA_BROKERS: infra.kafkaBrokers.join(','), MONGODB_URI: infra.mongoUri };
    births = await startTestApp(BirthsAppModule, 'births', env);
    reporting = await startTestApp(ReportingAppModule, 'reporting', env);
    await givenPostcodeInCentre(births.app, 'QX9 1AA', CENTRE);
  });

  afterAll(async () => {
    await births?.close();
    await reporting?.close();
    await infra?.stop();
  });

  it('should accept a birth during the outage and publish it after Kafka returns', async () => {
    const control = infra.kafkaControl;
    if (!control) throw new Error('this test needs local infrastructure (TEST_INFRA=local)');
    const feed = await tokenFor('births-feed', { org: 'RX1' });
    const staff = await tokenFor('centre-staff', { centres: [CENTRE] });
    const nhsNumber = nhsNumbers.next();

    await control.stop();
    const accepted = await request(births.app.getHttpServer())
      .post('/births')
      .auth(feed, { type: 'bearer' })
      .send({ nhsNumber, birthDate: '2026-11-04', postcode: 'QX9 1AA' })
      .expect(201);
    expect(accepted.body).toMatchObject({ nhsNumber, version: 1, created: true });

    // Stored, not yet published, while the broker is away.
    await new Promise((r) => setTimeout(r, 2000));
    const stored = await request(births.app.getHttpServer())
      .get(`/births/${nhsNumber}`)
      .auth(staff, { type: 'bearer' })
      .set(PURPOSE)
      .expect(200);
    expect(stored.body).toMatchObject({ nhsNumber, centreId: CENTRE, published: false });

    await control.start();
    const journey = await eventually(async () => {
      const res = await request(reporting.app.getHttpServer())
        .get(`/journeys/${nhsNumber}`)
        .auth(staff, { type: 'bearer' })
        .set(PURPOSE);
      return res.status === 200 ? (res.body as { birth: Record<string, unknown> }) : undefined;
    }, 180_000);
    expect(journey.birth).toMatchObject({ birthDate: '2026-11-04', centreId: CENTRE, version: 1 });
    const after = await request(births.app.getHttpServer())
      .get(`/births/${nhsNumber}`)
      .auth(staff, { type: 'bearer' })
      .set(PURPOSE)
      .expect(200);
    expect(after.body.published).toBe(true);
  });
});

/** A second local Kafka and store, not the run's shared ones (the global setup set those). */
async function ownInfrastructure(): Promise<RunningInfra> {
  const saved = { brokers: process.env.KAFKA_BROKERS, uri: process.env.MONGODB_URI };
  delete process.env.KAFKA_BROKERS;
  delete process.env.MONGODB_URI;
  try {
    return await resolveInfra({ purpose: 'test', log: () => undefined });
  } finally {
    process.env.KAFKA_BROKERS = saved.brokers;
    process.env.MONGODB_URI = saved.uri;
  }
}
