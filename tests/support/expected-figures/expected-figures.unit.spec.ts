import type { GeographyBoundariesV1 } from '@lib/contracts';
import type {
  BirthFact,
  CarerFact,
  ContactOutcome,
  ContactType,
  FeedingStatus,
  WorldEvent,
} from '@lib/synthetic';
import {
  changeBetween,
  compare,
  expectedIndicators,
  expectedReach,
  parsePeriod,
  previousQuarterId,
  proportion,
  wholeYears,
  wilson,
} from './expected-figures';

// ---------------------------------------------------------------------------------------------
// A small geography: LA E06099001; CL1 = C01 (L1, L2) + C02 (L3); CL2 = C03 (L4).
// L5 lies outside every reach area. IMD deciles: L1 1, L2 5, L3 3, L4 10, L5 none.

const LA = 'E06099001';
const boundaries: GeographyBoundariesV1 = {
  effectiveFrom: '2019-01-01',
  las: [{ code: LA, name: 'Testshire' }],
  clusters: [
    { id: 'CL1', name: 'One', la: LA },
    { id: 'CL2', name: 'Two', la: LA },
  ],
  centres: [
    { id: 'C01', name: 'Centre 1', la: LA, cluster: 'CL1' },
    { id: 'C02', name: 'Centre 2', la: LA, cluster: 'CL1' },
    { id: 'C03', name: 'Centre 3', la: LA, cluster: 'CL2' },
  ],
  reachAreas: [
    { centreId: 'C01', lsoas: ['L1', 'L2'] },
    { centreId: 'C02', lsoas: ['L3'] },
    { centreId: 'C03', lsoas: ['L4'] },
  ],
  imdDeciles: [
    { lsoa: 'L1', decile: 1 },
    { lsoa: 'L2', decile: 5 },
    { lsoa: 'L3', decile: 3 },
    { lsoa: 'L4', decile: 10 },
  ],
};
const OPTIONS = { boundaryVersion: 'boundaries:1' };

// ---------------------------------------------------------------------------------------------
// World builders (every event reported: the loader has already dropped the others)

function birth(
  nhsNumber: string,
  birthDate: string,
  lsoa: string | undefined,
  over: Partial<BirthFact> = {},
): BirthFact {
  return {
    nhsNumber,
    birthDate,
    birthTime: '12:00',
    sex: 'F',
    givenName: 'Baby',
    familyName: nhsNumber,
    birthWeightGrams: 3300,
    gestationWeeks: 40,
    deliveryMethod: 'spontaneous',
    multipleBirthOrder: 1,
    deliveryId: `D${nhsNumber}`,
    ethnicCategory: 'A',
    smokingAtDelivery: 'N',
    mother: { givenName: 'Mum', familyName: nhsNumber, birthDate: '1990-01-01' },
    address: { line1: '1 Road', town: 'Town', postcode: 'QX1 1AA', lsoa },
    sharingObjection: false,
    sensitive: false,
    ...over,
  };
}

const born = (b: BirthFact): WorldEvent => ({
  kind: 'born',
  date: b.birthDate,
  birth: b,
  reportedOn: b.birthDate,
});
const movedIn = (date: string, b: BirthFact, lsoa: string | undefined): WorldEvent => ({
  kind: 'moved',
  date,
  nhsNumber: b.nhsNumber,
  to: { line1: '2 Road', town: 'Town', postcode: 'QX1 1AB', lsoa },
  birth: b,
  reportedOn: date,
});
const movedWithin = (date: string, nhsNumber: string, lsoa: string): WorldEvent => ({
  kind: 'moved',
  date,
  nhsNumber,
  from: { line1: '1 Road', town: 'Town', postcode: 'QX1 1AA' },
  to: { line1: '3 Road', town: 'Town', postcode: 'QX1 1AC', lsoa },
  reportedOn: date,
});
const movedOut = (date: string, nhsNumber: string): WorldEvent => ({
  kind: 'moved',
  date,
  nhsNumber,
  from: { line1: '1 Road', town: 'Town', postcode: 'QX1 1AA' },
  reportedOn: date,
});
const died = (date: string, nhsNumber: string): WorldEvent => ({
  kind: 'died',
  date,
  nhsNumber,
  reportedOn: date,
});

function carer(
  carerRef: string,
  relationship: CarerFact['relationship'],
  over: Partial<CarerFact> = {},
): CarerFact {
  return {
    carerRef,
    givenName: 'Carer',
    familyName: carerRef,
    birthDate: '1990-01-01',
    relationship,
    languages: ['en'],
    employmentStatus: 'employed',
    disability: 'no',
    ...over,
  };
}

function registered(
  date: string,
  familyRef: string,
  centreId: string,
  children: {
    childRef: string;
    nhsNumber: string;
    birthDate: string;
    disability?: 'yes' | 'no' | 'unknown';
  }[],
  carers: CarerFact[] = [carer(`${familyRef}-m`, 'mother')],
  loneParent: 'yes' | 'no' | 'unknown' = 'no',
): WorldEvent {
  return {
    kind: 'family-registered',
    date,
    reportedOn: date,
    family: {
      familyRef,
      centreId,
      carers,
      children: children.map((c) => ({
        childRef: c.childRef,
        nhsNumber: c.nhsNumber,
        form: { givenName: 'Kid', familyName: 'X', birthDate: c.birthDate },
        formErrors: [],
        disabilityOrSen: c.disability ?? 'no',
      })),
      address: { line1: '1 Road', town: 'Town', postcode: 'QX1 1AA' },
      loneParent,
      heardVia: 'hv',
    },
  };
}

