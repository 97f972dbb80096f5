import type { CloudEvent } from '@lib/contracts';
import { born, boundaries, event } from '../../../../tests/support/ledger-events';
import { FigureCalculator } from '../figures/figures';
import { FiguresLedger } from '../figures/ledger';
import {
  lateRecords,
  laScope,
  missingFeedingStatus,
  unassignedResidents,
  unmatchedRegistrations,
} from './data-quality-lists';

const LA = 'E06099001';
/** A month's last day, so the LA's and centres' populations for the month are today's. */
const TODAY = '2026-10-31';

function after(events: CloudEvent[]) {
  const ledger = new FiguresLedger((n) => `p${n}`);
  for (const e of [boundaries, ...events]) ledger.apply(e, e.subject);
  const calculator = new FigureCalculator(ledger);
  const map = calculator.boundaryVersion(undefined, TODAY);
  return { ledger, calculator, map, scope: laScope(map, LA), children: calculator.children() };
}

/** An event recorded (received) at noon UTC on `day`. */
function receivedOn(day: string): Partial<CloudEvent> {
  return { recordedtime: `${day}T12:00:00Z` };
}

function bornOn(
  type: 'BirthNotified' | 'BirthCorrected',
  nhsNumber: string,
  birthDate: string,
  extra: Partial<CloudEvent>,
) {
  return event(type, { nhsNumber, birthDate, lsoa: 'L1', postcodeDistrict: 'QX1' }, extra);
}

function registration(childId: string, centreId: string, extra: Record<string, unknown> = {}) {
  return {
    childId,
    familyId: `F-${childId}`,
    centreId,
    registeredOn: '2026-09-01',
    birthDate: '2026-06-10',
    disabilityOrSen: 'no',
    postcodeDistrict: 'QX1',
    carers: [],
    ...extra,
  };
}

function registered(childId: string, centreId: string, extra: Record<string, unknown> = {}) {
  return event('ChildRegistered', registration(childId, centreId, extra));
}

function contact(nhsNumber: string, contactId: string, facts: Record<string, unknown>) {
  return event('ContactRecorded', {
    contactId,
    nhsNumber,
    organisationCode: 'RXX01',
    sourceSystem: 'hv-record-a',
    contactType: 'new_birth_visit',
    contactDate: '2026-07-10',
    outcome: 'completed',
    ...facts,
  });
}

describe('unassigned postcodes', () => {
  const events = [
    born('9990000001', '2026-07-01'), // in C1's area
    born('9990000002', '2026-07-02', { lsoa: 'L9', postcodeDistrict: 'QX9' }),
    born('9990000003', '2026-07-03', { lsoa: undefined, postcodeDistrict: 'QX7' }),
    born('9990000004', '2026-07-04', { lsoa: undefined, postcodeDistrict: null }),
    born('9990000005', '2026-07-05', { lsoa: undefined, postcodeDistrict: null, sensitive: true }),
    // Unplaced at birth, then moved into C2's area: placed now.
    born('9990000006', '2026-07-06', { lsoa: undefined, postcodeDistrict: null }),
    event('ResidenceChanged', {
      nhsNumber: '9990000006',
      birthDate: '2026-07-06',
      direction: 'within',
      effectiveDate: '2026-08-01',
      postcodeDistrict: 'QX2',
      lsoa: 'L2',
    }),
    // Unplaced, but died: not in the population.
    born('9990000007', '2026-07-07', { lsoa: 'L9', postcodeDistrict: 'QX9' }),
    event('DeathNotified', { nhsNumber: '9990000007', dateOfDeath: '2026-08-01' }),
    // Unplaced, but five years old already.
    born('9990000008', '2021-10-01', { lsoa: 'L9', postcodeDistrict: 'QX9' }),
    // Moved into the LA to an address outside every area.
    event('ResidenceChanged', {
      nhsNumber: '9990000009',
      birthDate: '2025-01-01',
      direction: 'in',
      effectiveDate: '2026-09-15',
      postcodeDistrict: 'QX8',
      lsoa: 'L8',
    }),
  ];

  it('lists the LA residents no reach area holds, by reason, without a full date of birth', () => {
    const { children, scope } = after(events);
    const list = unassignedResidents(children, scope, TODAY);
    expect(list.attributable).toBe(true);
    expect(list.entries).toEqual([
      {
        pseudonym: 'p9990000004',
        reason: 'no_postcode',
        postcodeDistrict: null,
        lsoa: null,
        sinceMonth: '2026-07',
        source: 'birth',
        birthMonth: '2026-07',
      },
      {
        pseudonym: 'p9990000002',
        reason: 'outside_reach_areas',
        postcodeDistrict: 'QX9',
        lsoa: 'L9',
        sinceMonth: '2026-07',
        source: 'birth',
        birthMonth: '2026-07',
      },
      {
        pseudonym: 'p9990000009',
        reason: 'outside_reach_areas',
        postcodeDistrict: 'QX8',
        lsoa: 'L8',
        sinceMonth: '2026-09',
        source: 'move',
        birthMonth: '2025-01',
      },
      {
        pseudonym: 'p9990000003',
        reason: 'postcode_not_in_directory',
        postcodeDistrict: 'QX7',
        lsoa: null,
        sinceMonth: '2026-07',
        source: 'birth',
        birthMonth: '2026-07',
      },
    ]);
    expect(list.counts).toEqual({
      outside_reach_areas: 2,
      postcode_not_in_directory: 1,
      no_postcode: 1,
      total: 4,
    });
    expect(list.sensitiveNotListed).toBe(1);
  });

  it('holds exactly the LA population its centres do not: LA minus the sum of the centres', () => {
    const { calculator, children, map, scope } = after(events);
    const population = (area: string) =>
      calculator.reach(map, area, 'month:2026-10', { sustainedThreshold: 3 }).rows.all.population;
    const list = unassignedResidents(children, scope, TODAY);
    const unplaced = population(`la:${LA}`) - population('centre:C1') - population('centre:C2');
    expect(unplaced).toBe(5);
    expect(list.counts.total + list.sensitiveNotListed).toBe(unplaced);
  });

  it('claims no child for an LA when the boundary version has several LAs', () => {
    const twoLas = event('GeographyVersionPublished', {
      kind: 'boundaries',
      version: 2,
      versionId: 'boundaries:2',
      effectiveFrom: '2020-01-01',
      boundaries: {
        effectiveFrom: '2020-01-01',
        las: [
          { code: LA, name: 'Fenbridge' },
          { code: 'E06099002', name: 'Marshfield' },
        ],
        clusters: [{ id: 'CL1', name: 'North', la: LA }],
        centres: [{ id: 'C1', name: 'Riverside', la: LA, cluster: 'CL1' }],
        reachAreas: [{ centreId: 'C1', lsoas: ['L1'] }],
        imdDeciles: [],
      },
    });
    const { calculator, children } = after([...events, twoLas]);
    const map = calculator.boundaryVersion('boundaries:2', TODAY);
    const list = unassignedResidents(children, laScope(map, LA), TODAY);
    expect(list).toEqual({
      attributable: false,
      counts: { outside_reach_areas: 0, postcode_not_in_directory: 0, no_postcode: 0, total: 0 },
      sensitiveNotListed: 0,
      entries: [],
    });
  });
});

