import type { CloudEvent } from '@lib/contracts';
import { born, calculatorAfter, event } from '../../../../tests/support/ledger-events';
import { outreachWorklist } from './outreach-worklist';

const TODAY = '2026-11-20';

/** The worklist of C1 after applying the events (pseudonym = `p` + NHS number). */
function worklistAfter(events: CloudEvent[], afterDays = 14): string[] {
  const calculator = calculatorAfter(events);
  const map = calculator.boundaryVersion(undefined, TODAY);
  return outreachWorklist(
    calculator.children(),
    (p) => p.slice(1),
    map,
    'C1',
    TODAY,
    afterDays,
  ).map((e) => e.nhsNumber);
}

describe('outreach worklist', () => {
  it('lists unreached children of the area, oldest first, once the days have passed', () => {
    const events = [
      born('9990000001', '2026-10-01'),
      born('9990000002', '2026-09-01'),
      born('9990000003', '2026-11-15'), // 5 days old: not yet
      born('9990000004', '2026-09-15', { lsoa: 'L2' }), // another centre's area
    ];
    expect(worklistAfter(events)).toEqual(['9990000002', '9990000001']);
    expect(worklistAfter(events, 0)).toEqual(['9990000002', '9990000001', '9990000003']);
  });

  it('never lists a child who died, whatever the death date, or a sensitive one', () => {
    const events = [
      born('9990000001', '2026-10-01'),
      born('9990000002', '2026-10-02'),
      born('9990000005', '2026-10-03', { sensitive: true }),
      event('DeathNotified', { nhsNumber: '9990000001', dateOfDeath: '2026-12-30' }),
    ];
    expect(worklistAfter(events)).toEqual(['9990000002']);
  });

  it('drops a child under an objection, and lists it again once the objection is withdrawn', () => {
    const objected = [
      born('9990000001', '2026-10-01', { sharingObjection: true }),
      born('9990000002', '2026-10-02'),
      event('SharingObjectionRecorded', { nhsNumber: '9990000002', effectiveDate: '2026-10-20' }),
    ];
    expect(worklistAfter(objected)).toEqual([]);
    const withdrawn = [
      ...objected,
      event('SharingObjectionWithdrawn', { nhsNumber: '9990000002', effectiveDate: '2026-11-01' }),
      // Dated before the objection: the latest effective date wins, so it stays objected.
      event('SharingObjectionWithdrawn', { nhsNumber: '9990000001', effectiveDate: '2026-09-01' }),
    ];
    expect(worklistAfter(withdrawn)).toEqual(['9990000002']);
  });

  it('lets a child leave once a centre reaches the family (completed outreach), not on an attempt', () => {
    const events = [born('9990000001', '2026-10-01'), born('9990000002', '2026-10-02')];
    const attempt = event('OutreachContactRecorded', {
      outreachId: 'o1',
      centreId: 'C1',
      date: '2026-11-02',
      outcome: 'no_answer',
      childKeys: ['9990000001'],
    });
    const done = event('OutreachContactRecorded', {
      outreachId: 'o2',
      centreId: 'C1',
      date: '2026-11-03',
      outcome: 'completed',
      childKeys: ['9990000002'],
    });
    expect(worklistAfter([...events, attempt, done])).toEqual(['9990000001']);
  });

  it('follows moves: in from elsewhere (listed), out of the LA (gone)', () => {
    const events = [
      born('9990000001', '2026-09-01'),
      event('ResidenceChanged', {
        nhsNumber: '9990000001',
        birthDate: '2026-09-01',
        direction: 'out',
        effectiveDate: '2026-10-10',
      }),
      event('ResidenceChanged', {
        nhsNumber: '9990000006',
        birthDate: '2025-05-01',
        direction: 'in',
        lsoa: 'L1',
        effectiveDate: '2026-10-01',
      }),
    ];
    expect(worklistAfter(events)).toEqual(['9990000006']);
  });

  it('takes back what a withdrawn death or move did', () => {
    const died = event(
      'DeathNotified',
      { nhsNumber: '9990000001', dateOfDeath: '2026-10-20' },
      { subjectversion: 2 },
    );
    const movedOut = event(
      'ResidenceChanged',
      {
        nhsNumber: '9990000002',
        birthDate: '2026-09-02',
        direction: 'out',
        effectiveDate: '2026-10-10',
      },
      { subjectversion: 2 },
    );
    const before = [
      born('9990000001', '2026-09-01'),
      born('9990000002', '2026-09-02'),
      died,
      movedOut,
    ];
    expect(worklistAfter(before)).toEqual([]);
    const withdrawn = [
      ...before,
      event(
        'DeathRetracted',
        { nhsNumber: '9990000001', dateOfDeath: '2026-10-20' },
        { subjectversion: 3 },
      ),
      event(
        'ResidenceChangeRetracted',
        {
          nhsNumber: '9990000002',
          retractedEventId: movedOut.id,
          effectiveDate: '2026-10-10',
          residenceNow: { from: '2026-09-02', postcodeDistrict: null, lsoa: 'L1', centreId: 'C1' },
        },
        { subjectversion: 3 },
      ),
    ];
    expect(worklistAfter(withdrawn)).toEqual(['9990000001', '9990000002']);
    // A copy of the earlier death (another event id, its version) does not undo the withdrawal.
    expect(worklistAfter([...withdrawn, { ...died, id: 'again' }])).toEqual([
      '9990000001',
      '9990000002',
    ]);
  });
});