const session = (
  date: string,
  centreId: string,
  attendees: ({ familyRef: string; childRef: string } | { familyRef: string; carerRef: string })[],
): WorldEvent => ({
  kind: 'session',
  date,
  reportedOn: date,
  session: { sessionRef: `S-${date}-${centreId}`, centreId, activityRef: 'play', attendees },
});

const outreach = (
  date: string,
  familyRef: string,
  childRefs: string[],
  outcome: 'completed' | 'no_answer' = 'completed',
): WorldEvent => ({
  kind: 'outreach',
  date,
  reportedOn: date,
  outreach: {
    outreachRef: `O-${date}-${familyRef}`,
    familyRef,
    visitType: 'support_visit',
    outcome,
    childRefs,
  },
});

let contactSeq = 0;
function hv(
  date: string,
  nhsNumber: string,
  contactType: ContactType,
  outcome: ContactOutcome,
  feedingStatus?: FeedingStatus,
): WorldEvent {
  contactSeq += 1;
  return {
    kind: 'hv-contact',
    date,
    reportedOn: date,
    contact: {
      sourceSystem: 'hv',
      organisationCode: 'RX1',
      sourceContactId: `HV-${contactSeq}`,
      nhsNumber,
      contactType,
      location: 'home',
      outcome,
      feedingStatus,
      sharingStatus: 'not_asked',
    },
  };
}