describe('unmatched registrations', () => {
  it('lists active registrations at the LA’s centres that no birth or move-in matches, by reason', () => {
    const { ledger, children, scope } = after([
      born('9990000001', '2026-06-10'),
      registered('K1', 'C1', { nhsNumber: '9990000001' }), // matched by the form's NHS number
      registered('K2', 'C1'), // no NHS number, never linked
      registered('K3', 'C2', { nhsNumber: '9990000099' }), // a number no birth here named
      registered('K4', 'C1'),
      event(
        'ChildLinked',
        {
          childId: 'K4',
          localKey: 'local:K4',
          nhsNumber: '9990000001',
          method: 'manual',
          registration: registration('K4', 'C1'),
        },
        { recordedtime: '2026-09-02T10:00:00Z' },
      ),
      event(
        'ChildUnlinked',
        { childId: 'K4', localKey: 'local:K4', nhsNumber: '9990000001', reason: 'wrong_child' },
        { recordedtime: '2026-09-03T10:00:00Z' },
      ),
      registered('K5', 'C2'),
      event('ChildRegistrationWithdrawn', { childId: 'K5', effectiveDate: '2026-10-01' }),
      registered('K6', 'C2', { registeredOn: '2026-11-15' }), // after the day asked about
    ]);
    const list = unmatchedRegistrations(ledger, children, scope, TODAY);
    expect(list.entries.map((e) => [e.childId, e.centreId, e.reason])).toEqual([
      ['K2', 'C1', 'no_nhs_number'],
      ['K4', 'C1', 'link_removed'],
      ['K3', 'C2', 'nhs_number_not_known_here'],
    ]);
    expect(list.entries[0]).toEqual({
      childId: 'K2',
      familyId: 'F-K2',
      centreId: 'C1',
      registeredOn: '2026-09-01',
      reason: 'no_nhs_number',
      birthMonth: '2026-06',
    });
    expect(list.counts).toEqual({
      no_nhs_number: 1,
      link_removed: 1,
      nhs_number_not_known_here: 1,
      total: 3,
    });
  });
});

