import type { BirthNotifiedV1 } from '@lib/contracts';
import { NhsNumberGenerator } from '@lib/nhs-number';
import { PersonalDataCipher } from '@lib/personal-data';
import request from 'supertest';
import { BirthsAppModule } from '../../apps/births/src/births-app.module';
import { givenPostcodeInCentre, tokenFor } from '../support/given';
import { readIndependently } from '../support/kafka-reader';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(120_000);

const CENTRE = 'C-API';

// The births JSON API with a full notification: facts in clear, identities sealed, the
// sensitive flag honoured, and the identity rule (re-send vs conflicting notification).
describe('births API: full notifications', () => {
  const nhsNumbers = new NhsNumberGenerator('test');
  let births: TestApp;
  let feed: string;

  beforeAll(async () => {
    births = await startTestApp(BirthsAppModule, 'births');
    await givenPostcodeInCentre(births.app, 'QX4 2AB', CENTRE);
    feed = await tokenFor('births-feed', { org: 'RX1' });
  });

  afterAll(async () => {
    await births?.close();
  });

  const post = (body: object) =>
    request(births.app.getHttpServer()).post('/births').auth(feed, { type: 'bearer' }).send(body);

  async function publishedEvent(nhsNumber: string) {
    const seen = await readIndependently('births.child.v1', (s) =>
      s.some((m) => m.key?.toString() === nhsNumber),
    );
    const ours = seen.filter((m) => m.key?.toString() === nhsNumber);
    return {
      count: ours.length,
      event: JSON.parse(ours[0].value!.toString()) as { data: BirthNotifiedV1 },
    };
  }

  it('should publish the facts figures need in clear and seal names, address and the mother', async () => {
    const nhsNumber = nhsNumbers.next();
    const motherNhsNumber = nhsNumbers.next();
    await post({
      nhsNumber,
      birthDate: '2026-05-20',
      postcode: 'QX4 2AB',
      birthTime: '23:10',
      sex: 'M',
      birthWeightGrams: 2400,
      gestationWeeks: 38,
      deliveryMethod: 'caesarean_emergency',
      multipleBirthOrder: 1,
      givenName: 'Idris',
      familyName: 'Penhallow',
      ethnicCategory: 'M',
      motherNhsNumber,
      motherGivenName: 'Nerys',
      motherFamilyName: 'Penhallow',
      motherBirthDate: '2008-01-02',
      addressLine1: '3 Sloe Row',
      town: 'Quellham',
      smokingAtDelivery: 'Y',
      sharingObjection: false,
    }).expect(201);
    const { event } = await publishedEvent(nhsNumber);
    expect(event.data.facts).toEqual({
      nhsNumber,
      birthDate: '2026-05-20',
      postcodeDistrict: 'QX4',
      centreId: CENTRE,
      lsoa: 'E01999999',
      sex: 'M',
      birthWeightGrams: 2400,
      gestationWeeks: 38,
      deliveryMethod: 'caesarean_emergency',
      multipleBirthOrder: 1,
      ethnicCategory: 'M',
      motherAgeAtBirth: 18,
      smokingAtDelivery: 'Y',
      sharingObjection: false,
    });
    const raw = JSON.stringify(event);
    for (const secret of [
      'Idris',
      'Penhallow',
      'Nerys',
      'Sloe Row',
      'QX4 2AB',
      motherNhsNumber,
      '2008-01-02',
    ]) {
      expect(raw).not.toContain(secret);
    }
    const opened = await births.app.get(PersonalDataCipher).open(event.data.personal!);
    expect(opened).toEqual({
      status: 'ok',
      personal: {
        givenName: 'Idris',
        familyName: 'Penhallow',
        birthTime: '23:10',
        addressLine1: '3 Sloe Row',
        town: 'Quellham',
        postcode: 'QX4 2AB',
        motherNhsNumber,
        motherGivenName: 'Nerys',
        motherFamilyName: 'Penhallow',
        motherBirthDate: '2008-01-02',
      },
    });
  });

  it('should release no address or area for a record flagged sensitive', async () => {
    const nhsNumber = nhsNumbers.next();
    await post({
      nhsNumber,
      birthDate: '2026-05-21',
      postcode: 'QX4 2AB',
      givenName: 'Wren',
      sensitive: true,
    }).expect(201);
    const { event } = await publishedEvent(nhsNumber);
    expect(event.data.facts).toEqual({
      nhsNumber,
      birthDate: '2026-05-21',
      postcodeDistrict: null,
      centreId: null,
      sensitive: true,
    });
    const opened = await births.app.get(PersonalDataCipher).open(event.data.personal!);
    expect(opened).toEqual({ status: 'ok', personal: { givenName: 'Wren' } });
  });

  it('should treat the same birth again as a re-send, and a different one as a conflict kept for review', async () => {
    const nhsNumber = nhsNumbers.next();
    const body = { nhsNumber, birthDate: '2026-05-22', postcode: 'QX4 2AB', sex: 'F' };
    const first = await post(body).expect(201);
    const again = await post({ ...body }).expect(200);
    expect(again.body).toMatchObject({ eventId: first.body.eventId, created: false });
    const different = await post({ ...body, sex: 'M' }).expect(409);
    expect(different.body).toMatchObject({
      eventId: first.body.eventId,
      conflictId: expect.any(String),
    });
    // Only the first produced an event.
    await new Promise((r) => setTimeout(r, 1500));
    const { count } = await publishedEvent(nhsNumber);
    expect(count).toBe(1);
  });

  it.each([
    [{ birthDate: '2099-01-01' }, 'birthDate', 'is in the future'],
    [
      { motherBirthDate: '2017-01-01' },
      'motherBirthDate',
      'makes the mother 9 at the birth; expected 10 to 65',
    ],
    [{ birthWeightGrams: 150 }, 'birthWeightGrams', 'birthWeightGrams must be from 200 to 7000'],
    [{ gestationWeeks: 50 }, 'gestationWeeks', 'gestationWeeks must be from 20 to 45'],
    [
      { ethnicCategory: 'Q' },
      'ethnicCategory',
      'ethnicCategory must be an NHS code A-H, J-N, P, R, S or Z',
    ],
    [
      { motherNhsNumber: '9995000019' },
      'motherNhsNumber',
      'motherNhsNumber fails the Modulus 11 check digit',
    ],
    [
      { deliveryMethod: 'forceps' },
      'deliveryMethod',
      expect.stringMatching(/^deliveryMethod must be one of/),
    ],
  ])('should refuse %p with 400 naming %s', async (change, field, reason) => {
    const res = await post({
      nhsNumber: nhsNumbers.next(),
      birthDate: '2026-05-23',
      postcode: 'QX4 2AB',
      ...change,
    }).expect(400);
    expect(res.body.problems).toEqual(expect.arrayContaining([{ field, reason }]));
  });
});
