import type { CloudEvent } from '@lib/contracts';
import type { ConsumedEvent } from '@lib/kafka';
import { NhsNumberGenerator } from '@lib/nhs-number';
import request from 'supertest';
import { JourneyProjection } from '../../apps/reporting/src/journeys/journey.projection';
import { ReportingAppModule } from '../../apps/reporting/src/reporting-app.module';
import { tokenFor } from '../support/given';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(120_000);

// A child's journey joins what the registration desk knows (registration, attendance) once a
// registered child is linked to the NHS number, including what the desk sent under
// `local:<childId>` before the link; a removed link takes those entries out again. Events are
// applied to the projection of a running reporting service (real store), read over HTTP.
describe('journeys: registrations and attendance join the child', () => {
  const nhsNumbers = new NhsNumberGenerator('test');
  let reporting: TestApp;
  let projection: JourneyProjection;
  let staff: { authorization: string; 'x-purpose': string };
  let offset = 0;
  let seq = 0;

  beforeAll(async () => {
    reporting = await startTestApp(ReportingAppModule, 'reporting');
    projection = reporting.app.get(JourneyProjection);
    staff = {
      authorization: `Bearer ${await tokenFor('centre-staff', { centres: ['C1'], la: 'E06099001' })}`,
      'x-purpose': 'test: family support',
    };
  });

  afterAll(async () => {
    await reporting?.close();
  });

  async function apply(
    topic: string,
    key: string,
    type: string,
    facts: Record<string, unknown>,
    recordedAt: string,
  ): Promise<ConsumedEvent> {
    const id = `journey-test-${++seq}-${key}`;
    const event = {
      specversion: '1.0',
      id,
      type,
      source: topic.split('.')[0],
      subject: key,
      time: recordedAt,
      recordedtime: recordedAt,
      dataschema: `test:${type}`,
      subjectversion: 1,
      data: { facts },
    } as CloudEvent;
    const consumed = { event, topic, partition: 0, offset: String(offset++), key };
    await projection.apply(consumed);
    return consumed;
  }

  const registration = (childId: string, nhsNumber?: string) => ({
    childId,
    familyId: `RC-C1-F${childId}`,
    centreId: 'C1',
    registeredOn: '2026-09-01',
    birthDate: '2026-08-01',
    disabilityOrSen: 'unknown',
    postcodeDistrict: 'QX1',
    carers: [{ carerId: 'K1', relationship: 'mother' }],
    ...(nhsNumber ? { nhsNumber } : {}),
  });

  async function journeyTypes(nhsNumber: string): Promise<string[]> {
    const res = await request(reporting.app.getHttpServer())
      .get(`/journeys/${nhsNumber}`)
      .set(staff)
      .expect(200);
    const body = res.body as { events: { type: string; facts: { childId?: string } }[] };
    return body.events.map((e) => `${e.type}${e.facts.childId ? `:${e.facts.childId}` : ''}`);
  }

  it('joins the desk’s entries while the link stands, and drops them when it is removed', async () => {
    const nhsNumber = nhsNumbers.next();
    const other = nhsNumbers.next();
    await apply('births.child.v1', nhsNumber, 'BirthNotified', {
      nhsNumber,
      birthDate: '2026-08-01',
      postcodeDistrict: 'QX1',
      centreId: 'C1',
    }, '2026-08-03T10:00:00Z'); // prettier-ignore
    // Registered without an NHS number, attended once, then linked by staff; a later attendance
    // comes under the NHS number. Another registered child was given the number on its form.
    await apply('registrations.child.v1', 'local:A1', 'ChildRegistered', registration('A1'), '2026-09-01T09:00:00Z'); // prettier-ignore
    await apply('registrations.child.v1', 'local:A1', 'AttendanceRecorded', {
      attendanceId: 'AT1', sessionId: 'S1', centreId: 'C1', activityId: 'stay-and-play',
      activityCategory: 'play', date: '2026-09-05', familyId: 'RC-C1-FA1', childId: 'A1',
    }, '2026-09-05T11:00:00Z'); // prettier-ignore
    expect(await journeyTypes(nhsNumber)).toEqual(['BirthNotified']);
    await apply('registrations.child.v1', nhsNumber, 'ChildLinked', {
      childId: 'A1', localKey: 'local:A1', nhsNumber, method: 'manual', linkedBy: 'staff-1',
      registration: registration('A1'),
    }, '2026-09-10T09:00:00Z'); // prettier-ignore
    await apply('registrations.child.v1', nhsNumber, 'AttendanceRecorded', {
      attendanceId: 'AT2', sessionId: 'S2', centreId: 'C1', activityId: 'stay-and-play',
      activityCategory: 'play', date: '2026-09-12', familyId: 'RC-C1-FA1', childId: 'A1',
    }, '2026-09-12T11:00:00Z'); // prettier-ignore
    await apply('registrations.child.v1', other, 'ChildRegistered', registration('B1', other), '2026-09-02T09:00:00Z'); // prettier-ignore
    expect(await journeyTypes(nhsNumber)).toEqual([
      'BirthNotified',
      'ChildRegistered:A1',
      'AttendanceRecorded:A1',
      'ChildLinked:A1',
      'AttendanceRecorded:A1',
    ]);
    // The link copies the registration; the journey keeps it once.
    const linked = await request(reporting.app.getHttpServer())
      .get(`/journeys/${nhsNumber}`)
      .set(staff)
      .expect(200);
    const link = (linked.body as { events: { type: string; facts: object }[] }).events.find(
      (e) => e.type === 'ChildLinked',
    );
    expect(link?.facts).not.toHaveProperty('registration');

    // Staff remove the link (wrong child): the desk's entries leave this child's journey.
    await apply('registrations.child.v1', nhsNumber, 'ChildUnlinked', {
      childId: 'A1', localKey: 'local:A1', nhsNumber, unlinkedBy: 'staff-2', reason: 'wrong_child',
    }, '2026-09-20T09:00:00Z'); // prettier-ignore
    expect(await journeyTypes(nhsNumber)).toEqual(['BirthNotified']);

    // A link decision older than the removal, arriving late, does not bring them back; staff
    // linking again later does.
    await apply('registrations.child.v1', nhsNumber, 'ChildLinked', {
      childId: 'A1', localKey: 'local:A1', nhsNumber, method: 'manual', linkedBy: 'staff-1',
    }, '2026-09-15T09:00:00Z'); // prettier-ignore
    expect(await journeyTypes(nhsNumber)).toEqual(['BirthNotified']);
    const relinked = await apply('registrations.child.v1', nhsNumber, 'ChildLinked', {
      childId: 'A1', localKey: 'local:A1', nhsNumber, method: 'manual', linkedBy: 'staff-3',
    }, '2026-09-25T09:00:00Z'); // prettier-ignore
    const withDesk = await journeyTypes(nhsNumber);
    expect(withDesk).toEqual([
      'BirthNotified',
      'ChildRegistered:A1',
      'AttendanceRecorded:A1',
      'ChildLinked:A1',
      'AttendanceRecorded:A1',
      'ChildLinked:A1',
      'ChildUnlinked:A1',
      'ChildLinked:A1',
    ]);
    // A redelivered event changes nothing.
    await projection.apply({ ...relinked, offset: String(offset++) });
    expect(await journeyTypes(nhsNumber)).toEqual(withDesk);
  });
});
