import { NhsNumberGenerator } from '@lib/nhs-number';
import { PersonalDataCipher } from '@lib/personal-data';
import type { EncryptedPersonal } from '@lib/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { BirthsAppModule } from '../../apps/births/src/births-app.module';
import { LIVE_BIRTH_EXTRACT_COLUMNS } from '../../apps/births/src/imports/live-birth-extract';
import { tokenFor } from '../support/given';
import { readIndependently } from '../support/kafka-reader';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(180_000);

const FIXTURES = join(__dirname, '../../apps/births/src/nems/fixtures');
/** The test-range numbers of our copies of NHS Digital's birth-with-mother example. */
const COPY_BABY = '9995000016';
const COPY_MOTHER = '9995000083';

interface BirthEvent {
  id: string;
  type: string;
  subject: string;
  subjectversion: number;
  time: string;
  data: { facts: Record<string, unknown>; personal?: EncryptedPersonal };
}

// Must-show: the published NEMS birth notification, posted as XML and as FHIR JSON, and the
// equivalent row of an LA extract each give the same birth event. One store takes the second of
// them as a re-send (no event), so each channel feeds a births service with a store of its own,
// and the three events are compared field by field, the sealed part opened.
describe('births: one birth by NEMS XML, NEMS JSON and an extract row gives one and the same event', () => {
  const channels = ['nems-xml', 'nems-json', 'extract'] as const;
  type Channel = (typeof channels)[number];
  const apps = new Map<Channel, TestApp>();
  let feed: string;
  // Fresh numbers for this run, so no other test's birth shares the key on the topic.
  const [baby, mother] = new NhsNumberGenerator('test', Date.now() % 100_003).take(2);
  const withOurNumbers = (text: string) =>
    text.replaceAll(COPY_BABY, baby).replaceAll(COPY_MOTHER, mother);

  beforeAll(async () => {
    for (const channel of channels)
      apps.set(channel, await startTestApp(BirthsAppModule, 'births'));
    feed = await tokenFor('births-feed', { org: 'NEMS' });
  });

  afterAll(async () => {
    for (const app of apps.values()) await app.close();
  });

  const server = (channel: Channel) => apps.get(channel)!.app.getHttpServer();

  it('should publish the same BirthNotified through each channel', async () => {
    await request(server('nems-xml'))
      .post('/births/nems')
      .auth(feed, { type: 'bearer' })
      .set('content-type', 'application/fhir+xml')
      .send(withOurNumbers(readFileSync(join(FIXTURES, 'birth-with-mother.xml'), 'utf8')))
      .expect(201);
    await request(server('nems-json'))
      .post('/births/nems')
      .auth(feed, { type: 'bearer' })
      .set('content-type', 'application/fhir+json')
      .send(withOurNumbers(readFileSync(join(FIXTURES, 'birth-with-mother.json'), 'utf8')))
      .expect(201);
    // What the example says, as an LA extract row states it (no delivery method or smoking
    // status in NEMS: empty, so "unknown" on both sides).
    const row: Partial<Record<(typeof LIVE_BIRTH_EXTRACT_COLUMNS)[number], string>> = {
      nhs_number: baby,
      birth_date: '2017-10-02',
      birth_time: '21:12',
      sex: 'M',
      birth_weight_g: '3980',
      gestation_weeks: '39',
      multiple_birth_order: '1',
      baby_given_name: 'Jack',
      baby_family_name: 'DAWKINS',
      ethnic_category: 'A',
      mother_nhs_number: mother,
      mother_given_name: 'Sally',
      mother_family_name: 'DAWKINS',
      mother_birth_date: '1987-10-02',
      address_line1: '4 Sandmoor Drive',
      address_line2: 'LEEDS',
      postcode: 'LS17 7DF',
    };
    const csv =
      `${LIVE_BIRTH_EXTRACT_COLUMNS.join(',')}\n` +
      `${LIVE_BIRTH_EXTRACT_COLUMNS.map((c) => row[c] ?? '').join(',')}\n`;
    const imported = await request(server('extract'))
      .post('/births/imports?fileName=one-row.csv')
      .auth(feed, { type: 'bearer' })
      .set('content-type', 'text/csv')
      .send(csv)
      .expect(201);
    expect(imported.body).toMatchObject({
      status: 'completed',
      counts: { rowsRead: 1, accepted: 1, duplicates: 0, rejected: 0 },
    });

    const seen = await readIndependently(
      'births.child.v1',
      (s) => s.filter((m) => m.key?.toString() === baby).length >= 3,
      60_000,
    );
    const events = seen
      .filter((m) => m.key?.toString() === baby)
      .map((m) => JSON.parse(m.value!.toString()) as BirthEvent);
    expect(events.map((e) => e.type)).toEqual(['BirthNotified', 'BirthNotified', 'BirthNotified']);

    // Each event's facts, and its sealed part as births opens it (one key store for the subject).
    const cipher = apps.get('extract')!.app.get(PersonalDataCipher);
    const opened = await Promise.all(
      events.map(async (event) => {
        const personal = await cipher.open(event.data.personal!, { subjectId: baby });
        expect(personal.status).toBe('ok');
        return {
          subject: event.subject,
          subjectversion: event.subjectversion,
          time: event.time,
          facts: event.data.facts,
          personal: personal.status === 'ok' ? personal.personal : null,
        };
      }),
    );
    expect(opened[1]).toEqual(opened[0]);
    expect(opened[2]).toEqual(opened[0]);
    // And it is the example's birth, not three equal empty ones.
    expect(opened[0].facts).toMatchObject({
      nhsNumber: baby,
      birthDate: '2017-10-02',
      sex: 'M',
      birthWeightGrams: 3980,
      gestationWeeks: 39,
      ethnicCategory: 'A',
      motherAgeAtBirth: 30,
      postcodeDistrict: 'LS17',
    });
    expect(opened[0].personal).toMatchObject({
      givenName: 'Jack',
      familyName: 'DAWKINS',
      motherNhsNumber: mother,
      addressLine1: '4 Sandmoor Drive',
      postcode: 'LS17 7DF',
    });
  });
});
