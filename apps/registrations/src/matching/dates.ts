import type { DateAgreement } from './types';

/**
 * Dates of birth as forms get them wrong (DOMAIN.md, Identity): day and month swapped
 * (03/04 read as 4 March or 3 April), one digit wrong, two digits of the day or month swapped
 * (12 → 21), one day out (a birth near midnight), the year one out (this year written for last
 * year's baby). Comparison and blocking use the same rules, so every date that compares as a slip
 * is also a date under which candidates are looked up.
 */

interface DateParts {
  year: number;
  month: number;
  day: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
/** Year slips accepted: one out always, two out when only one digit differs (2021/2023). */
const MAX_YEAR_SLIP = 2;

/** The parts of a YYYY-MM-DD string, whether or not the date exists (a form may hold 2021-15-03). */
function parts(value: string | undefined): DateParts | null {
  if (value === undefined) return null;
  const m = ISO_DATE.exec(value.trim());
  if (!m) return null;
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

function isReal({ year, month, day }: DateParts): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCDate() === day;
}

function format({ year, month, day }: DateParts): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function dayNumber({ year, month, day }: DateParts): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

function fromDayNumber(n: number): DateParts {
  const d = new Date(n * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

function hamming(a: string, b: string): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

/** The two digits swapped: 12 ↔ 21, 01 ↔ 10. */
function transposed(a: number, b: number): boolean {
  const sa = two(a);
  return sa[0] !== sa[1] && two(b) === `${sa[1]}${sa[0]}`;
}

function yearSlip(a: number, b: number): boolean {
  const delta = Math.abs(a - b);
  if (delta === 1) return true;
  return delta <= MAX_YEAR_SLIP && hamming(String(a), String(b)) === 1;
}

/** A one-digit (or two-swapped-digit) slip in exactly one of day or month, or a year slip. */
function slipOf(r: DateParts, k: DateParts): 'digitSlip' | 'yearSlip' | null {
  const sameYear = r.year === k.year;
  const sameMonth = r.month === k.month;
  const sameDay = r.day === k.day;
  if (sameYear && sameMonth) {
    return hamming(two(r.day), two(k.day)) === 1 || transposed(r.day, k.day) ? 'digitSlip' : null;
  }
  if (sameYear && sameDay) {
    const slip = hamming(two(r.month), two(k.month)) === 1 || transposed(r.month, k.month);
    return slip ? 'digitSlip' : null;
  }
  if (sameMonth && sameDay) return yearSlip(r.year, k.year) ? 'yearSlip' : null;
  return null;
}

/** How a date written on a form agrees with a known date. */
export function compareDates(registered?: string, known?: string): DateAgreement {
  const r = parts(registered);
  const k = parts(known);
  if (!r || !k || !isReal(k)) return 'missing';
  if (r.year === k.year && r.month === k.month && r.day === k.day) return 'exact';
  if (r.day !== r.month && r.year === k.year && r.day === k.month && r.month === k.day) {
    return 'dayMonthSwapped';
  }
  if (isReal(r) && Math.abs(dayNumber(r) - dayNumber(k)) === 1) return 'oneDay';
  return slipOf(r, k) ?? 'different';
}

export interface BirthDateBounds {
  /** Earliest date worth looking up (e.g. the oldest birth the service holds), YYYY-MM-DD. */
  earliest?: string;
  /** Latest date worth looking up (e.g. today), YYYY-MM-DD. */
  latest?: string;
}

/**
 * The birth dates under which the service should look up known births for a registered date of
 * birth: the date itself, day and month swapped, a day either side, every one-digit change of the
 * day or the month, the day's or month's two digits swapped, and the year one out (or two out
 * where one digit differs). That is at most about 30 dates (typically 20-25), each of which
 * compareDates reports as a slip rather than "different". Invalid combinations (31 April) are
 * skipped; bounds, when given, drop dates outside them. A registered date that is not a real
 * date (2021-15-03) still yields its real slips (2021-03-15).
 */
export function candidateBirthDates(birthDate: string, bounds: BirthDateBounds = {}): string[] {
  const r = parts(birthDate);
  if (!r) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (p: DateParts): void => {
    if (!isReal(p)) return;
    const s = format(p);
    if (seen.has(s)) return;
    if (bounds.earliest !== undefined && s < bounds.earliest) return;
    if (bounds.latest !== undefined && s > bounds.latest) return;
    seen.add(s);
    out.push(s);
  };
  add(r);
  if (r.day !== r.month) add({ year: r.year, month: r.day, day: r.month });
  if (isReal(r)) {
    add(fromDayNumber(dayNumber(r) - 1));
    add(fromDayNumber(dayNumber(r) + 1));
  }
  const dd = two(r.day);
  const mm = two(r.month);
  for (let pos = 0; pos < 2; pos++) {
    for (let digit = 0; digit <= 9; digit++) {
      const day = pos === 0 ? `${digit}${dd[1]}` : `${dd[0]}${digit}`;
      add({ ...r, day: Number(day) });
      const month = pos === 0 ? `${digit}${mm[1]}` : `${mm[0]}${digit}`;
      add({ ...r, month: Number(month) });
    }
  }
  add({ ...r, day: Number(`${dd[1]}${dd[0]}`) });
  add({ ...r, month: Number(`${mm[1]}${mm[0]}`) });
  for (let delta = -MAX_YEAR_SLIP; delta <= MAX_YEAR_SLIP; delta++) {
    if (delta !== 0 && yearSlip(r.year, r.year + delta)) add({ ...r, year: r.year + delta });
  }
  return out;
}
