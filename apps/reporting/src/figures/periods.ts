/**
 * Reporting periods (docs/figures.md): months, financial quarters and years, rolling 12 and 24
 * months. Dates are UK local `YYYY-MM-DD` strings; periods are inclusive.
 */
export interface Period {
  id: string;
  start: string;
  end: string;
}

export class PeriodError extends Error {}

const pad = (n: number) => String(n).padStart(2, '0');

function lastDayOf(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function monthSpan(year: number, month: number, months: number): { start: string; end: string } {
  // `month` is 1-12; the span covers `months` whole months starting there.
  const endIndex = year * 12 + (month - 1) + months - 1;
  const endYear = Math.floor(endIndex / 12);
  const endMonth = (endIndex % 12) + 1;
  return {
    start: `${year}-${pad(month)}-01`,
    end: `${endYear}-${pad(endMonth)}-${pad(lastDayOf(endYear, endMonth))}`,
  };
}

/** Parses `month:2026-04`, `quarter:2026-27-Q1`, `year:2026-27`, `rolling12:2026-10`, `rolling24:…`. */
export function parsePeriod(id: string): Period {
  let m = /^month:(\d{4})-(\d{2})$/.exec(id);
  if (m) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) throw new PeriodError(`period ${id}: no month ${m[2]}`);
    return { id, ...monthSpan(Number(m[1]), month, 1) };
  }
  m = /^quarter:(\d{4})-(\d{2})-Q([1-4])$/.exec(id);
  if (m) {
    const year = Number(m[1]);
    if (Number(m[2]) !== (year + 1) % 100)
      throw new PeriodError(`period ${id}: a financial year is written like 2026-27`);
    const q = Number(m[3]);
    const startIndex = year * 12 + 3 + (q - 1) * 3; // Q1 starts in April
    return { id, ...monthSpan(Math.floor(startIndex / 12), (startIndex % 12) + 1, 3) };
  }
  m = /^year:(\d{4})-(\d{2})$/.exec(id);
  if (m) {
    const year = Number(m[1]);
    if (Number(m[2]) !== (year + 1) % 100)
      throw new PeriodError(`period ${id}: a financial year is written like 2026-27`);
    return { id, ...monthSpan(year, 4, 12) };
  }
  m = /^rolling(12|24):(\d{4})-(\d{2})$/.exec(id);
  if (m) {
    const months = Number(m[1]);
    const month = Number(m[3]);
    if (month < 1 || month > 12) throw new PeriodError(`period ${id}: no month ${m[3]}`);
    const startIndex = Number(m[2]) * 12 + (month - 1) - (months - 1);
    return { id, ...monthSpan(Math.floor(startIndex / 12), (startIndex % 12) + 1, months) };
  }
  throw new PeriodError(
    `period ${id}: expected month:YYYY-MM, quarter:YYYY-YY-Qn, year:YYYY-YY, rolling12:YYYY-MM or rolling24:YYYY-MM`,
  );
}

/** The financial quarter holding a date, e.g. 2026-05-03 → quarter:2026-27-Q1. */
export function quarterOf(date: string): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const fy = month >= 4 ? year : year - 1;
  const q = month >= 4 ? Math.floor((month - 4) / 3) + 1 : 4;
  return `quarter:${fy}-${pad((fy + 1) % 100)}-Q${q}`;
}

/** The financial quarter before a quarter id. */
export function previousQuarter(id: string): string {
  const { start } = parsePeriod(id);
  const [y, m] = start.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) - 3;
  return quarterOf(`${Math.floor(index / 12)}-${pad((index % 12) + 1)}-01`);
}

/** The months (YYYY-MM) a period covers. */
export function monthsOf(period: Period): string[] {
  const out: string[] = [];
  let [y, m] = period.start.split('-').map(Number) as [number, number];
  const last = period.end.slice(0, 7);
  for (;;) {
    const id = `${y}-${pad(m)}`;
    out.push(id);
    if (id >= last) return out;
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
}

/** Whole days from `a` to `b` (UK dates). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** The date `days` after `date`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The fifth birthday (29 February → 1 March in a non-leap year). */
export function fifthBirthday(birthDate: string): string {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y + 5, m - 1, d));
  return date.toISOString().slice(0, 10);
}
