import type { CloudEvent } from '@lib/contracts';
import { born, calculatorAfter, event } from '../../../../tests/support/ledger-events';
import { closedLoop } from './closed-loop';

const AS_OF = '2026-12-31';

function nbv(nhsNumber: string, contactDate: string) {
  return event('ContactRecorded', {
    contactId: `nbv-${nhsNumber}`,
    nhsNumber,
    contactType: 'new_birth_visit',
    contactDate,
    outcome: 'completed',
  });
}

function outreach(nhsNumber: string, date: string) {
  return event('OutreachContactRecorded', {
    outreachId: `o-${nhsNumber}`,
    centreId: 'C1',
    date,
    outcome: 'completed',
    childKeys: [nhsNumber],
  });
}

describe('closed-loop figures', () => {
  // Twelve September births in C1's area: reached at known days after their NBV, or not at all.
  const events: CloudEvent[][] = [];
  const reachedAfter = [3, 5, 10, 12, 20, 40, 100, -2];
  for (let i = 0; i < 12; i++) {
    const nhs = `99900000${String(10 + i)}`;
    events.push([born(nhs, '2026-09-01')], nhs.endsWith('21') ? [] : [nbv(nhs, '2026-09-10')]);
    if (i < reachedAfter.length) {
      const day = 10 + reachedAfter[i];
      const date = new Date(Date.UTC(2026, 8, day)).toISOString().slice(0, 10);
      events.push([outreach(nhs, date)]);
    }
  }
  const figures = () => {
    const calculator = calculatorAfter(events.flat());
    const map = calculator.boundaryVersion(undefined, AS_OF);
    return closedLoop(calculator.children(), map, 'month:2026-09', AS_OF);
  };

  it('counts each cohort by days from the NBV to first reach, suppressed', () => {
    const rows = figures().rows;
    expect(rows.map((r) => [r.cohort, r.centreId])).toEqual([
      ['2026-09', 'C1'],
      ['2026-09', 'C2'],
    ]);
    const c1 = rows[0];
    // Exact: 12 births, 8 reached (0-14: 4; 15-30: 1; 31-90: 1; 91+: 1; before: 1), 4 not.
    expect(c1.births).toBe(10);
    // 8 would show as 10, but births less reached would then give the hidden 4 not reached.
    expect(c1.reached).toBe('*');
    expect(c1.buckets).toEqual({
      before_nbv: '*',
      nbv_0_14_days: '*',
      nbv_15_30_days: '*',
      nbv_31_90_days: '*',
      nbv_91_days_or_more: '*',
      reached_no_nbv: 0,
      not_reached: '*',
    });
    // Seven reached after an NBV: a median over 1-7 children is hidden.
    expect(c1.medianDaysFromNbv).toBe('*');
    expect(rows[1]).toMatchObject({ births: 0, reached: 0, medianDaysFromNbv: null });
  });
});
