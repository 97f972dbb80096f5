import { NhsNumberGenerator } from '@lib/nhs-number';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import request from 'supertest';
import { BirthsAppModule } from '../../apps/births/src/births-app.module';
import { givenPostcodeInCentre, tokenFor } from '../support/given';
import { readIndependently } from '../support/kafka-reader';
import { eventually, startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(240_000);

const CENTRE = 'C-CORRECT';
const CORRECTIONS = 200;

// The store loses concurrent updates of one document: versions are taken by inserts instead.
describe('births: concurrent corrections of one birth', () => {
  const nhsNumbers = new NhsNumberGenerator('test');
  let births: TestApp;

  beforeAll(async () => {
    births = await startTestApp(BirthsAppModule, 'births', { RATE_LIMIT_PER_MINUTE: '100000' });
    await givenPostcodeInCentre(births.app, 'QX7 0AA', CENTRE);
  });

  afterAll(async () => {
    await births?.close();
  });

  it(`should publish the notification and all ${CORRECTIONS} corrections, in version order, none lost`, async () => {
    const server = births.app.getHttpServer();
    const feed = await tokenFor('births-feed', { org: 'RX1' });
    const nhsNumber = nhsNumbers.next();
    await request(server)
      .post('/births')
      .auth(feed, { type: 'bearer' })
      .send({ nhsNumber, birthDate: '2026-10-01', postcode: 'QX7 0AA' })
      .expect(201);

    // Each correction states a different day of birth, so the winner is recognisable.
    const dayOf = (i: number) =>
      `2026-0${1 + (Math.floor(i / 28) % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`;
    const started = Date.now();
    const responses = await Promise.all(
      Array.from({ length: CORRECTIONS }, (_, i) =>
        request(server)
          .put(`/births/${nhsNumber}`)
          .auth(feed, { type: 'bearer' })
          .set('idempotency-key', `corr-${i}`)
          .send({ birthDate: dayOf(i), postcode: 'QX7 0AA' }),
      ),
    );
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `[corrections] ${CORRECTIONS} concurrent corrections stored in ${seconds.toFixed(1)} s\n`,
    );
    expect(responses.map((r) => r.status)).toEqual(Array(CORRECTIONS).fill(201));
    const versions = responses
      .map((r) => (r.body as { version: number }).version)
      .sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: CORRECTIONS }, (_, i) => i + 2));

    // The current state is the correction that took the last version.
    const last = responses.findIndex(
      (r) => (r.body as { version: number }).version === CORRECTIONS + 1,
    );
    const staff = await tokenFor('centre-staff', { centres: [CENTRE] });
    const current = await request(server)
      .get(`/births/${nhsNumber}`)
      .auth(staff, { type: 'bearer' })
      .set('x-purpose', 'checking the current state after corrections')
      .expect(200);
    expect(current.body).toMatchObject({ version: CORRECTIONS + 1, birthDate: dayOf(last) });

    // A re-sent correction is recognised, not stored again.
    const again = await request(server)
      .put(`/births/${nhsNumber}`)
      .auth(feed, { type: 'bearer' })
      .set('idempotency-key', 'corr-7')
      .send({ birthDate: dayOf(7), postcode: 'QX7 0AA' })
      .expect(200);
    expect(again.body).toMatchObject({ created: false, eventId: responses[7].body.eventId });

    // Every version is stored, and published (its pending marker gone) ...
    const db = births.app.get<Connection>(getConnectionToken());
    expect(await db.collection('child_versions').countDocuments({ nhsNumber })).toBe(
      CORRECTIONS + 1,
    );
    await eventually(async () => {
      const markers = await db.collection('child_versions_outbox_pending').find({}).toArray();
      const ours = markers.filter((m) => String(m._id).startsWith(`${nhsNumber}:`));
      return ours.length === 0 ? true : undefined;
    }, 120_000);
    // ... and the topic holds 201 distinct events for the child, in version order.
    const seen = await readIndependently(
      'births.child.v1',
      (all) => all.filter((m) => m.key?.toString() === nhsNumber).length >= CORRECTIONS + 1,
    );
    const ours = seen
      .filter((m) => m.key?.toString() === nhsNumber)
      .map(
        (m) =>
          JSON.parse(m.value!.toString()) as { id: string; type: string; subjectversion: number },
      );
    expect(new Set(ours.map((e) => e.id)).size).toBe(CORRECTIONS + 1);
    expect(ours.map((e) => e.subjectversion)).toEqual(
      Array.from({ length: CORRECTIONS + 1 }, (_, i) => i + 1),
    );
    expect(ours[0].type).toBe('BirthNotified');
    expect(new Set(ours.slice(1).map((e) => e.type))).toEqual(new Set(['BirthCorrected']));
  });

  it('should refuse a correction without an idempotency key, and one for an unknown birth', async () => {
    const server = births.app.getHttpServer();
    const feed = await tokenFor('births-feed', { org: 'RX1' });
    const missing = await request(server)
      .put(`/births/${nhsNumbers.next()}`)
      .auth(feed, { type: 'bearer' })
      .send({ birthDate: '2026-10-01', postcode: 'QX7 0AA' })
      .expect(400);
    expect(missing.body.problems).toEqual([
      { field: 'idempotency-key', reason: 'header is required' },
    ]);
    await request(server)
      .put(`/births/${nhsNumbers.next()}`)
      .auth(feed, { type: 'bearer' })
      .set('idempotency-key', 'x1')
      .send({ birthDate: '2026-10-01', postcode: 'QX7 0AA' })
      .expect(404);
  });
});
