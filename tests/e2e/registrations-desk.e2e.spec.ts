import { NhsNumberGenerator } from '@lib/nhs-number';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import request from 'supertest';
import { BirthsAppModule } from '../../apps/births/src/births-app.module';
import { CentreDirectory } from '../../apps/registrations/src/centres/centre-directory';
import { RegistrationsAppModule } from '../../apps/registrations/src/registrations-app.module';
import { readTopicToEnd } from '../../scripts/support/read-topic';
import { tokenFor } from '../support/given';
import { eventually, startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(180_000);

const LA = 'E06000998';
const brokers = (): string[] => (process.env.KAFKA_BROKERS ?? '').split(',');
const PURPOSE = { 'x-purpose': 'registration desk: finding a family' };

interface Published {
  key: string;
  type: string;
  facts: Record<string, unknown>;
  personal?: unknown;
}

// The registration desk through its API, against real Kafka and the store: a family with two
// children (one with an NHS number, one without), a session register with both, searches, and the
// events keyed as the contract says; staff of another centre refused (and audited).
describe('registrations: the centre registration desk', () => {
  const nhsNumbers = new NhsNumberGenerator('test', 6161);
  let births: TestApp;
  let desk: TestApp;
  let staff: string;
  let manager: string;
  let otherStaff: string;
  const http = () => request(desk.app.getHttpServer());

  beforeAll(async () => {
    births = await startTestApp(BirthsAppModule, 'births');
    desk = await startTestApp(RegistrationsAppModule, 'registrations');
    // Centres come from births' boundary versions on geography.reference.v1.
    await request(births.app.getHttpServer())
      .post('/geography/boundaries')
      .auth(await tokenFor('admin'), { type: 'bearer' })
      .send({
        effectiveFrom: '2020-01-01',
        las: [{ code: LA, name: 'Desk test unitary' }],
        clusters: [{ id: 'RCL', name: 'Desk cluster', la: LA }],
        centres: [
          { id: 'RC-EAST', name: 'Eastmoor', la: LA, cluster: 'RCL' },
          { id: 'RC-WEST', name: 'Westbrook', la: LA, cluster: 'RCL' },
        ],
        reachAreas: [
          { centreId: 'RC-EAST', lsoas: ['E01009991'] },
          { centreId: 'RC-WEST', lsoas: ['E01009992'] },
        ],
        imdDeciles: [
          { lsoa: 'E01009991', decile: 2 },
          { lsoa: 'E01009992', decile: 6 },
        ],
      })
      .expect((res) => {
        if (res.status !== 201)
          throw new Error(`boundaries: ${res.status} ${JSON.stringify(res.body)}`);
      });
    const directory = desk.app.get(CentreDirectory);
    await eventually(() => Promise.resolve(directory.centre('RC-WEST')), 60_000);
    staff = await tokenFor('centre-staff', { centres: ['RC-EAST'], sub: 'staff-east' });
    manager = await tokenFor('centre-manager', { centres: ['RC-EAST'], sub: 'manager-east' });
    otherStaff = await tokenFor('centre-staff', { centres: ['RC-WEST'], sub: 'staff-west' });
  });

  afterAll(async () => {
    await desk?.close();
    await births?.close();
  });

  const familyBody = (given: string) => ({
    carers: [
      {
        givenName: 'Amira',
        familyName: 'Quennell-Voss',
        birthDate: '1998-04-11',
        relationships: [
          { childIndex: 0, relationship: 'mother' },
          { childIndex: 1, relationship: 'mother' },
        ],
        ethnicCategory: 'M',
        languages: ['en', 'so'],
        employmentStatus: 'not_working_caring',
        disability: 'no',
      },
      {
        givenName: 'Tobias',
        familyName: 'Voss',
        relationships: [
          { childIndex: 0, relationship: 'father' },
          { childIndex: 1, relationship: 'father' },
        ],
        languages: ['en'],
        employmentStatus: 'unemployed',
      },
    ],
    children: [
      {
        nhsNumber: given,
        givenName: 'Ilse',
        familyName: 'Quennell-Voss',
        birthDate: '2024-09-03',
        sex: 'F',
        disabilityOrSen: 'no',
      },
      { givenName: 'Bram', familyName: 'Quennell-Voss', birthDate: '2026-06-20', sex: 'M' },
    ],
    address: { line1: '14 Larkspur Yard', town: 'Eastmoor', postcode: 'qx7 2pn' },
    loneParent: 'no',
    heardVia: 'health_visitor',
    consentToHoldDetails: true,
  });

  async function publishedOn(topic: string, keys: string[]): Promise<Published[]> {
    const found: Published[] = [];
    await readTopicToEnd(brokers(), topic, (m) => {
      if (!m.key || !keys.includes(m.key)) return;
      const event = JSON.parse(m.message.value!.toString()) as {
        type: string;
        data: { facts: Record<string, unknown>; personal?: unknown };
      };
      found.push({ key: m.key, type: event.type, ...event.data });
    });
    return found;
  }

  describe('a family with two children, one without an NHS number', () => {
    const given = nhsNumbers.next();
    let family: {
      familyId: string;
      carers: { carerId: string; familyName: string }[];
      children: { childId: string; key: string; nhsNumber: string | null }[];
    };
    let activityId: string;

    it('should register it with a family id that shows the centre, keying each child as the contract says', async () => {
      const res = await http()
        .post('/centres/RC-EAST/families')
        .auth(staff, { type: 'bearer' })
        .send(familyBody(given))
        .expect(201);
      family = res.body as typeof family;
      expect(family.familyId).toMatch(/^RC-EAST-[0-9A-HJKMNP-TV-Z]{6}$/);
      expect(res.headers.location).toBe(`/families/${family.familyId}`);
      const [ilse, bram] = family.children;
      expect(ilse).toMatchObject({ key: given, nhsNumber: given });
      expect(bram).toMatchObject({ key: `local:${bram.childId}`, nhsNumber: null });
      expect(res.body).toMatchObject({
        centreId: 'RC-EAST',
        loneParent: 'no',
        address: { line1: '14 Larkspur Yard', town: 'Eastmoor', postcode: 'QX7 2PN' },
      });

      const familyEvents = await eventually(async () => {
        const seen = await publishedOn('registrations.family.v1', [`family:${family.familyId}`]);
        return seen.length >= 1 ? seen : undefined;
      });
      expect(familyEvents.map((e) => e.type)).toEqual(['FamilyRegistered']);
      expect(familyEvents[0].facts).toMatchObject({
        familyId: family.familyId,
        centreId: 'RC-EAST',
        loneParent: 'no',
        worklessHousehold: 'yes',
        heardVia: 'health_visitor',
        postcodeDistrict: 'QX7',
        childKeys: [given, `local:${bram.childId}`],
      });
      // Names and address travel sealed, never in clear.
      expect(JSON.stringify(familyEvents[0].facts)).not.toMatch(/Quennell|Larkspur|QX7 2PN/);
      expect(familyEvents[0].personal).toMatchObject({ alg: 'A256GCM' });

      const childEvents = await eventually(async () => {
        const seen = await publishedOn('registrations.child.v1', [given, `local:${bram.childId}`]);
        return seen.length >= 2 ? seen : undefined;
      });
      expect(childEvents.map((e) => [e.key, e.type])).toEqual(
        expect.arrayContaining([
          [given, 'ChildRegistered'],
          [`local:${bram.childId}`, 'ChildRegistered'],
        ]),
      );
      expect(childEvents.find((e) => e.key === given)?.facts).toMatchObject({
        nhsNumber: given,
        birthDate: '2024-09-03',
        motherAgeAtBirth: 26,
        familyId: family.familyId,
      });
    });

    it('should register nothing new when a request is retried with its Idempotency-Key', async () => {
      // Another family (other names, another street), so the searches below find only the first.
      const body = JSON.parse(
        JSON.stringify(familyBody(nhsNumbers.next()))
          .replace(/Quennell-Voss|Voss/g, 'Marchetti')
          .replace('14 Larkspur Yard', '3 Thistle Court')
          .replace('qx7 2pn', 'qx7 5rd'),
      ) as ReturnType<typeof familyBody>;
      const send = () =>
        http()
          .post('/centres/RC-EAST/families')
          .auth(staff, { type: 'bearer' })
          .set('idempotency-key', 'desk-retry-0001')
          .send(body)
          .expect(201);
      const first = await send();
      const again = await send();
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(again.headers.location).toBe(first.headers.location);
      const familyId = first.body.familyId as string;
      await eventually(async () =>
        (await publishedOn('registrations.family.v1', [`family:${familyId}`])).length > 0
          ? true
          : undefined,
      );
      await new Promise((r) => setTimeout(r, 1500));
      const events = await publishedOn('registrations.family.v1', [`family:${familyId}`]);
      expect(events.map((e) => e.type)).toEqual(['FamilyRegistered']);
      // The same key with another body is refused, not treated as the first request.
      await http()
        .post('/centres/RC-EAST/families')
        .auth(staff, { type: 'bearer' })
        .set('idempotency-key', 'desk-retry-0001')
        .send({ ...body, loneParent: 'yes' })
        .expect(422);
    });

    it('should find it by surname, postcode and family id, only at its own centre, auditing each read', async () => {
      const search = (query: string, token = staff) =>
        http()
          .get(`/centres/RC-EAST/families?${query}`)
          .auth(token, { type: 'bearer' })
          .set(PURPOSE);
      for (const query of [
        'surname=quennell',
        'surname=Voss',
        'postcode=QX7%202PN',
        'postcode=qx72pn',
        `familyId=${family.familyId.toLowerCase()}`,
        'address=larkspur%20yard',
      ]) {
        const res = await search(query).expect(200);
        expect({
          query,
          ids: (res.body.items as { familyId: string }[]).map((i) => i.familyId),
        }).toEqual({
          query,
          ids: [family.familyId],
        });
      }
      const page = await search('surname=quennell').expect(200);
      expect(page.body).toMatchObject({ page: 1, pageSize: 20, total: 1 });
      expect(page.body.items[0]).toEqual({
        familyId: family.familyId,
        carers: [
          { givenName: 'Amira', familyName: 'Quennell-Voss' },
          { givenName: 'Tobias', familyName: 'Voss' },
        ],
        children: [
          { givenName: 'Ilse', familyName: 'Quennell-Voss', birthDate: '2024-09-03' },
          { givenName: 'Bram', familyName: 'Quennell-Voss', birthDate: '2026-06-20' },
        ],
        addressLine1: '14 Larkspur Yard',
        postcode: 'QX7 2PN',
      });
      await search('surname=nobodyhere').expect(200, {
        items: [],
        page: 1,
        pageSize: 20,
        total: 0,
      });

      const audit = desk.app.get<Connection>(getConnectionToken()).collection('audit_records');
      const reads = await audit.find({ subjectId: family.familyId, outcome: 'found' }).toArray();
      expect(reads.length).toBeGreaterThanOrEqual(7);
      expect(reads[0]).toMatchObject({
        sub: 'staff-east',
        resource: 'registration',
        purpose: 'registration desk: finding a family',
        route: '/centres/:centreId/families',
      });
    });

    it('should record a session register with both children and both carers, the father as a father', async () => {
      const activity = await http()
        .post('/centres/RC-EAST/activities')
        .auth(manager, { type: 'bearer' })
        .send({ name: 'Tuesday stay and play', category: 'stay_and_play' })
        .expect(201);
      activityId = activity.body.activityId as string;
      const [mother, father] = family.carers;
      const [ilse, bram] = family.children;
      const res = await http()
        .post('/centres/RC-EAST/sessions')
        .auth(staff, { type: 'bearer' })
        .send({
          activityId,
          date: '2026-11-17',
          attendees: [
            { familyId: family.familyId, childId: ilse.childId },
            { familyId: family.familyId, childId: bram.childId },
            { familyId: family.familyId, carerId: mother.carerId },
            { familyId: family.familyId, carerId: father.carerId },
          ],
        })
        .expect(201);
      expect(res.body.counts).toEqual({ children: 2, carers: 2, fathers: 1 });

      const sessionId = res.body.sessionId as string;
      const childEvents = await eventually(async () => {
        const seen = (await publishedOn('registrations.child.v1', [ilse.key, bram.key])).filter(
          (e) => e.type === 'AttendanceRecorded',
        );
        return seen.length >= 2 ? seen : undefined;
      });
      expect(childEvents.map((e) => [e.key, e.facts.childId, e.facts.sessionId])).toEqual(
        expect.arrayContaining([
          [ilse.key, ilse.childId, sessionId],
          [bram.key, bram.childId, sessionId],
        ]),
      );
      const carerEvents = await eventually(async () => {
        const seen = (
          await publishedOn('registrations.family.v1', [`family:${family.familyId}`])
        ).filter((e) => e.type === 'CarerAttendanceRecorded');
        return seen.length >= 2 ? seen : undefined;
      });
      expect(carerEvents.map((e) => [e.facts.carerId, e.facts.relationship])).toEqual(
        expect.arrayContaining([
          [mother.carerId, 'mother'],
          [father.carerId, 'father'],
        ]),
      );
      expect(carerEvents[0].facts).toMatchObject({
        activityCategory: 'stay_and_play',
        date: '2026-11-17',
      });
    });

    it("should refuse another centre's staff on every route (403, audited)", async () => {
      const as = (token: string) => ({ authorization: `Bearer ${token}` });
      const attempts = [
        http().get(`/centres/RC-EAST/families?surname=quennell`).set(as(otherStaff)).set(PURPOSE),
        http().get(`/families/${family.familyId}`).set(as(otherStaff)).set(PURPOSE),
        http()
          .post('/centres/RC-EAST/families')
          .set(as(otherStaff))
          .send(familyBody(nhsNumbers.next())),
        http().get('/centres/RC-EAST/activities').set(as(otherStaff)),
        http()
          .post('/centres/RC-EAST/sessions')
          .set(as(otherStaff))
          .send({
            activityId,
            date: '2026-11-17',
            attendees: [{ familyId: family.familyId, childId: family.children[0].childId }],
          }),
        // Their own centre's register cannot list this centre's family either.
        http()
          .post('/centres/RC-WEST/sessions')
          .set(as(otherStaff))
          .send({
            activityId,
            date: '2026-11-17',
            attendees: [{ familyId: family.familyId, childId: family.children[0].childId }],
          }),
      ];
      for (const attempt of attempts) {
        const res = await attempt;
        expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 403 });
      }
      const audit = desk.app.get<Connection>(getConnectionToken()).collection('audit_records');
      const denied = await audit.find({ sub: 'staff-west', outcome: 'denied' }).toArray();
      expect(denied.length).toBeGreaterThanOrEqual(attempts.length);
    });

    it('should refuse search parameters carrying operators, and a search without a criterion', async () => {
      const search = (query: string) =>
        http()
          .get(`/centres/RC-EAST/families?${query}`)
          .auth(staff, { type: 'bearer' })
          .set(PURPOSE);
      for (const query of [
        'surname[$ne]=x',
        'surname[$regex]=.*',
        'postcode[$gt]=',
        'surname[]=a&surname[]=b',
      ]) {
        const res = await search(query);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
      }
      const none = await search('page=1').expect(400);
      expect(none.body.problems).toEqual([
        { field: 'query', reason: 'give at least one of surname, postcode, familyId, address' },
      ]);
      await http()
        .get('/centres/RC-EAST/families?surname=quennell')
        .auth(staff, { type: 'bearer' })
        .expect(400); // no purpose stated
    });

    it('should refuse a registration without consent, with unknown fields, or naming no relationship', async () => {
      const body = familyBody(nhsNumbers.next());
      const res = await http()
        .post('/centres/RC-EAST/families')
        .auth(staff, { type: 'bearer' })
        .send({
          ...body,
          consentToHoldDetails: false,
          notes: 'free text',
          carers: [
            { ...body.carers[0], relationships: [{ childIndex: 0, relationship: 'mother' }] },
          ],
        })
        .expect(400);
      expect(res.body.problems).toEqual(
        expect.arrayContaining([
          { field: 'notes', reason: 'is not an allowed field' },
          {
            field: 'consentToHoldDetails',
            reason:
              'consentToHoldDetails must be true: a family is registered only with its consent',
          },
        ]),
      );
      const noRelationship = await http()
        .post('/centres/RC-EAST/families')
        .auth(staff, { type: 'bearer' })
        .send({
          ...body,
          carers: [
            { ...body.carers[0], relationships: [{ childIndex: 0, relationship: 'mother' }] },
          ],
        })
        .expect(400);
      expect(noRelationship.body.problems).toEqual([
        { field: 'carers.0.relationships', reason: "give the carer's relationship to child 1" },
      ]);
    });
    it('should record changes with the date they took effect, keeping what was true before', async () => {
      const [, father] = family.carers;
      const res = await http()
        .post(`/families/${family.familyId}/changes`)
        .auth(staff, { type: 'bearer' })
        .send({
          effectiveDate: '2026-10-01',
          carers: [{ carerId: father.carerId, employmentStatus: 'employed' }],
        })
        .expect(201);
      expect(res.body.carers[1]).toMatchObject({
        carerId: father.carerId,
        employmentStatus: 'employed',
      });
      expect(res.body.changes).toEqual([
        {
          changeId: expect.any(String),
          effectiveDate: '2026-10-01',
          carers: [{ carerId: father.carerId, employmentStatus: 'employed' }],
        },
      ]);
      const changed = await eventually(async () => {
        const seen = (
          await publishedOn('registrations.family.v1', [`family:${family.familyId}`])
        ).filter((e) => e.type === 'FamilyDetailsChanged');
        return seen.length > 0 ? seen : undefined;
      });
      expect(changed[0].facts).toEqual({
        familyId: family.familyId,
        centreId: 'RC-EAST',
        effectiveDate: '2026-10-01',
        carers: [{ carerId: father.carerId, employmentStatus: 'employed' }],
        worklessHousehold: 'no',
      });
      const refused = await http()
        .post(`/families/${family.familyId}/changes`)
        .auth(staff, { type: 'bearer' })
        .send({
          effectiveDate: '2999-01-01',
          carers: [{ carerId: family.children[0].childId, employmentStatus: 'employed' }],
        })
        .expect(400);
      expect(refused.body.problems).toEqual([
        { field: 'effectiveDate', reason: 'effectiveDate must be a real date, not in the future' },
      ]);
      const notACarer = await http()
        .post(`/families/${family.familyId}/changes`)
        .auth(staff, { type: 'bearer' })
        .send({
          effectiveDate: '2026-10-02',
          carers: [{ carerId: family.children[0].childId, employmentStatus: 'employed' }],
        })
        .expect(400);
      expect(notACarer.body.problems).toEqual([
        { field: 'carers.0.carerId', reason: 'not a carer of this family' },
      ]);
    });

    it('should record an outreach visit about a child, kept apart from sessions', async () => {
      const [, bram] = family.children;
      const res = await http()
        .post(`/families/${family.familyId}/outreach`)
        .auth(staff, { type: 'bearer' })
        .send({
          visitType: 'new_birth_visit',
          date: '2026-07-01',
          outcome: 'completed',
          childIds: [bram.childId],
        })
        .expect(201);
      const outreach = await eventually(async () => {
        const seen = (
          await publishedOn('registrations.family.v1', [`family:${family.familyId}`])
        ).filter((e) => e.type === 'OutreachContactRecorded');
        return seen.length > 0 ? seen : undefined;
      });
      expect(outreach[0].facts).toEqual({
        outreachId: res.body.outreachId,
        centreId: 'RC-EAST',
        familyId: family.familyId,
        visitType: 'new_birth_visit',
        date: '2026-07-01',
        outcome: 'completed',
        childKeys: [bram.key],
      });
    });

    it("should refuse another centre's staff on the family's other routes too (403, audited)", async () => {
      const as = { authorization: `Bearer ${otherStaff}` };
      const otherManager = {
        authorization: `Bearer ${await tokenFor('centre-manager', { centres: ['RC-WEST'], sub: 'manager-west' })}`,
      };
      const id = family.familyId;
      const child = family.children[1].childId;
      const attempts = [
        http()
          .post(`/families/${id}/changes`)
          .set(as)
          .send({ effectiveDate: '2026-10-01', loneParent: 'yes' }),
        http()
          .post(`/families/${id}/outreach`)
          .set(as)
          .send({ visitType: 'support_visit', date: '2026-07-01', outcome: 'completed' }),
        http().post(`/families/${id}/withdrawal`).set(as).send({ reason: 'left' }),
        http()
          .post(`/families/${id}/children/${child}/unlink`)
          .set(otherManager)
          .send({ reason: 'not_this_child' }),
        http().get('/centres/RC-EAST/match-reviews').set(otherManager).set(PURPOSE),
        http()
          .post(`/centres/RC-EAST/match-reviews/${child}/decision`)
          .set(otherManager)
          .send({ nhsNumber: null }),
        http()
          .post('/centres/RC-EAST/activities')
          .set(otherManager)
          .send({ name: 'Not ours', category: 'other' }),
      ];
      const statuses: number[] = [];
      for (const attempt of attempts) statuses.push((await attempt).status);
      expect(statuses).toEqual(attempts.map(() => 403));
      const audit = desk.app.get<Connection>(getConnectionToken()).collection('audit_records');
      const denied = await audit
        .find({ outcome: 'denied', sub: { $in: ['staff-west', 'manager-west'] } })
        .toArray();
      expect(denied.filter((d) => d.sub === 'manager-west').length).toBeGreaterThanOrEqual(4);
    });

    it('should withdraw the family: events for it and each child, no longer listed or recorded against', async () => {
      const res = await http()
        .post(`/families/${family.familyId}/withdrawal`)
        .auth(staff, { type: 'bearer' })
        .send({ reason: 'left', effectiveDate: '2026-11-01' })
        .expect(200);
      expect(res.body.withdrawal).toEqual({ effectiveDate: '2026-11-01', reason: 'left' });
      const [ilse, bram] = family.children;
      const withdrawn = await eventually(async () => {
        const seen = await publishedOn('registrations.child.v1', [ilse.key, bram.key]);
        const w = seen.filter((e) => e.type === 'ChildRegistrationWithdrawn');
        return w.length >= 2 ? w : undefined;
      });
      expect(withdrawn.map((e) => e.facts.childId).sort()).toEqual(
        [ilse.childId, bram.childId].sort(),
      );
      const familyWithdrawn = (
        await publishedOn('registrations.family.v1', [`family:${family.familyId}`])
      ).filter((e) => e.type === 'RegistrationWithdrawn');
      expect(familyWithdrawn.map((e) => e.facts)).toEqual([
        {
          familyId: family.familyId,
          centreId: 'RC-EAST',
          effectiveDate: '2026-11-01',
          reason: 'left',
          childKeys: [ilse.key, bram.key],
        },
      ]);
      await http()
        .get('/centres/RC-EAST/families?surname=quennell')
        .auth(staff, { type: 'bearer' })
        .set(PURPOSE)
        .expect(200, { items: [], page: 1, pageSize: 20, total: 0 });
      const late = await http()
        .post('/centres/RC-EAST/sessions')
        .auth(staff, { type: 'bearer' })
        .send({
          activityId,
          date: '2026-11-17',
          attendees: [{ familyId: family.familyId, childId: ilse.childId }],
        })
        .expect(400);
      expect(late.body.problems).toEqual([
        { field: 'attendees.0.familyId', reason: 'the family has left the register' },
      ]);
    });
  });
});
