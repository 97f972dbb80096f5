import { NhsNumberGenerator } from '@lib/nhs-number';
import request from 'supertest';
import { BirthsAppModule } from '../../apps/births/src/births-app.module';
import { CentreDirectory } from '../../apps/registrations/src/centres/centre-directory';
import { KnownBirths } from '../../apps/registrations/src/linking/known-births';
import { RegistrationsAppModule } from '../../apps/registrations/src/registrations-app.module';
import { readTopicToEnd } from '../../scripts/support/read-topic';
import { tokenFor } from '../support/given';
import { eventually, startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(180_000);

const LA = 'E06000997';
const brokers = (): string[] => (process.env.KAFKA_BROKERS ?? '').split(',');
const PURPOSE = { 'x-purpose': 'registration desk: reviewing matches' };

interface Birth {
  nhsNumber: string;
  birthDate: string;
  givenName: string;
  familyName: string;
  sex: 'M' | 'F';
  postcode: string;
  motherGivenName: string;
  motherFamilyName: string;
  motherBirthDate: string;
  multipleBirthOrder?: number;
  sharingObjection?: boolean;
}

interface ChildView {
  childId: string;
  key: string;
  nhsNumber: string | null;
  nhsNumberFrom: string | null;
  match?: string;
}

// Finding the NHS number of children registered without one, against births notified through
// the births service (real Kafka, real store): a confident match links (ChildLinked keyed on the
// NHS number), twins are never merged, uncertain ones wait for a manager, a child under a
// sharing objection is never offered, and every link can be undone.
describe('registrations: matching registered children to known births', () => {
  const nhsNumbers = new NhsNumberGenerator('test', 7272);
  let births: TestApp;
  let desk: TestApp;
  let feed: string;
  let staff: string;
  let manager: string;
  const http = () => request(desk.app.getHttpServer());

  beforeAll(async () => {
    births = await startTestApp(BirthsAppModule, 'births');
    desk = await startTestApp(RegistrationsAppModule, 'registrations');
    const admin = await tokenFor('admin');
    await request(births.app.getHttpServer())
      .post('/geography/boundaries')
      .auth(admin, { type: 'bearer' })
      .send({
        effectiveFrom: '2020-01-01',
        las: [{ code: LA, name: 'Matching test unitary' }],
        clusters: [{ id: 'MCL', name: 'Matching cluster', la: LA }],
        centres: [{ id: 'MC-NORTH', name: 'Northgate', la: LA, cluster: 'MCL' }],
        reachAreas: [{ centreId: 'MC-NORTH', lsoas: ['E01009981'] }],
        imdDeciles: [{ lsoa: 'E01009981', decile: 3 }],
      })
      .expect(201);
    await eventually(() => Promise.resolve(desk.app.get(CentreDirectory).centre('MC-NORTH')));
    feed = await tokenFor('births-feed', { org: 'RX1' });
    staff = await tokenFor('centre-staff', { centres: ['MC-NORTH'], sub: 'staff-north' });
    manager = await tokenFor('centre-manager', { centres: ['MC-NORTH'], sub: 'manager-north' });
  });

  afterAll(async () => {
    await desk?.close();
    await births?.close();
  });

  async function notify(birth: Birth): Promise<void> {
    await request(births.app.getHttpServer())
      .post('/births')
      .auth(feed, { type: 'bearer' })
      .send(birth)
      .expect(201);
  }

  /** Waits until the desk has every birth (as a candidate or, objected, as known). */
  async function known(...list: Birth[]): Promise<void> {
    const desk_ = desk.app.get(KnownBirths);
    await eventually(async () => {
      const dates = [...new Set(list.map((b) => b.birthDate))];
      const offered = new Set((await desk_.candidatesOn(dates)).map((b) => b.nhsNumber));
      const all = await Promise.all(
        list.map(
          async (b) => offered.has(b.nhsNumber) || (await desk_.objectionInForce(b.nhsNumber)),
        ),
      );
      return all.every(Boolean) ? true : undefined;
    }, 60_000);
  }

  function register(children: object[], mother: object, postcode: string) {
    return http()
      .post('/centres/MC-NORTH/families')
      .auth(staff, { type: 'bearer' })
      .send({
        carers: [
          {
            ...mother,
            relationships: children.map((_, i) => ({ childIndex: i, relationship: 'mother' })),
            languages: ['en'],
          },
        ],
        children,
        address: { line1: '2 Ferngate Walk', postcode },
        consentToHoldDetails: true,
      })
      .expect(201);
  }

  const birth = (extra: Partial<Birth>): Birth => ({
    nhsNumber: nhsNumbers.next(),
    birthDate: '2026-03-14',
    givenName: 'Elizabeth',
    familyName: 'Harrowgate',
    sex: 'F',
    postcode: 'QN4 7RT',
    motherGivenName: 'Marisol',
    motherFamilyName: 'Harrowgate',
    motherBirthDate: '1995-08-02',
    ...extra,
  });

  async function childEvents(
    key: string,
  ): Promise<{ type: string; facts: Record<string, unknown> }[]> {
    const found: { type: string; facts: Record<string, unknown> }[] = [];
    await readTopicToEnd(brokers(), 'registrations.child.v1', (m) => {
      if (m.key !== key) return;
      const event = JSON.parse(m.message.value!.toString()) as {
        type: string;
        data: { facts: Record<string, unknown> };
      };
      found.push({ type: event.type, facts: event.data.facts });
    });
    return found;
  }

  it('should link a child registered with a nickname and day and month swapped, keyed on the NHS number', async () => {
    const lizzie = birth({ birthDate: '2026-03-04' });
    await notify(lizzie);
    await known(lizzie);
    const res = await register(
      [{ givenName: 'Lizzie', familyName: 'Harrowgate', birthDate: '2026-04-03', sex: 'F' }],
      { givenName: 'Marisol', familyName: 'Harrowgate', birthDate: '1995-08-02' },
      'QN47RT',
    );
    const [child] = res.body.children as ChildView[];
    expect(child).toMatchObject({
      nhsNumber: lizzie.nhsNumber,
      key: lizzie.nhsNumber,
      nhsNumberFrom: 'automatic-link',
      match: 'linked',
    });
    const events = await eventually(async () => {
      const seen = await childEvents(lizzie.nhsNumber);
      return seen.length > 0 ? seen : undefined;
    });
    expect(events.map((e) => e.type)).toEqual(['ChildLinked']);
    expect(events[0].facts).toMatchObject({
      childId: child.childId,
      localKey: `local:${child.childId}`,
      nhsNumber: lizzie.nhsNumber,
      method: 'automatic',
      linkedBy: 'matcher',
      registration: {
        childId: child.childId,
        nhsNumber: lizzie.nhsNumber,
        birthDate: '2026-04-03',
      },
    });
    // Its registration came first under the local key.
    const local = await childEvents(`local:${child.childId}`);
    expect(local.map((e) => e.type)).toEqual(['ChildRegistered']);
  });

  it('should link twins registered together each to their own NHS number, never both to one', async () => {
    const twinA = birth({
      givenName: 'Tomasz',
      sex: 'M',
      familyName: 'Okonjo',
      motherFamilyName: 'Okonjo',
      birthDate: '2025-11-20',
      postcode: 'QN5 2DD',
      multipleBirthOrder: 1,
    });
    const twinB = birth({
      givenName: 'Tobias',
      sex: 'M',
      familyName: 'Okonjo',
      motherFamilyName: 'Okonjo',
      birthDate: '2025-11-20',
      postcode: 'QN5 2DD',
      multipleBirthOrder: 2,
    });
    await notify(twinA);
    await notify(twinB);
    await known(twinA, twinB);
    const mother = { givenName: 'Marisol', familyName: 'Okonjo', birthDate: '1995-08-02' };
    const res = await register(
      [
        { givenName: 'Tobias', familyName: 'Okonjo', birthDate: '2025-11-20', sex: 'M' },
        { givenName: 'Tomasz', familyName: 'Okonjo', birthDate: '2025-11-20', sex: 'M' },
      ],
      mother,
      'QN5 2DD',
    );
    const [b, a] = res.body.children as ChildView[];
    expect([b.nhsNumber, a.nhsNumber]).toEqual([twinB.nhsNumber, twinA.nhsNumber]);

    // One twin registered alone with only a surname-like slip: never linked to the wrong twin.
    const alone = await register(
      [{ givenName: 'T', familyName: 'Okonjo', birthDate: '2025-11-20', sex: 'M' }],
      mother,
      'QN5 2DD',
    );
    const [t] = alone.body.children as ChildView[];
    expect(t.nhsNumber).toBeNull();
    expect(t.match).toBe('review');
  });

  it('should never offer a child under a sharing objection', async () => {
    const objected = birth({
      givenName: 'Saoirse',
      familyName: 'Delacourt',
      motherFamilyName: 'Delacourt',
      birthDate: '2026-01-09',
      sharingObjection: true,
    });
    await notify(objected);
    await known(objected);
    const res = await register(
      [{ givenName: 'Saoirse', familyName: 'Delacourt', birthDate: '2026-01-09', sex: 'F' }],
      { givenName: 'Marisol', familyName: 'Delacourt', birthDate: '1995-08-02' },
      'QN4 7RT',
    );
    const [child] = res.body.children as ChildView[];
    expect(child).toMatchObject({ nhsNumber: null, match: 'unmatched' });
  });

  it('should queue an uncertain match for a manager, link on the decision, and undo it', async () => {
    const kit = birth({
      givenName: 'Katherine',
      familyName: 'Marlowe-Penn',
      motherFamilyName: 'Marlowe-Penn',
      birthDate: '2025-12-02',
      postcode: 'QN8 1LL',
    });
    await notify(kit);
    await known(kit);
    // Another family name and another address: the match is uncertain.
    const res = await register(
      [{ givenName: 'Katie', familyName: 'Penn', birthDate: '2025-12-02', sex: 'F' }],
      { givenName: 'Mari', familyName: 'Penn' },
      'QN9 6ZZ',
    );
    const [child] = res.body.children as ChildView[];
    expect(child).toMatchObject({ nhsNumber: null, match: 'review' });
    const familyId = res.body.familyId as string;

    const queue = await http()
      .get('/centres/MC-NORTH/match-reviews')
      .auth(manager, { type: 'bearer' })
      .set(PURPOSE)
      .expect(200);
    const review = (
      queue.body as {
        childId: string;
        candidates: { nhsNumber: string; birth: { givenName: string } }[];
      }[]
    ).find((r) => r.childId === child.childId);
    expect(review?.candidates.map((c) => [c.nhsNumber, c.birth.givenName])).toContainEqual([
      kit.nhsNumber,
      'Katherine',
    ]);
    // Staff (not managers) do not see the queue.
    await http()
      .get('/centres/MC-NORTH/match-reviews')
      .auth(staff, { type: 'bearer' })
      .set(PURPOSE)
      .expect(403);

    await http()
      .post(`/centres/MC-NORTH/match-reviews/${child.childId}/decision`)
      .auth(manager, { type: 'bearer' })
      .send({ nhsNumber: kit.nhsNumber })
      .expect(200, { outcome: 'linked' });
    const linked = await http()
      .get(`/families/${familyId}`)
      .auth(staff, { type: 'bearer' })
      .set(PURPOSE)
      .expect(200);
    expect(linked.body.children[0]).toMatchObject({
      nhsNumber: kit.nhsNumber,
      nhsNumberFrom: 'manual-link',
    });

    await http()
      .post(`/families/${familyId}/children/${child.childId}/unlink`)
      .auth(manager, { type: 'bearer' })
      .send({ reason: 'not_this_child' })
      .expect(200);
    const unlinked = await http()
      .get(`/families/${familyId}`)
      .auth(staff, { type: 'bearer' })
      .set(PURPOSE)
      .expect(200);
    expect(unlinked.body.children[0]).toMatchObject({
      nhsNumber: null,
      key: `local:${child.childId}`,
      match: 'unmatched',
    });
    const events = await eventually(async () => {
      const seen = await childEvents(kit.nhsNumber);
      return seen.length >= 2 ? seen : undefined;
    });
    expect(events.map((e) => [e.type, e.facts.childId])).toEqual([
      ['ChildLinked', child.childId],
      ['ChildUnlinked', child.childId],
    ]);
    expect(events[0].facts).toMatchObject({ method: 'manual', linkedBy: 'manager-north' });
    expect(events[1].facts).toMatchObject({
      unlinkedBy: 'manager-north',
      reason: 'not_this_child',
    });
  });
  it('should link a child registered before its birth was known, once the birth arrives', async () => {
    const early = birth({
      givenName: 'Oluwaseun',
      familyName: 'Adebayo-Clarke',
      motherFamilyName: 'Adebayo-Clarke',
      sex: 'M',
      birthDate: '2026-09-30',
      postcode: 'QN2 3AB',
    });
    const res = await register(
      [{ givenName: 'Seun', familyName: 'Adebayo-Clarke', birthDate: '2026-09-30', sex: 'M' }],
      { givenName: 'Marisol', familyName: 'Adebayo-Clarke', birthDate: '1995-08-02' },
      'QN2 3AB',
    );
    const [child] = res.body.children as ChildView[];
    expect(child).toMatchObject({ nhsNumber: null, match: 'unmatched' });
    await notify(early);
    const familyId = res.body.familyId as string;
    const linked = await eventually(async () => {
      const got = await http()
        .get(`/families/${familyId}`)
        .auth(staff, { type: 'bearer' })
        .set(PURPOSE)
        .expect(200);
      const c = (got.body.children as ChildView[])[0];
      return c.nhsNumber ? c : undefined;
    }, 60_000);
    expect(linked).toMatchObject({ nhsNumber: early.nhsNumber, nhsNumberFrom: 'automatic-link' });
  });
  it('should withhold a linked NHS number once the parent objects to sharing, and show it again after withdrawal', async () => {
    const noor = birth({
      givenName: 'Noor',
      familyName: 'Vasquez-Hale',
      motherFamilyName: 'Vasquez-Hale',
      birthDate: '2026-02-21',
      postcode: 'QN3 9PX',
    });
    await notify(noor);
    await known(noor);
    const res = await register(
      [{ givenName: 'Noor', familyName: 'Vasquez-Hale', birthDate: '2026-02-21', sex: 'F' }],
      { givenName: 'Marisol', familyName: 'Vasquez-Hale', birthDate: '1995-08-02' },
      'QN3 9PX',
    );
    const familyId = res.body.familyId as string;
    expect((res.body.children as ChildView[])[0]).toMatchObject({ nhsNumber: noor.nhsNumber });
    const read = async () =>
      (
        (
          await http()
            .get(`/families/${familyId}`)
            .auth(staff, { type: 'bearer' })
            .set(PURPOSE)
            .expect(200)
        ).body.children as ChildView[]
      )[0];
    const post = (path: string) =>
      request(births.app.getHttpServer())
        .post(path)
        .auth(feed, { type: 'bearer' })
        .send({ effectiveDate: '2026-06-01' });
    await post(`/births/${noor.nhsNumber}/sharing-objection`).expect(201);
    const hidden = await eventually(async () => {
      const c = await read();
      return c.nhsNumberFrom === 'withheld' ? c : undefined;
    });
    expect(hidden).toMatchObject({ key: null, nhsNumber: null, nhsNumberFrom: 'withheld' });
    await post(`/births/${noor.nhsNumber}/sharing-objection/withdrawal`).expect(201);
    const shown = await eventually(async () => {
      const c = await read();
      return c.nhsNumber ? c : undefined;
    });
    expect(shown).toMatchObject({ nhsNumber: noor.nhsNumber, nhsNumberFrom: 'automatic-link' });
  });
});
