import { NhsNumberGenerator } from '@lib/nhs-number';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { BirthsAppModule } from '../../apps/births/src/births-app.module';
import { HealthVisitsAppModule } from '../../apps/health-visits/src/health-visits-app.module';
import { ReportingAppModule } from '../../apps/reporting/src/reporting-app.module';
import { tokenFor } from '../support/given';
import { readIndependently } from '../support/kafka-reader';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(120_000);

const TOPIC = 'health-visits.contact.v1';

interface ContactEvent {
  id: string;
  type: string;
  subject: string;
  subjectversion: number;
  sourceorg: string;
  data: { facts: Record<string, unknown> };
}

// The JSON API for health-visitor record systems: one contact per idempotency key, amendments
// and cancellations as events on health-visits.contact.v1, and an hv-system token that writes
// its own organisation's contacts and reads nobody's data.
describe('health-visits: contacts from HV record systems (JSON API)', () => {
  const nhsNumbers = new NhsNumberGenerator('test');
  let hv: TestApp;
  let system: string;

  beforeAll(async () => {
    hv = await startTestApp(HealthVisitsAppModule, 'health-visits');
    system = await tokenFor('hv-system', { org: 'RYX' });
  });

  afterAll(async () => {
    await hv?.close();
  });

  const post = (path: string, body: unknown, token = system) =>
    request(hv.app.getHttpServer())
      .post(path)
      .auth(token, { type: 'bearer' })
      .send(body as object);

  function aContact(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      sourceSystem: 'hv-records-east',
      organisationCode: 'RYX',
      sourceContactId: `C-${randomUUID()}`,
      nhsNumber: nhsNumbers.next(),
      contactType: 'new_birth_visit',
      contactDate: '2026-05-02',
      location: 'home',
      outcome: 'completed',
      feedingStatus: 'totally_breastfed',
      maternalSmoking: 'non_smoker',
      referredToCentre: true,
      ...extra,
    };
  }

  async function eventsOf(contactId: string, count: number): Promise<ContactEvent[]> {
    const parse = (seen: { value: Buffer | null }[]): ContactEvent[] =>
      seen
        .map((m) => JSON.parse(m.value!.toString()) as ContactEvent)
        .filter((e) => e.data.facts.contactId === contactId);
    const seen = await readIndependently(TOPIC, (all) => parse(all).length >= count);
    // A moment more, so an extra (wrong) event would be seen too.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const again = await readIndependently(TOPIC, (all) => all.length >= seen.length);
    return parse(again);
  }

  it('should record a contact once, however often it is sent, and publish one ContactRecorded', async () => {
    const contact = aContact();
    const first = await post('/contacts', contact).expect(201);
    expect(first.body).toMatchObject({ outcome: 'recorded', version: 1 });
    const again = await post('/contacts', contact).expect(200);
    expect(again.body).toEqual({ ...first.body, outcome: 'unchanged' });

    const events = await eventsOf(first.body.contactId as string, 1);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: first.body.eventId,
      type: 'ContactRecorded',
      subject: contact.nhsNumber,
      subjectversion: 1,
      sourceorg: 'RYX',
    });
    expect(events[0].data.facts).toEqual({
      ...contact,
      contactId: first.body.contactId,
      channel: 'hv-api',
      sharingStatus: 'not_asked',
    });
  });

  it('should publish an amendment once as ContactAmended with the whole new contact', async () => {
    const contact = aContact();
    const first = await post('/contacts', contact).expect(201);
    const amended = { ...contact, feedingStatus: 'partially_breastfed' };
    const second = await post('/contacts', amended).expect(200);
    expect(second.body).toMatchObject({ outcome: 'amended', version: 2 });
    await post('/contacts', amended).expect(200);

    const events = await eventsOf(first.body.contactId as string, 2);
    expect(events.map((e) => [e.type, e.subjectversion, e.data.facts.feedingStatus])).toEqual([
      ['ContactRecorded', 1, 'totally_breastfed'],
      ['ContactAmended', 2, 'partially_breastfed'],
    ]);
  });

  it('should cancel a contact once, then refuse to amend it', async () => {
    const contact = aContact();
    const first = await post('/contacts', contact).expect(201);
    const key = {
      sourceSystem: contact.sourceSystem,
      organisationCode: contact.organisationCode,
      sourceContactId: contact.sourceContactId,
    };
    const cancelled = await post('/contacts/cancellation', key).expect(200);
    expect(cancelled.body).toMatchObject({ outcome: 'cancelled', version: 2 });
    const twice = await post('/contacts/cancellation', key).expect(200);
    expect(twice.body).toMatchObject({ outcome: 'unchanged', version: 2 });
    const amend = await post('/contacts', { ...contact, outcome: 'declined' }).expect(409);
    expect(amend.body.message).toBe(
      'this contact was cancelled by its source system; it is not amended again',
    );
    await post('/contacts/cancellation', { ...key, sourceContactId: 'C-never-sent' }).expect(404);

    const events = await eventsOf(first.body.contactId as string, 2);
    expect(events.map((e) => e.type)).toEqual(['ContactRecorded', 'ContactCancelled']);
    expect(events[1].data.facts).toMatchObject({ ...key, contactType: 'new_birth_visit' });
  });

  it('should key an antenatal contact on the mother as mother:<nhs>', async () => {
    const mother = nhsNumbers.next();
    const contact = aContact({
      contactType: 'antenatal',
      nhsNumber: mother,
      feedingStatus: undefined,
      contactDate: '2026-01-20',
    });
    const first = await post('/contacts', contact).expect(201);
    const [event] = await eventsOf(first.body.contactId as string, 1);
    expect(event.subject).toBe(`mother:${mother}`);
    expect(event.data.facts.motherNhsNumber).toBe(mother);
    expect(event.data.facts).not.toHaveProperty('nhsNumber');
  });

  it('should refuse bad contacts with every problem and its field, and store nothing', async () => {
    const future = await post('/contacts', aContact({ contactDate: '2999-01-01' })).expect(400);
    expect(future.body.problems).toEqual([
      {
        field: 'contactDate',
        reason: expect.stringMatching(/^contactDate 2999-01-01 is in the future \(today is /),
      },
    ]);
    const noFeeding = await post(
      '/contacts',
      aContact({ contactType: 'review_12_month', asq3Completed: false }),
    ).expect(400);
    const problems = (noFeeding.body as { problems: { field: string }[] }).problems;
    expect(problems.map((p) => p.field)).toEqual(['feedingStatus', 'asq3Completed']);
    const malformed = await post('/contacts', {
      ...aContact({ nhsNumber: '1234567890' }),
      notes: 'free text is not accepted',
    }).expect(400);
    expect(malformed.body).toMatchObject({
      statusCode: 400,
      message: 'request validation failed',
      problems: expect.arrayContaining([
        { field: 'notes', reason: 'notes is not a contact field' },
        { field: 'nhsNumber', reason: expect.stringMatching(/^nhsNumber /) },
      ]),
    });
  });

  it("should not let an hv-system write another organisation's contacts", async () => {
    const res = await post('/contacts', aContact({ organisationCode: 'RZZ' })).expect(403);
    expect(res.body.message).toMatch(/writes only its own organisation's contacts/);
    const other = await tokenFor('centre-staff', { centres: ['C-NORTH'] });
    await post('/contacts', aContact(), other).expect(403);
  });

  describe('reading', () => {
    let births: TestApp;
    let reporting: TestApp;

    beforeAll(async () => {
      births = await startTestApp(BirthsAppModule, 'births');
      reporting = await startTestApp(ReportingAppModule, 'reporting');
    });

    afterAll(async () => {
      await births?.close();
      await reporting?.close();
    });

    it("should answer 403 to an hv-system token reading any child's data", async () => {
      const nhsNumber = nhsNumbers.next();
      const births403 = await request(births.app.getHttpServer())
        .get(`/births/${nhsNumber}`)
        .auth(system, { type: 'bearer' })
        .set('x-purpose', 'test: an hv system reading')
        .expect(403);
      expect(births403.body).toMatchObject({ statusCode: 403 });
      await request(reporting.app.getHttpServer())
        .get(`/journeys/${nhsNumber}`)
        .auth(system, { type: 'bearer' })
        .set('x-purpose', 'test: an hv system reading')
        .expect(403);
      // ...and health-visits itself has no read route for it.
      await request(hv.app.getHttpServer())
        .get(`/contacts/${nhsNumber}`)
        .auth(system, { type: 'bearer' })
        .expect(404);
    });
  });
});