/** The figures a world gives, sorted by date as the truth file is. */
function byDate(events: WorldEvent[]): WorldEvent[] {
  return [...events].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------

describe('periods and dates', () => {
  it('parses each kind of period id', () => {
    expect(parsePeriod('month:2026-02')).toEqual({
      id: 'month:2026-02',
      start: '2026-02-01',
      end: '2026-02-28',
    });
    expect(parsePeriod('quarter:2026-27-Q1')).toMatchObject({
      start: '2026-04-01',
      end: '2026-06-30',
    });
    expect(parsePeriod('quarter:2026-27-Q3')).toMatchObject({
      start: '2026-10-01',
      end: '2026-12-31',
    });
    expect(parsePeriod('quarter:2026-27-Q4')).toMatchObject({
      start: '2027-01-01',
      end: '2027-03-31',
    });
    expect(parsePeriod('year:2026-27')).toMatchObject({ start: '2026-04-01', end: '2027-03-31' });
    // 12 whole months ending with October 2026: November 2025 - October 2026.
    expect(parsePeriod('rolling12:2026-10')).toMatchObject({
      start: '2025-11-01',
      end: '2026-10-31',
    });
    expect(parsePeriod('rolling24:2026-10')).toMatchObject({
      start: '2024-11-01',
      end: '2026-10-31',
    });
  });

  it('names the previous financial quarter', () => {
    expect(previousQuarterId('quarter:2026-27-Q1')).toBe('quarter:2025-26-Q4');
    expect(previousQuarterId('quarter:2026-27-Q3')).toBe('quarter:2026-27-Q2');
    expect(previousQuarterId('quarter:2099-00-Q1')).toBe('quarter:2098-99-Q4');
  });

  it('counts whole years (a birthday not yet reached counts one less)', () => {
    expect(wholeYears('2007-06-30', '2026-06-29')).toBe(18);
    expect(wholeYears('2007-06-30', '2026-06-30')).toBe(19);
    // 29 February: the birthday in a common year is reached on 1 March.
    expect(wholeYears('2020-02-29', '2025-02-28')).toBe(4);
    expect(wholeYears('2020-02-29', '2025-03-01')).toBe(5);
  });
});

describe('reach: residence, moves, deaths, under 5, unassigned', () => {
  // Period month:2026-06, last day 2026-06-30.
  const world = byDate([
    born(birth('A', '2026-01-10', 'L1')), // C01
    born(birth('B', '2025-05-01', 'L1')),
    movedWithin('2026-03-01', 'B', 'L3'), // now C02
    born(birth('C', '2025-02-01', 'L1')),
    movedOut('2026-04-01', 'C'), // not resident
    born(birth('D', '2025-06-01', 'L1')),
    died('2026-06-30', 'D'), // death on the last day: not alive
    born(birth('E', '2021-06-30', 'L1')), // fifth birthday on the last day: not under 5
    born(birth('F', '2021-07-01', 'L1')), // fifth birthday the day after: under 5
    movedIn('2026-02-01', birth('G', '2024-01-01', 'L4'), 'L2'), // move in to C01 (its birth LSOA is irrelevant)
    born(birth('I', '2026-02-01', 'L5')), // outside every reach area: LA only
    born(birth('J', '2026-02-01', undefined)), // unknown LSOA: LA only
    born(birth('K', '2026-02-01', 'L1', { sensitive: true })), // sensitive: LA only
    born(birth('L', '2026-05-01', 'L1')),
    movedWithin('2026-05-01', 'L', 'L3'), // same day, later in the log: C02 wins
    movedWithin('2026-07-01', 'A', 'L4'), // after the period: irrelevant
    movedWithin('2026-03-01', 'NOBODY', 'L1'), // a move of a child unknown to births: ignored
  ]);
  const population = (area: string): number =>
    expectedReach(world, boundaries, area, 'month:2026-06', OPTIONS).rows.all.population;

  it('counts residents alive and under 5 on the last day, by area', () => {
    // C01: A, F, G.  C02: B, L.  CL1: both = 5.  CL2 (C03): none.
    // LA: the 5 plus the unassigned I, J, K = 8 (C, D, E out).
    expect(population('centre:C01')).toBe(3);
    expect(population('centre:C02')).toBe(2);
    expect(population('cluster:CL1')).toBe(5);
    expect(population('cluster:CL2')).toBe(0);
    expect(population(`la:${LA}`)).toBe(8);
  });

  it('echoes the area, period, dates and boundary version', () => {
    const fig = expectedReach(world, boundaries, 'centre:C01', 'month:2026-06', OPTIONS);
    expect(fig).toMatchObject({
      area: 'centre:C01',
      period: 'month:2026-06',
      start: '2026-06-01',
      end: '2026-06-30',
      boundaryVersion: 'boundaries:1',
    });
  });

  it('a child who died the day after the last day still counts', () => {
    const w = [born(birth('X', '2026-01-01', 'L1')), died('2026-07-01', 'X')];
    expect(
      expectedReach(w, boundaries, 'centre:C01', 'month:2026-06', OPTIONS).rows.all.population,
    ).toBe(1);
  });
});

describe('reach: registration, withdrawal and new families', () => {
  const world = byDate([
    born(birth('A', '2026-01-10', 'L1')),
    born(birth('F', '2025-01-01', 'L1')),
    movedIn('2026-02-01', birth('G', '2024-01-01', undefined), 'L2'),
    born(birth('B', '2025-05-01', 'L3')),
    registered('2026-03-01', 'F1', 'C02', [
      { childRef: 'a', nhsNumber: 'A', birthDate: '2026-01-10' },
    ]),
    registered('2026-02-10', 'F2', 'C01', [
      { childRef: 'g', nhsNumber: 'G', birthDate: '2024-01-01' },
    ]),
    {
      kind: 'family-withdrawn',
      date: '2026-06-30',
      familyRef: 'F2',
      reason: 'left',
      reportedOn: '2026-06-30',
    },
    registered('2026-07-01', 'F3', 'C01', [
      { childRef: 'f', nhsNumber: 'F', birthDate: '2025-01-01' },
    ]),
    registered('2026-06-30', 'F4', 'C03', [
      { childRef: 'b', nhsNumber: 'B', birthDate: '2025-05-01' },
    ]),
  ]);

  it('counts registered (any centre of the LA) and registered here', () => {
    // C01 population A, F, G. A registered at C02 (not here); G withdrawn on the last day;
    // F registered the day after.  → registered 1, here 0.
    const c01 = expectedReach(world, boundaries, 'centre:C01', 'month:2026-06', OPTIONS).rows.all;
    expect(c01).toMatchObject({ population: 3, registered: 1, registeredHere: 0 });
    // CL1 (C01 + C02): population A, F, G, B; registered A (C02, here) and B (C03, not here).
    const cl1 = expectedReach(world, boundaries, 'cluster:CL1', 'month:2026-06', OPTIONS).rows.all;
    expect(cl1).toMatchObject({ population: 4, registered: 2, registeredHere: 1 });
    const la = expectedReach(world, boundaries, `la:${LA}`, 'month:2026-06', OPTIONS).rows.all;
    expect(la).toMatchObject({ population: 4, registered: 2, registeredHere: 2 });
  });

  it('counts new families registered in the period, per month', () => {
    // Q1 2026-27 at the LA: F4 (2026-06-30) only; F3 is in July.
    const q1 = expectedReach(world, boundaries, `la:${LA}`, 'quarter:2026-27-Q1', OPTIONS);
    expect(q1.newFamilies).toEqual({
      total: 1,
      byMonth: { '2026-04': 0, '2026-05': 0, '2026-06': 1 },
    });
    // Year 2025-26 at C01: F2 (February; withdrawn later, still new then). F1 is at C02.
    const year = expectedReach(world, boundaries, 'centre:C01', 'year:2025-26', OPTIONS);
    expect(year.newFamilies.total).toBe(1);
    expect(year.newFamilies.byMonth['2026-02']).toBe(1);
    expect(Object.keys(year.newFamilies.byMonth)).toHaveLength(12);
  });
});

describe('reach: seen, sustained, repeat attenders, attendances', () => {
  const world = byDate([
    born(birth('P1', '2026-01-01', 'L1')),
    born(birth('P2', '2026-01-01', 'L2')),
    registered(
      '2026-01-05',
      'FP1',
      'C01',
      [{ childRef: 'c1', nhsNumber: 'P1', birthDate: '2026-01-01' }],
      [carer('m1', 'mother'), carer('f1', 'father')],
    ),
    registered('2026-01-05', 'FP2', 'C01', [
      { childRef: 'c2', nhsNumber: 'P2', birthDate: '2026-01-01' },
    ]),
    // P1: two sessions at C01 on 06-02, a completed outreach on 06-10, one that failed on
    // 06-11, a session at C03 on 06-20, and one at C01 on 05-31 (before the period).
    session('2026-05-31', 'C01', [{ familyRef: 'FP1', childRef: 'c1' }]),
    session('2026-06-02', 'C01', [
      { familyRef: 'FP1', childRef: 'c1' },
      { familyRef: 'FP1', carerRef: 'm1' },
    ]),
    session('2026-06-02', 'C01', [{ familyRef: 'FP1', childRef: 'c1' }]),
    outreach('2026-06-10', 'FP1', ['c1']),
    outreach('2026-06-11', 'FP1', ['c1'], 'no_answer'),
    session('2026-06-20', 'C03', [{ familyRef: 'FP1', childRef: 'c1' }]),
    // P2: two sessions at C01 on the same day (06-05) and an outreach on 06-06.
    session('2026-06-05', 'C01', [{ familyRef: 'FP2', childRef: 'c2' }]),
    session('2026-06-05', 'C01', [
      { familyRef: 'FP2', childRef: 'c2' },
      { familyRef: 'FP2', carerRef: 'FP2-m' },
    ]),
    outreach('2026-06-06', 'FP2', ['c2']),
    // An attendance by a child of a family the services never heard of.
    session('2026-06-15', 'C01', [{ familyRef: 'FX', childRef: 'x' }]),
  ]);

  it('counts contacts at any centre, attendances at the area centres', () => {
    // P1 contacts in June: 06-02, 06-02, 06-10 (outreach), 06-20 → 4: seen, sustained;
    //   attendance days 06-02, 06-20 → repeat.
    // P2 contacts: 06-05, 06-05, 06-06 → 3: seen, sustained; one attendance day → not repeat.
    // Attendances at C01 in June: P1 2, P2 2, the unlinked child 1 → 5 (carers not counted).
    const fig = expectedReach(world, boundaries, 'centre:C01', 'month:2026-06', OPTIONS);
    expect(fig.rows.all).toMatchObject({
      population: 2,
      seen: 2,
      sustained: 2,
      repeatAttenders: 1,
      attendances: 5,
    });
    // Father row: P1 (father named): its 2 attendances at C01.
    expect(fig.rows['father:yes']).toMatchObject({
      population: 1,
      seen: 1,
      sustained: 1,
      repeatAttenders: 1,
      attendances: 2,
    });
    expect(fig.rows['father:unknown']).toMatchObject({ population: 0, attendances: 0 });
  });

  it('takes the sustained threshold from the options', () => {
    // Threshold 4: P1 (4 contacts) only.
    const fig = expectedReach(world, boundaries, 'centre:C01', 'month:2026-06', {
      ...OPTIONS,
      sustainedThreshold: 4,
    });
    expect(fig.rows.all.sustained).toBe(1);
  });

  it('counts attendances at C03 for C03 even when the child lives elsewhere', () => {
    const fig = expectedReach(world, boundaries, 'centre:C03', 'month:2026-06', OPTIONS);
    expect(fig.rows.all).toMatchObject({ population: 0, attendances: 1 });
  });
});

describe('reach: timeliness', () => {
  // Quarter 2026-27 Q1 (2026-04-01..06-30), the LA; each child in its own family at C01.
  const child = (nhs: string): { childRef: string; nhsNumber: string; birthDate: string } => ({
    childRef: nhs.toLowerCase(),
    nhsNumber: nhs,
    birthDate: '2026-01-01',
  });
  const world = byDate([
    born(birth('T1', '2026-04-01', 'L1')),
    born(birth('T2', '2026-04-10', 'L1')),
    movedIn('2026-05-01', birth('T3', '2025-01-01', undefined), 'L2'),
    born(birth('T4', '2026-06-01', 'L1')),
    born(birth('T5', '2026-03-31', 'L1')),
    born(birth('T6', '2026-06-20', 'L3')),
    ...['T1', 'T2', 'T3', 'T4', 'T5', 'T6'].map((n) =>
      registered('2026-04-01', `F${n}`, 'C01', [child(n)]),
    ),
    outreach('2026-04-21', 'FT1', ['t1']), // T1: 20 days
    outreach('2026-05-11', 'FT2', ['t2']), // T2: 31 days
    outreach('2026-04-20', 'FT3', ['t3']), // T3: before its start (move in), ignored
    session('2026-05-05', 'C02', [{ familyRef: 'FT3', childRef: 't3' }]), // T3: 4 days
    outreach('2026-04-01', 'FT5', ['t5']), // T5: start before the period, not in the cohort
    outreach('2026-08-01', 'FT6', ['t6']), // T6: 42 days, after the period
  ]);

  it('counts the cohort, contacts within 30 days and the median', () => {
    // Cohort: T1, T2, T3, T4, T6 = 5 (T5 born in March).
    // Within 30 days: T1 (20), T3 (4) = 2. T2 31 days, T4 never, T6 42 days.
    // Median over contacted members: 4, 20, 31, 42 → (20 + 31) / 2 = 25.5.
    const fig = expectedReach(world, boundaries, `la:${LA}`, 'quarter:2026-27-Q1', OPTIONS);
    expect(fig.rows.all).toMatchObject({
      population: 6,
      timelinessCohort: 5,
      contactedWithin30Days: 2,
      medianDaysToFirstContact: 25.5,
    });
    // C02 has T6 only: cohort 1, not within 30 days, median 42.
    const c02 = expectedReach(world, boundaries, 'centre:C02', 'quarter:2026-27-Q1', OPTIONS);
    expect(c02.rows.all).toMatchObject({
      timelinessCohort: 1,
      contactedWithin30Days: 0,
      medianDaysToFirstContact: 42,
    });
    // C03: no cohort → median null.
    const c03 = expectedReach(world, boundaries, 'centre:C03', 'quarter:2026-27-Q1', OPTIONS);
    expect(c03.rows.all.medianDaysToFirstContact).toBeNull();
  });
});

describe('reach: target groups', () => {
  // month:2026-06 at the LA; last day 2026-06-30.
  const world = byDate([
    // G1: mother 19 at the birth; A; L1 (decile 1); registered, lone parent from a change,
    // carer unemployed and disabled, no father, child disabled.
    born(
      birth('G1', '2026-01-01', 'L1', {
        mother: { givenName: 'M', familyName: 'G1', birthDate: '2006-06-01' },
      }),
    ),
    registered(
      '2026-02-01',
      'GF1',
      'C01',
      [{ childRef: 'g1', nhsNumber: 'G1', birthDate: '2026-01-01', disability: 'yes' }],
      [carer('gm1', 'mother', { employmentStatus: 'unemployed', disability: 'yes' })],
      'no',
    ),
    {
      kind: 'family-changed',
      date: '2026-05-01',
      familyRef: 'GF1',
      loneParent: 'yes',
      reportedOn: '2026-05-01',
    },
    // G2: no mother's birth date, Z, L2 (decile 5), not registered.
    born(
      birth('G2', '2026-01-01', 'L2', {
        ethnicCategory: 'Z',
        mother: { givenName: 'M', familyName: 'G2', birthDate: undefined as unknown as string },
      }),
    ),
    // G3: moved in (facts not known to births) to L5 (no decile); registered: mother born
    // 2008-03-01, form date of birth 2026-02-28 → 17; its birth fact says M; mother's
    // employment unknown, father unemployed; nobody disabled; lone parent unknown (changed
    // only after the period); child's disability unknown.
    movedIn('2026-03-01', birth('G3', '2026-02-28', 'L4', { ethnicCategory: 'M' }), 'L5'),
    registered(
      '2026-03-05',
      'GF3',
      'C01',
      [{ childRef: 'g3', nhsNumber: 'G3', birthDate: '2026-02-28', disability: 'unknown' }],
      [
        carer('gm3', 'mother', { birthDate: '2008-03-01', employmentStatus: 'unknown' }),
        carer('gf3', 'father', { employmentStatus: 'unemployed' }),
      ],
      'unknown',
    ),
    {
      kind: 'family-changed',
      date: '2026-07-01',
      familyRef: 'GF3',
      loneParent: 'no',
      reportedOn: '2026-07-01',
    },
    // G4: moved in to L3 (decile 3), not registered: its B category is unknown to the services.
    movedIn('2026-03-01', birth('G4', '2025-01-01', 'L3', { ethnicCategory: 'B' }), 'L3'),
    // G5: blank category; L2; registered but the family withdrew before the last day.
    born(birth('G5', '2026-01-01', 'L2', { ethnicCategory: '' })),
    registered('2026-02-01', 'GF5', 'C01', [
      { childRef: 'g5', nhsNumber: 'G5', birthDate: '2026-01-01' },
    ]),
    {
      kind: 'family-withdrawn',
      date: '2026-06-15',
      familyRef: 'GF5',
      reason: 'left',
      reportedOn: '2026-06-15',
    },
    // G6: H; L4 (decile 10); mother and self-employed father, nobody disabled.
    born(birth('G6', '2026-01-01', 'L4', { ethnicCategory: 'H' })),
    registered(
      '2026-02-01',
      'GF6',
      'C03',
      [{ childRef: 'g6', nhsNumber: 'G6', birthDate: '2026-01-01' }],
      [
        carer('gm6', 'mother', { employmentStatus: 'unemployed' }),
        carer('gf6', 'father', { employmentStatus: 'self_employed' }),
      ],
      'no',
    ),
  ]);
  const rows = expectedReach(world, boundaries, `la:${LA}`, 'month:2026-06', OPTIONS).rows;

  it('counts the population of each group row', () => {
    expect(rows.all.population).toBe(6);
    expect(rows.all.registered).toBe(3); // G1, G3, G6 (G5 withdrawn)
    // teenage: yes G1 (19), G3 (17 from the registration); unknown G2, G4; G5, G6 no.
    expect(rows['teenage_mother:yes'].population).toBe(2);
    expect(rows['teenage_mother:unknown'].population).toBe(2);
    // minority: yes G3 (M via the registration), G6 (H); unknown G2 (Z), G4, G5 (blank).
    expect(rows['minority_ethnic:yes'].population).toBe(2);
    expect(rows['minority_ethnic:unknown'].population).toBe(3);
    // deprived: yes G1 (L1), G4 (L3); unknown G3 (L5).
    expect(rows['deprived_30:yes'].population).toBe(2);
    expect(rows['deprived_30:unknown'].population).toBe(1);
    // lone parent: yes G1 (changed 05-01); unknown G3 (still unknown), G2, G4, G5; G6 no.
    expect(rows['lone_parent:yes'].population).toBe(1);
    expect(rows['lone_parent:unknown'].population).toBe(4);
    // workless: yes G1; unknown G3 (mother unknown, nobody employed), G2, G4, G5; G6 no.
    expect(rows['workless_household:yes'].population).toBe(1);
    expect(rows['workless_household:unknown'].population).toBe(4);
    // disabled child: yes G1; unknown G3 and the three unregistered; G6 no.
    expect(rows['disabled_child:yes'].population).toBe(1);
    expect(rows['disabled_child:unknown'].population).toBe(4);
    // disabled parent: yes G1; G3, G6 no; unknown the three unregistered.
    expect(rows['disabled_parent:yes'].population).toBe(1);
    expect(rows['disabled_parent:unknown'].population).toBe(3);
    // father: yes G3, G6; G1 no; unknown the three unregistered.
    expect(rows['father:yes'].population).toBe(2);
    expect(rows['father:unknown'].population).toBe(3);
    // Registered in the father row: G3, G6.
    expect(rows['father:yes'].registered).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------

describe('Wilson interval, comparison and change', () => {
  it('matches a hand-computed interval', () => {
    // O = 5, n = 20, z = 1.959964: z² = 3.841458880; 2O + z² = 13.841458880;
    // 4O(1 − O/n) = 15; √(18.841458880) = 4.340674931; × z = 8.507566...;
    // lower = (13.841458880 − 8.507566) / (2 × 23.841458880) = 5.333893 / 47.682918 = 0.1118617007
    // upper = (13.841458880 + 8.507566) / 47.682918 = 0.4687008794
    const w = wilson(5, 20)!;
    expect(Math.abs(w.lower - 0.1118617007)).toBeLessThan(1e-9);
    expect(Math.abs(w.upper - 0.4687008794)).toBeLessThan(1e-9);
    // O = 0: lower 0, upper z²/(n + z²); O = n: lower n/(n + z²), upper 1.
    const z2 = 1.959964 ** 2;
    expect(wilson(0, 10)!.lower).toBeCloseTo(0, 12);
    expect(wilson(0, 10)!.upper).toBeCloseTo(z2 / (10 + z2), 12);
    expect(wilson(10, 10)!.lower).toBeCloseTo(10 / (10 + z2), 12);
    expect(wilson(10, 10)!.upper).toBeCloseTo(1, 12);
    expect(proportion(0, 0)).toEqual({
      numerator: 0,
      denominator: 0,
      value: null,
      lower: null,
      upper: null,
    });
  });

  it('compares with a benchmark by polarity', () => {
    const p = proportion(5, 20); // 0.25 in [0.1119, 0.4687]
    expect(compare(p, 0.3, 'lower_is_better')).toBe('similar');
    expect(compare(p, 0.11186, 'higher_is_better')).toBe('better'); // just below the lower bound
    expect(compare(p, p.lower, 'higher_is_better')).toBe('similar'); // on the bound: inside
    expect(compare(p, 0.05, 'lower_is_better')).toBe('worse');
    expect(compare(p, 0.05, 'no_judgement')).toBe('higher');
    expect(compare(p, 0.6, 'higher_is_better')).toBe('worse');
    expect(compare(p, 0.6, 'lower_is_better')).toBe('better');
    expect(compare(p, 0.6, 'no_judgement')).toBe('lower');
    expect(compare(p, null, 'no_judgement')).toBe('not_compared');
    expect(compare(proportion(0, 0), 0.5, 'no_judgement')).toBe('not_compared');
  });

  it('flags a change only when the intervals do not overlap', () => {
    // 0/10: [0, 0.2775]; 10/10: [0.7225, 1]; 5/20: [0.1119, 0.4687].
    expect(changeBetween(proportion(10, 10), proportion(0, 10))).toBe('significant_increase');
    expect(changeBetween(proportion(0, 10), proportion(10, 10))).toBe('significant_decrease');
    expect(changeBetween(proportion(5, 20), proportion(0, 10))).toBe('no_significant_change');
    expect(changeBetween(proportion(5, 20), proportion(0, 0))).toBe('not_compared');
  });
});

describe('health indicators', () => {
  // Quarter 2026-27 Q1 (2026-04-01..06-30) at C01 (L1, L2); previous quarter 2025-26 Q4.
  const teenMum = { givenName: 'M', familyName: 'T', birthDate: '2008-01-01' }; // 18 at the twins' birth
  const world = byDate([
    // Previous quarter, C01.
    born(birth('B0', '2026-03-25', 'L1')),
    born(birth('B6', '2026-03-30', 'L1')),
    movedOut('2026-04-10', 'B6'),
    // This quarter, C01.
    born(
      birth('B1', '2026-04-05', 'L1', { birthWeightGrams: 3000, deliveryMethod: 'spontaneous' }),
    ),
    born(
      birth('B2a', '2026-04-10', 'L1', {
        birthWeightGrams: 2400,
        gestationWeeks: 37,
        deliveryMethod: 'caesarean_emergency',
        multipleBirthOrder: 1,
        deliveryId: 'TW',
        smokingAtDelivery: 'Y',
        ethnicCategory: 'H',
        mother: teenMum,
      }),
    ),
    born(
      birth('B2b', '2026-04-10', 'L1', {
        birthWeightGrams: 2300,
        gestationWeeks: 37,
        deliveryMethod: 'caesarean_emergency',
        multipleBirthOrder: 2,
        deliveryId: 'TW',
        smokingAtDelivery: 'Y',
        ethnicCategory: 'H',
        mother: teenMum,
      }),
    ),
    born(
      birth('B3', '2026-05-01', 'L2', {
        birthWeightGrams: 2000,
        gestationWeeks: 35,
        deliveryMethod: 'instrumental',
        smokingAtDelivery: 'U',
        ethnicCategory: 'Z',
        mother: { givenName: 'M', familyName: 'B3', birthDate: undefined as unknown as string },
      }),
    ),
    born(
      birth('B4', '2026-06-01', 'L2', {
        birthWeightGrams: 2499,
        gestationWeeks: 38,
        deliveryMethod: 'unknown',
        ethnicCategory: 'D',
      }),
    ),
    born(birth('B5', '2026-06-20', 'L1', { birthWeightGrams: 3500, gestationWeeks: 39 })),
    movedIn('2026-04-10', birth('M1', '2026-03-01', undefined, { ethnicCategory: 'A' }), 'L2'),
    // Elsewhere in the LA this quarter (C03): ten term births of 3,200 g, spontaneous, N.
    ...Array.from({ length: 10 }, (_, i) =>
      born(birth(`LA${i}`, '2026-05-15', 'L4', { birthWeightGrams: 3200 })),
    ),
    // New-birth visits.
    hv('2026-04-02', 'B0', 'new_birth_visit', 'completed', 'totally_breastfed'),
    hv('2026-04-05', 'B0', 'new_birth_visit', 'completed', 'not_breastfed'), // later: ignored
    hv('2026-04-15', 'B1', 'new_birth_visit', 'completed', 'totally_breastfed'),
    hv('2026-04-20', 'B2a', 'new_birth_visit', 'completed', 'partially_breastfed'),
    hv('2026-04-20', 'B2b', 'new_birth_visit', 'completed', 'not_breastfed'),
    hv('2026-05-10', 'B3', 'new_birth_visit', 'did_not_attend'),
    hv('2026-05-20', 'B3', 'new_birth_visit', 'completed', 'unknown'),
    hv('2026-04-01', 'B3', 'antenatal', 'completed'), // antenatal: ignored
    // 6-8 week reviews.
    hv('2026-05-20', 'B0', 'review_6_8_week', 'completed', 'totally_breastfed'),
    hv('2026-05-31', 'B1', 'review_6_8_week', 'did_not_attend', 'totally_breastfed'),
    hv('2026-06-05', 'B2a', 'review_6_8_week', 'completed', 'not_breastfed'),
    hv('2026-06-05', 'B2b', 'review_6_8_week', 'completed'),
    hv('2026-06-26', 'B3', 'review_6_8_week', 'completed', 'unknown'),
    hv('2026-04-28', 'M1', 'review_6_8_week', 'completed', 'partially_breastfed'),
  ]);
  const fig = expectedIndicators(world, boundaries, 'centre:C01', 'quarter:2026-27-Q1', {
    ...OPTIONS,
    englandValues: {
      low_birth_weight_term: 0.5,
      smoking_at_delivery: 0.9,
      normal_delivery: 0.1,
      nbv_within_14_days: 0.2,
      breastfeeding_6_8_weeks: 0.99,
    },
  });
  const ind = fig.indicators;

  it('low birth weight of term babies (twins count as two births)', () => {
    // Term with a weight: B1 3000, B2a 2400, B2b 2300, B4 2499, B5 3500 (B3 35 weeks) → 3/5.
    expect(ind.low_birth_weight_term.breakdowns.all).toMatchObject({
      numerator: 3,
      denominator: 5,
      value: 0.6,
    });
    // Teenage mother yes: the twins 2/2; no: B1, B4, B5 1/3; unknown: B3 excluded → 0/0.
    expect(ind.low_birth_weight_term.breakdowns['teenage_mother:yes']).toMatchObject({
      numerator: 2,
      denominator: 2,
    });
    expect(ind.low_birth_weight_term.breakdowns['teenage_mother:no']).toMatchObject({
      numerator: 1,
      denominator: 3,
    });
    expect(ind.low_birth_weight_term.breakdowns['teenage_mother:unknown']).toMatchObject({
      numerator: 0,
      denominator: 0,
      value: null,
      lower: null,
      upper: null,
    });
    // Ethnic: white B1, B5 0/2; asian the twins 2/2; mixed B4 1/1.
    expect(ind.low_birth_weight_term.breakdowns['ethnic_group:white']).toMatchObject({
      numerator: 0,
      denominator: 2,
    });
    expect(ind.low_birth_weight_term.breakdowns['ethnic_group:asian']).toMatchObject({
      numerator: 2,
      denominator: 2,
    });
    expect(ind.low_birth_weight_term.breakdowns['ethnic_group:mixed']).toMatchObject({
      numerator: 1,
      denominator: 1,
    });
    expect(ind.low_birth_weight_term.polarity).toBe('lower_is_better');
  });

  it('smoking at delivery and normal delivery count the twins as one delivery', () => {
    // Deliveries: B1 N, twins Y (once), B3 U (excluded), B4 N, B5 N → 1/4.
    expect(ind.smoking_at_delivery.breakdowns.all).toMatchObject({
      numerator: 1,
      denominator: 4,
      value: 0.25,
    });
    expect(ind.smoking_at_delivery.breakdowns['teenage_mother:yes']).toMatchObject({
      numerator: 1,
      denominator: 1,
    });
    // Known method: B1 spontaneous, twins caesarean (once), B3 instrumental, B5 spontaneous;
    // B4 unknown excluded → 2/4.
    expect(ind.normal_delivery.breakdowns.all).toMatchObject({
      numerator: 2,
      denominator: 4,
      value: 0.5,
    });
    expect(ind.normal_delivery.breakdowns['ethnic_group:unknown']).toMatchObject({
      numerator: 0,
      denominator: 1,
    });
  });

  it('breastfeeding at the new-birth visit', () => {
    // Turn 14 days in the quarter, resident in C01 that day: B0 (04-08), B1 (04-19),
    // B2a, B2b (04-24), B3 (05-15), B4 (06-15); not B6 (moved out), B5 (07-04), M1 (moved in).
    // Breastfed (earliest completed NBV): B0, B1, B2a = 3; recorded B0, B1, B2a, B2b = 4.
    expect(ind.breastfeeding_nbv.breakdowns.all).toMatchObject({
      numerator: 3,
      denominator: 6,
      value: 0.5,
      recorded: 4,
      valueOfRecorded: 0.75,
      completeness: 4 / 6,
    });
    expect(ind.breastfeeding_nbv.comparedWithEngland).toBe('not_compared');
    expect(ind.breastfeeding_nbv.englandValue).toBeNull();
  });

  it('breastfeeding at 6-8 weeks', () => {
    // Turn 56 days in the quarter: B0 (05-20), B1 (05-31), B2a, B2b (06-05), B3 (06-26),
    // M1 (04-26, moved in to L2 on 04-10) = 6. Breastfed: B0, M1 = 2. Recorded: B0, B2a, M1 = 3
    // (B1 did not attend, B2b no status, B3 unknown).
    expect(ind.breastfeeding_6_8_weeks.breakdowns.all).toMatchObject({
      numerator: 2,
      denominator: 6,
      recorded: 3,
      completeness: 0.5,
    });
    expect(ind.breastfeeding_6_8_weeks.breakdowns.all.valueOfRecorded).toBeCloseTo(2 / 3, 12);
    // M1 moved in: births know no mother's age or category → unknown in both breakdowns.
    expect(ind.breastfeeding_6_8_weeks.breakdowns['teenage_mother:unknown']).toMatchObject({
      numerator: 1,
      denominator: 2, // B3 and M1
    });
    expect(ind.breastfeeding_6_8_weeks.breakdowns['ethnic_group:unknown']).toMatchObject({
      numerator: 1,
      denominator: 2, // B3 (Z) and M1
    });
  });

  it('new-birth visit within 14 days', () => {
    // Turn 30 days in the quarter: B0 (04-24), B1 (05-05), B2a, B2b (05-10), B3 (05-31) = 5;
    // B6 not resident on 04-29; B4 turns 30 on 07-01.
    // Within 14 days: B0 8, B1 10, B2a 10, B2b 10; B3's completed visit on day 19 → 4/5.
    expect(ind.nbv_within_14_days.breakdowns.all).toMatchObject({
      numerator: 4,
      denominator: 5,
      value: 0.8,
    });
  });

  it('compares with the LA and England', () => {
    // LBW: area 3/5, Wilson ≈ [0.2307, 0.8824]; LA 3/15 = 0.2 below it → area higher,
    // lower is better → worse. England 0.5 inside → similar.
    const lbw = ind.low_birth_weight_term;
    expect(lbw.breakdowns.all.lower!).toBeGreaterThan(0.2);
    expect(lbw.comparedWithLa).toBe('worse');
    expect(lbw.comparedWithEngland).toBe('similar');
    expect(lbw.englandValue).toBe(0.5);
    // Smoking 1/4, upper ≈ 0.70; England 0.9 above → area lower → better. LA 1/14 ≈ 0.071
    // inside [0.046, 0.70] → similar.
    expect(ind.smoking_at_delivery.comparedWithEngland).toBe('better');
    expect(ind.smoking_at_delivery.comparedWithLa).toBe('similar');
    // Normal delivery 2/4, lower ≈ 0.150; England 0.1 below → higher (no judgement).
    expect(ind.normal_delivery.comparedWithEngland).toBe('higher');
    // NBV within 14 days 4/5, lower ≈ 0.376; England 0.2 below → better.
    expect(ind.nbv_within_14_days.comparedWithEngland).toBe('better');
    // Breastfeeding 6-8 weeks 2/6, upper ≈ 0.70; England 0.99 above → worse.
    expect(ind.breastfeeding_6_8_weeks.comparedWithEngland).toBe('worse');
  });

  it('reports the previous quarter and the change', () => {
    // Previous quarter (Jan-Mar 2026) at C01: births B0, B6 → LBW 0/2, [0, 0.658]: overlaps
    // [0.2307, 0.8824] → no significant change.
    const lbw = ind.low_birth_weight_term;
    expect(lbw.previousQuarter).toMatchObject({ numerator: 0, denominator: 2, value: 0 });
    expect(lbw.change).toBe('no_significant_change');
    // Breastfeeding at NBV in the previous quarter: nobody turned 14 days (B0 on 04-08) → 0/0.
    expect(ind.breastfeeding_nbv.previousQuarter.denominator).toBe(0);
    expect(ind.breastfeeding_nbv.change).toBe('not_compared');
  });

  it('finds a significant change and compares the LA with itself', () => {
    // Q4 2025-26: ten non-smoking deliveries (0/10, upper 0.2775); Q1 2026-27: ten smoking
    // (10/10, lower 0.7225) → significant increase.
    const w = byDate([
      ...Array.from({ length: 10 }, (_, i) => born(birth(`P${i}`, '2026-02-01', 'L4'))),
      ...Array.from({ length: 10 }, (_, i) =>
        born(birth(`Q${i}`, '2026-05-01', 'L4', { smokingAtDelivery: 'Y' })),
      ),
    ]);
    const f = expectedIndicators(w, boundaries, `la:${LA}`, 'quarter:2026-27-Q1', OPTIONS);
    expect(f.indicators.smoking_at_delivery.change).toBe('significant_increase');
    expect(f.indicators.smoking_at_delivery.comparedWithLa).toBe('similar');
    expect(f.boundaryVersion).toBe('boundaries:1');
    // The area C03 holds them all too.
    const c03 = expectedIndicators(w, boundaries, 'centre:C03', 'quarter:2026-27-Q1', OPTIONS);
    expect(c03.indicators.smoking_at_delivery.breakdowns.all.numerator).toBe(10);
    expect(
      expectedIndicators(w, boundaries, 'centre:C01', 'quarter:2026-27-Q1', OPTIONS).indicators
        .smoking_at_delivery.comparedWithLa,
    ).toBe('not_compared');
  });
});