describe('contacts with missing feeding status', () => {
  it('lists completed NBVs and 6-8 week reviews whose status is absent or unknown', () => {
    const { ledger, children, scope } = after([
      born('9990000001', '2026-06-01'),
      born('9990000002', '2026-06-02', { lsoa: 'L9' }), // unplaced: LA only
      born('9990000003', '2026-06-03', { lsoa: 'L2' }),
      contact('9990000001', 'c-1', {}), // NBV, status absent
      contact('9990000001', 'c-2', {
        contactType: 'review_6_8_week',
        contactDate: '2026-07-20',
        feedingStatus: 'unknown',
      }),
      contact('9990000002', 'c-3', { contactDate: '2026-06-12', organisationCode: 'RYY02' }),
      contact('9990000003', 'c-4', { feedingStatus: 'totally_breastfed' }),
      contact('9990000003', 'c-5', { contactType: 'review_12_month' }), // no status expected
      contact('9990000003', 'c-6', { outcome: 'did_not_attend' }),
      contact('9990000003', 'c-7', {}),
      event('ContactCancelled', {
        contactId: 'c-7',
        nhsNumber: '9990000003',
        contactType: 'new_birth_visit',
        contactDate: '2026-07-10',
      }, { subjectversion: 2 }), // prettier-ignore
      contact('9990000099', 'c-8', {}), // a child unknown here: no area to count in
    ]);
    const list = missingFeedingStatus(ledger, children, scope);
    expect(list.entries.map((e) => [e.contactId, e.centreId, e.recorded])).toEqual([
      ['c-3', null, 'absent'],
      ['c-1', 'C1', 'absent'],
      ['c-2', 'C1', 'unknown'],
    ]);
    expect(list.entries[1]).toEqual({
      contactId: 'c-1',
      contactType: 'new_birth_visit',
      contactDate: '2026-07-10',
      organisationCode: 'RXX01',
      sourceSystem: 'hv-record-a',
      pseudonym: 'p9990000001',
      centreId: 'C1',
      recorded: 'absent',
    });
    expect(list.counts).toEqual({
      total: 3,
      byContactType: { new_birth_visit: 2, review_6_8_week: 1 },
      byOrganisation: { RXX01: 2, RYY02: 1 },
    });
  });
});

describe('late-arriving records', () => {
  const events = [
    bornOn('BirthNotified', '9990000001', '2026-06-01', receivedOn('2026-07-20')), // 49 days; Q1 ended 30 June
    // Notified in time, corrected months later: the record was not late.
    bornOn('BirthNotified', '9990000002', '2026-06-02', receivedOn('2026-06-04')),
    bornOn('BirthCorrected', '9990000002', '2026-06-02', {
      ...receivedOn('2026-09-30'),
      subjectversion: 2,
    }),
    contact('9990000002', 'c-1', {}), // no recorded time: its event time (2026-11-01) counts
    event('AttendanceRecorded', {
      attendanceId: 'A1',
      sessionId: 'S1',
      centreId: 'C2',
      activityId: 'stay-and-play',
      childId: 'K1',
      date: '2026-08-15',
    }, receivedOn('2026-09-14')), // prettier-ignore
    event('AttendanceRecorded', {
      attendanceId: 'A2',
      sessionId: 'S1',
      centreId: 'C2',
      activityId: 'stay-and-play',
      childId: 'K1',
      date: '2026-08-15',
    }, receivedOn('2026-09-15')), // prettier-ignore
  ];

  it('lists records that arrived more than the given days after the day they are about', () => {
    const { ledger, children, scope } = after(events);
    const list = lateRecords(ledger, children, scope, 30);
    expect(list.entries).toEqual([
      {
        kind: 'hv_contact',
        recordId: 'c-1',
        pseudonym: 'p9990000002',
        centreId: 'C1',
        occurredOn: '2026-07-10',
        receivedOn: '2026-11-01',
        daysLate: 114,
        quarter: 'quarter:2026-27-Q2',
        quarterClosedOnArrival: true,
      },
      {
        kind: 'birth',
        recordId: null,
        pseudonym: null,
        centreId: 'C1',
        occurredOn: '2026-06-01',
        receivedOn: '2026-07-20',
        daysLate: 49,
        quarter: 'quarter:2026-27-Q1',
        quarterClosedOnArrival: true,
      },
      {
        kind: 'attendance',
        recordId: 'A2',
        pseudonym: null,
        centreId: 'C2',
        occurredOn: '2026-08-15',
        receivedOn: '2026-09-15',
        daysLate: 31,
        quarter: 'quarter:2026-27-Q2',
        quarterClosedOnArrival: false,
      },
    ]);
    expect(list.counts).toEqual({
      total: 3,
      byKind: { hv_contact: 1, birth: 1, attendance: 1 },
      closedQuarters: 2,
    });
    expect(lateRecords(ledger, children, scope, 100).entries.map((e) => e.recordId)).toEqual([
      'c-1',
    ]);
  });

  it('gives the same list whatever order the events arrive in, and after a redelivery', () => {
    const inOrder = after(events);
    const reversed = after([...events].reverse().concat(events));
    expect(lateRecords(reversed.ledger, reversed.children, reversed.scope, 30)).toEqual(
      lateRecords(inOrder.ledger, inOrder.children, inOrder.scope, 30),
    );
  });
});
