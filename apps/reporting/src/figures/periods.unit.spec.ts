import { fifthBirthday, monthsOf, parsePeriod, previousQuarter, quarterOf } from './periods';
import { change, compare, proportion } from './statistics';

describe('reporting periods', () => {
  it('should read months, financial quarters and years, and rolling windows', () => {
    expect(parsePeriod('month:2024-02')).toEqual({ id: 'month:2024-02', start: '2024-02-01', end: '2024-02-29' }); // prettier-ignore
    expect(parsePeriod('quarter:2026-27-Q1')).toMatchObject({ start: '2026-04-01', end: '2026-06-30' }); // prettier-ignore
    expect(parsePeriod('quarter:2026-27-Q3')).toMatchObject({ start: '2026-10-01', end: '2026-12-31' }); // prettier-ignore
    expect(parsePeriod('quarter:2026-27-Q4')).toMatchObject({ start: '2027-01-01', end: '2027-03-31' }); // prettier-ignore
    expect(parsePeriod('year:2025-26')).toMatchObject({ start: '2025-04-01', end: '2026-03-31' });
    expect(parsePeriod('rolling12:2026-10')).toMatchObject({ start: '2025-11-01', end: '2026-10-31' }); // prettier-ignore
    expect(parsePeriod('rolling24:2026-01')).toMatchObject({ start: '2024-02-01', end: '2026-01-31' }); // prettier-ignore
  });

  it('should refuse malformed periods with the form expected', () => {
    expect(() => parsePeriod('quarter:2026-28-Q1')).toThrow('written like 2026-27');
    expect(() => parsePeriod('month:2026-13')).toThrow('no month 13');
    expect(() => parsePeriod('week:2026-01')).toThrow('expected month:YYYY-MM');
  });

  it('should name the quarter of a date and the quarter before one', () => {
    expect(quarterOf('2026-03-31')).toBe('quarter:2025-26-Q4');
    expect(quarterOf('2026-04-01')).toBe('quarter:2026-27-Q1');
    expect(previousQuarter('quarter:2026-27-Q1')).toBe('quarter:2025-26-Q4');
    expect(previousQuarter('quarter:2026-27-Q3')).toBe('quarter:2026-27-Q2');
    expect(monthsOf(parsePeriod('quarter:2025-26-Q4'))).toEqual(['2026-01', '2026-02', '2026-03']);
  });

  it('should put a leap-day fifth birthday on 1 March', () => {
    expect(fifthBirthday('2024-02-29')).toBe('2029-03-01');
    expect(fifthBirthday('2025-06-15')).toBe('2030-06-15');
  });
});

describe('proportions with Wilson intervals', () => {
  it('should give the Wilson score interval (hand-computed for 5 of 20)', () => {
    // z² = 3.841458820816; root = z·√(z² + 4·5·(1 − 5/20)) = 1.959964·√18.841459 = 8.507564
    const p = proportion(5, 20);
    expect(p.value).toBe(0.25);
    expect(p.lower!).toBeCloseTo(0.1118617007, 9); // (10 + 3.841459 − 8.507564) / 47.682918
    expect(p.upper!).toBeCloseTo(0.4687008794, 9);
    expect(proportion(0, 0)).toEqual({ numerator: 0, denominator: 0, value: null, lower: null, upper: null }); // prettier-ignore
    expect(proportion(0, 10).lower).toBeCloseTo(0, 12);
  });

  it('should compare with a benchmark by polarity, and flag only non-overlapping change', () => {
    const p = proportion(5, 20); // 0.112-0.469
    expect(compare(p, 0.3, 'higher_is_better')).toBe('similar');
    expect(compare(p, 0.6, 'higher_is_better')).toBe('worse');
    expect(compare(p, 0.6, 'lower_is_better')).toBe('better');
    expect(compare(p, 0.05, 'no_judgement')).toBe('higher');
    expect(compare(p, null, 'higher_is_better')).toBe('not_compared');
    expect(change(proportion(5, 20), proportion(18, 20))).toBe('significant_increase');
    expect(change(proportion(5, 20), proportion(8, 20))).toBe('no_significant_change');
    expect(change(proportion(0, 0), proportion(8, 20))).toBe('not_compared');
  });
});
