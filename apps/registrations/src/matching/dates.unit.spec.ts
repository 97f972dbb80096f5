import { candidateBirthDates, compareDates } from './dates';

describe('compareDates', () => {
  it('recognises the slips forms contain', () => {
    expect(compareDates('2021-03-12', '2021-03-12')).toBe('exact');
    expect(compareDates('2021-12-03', '2021-03-12')).toBe('dayMonthSwapped');
    expect(compareDates('2021-03-13', '2021-03-12')).toBe('oneDay');
    expect(compareDates('2021-04-01', '2021-03-31')).toBe('oneDay');
    expect(compareDates('2021-03-18', '2021-03-12')).toBe('digitSlip');
    expect(compareDates('2021-03-21', '2021-03-12')).toBe('digitSlip');
    expect(compareDates('2021-08-12', '2021-03-12')).toBe('digitSlip');
    expect(compareDates('2022-03-12', '2021-03-12')).toBe('yearSlip');
    expect(compareDates('2020-03-12', '2021-03-12')).toBe('yearSlip');
  });

  it('reads a swapped date that is not a real date (month 15)', () => {
    expect(compareDates('2021-15-03', '2021-03-15')).toBe('dayMonthSwapped');
  });

  it('says different beyond the slips, and missing without a date', () => {
    expect(compareDates('2021-06-20', '2021-03-12')).toBe('different');
    expect(compareDates('2018-03-12', '2021-03-12')).toBe('different');
    expect(compareDates(undefined, '2021-03-12')).toBe('missing');
    expect(compareDates('12/03/2021', '2021-03-12')).toBe('missing');
  });
});

describe('candidateBirthDates', () => {
  it('starts with the date itself and includes its swap, a day either side and digit slips', () => {
    const dates = candidateBirthDates('2021-03-12');
    expect(dates[0]).toBe('2021-03-12');
    expect(dates).toEqual(
      expect.arrayContaining([
        '2021-12-03',
        '2021-03-11',
        '2021-03-13',
        '2021-03-21',
        '2021-03-02',
        '2021-08-12',
        '2020-03-12',
        '2022-03-12',
      ]),
    );
    expect(new Set(dates).size).toBe(dates.length);
  });

  it('stays under 40 dates for every day of a leap year and the next', () => {
    let day = Date.UTC(2020, 0, 1);
    let largest = 0;
    for (let i = 0; i < 731; i++, day += 86_400_000) {
      const date = new Date(day).toISOString().slice(0, 10);
      largest = Math.max(largest, candidateBirthDates(date).length);
    }
    expect(largest).toBeLessThan(40);
  });

  it('looks up exactly the dates that compare as a slip (recall and blocking agree)', () => {
    for (const registered of [
      '2021-03-12',
      '2020-02-29',
      '2022-10-01',
      '2023-12-31',
      '2021-11-11',
    ]) {
      const lookedUp = new Set(candidateBirthDates(registered));
      for (const date of lookedUp) expect(compareDates(registered, date)).not.toBe('different');
      let day = Date.parse(`${registered}T00:00:00Z`) - 1200 * 86_400_000;
      for (let i = 0; i < 2400; i++, day += 86_400_000) {
        const known = new Date(day).toISOString().slice(0, 10);
        if (compareDates(registered, known) !== 'different') expect(lookedUp.has(known)).toBe(true);
      }
    }
  });

  it('skips dates that do not exist and respects bounds', () => {
    expect(candidateBirthDates('2021-02-28')).not.toContain('2021-02-29');
    const bounded = candidateBirthDates('2024-03-30', { latest: '2024-03-31' });
    expect(bounded.every((d) => d <= '2024-03-31')).toBe(true);
    expect(candidateBirthDates('2021-15-03')).toContain('2021-03-15');
    expect(candidateBirthDates('not a date')).toEqual([]);
  });
});
