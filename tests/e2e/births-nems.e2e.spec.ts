import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { BirthsAppModule } from '../../apps/births/src/births-app.module';
import { tokenFor } from '../support/given';
import { readIndependently } from '../support/kafka-reader';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(120_000);

const FIXTURES = join(__dirname, '../../apps/births/src/nems/fixtures');
const SHARED = process.env.NEMS_FIXTURES_DIR ?? join(__dirname, '../../../shared/fixtures/nems');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

// NEMS birth notifications arrive as FHIR STU3 messages, in XML as NEMS sends them or as JSON.
describe('births: NEMS messages', () => {
  let births: TestApp;
  let feed: string;

  beforeAll(async () => {
    births = await startTestApp(BirthsAppModule, 'births');
    feed = await tokenFor('births-feed', { org: 'NEMS' });
  });

  afterAll(async () => {
    await births?.close();
  });

  const send = (body: string, type: string) =>
    request(births.app.getHttpServer())
      .post('/births/nems')
      .auth(feed, { type: 'bearer' })
      .set('content-type', type)
      .send(body);

  it('should store the XML and the JSON form of one message as one birth and one event', async () => {
    const xml = await send(fixture('birth-with-mother.xml'), 'application/fhir+xml').expect(201);
    expect(xml.body).toMatchObject({
      nhsNumber: '9995000016',
      version: 1,
      created: true,
      warnings: [],
    });
    const json = await send(fixture('birth-with-mother.json'), 'application/fhir+json').expect(200);
    expect(json.body).toMatchObject({ eventId: xml.body.eventId, created: false });

    await new Promise((r) => setTimeout(r, 1500));
    const seen = await readIndependently('births.child.v1', (s) =>
      s.some((m) => m.key?.toString() === '9995000016'),
    );
    const ours = seen.filter((m) => m.key?.toString() === '9995000016');
    expect(ours).toHaveLength(1);
    const event = JSON.parse(ours[0].value!.toString()) as {
      type: string;
      data: { facts: object };
    };
    expect(event.type).toBe('BirthNotified');
    expect(event.data.facts).toMatchObject({
      nhsNumber: '9995000016',
      postcodeDistrict: expect.any(String),
    });
  });

  it('should answer a malformed message with a FHIR OperationOutcome', async () => {
    const res = await send(
      '<Bundle xmlns="http://hl7.org/fhir"><type value="message"',
      'application/fhir+xml',
    ).expect(400);
    expect(res.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [expect.objectContaining({ severity: 'error' })],
    });
  });

  async function eventsFor(nhsNumber: string, until: (types: string[]) => boolean) {
    const seen = await readIndependently('births.child.v1', (s) =>
      until(
        s
          .filter((m) => m.key?.toString() === nhsNumber)
          .map((m) => (JSON.parse(m.value!.toString()) as { type: string }).type),
      ),
    );
    return seen
      .filter((m) => m.key?.toString() === nhsNumber)
      .map((m) => JSON.parse(m.value!.toString()) as { type: string; data: { facts: object } });
  }

  it('should apply a change of address as a move of the known child (ResidenceChanged)', async () => {
    // The baby of birth-with-mother (notified in the first test) moves.
    const res = await send(fixture('change-of-address.xml'), 'application/fhir+xml').expect(201);
    expect(res.body).toMatchObject({ nhsNumber: '9995000016', version: 2, created: true });
    await send(fixture('change-of-address.json'), 'application/fhir+json').expect(200);
    const events = await eventsFor('9995000016', (t) => t.includes('ResidenceChanged'));
    expect(events.map((e) => e.type)).toEqual(['BirthNotified', 'ResidenceChanged']);
    expect(events[1].data.facts).toMatchObject({
      nhsNumber: '9995000016',
      effectiveDate: '2019-11-01',
      postcodeDistrict: 'LS17',
      channel: 'nems',
    });
  });

  it('should apply a death notification at once (DeathNotified), and refuse one for an unknown child', async () => {
    const unknown = await send(fixture('death-notification.xml'), 'application/fhir+xml').expect(
      404,
    );
    expect(unknown.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [expect.objectContaining({ code: 'not-found' })],
    });
    await request(births.app.getHttpServer())
      .post('/births')
      .auth(feed, { type: 'bearer' })
      .send({ nhsNumber: '9995000229', birthDate: '2023-11-20', postcode: 'QX9 9ZZ' })
      .expect(201);
    await send(fixture('death-notification.xml'), 'application/fhir+xml').expect(201);
    const events = await eventsFor('9995000229', (t) => t.includes('DeathNotified'));
    expect(events.map((e) => e.type)).toEqual(['BirthNotified', 'DeathNotified']);
    expect(events[1].data.facts).toEqual({
      nhsNumber: '9995000229',
      dateOfDeath: '2024-06-05', // 23:30 UTC on 4 June 2024 is 00:30 on the 5th in the UK (BST)
      channel: 'nems',
    });
  });

  it('should retract a notification on a delete (BirthRetracted)', async () => {
    const withoutMother = fixture('birth-without-mother.xml');
    await send(withoutMother, 'application/fhir+xml').expect(201);
    const deletion = withoutMother.replace('<code value="new"/>', '<code value="delete"/>');
    await send(deletion, 'application/fhir+xml').expect(201);
    await send(deletion, 'application/fhir+xml').expect(200);
    const events = await eventsFor('9995000156', (t) => t.includes('BirthRetracted'));
    expect(events.map((e) => e.type)).toEqual(['BirthNotified', 'BirthRetracted']);
    expect(events[1].data.facts).toEqual({ nhsNumber: '9995000156', channel: 'nems' });
  });

  it('should withdraw a change of address on a delete (ResidenceChangeRetracted): back to the birth address', async () => {
    // The move of the second test, sent again as a delete (a delete repeats what it withdraws).
    const addressDeletion = fixture('change-of-address.xml').replace(
      '<code value="new"/>',
      '<code value="delete"/>',
    );
    const res = await send(addressDeletion, 'application/fhir+xml').expect(201);
    expect(res.body).toMatchObject({ nhsNumber: '9995000016', version: 3, created: true });
    await send(addressDeletion, 'application/fhir+xml').expect(200);
    const events = await eventsFor('9995000016', (t) => t.includes('ResidenceChangeRetracted'));
    expect(events.map((e) => e.type)).toEqual([
      'BirthNotified',
      'ResidenceChanged',
      'ResidenceChangeRetracted',
    ]);
    const moveId = (events[1] as unknown as { id: string }).id;
    expect(events[2].data.facts).toEqual({
      nhsNumber: '9995000016',
      retractedEventId: moveId,
      effectiveDate: '2019-11-01',
      // The birth's own address (LS17 7DF, placed in no reach area here) holds again.
      residenceNow: { from: '2017-10-02', postcodeDistrict: 'LS17', centreId: null },
      channel: 'nems',
    });
    // A delete of a change never recorded says so.
    const unknownMove = await send(
      addressDeletion.replace('<start value="2019-11-01"/>', '<start value="2019-12-01"/>'),
      'application/fhir+xml',
    ).expect(404);
    expect(unknownMove.body.issue[0]).toMatchObject({ code: 'not-found' });
  });

  it('should correct a death on an update and withdraw it on a delete (DeathRetracted)', async () => {
    // 9995000229 died on 2024-06-05 (the death test above).
    const death = fixture('death-notification.xml');
    const asType = (type: string, deceased = '2024-06-04T23:30:00+00:00') =>
      death
        .replace('<code value="new"/>', `<code value="${type}"/>`)
        .replace('2024-06-04T23:30:00+00:00', deceased);
    // A new notification with another date is refused: only an update changes the date.
    const other = await send(asType('new', '2024-06-07T10:00:00+00:00'), 'application/fhir+xml');
    expect(other.status).toBe(409);
    expect(other.body.issue[0]).toMatchObject({ code: 'conflict' });
    await send(asType('update', '2024-06-07T10:00:00+00:00'), 'application/fhir+xml').expect(201);
    await send(asType('update', '2024-06-07T10:00:00+00:00'), 'application/fhir+xml').expect(200);
    // The delete must name the death held.
    const stale = await send(asType('delete'), 'application/fhir+xml').expect(409);
    expect(stale.body.issue[0].diagnostics).toMatch(/2024-06-07, not 2024-06-05/);
    await send(asType('delete', '2024-06-07T10:00:00+00:00'), 'application/fhir+xml').expect(201);
    await send(asType('delete', '2024-06-07T10:00:00+00:00'), 'application/fhir+xml').expect(200);
    const events = await eventsFor('9995000229', (t) => t.includes('DeathRetracted'));
    expect(events.map((e) => [e.type, e.data.facts])).toEqual([
      ['BirthNotified', expect.any(Object)],
      ['DeathNotified', { nhsNumber: '9995000229', dateOfDeath: '2024-06-05', channel: 'nems' }],
      ['DeathNotified', { nhsNumber: '9995000229', dateOfDeath: '2024-06-07', channel: 'nems' }],
      ['DeathRetracted', { nhsNumber: '9995000229', dateOfDeath: '2024-06-07', channel: 'nems' }],
    ]);
    // Withdrawn: a later notification of the death is a new one.
    await send(asType('new'), 'application/fhir+xml').expect(201);
    const after = await eventsFor('9995000229', (t) => t.length >= 5);
    expect(after[4].type).toBe('DeathNotified');
  });

  (existsSync(SHARED) ? it : it.skip)(
    'should accept the unmodified published example without the mother link, with a warning',
    async () => {
      const res = await send(
        readFileSync(join(SHARED, 'BirthNotificationWithMother.xml'), 'utf8'),
        'application/fhir+xml',
      ).expect(201);
      expect(res.body.warnings).toEqual([
        {
          field: 'motherNhsNumber',
          reason: 'fails the Modulus 11 check digit; mother link dropped',
        },
      ]);
    },
  );
});
