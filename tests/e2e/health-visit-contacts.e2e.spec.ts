import { NhsNumberGenerator } from '@lib/nhs-number';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { BirthsAppModule } from '../../apps/births/src/births-app.module';
import { KnownBirths } from '../../apps/health-visits/src/contacts/known-births';
import { HealthVisitsAppModule } from '../../apps/health-visits/src/health-visits-app.module';
import { ReportingAppModule } from '../../apps/reporting/src/reporting-app.module';
import { ServiceConfig } from '@lib/config';
import { Kafka } from 'kafkajs';
import { tokenFor } from '../support/given';
import { readIndependently } from '../support/kafka-reader';
import { eventually, startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(120_000);

const TOPIC = 'health-visits.contact.v1';
const INBOUND = 'health-visits.inbound.v1';
const brokers = (): string[] => (process.env.KAFKA_BROKERS ?? '').split(',');

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

  /** Every message on the topic now (read from the beginning to each partition's end). */
  async function readToEnd(topic: string): Promise<{ value: Buffer | null }[]> {
    const admin = new Kafka({ clientId: 'topic-ends', brokers: brokers(), logLevel: 0 }).admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
    const total = ends.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    return readIndependently(topic, (all) => all.length >= total, 60_000);
  }

  /** The contact's events, once `count` have arrived and a moment more (to see any extra one). */
  async function eventsOf(contactId: string, count: number): Promise<ContactEvent[]> {
    const parse = (seen: { value: Buffer | null }[]): ContactEvent[] =>
      seen
        .map((m) => JSON.parse(m.value!.toString()) as ContactEvent)
        .filter((e) => e.data.facts.contactId === contactId);
    await readIndependently(TOPIC, (all) => parse(all).length >= count);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    return parse(await readToEnd(TOPIC));
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

  it("should publish sharing choices at contacts as births' sharing-status events, weighed by effective date", async () => {
    const child = nhsNumbers.next();
    const objects = aContact({
      nhsNumber: child,
      contactDate: '2026-04-01',
      sharingStatus: 'objects',
    });
    await post('/contacts', objects).expect(201);
    const withdraws = aContact({
      nhsNumber: child,
      contactType: 'review_6_8_week',
      contactDate: '2026-05-01',
      sharingStatus: 'withdraws_objection',
    });
    await post('/contacts', withdraws).expect(201);
    // Stated later, but effective before the withdrawal: the withdrawal still wins.
    const late = aContact({
      nhsNumber: child,
      contactType: 'other',
      feedingStatus: undefined,
      contactDate: '2026-04-15',
      sharingStatus: 'objects',
    });
    await post('/contacts', late).expect(201);
    await post('/contacts', objects).expect(200); // the same contact again: no second event

    const parse = (all: { value: Buffer | null }[]) =>
      all
        .map((m) => JSON.parse(m.value!.toString()) as ContactEvent)
        .filter((e) => e.type.startsWith('SharingObjection') && e.subject === child);
    await readIndependently(TOPIC, (all) => parse(all).length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const events = parse(await readToEnd(TOPIC));
    expect(
      events.map((e) => [e.type, e.data.facts.effectiveDate, e.data.facts.objectionInForce]),
    ).toEqual([
      ['SharingObjectionRecorded', '2026-04-01', true],
      ['SharingObjectionWithdrawn', '2026-05-01', false],
      ['SharingObjectionRecorded', '2026-04-15', false],
    ]);
    expect(events[0].data.facts).toEqual({
      nhsNumber: child,
      effectiveDate: '2026-04-01',
      source: { channel: 'hv-api', organisationCode: 'RYX' },
      objectionInForce: true,
    });
  });

  it("should not let an hv-system write another organisation's contacts", async () => {
    const res = await post('/contacts', aContact({ organisationCode: 'RZZ' })).expect(403);
    expect(res.body.message).toMatch(/writes only its own organisation's contacts/);
    const other = await tokenFor('centre-staff', { centres: ['C-NORTH'] });
    await post('/contacts', aContact(), other).expect(403);
  });

  /** A contact as an HV system publishes it on the inbound topic (a ContactSubmitted event). */
  function submitted(contact: Record<string, unknown>, sourceorg = 'RYX'): string {
    const key =
      contact.contactType === 'antenatal'
        ? `mother:${String(contact.nhsNumber)}`
        : String(contact.nhsNumber);
    return JSON.stringify({
      specversion: '1.0',
      id: randomUUID(),
      type: 'ContactSubmitted',
      source: 'urn:hv-records-east:RYX',
      subject: key,
      time: `${String(contact.contactDate)}T00:00:00Z`,
      dataschema: 'urn:early-years:contracts:health-visits:ContactSubmitted:v1',
      datacontenttype: 'application/json',
      sourceorg,
      data: contact,
    });
  }

  async function publishInbound(messages: { key: string; value: string }[]): Promise<void> {
    const kafka = new Kafka({ clientId: 'hv-record-system', brokers: brokers(), logLevel: 0 });
    const producer = kafka.producer({ retry: { retries: 10, initialRetryTime: 300 } });
    await producer.connect();
    try {
      for (let i = 0; i < messages.length; i += 250) {
        await producer.send({ topic: INBOUND, acks: -1, messages: messages.slice(i, i + 250) });
      }
    } finally {
      await producer.disconnect();
    }
  }

  it('should take the same contact from the API twice and the inbound topic once as one ContactRecorded', async () => {
    const contact = aContact();
    const first = await post('/contacts', contact).expect(201);
    await post('/contacts', contact).expect(200);
    await publishInbound([{ key: String(contact.nhsNumber), value: submitted(contact) }]);
    // The inbound copy is applied (unchanged); an amendment sent afterwards on the topic too.
    await publishInbound([
      {
        key: String(contact.nhsNumber),
        value: submitted({ ...contact, maternalSmoking: 'smoker' }),
      },
    ]);
    const events = await eventsOf(first.body.contactId as string, 2);
    expect(events.map((e) => [e.type, e.subjectversion])).toEqual([
      ['ContactRecorded', 1],
      ['ContactAmended', 2],
    ]);
    expect(events[1].data.facts).toMatchObject({ channel: 'hv-topic', maternalSmoking: 'smoker' });
  });

  it('should turn 1,000 inbound messages with 50 bad ones into 950 events and 50 dead letters with reasons, and catch up', async () => {
    const batch = `B-${randomUUID().slice(0, 8)}`;
    const messages: { key: string; value: string }[] = [];
    const badReasons: RegExp[] = [];
    for (let i = 0; i < 1000; i++) {
      const contact = aContact({ sourceContactId: `${batch}-${i}` });
      const key = String(contact.nhsNumber);
      if (i % 20 !== 7) {
        messages.push({ key, value: submitted(contact) });
        continue;
      }
      // 50 bad ones, five kinds.
      const kind = Math.floor(i / 20) % 5;
      if (kind === 0) {
        messages.push({ key, value: `{"not": "a cloud event", "batch": "${batch}"` });
        badReasons.push(/^contract violation: value: is not valid JSON/);
      } else if (kind === 1) {
        messages.push({ key, value: submitted({ ...contact, contactType: 'home_visit' }) });
        badReasons.push(/^contract violation: .*contactType/);
      } else if (kind === 2) {
        messages.push({ key, value: submitted({ ...contact, contactDate: '2999-03-01' }) });
        badReasons.push(/^rejected: contactDate: contactDate .* is in the future/);
      } else if (kind === 3) {
        const twelveMonth = { ...contact, contactType: 'review_12_month' };
        messages.push({ key, value: submitted(twelveMonth) });
        badReasons.push(/^rejected: feedingStatus: a review_12_month has no feeding status/);
      } else {
        messages.push({ key, value: submitted(contact, 'RZZ') });
        badReasons.push(/^rejected: organisationCode: an HV system publishes only its own/);
      }
    }
    expect(badReasons).toHaveLength(50);
    await publishInbound(messages);

    const ours = (value: Buffer | null): boolean => value?.toString().includes(batch) === true;
    const canonical = await readIndependently(
      TOPIC,
      (all) => all.filter((m) => ours(m.value)).length >= 950,
      240_000,
    );
    const recorded = canonical
      .filter((m) => ours(m.value))
      .map((m) => JSON.parse(m.value!.toString()) as ContactEvent);
    expect(recorded).toHaveLength(950);
    expect(new Set(recorded.map((e) => e.data.facts.sourceContactId)).size).toBe(950);
    expect(
      recorded.every((e) => e.type === 'ContactRecorded' && e.data.facts.channel === 'hv-topic'),
    ).toBe(true);

    const dead = await readIndependently(
      `${INBOUND}.dlt`,
      (all) => all.filter((m) => ours(m.value)).length >= 50,
      60_000,
    );
    const reasons = dead
      .filter((m) => ours(m.value))
      .map((m) => m.headers?.['dlt-error']?.toString() ?? '');
    expect(reasons).toHaveLength(50);
    // Ten of each kind, each with its reason.
    for (const pattern of new Set(badReasons.map(String))) {
      const kind = badReasons.find((r) => String(r) === pattern)!;
      expect(reasons.filter((r) => kind.test(r))).toHaveLength(10);
    }

    // The consumer's lag is back to zero: its committed offsets reach the end of every partition.
    const groupId = `${hv.app.get(ServiceConfig).KAFKA_GROUP_PREFIX}health-visits.inbound`;
    const admin = new Kafka({ clientId: 'lag-check', brokers: brokers(), logLevel: 0 }).admin();
    await admin.connect();
    try {
      await eventually(async () => {
        const ends = await admin.fetchTopicOffsets(INBOUND);
        const [committed] = await admin.fetchOffsets({ groupId, topics: [INBOUND] });
        const lag = ends.reduce((sum, end) => {
          const at = committed.partitions.find((p) => p.partition === end.partition)?.offset;
          return sum + Number(end.high) - Math.max(0, Number(at ?? 0));
        }, 0);
        return lag === 0 ? true : undefined;
      }, 60_000);
    } finally {
      await admin.disconnect();
    }
  }, 300_000); // 1,000 messages through a busy shared machine: minutes, not seconds

  describe('with births and reporting running', () => {
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

    it("should refuse a review impossible at the child's age once the birth is known", async () => {
      const nhsNumber = nhsNumbers.next();
      const feed = await tokenFor('births-feed', { org: 'RX1' });
      await request(births.app.getHttpServer())
        .post('/births')
        .auth(feed, { type: 'bearer' })
        .send({ nhsNumber, birthDate: '2026-02-10', postcode: 'QN1 1AA' })
        .expect(201);
      // A 2-2½ year review of a child not yet 3 months old: refused once births' event arrived.
      const tooYoung = aContact({
        nhsNumber,
        contactType: 'review_2_2_5_year',
        feedingStatus: undefined,
        contactDate: '2026-05-01',
      });
      const known = hv.app.get(KnownBirths);
      await eventually(() => known.birthDateOf(nhsNumber), 60_000);
      const refused = await post('/contacts', tooYoung).expect(400);
      expect(refused.body.problems).toEqual([
        {
          field: 'contactType',
          reason:
            'a review_2_2_5_year is not possible for a child 2 months old on 2026-05-01 ' +
            '(possible from 17 months to 4.0 years)',
        },
      ]);
      // A 12-month review is as impossible; the 6-8 week review is accepted.
      await post(
        '/contacts',
        aContact({
          nhsNumber,
          contactType: 'review_12_month',
          feedingStatus: undefined,
          contactDate: '2026-05-01',
        }),
      ).expect(400);
      await post(
        '/contacts',
        aContact({ nhsNumber, contactType: 'review_6_8_week', contactDate: '2026-04-01' }),
      ).expect(201);
    });

    async function notifyBirth(
      nhsNumber: string,
      birthDate: string,
      mother: string,
    ): Promise<void> {
      const feed = await tokenFor('births-feed', { org: 'RX1' });
      await request(births.app.getHttpServer())
        .post('/births')
        .auth(feed, { type: 'bearer' })
        .send({ nhsNumber, birthDate, postcode: 'QN1 1AA', motherNhsNumber: mother })
        .expect(201);
    }

    const antenatal = (mother: string, contactDate: string) =>
      aContact({
        contactType: 'antenatal',
        nhsNumber: mother,
        feedingStatus: undefined,
        contactDate,
      });

    async function linksFor(baby: string, count: number): Promise<ContactEvent[]> {
      const parse = (all: { value: Buffer | null }[]) =>
        all
          .map((m) => JSON.parse(m.value!.toString()) as ContactEvent)
          .filter((e) => e.type === 'AntenatalContactLinked' && e.subject === baby);
      await readIndependently(TOPIC, (all) => parse(all).length >= count, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return parse(await readToEnd(TOPIC));
    }

    it('should link an antenatal contact to the baby when the birth naming the mother comes later', async () => {
      const mother = nhsNumbers.next();
      const baby = nhsNumbers.next();
      const contact = await post('/contacts', antenatal(mother, '2026-01-20')).expect(201);
      await notifyBirth(baby, '2026-03-01', mother);
      const links = await linksFor(baby, 1);
      expect(links).toHaveLength(1);
      expect(links[0].data.facts).toEqual({
        nhsNumber: baby,
        contactId: contact.body.contactId,
        sourceSystem: 'hv-records-east',
        organisationCode: 'RYX',
        sourceContactId: expect.any(String),
        contactDate: '2026-01-20',
        birthDate: '2026-03-01',
      });
    });

    it('should link both twins when the contact comes after their birth', async () => {
      const mother = nhsNumbers.next();
      const [twinA, twinB] = [nhsNumbers.next(), nhsNumbers.next()];
      await notifyBirth(twinA, '2026-02-01', mother);
      await notifyBirth(twinB, '2026-02-01', mother);
      const known = hv.app.get(KnownBirths);
      await eventually(async () =>
        (await known.birthDateOf(twinA)) && (await known.birthDateOf(twinB)) ? true : undefined,
      );
      const contact = await post('/contacts', antenatal(mother, '2025-11-10')).expect(201);
      for (const twin of [twinA, twinB]) {
        const links = await linksFor(twin, 1);
        expect(links.map((e) => e.data.facts.contactId)).toEqual([contact.body.contactId]);
      }
    });

    it('should not link a later pregnancy contact to an earlier child', async () => {
      const mother = nhsNumbers.next();
      const [older, younger] = [nhsNumbers.next(), nhsNumbers.next()];
      await notifyBirth(older, '2025-06-01', mother);
      await eventually(() => hv.app.get(KnownBirths).birthDateOf(older));
      const contact = await post('/contacts', antenatal(mother, '2026-01-10')).expect(201);
      await notifyBirth(younger, '2026-03-01', mother);
      const links = await linksFor(younger, 1);
      expect(links.map((e) => e.data.facts.contactId)).toEqual([contact.body.contactId]);
      // By now the older child would have been linked too, had it been: it was not.
      const all = (await readToEnd(TOPIC)).map(
        (m) => JSON.parse(m.value!.toString()) as ContactEvent,
      );
      expect(all.filter((e) => e.type === 'AntenatalContactLinked' && e.subject === older)).toEqual(
        [],
      );
    });

    it('should not link a cancelled antenatal contact, and link one amended to a new date again', async () => {
      const mother = nhsNumbers.next();
      const baby = nhsNumbers.next();
      const sentInError = antenatal(mother, '2026-01-05');
      await post('/contacts', sentInError).expect(201);
      await post('/contacts/cancellation', {
        sourceSystem: sentInError.sourceSystem,
        organisationCode: sentInError.organisationCode,
        sourceContactId: sentInError.sourceContactId,
      }).expect(200);
      const kept = antenatal(mother, '2026-01-12');
      const keptId = (await post('/contacts', kept).expect(201)).body.contactId as string;
      await notifyBirth(baby, '2026-03-02', mother);
      const first = await linksFor(baby, 1);
      expect(first.map((e) => [e.data.facts.contactId, e.data.facts.contactDate])).toEqual([
        [keptId, '2026-01-12'],
      ]);
      // The kept contact's date corrected: linked again with the date it now has.
      await post('/contacts', { ...kept, contactDate: '2026-01-19' }).expect(200);
      const links = await linksFor(baby, 2);
      expect(links.map((e) => [e.data.facts.contactId, e.data.facts.contactDate])).toEqual([
        [keptId, '2026-01-12'],
        [keptId, '2026-01-19'],
      ]);
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
