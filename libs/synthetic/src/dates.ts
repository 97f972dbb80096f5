/** Dates as whole days since 1970-01-01 (UTC arithmetic on UK local calendar dates). */
const DAY_MS = 86_400_000;

export function dayOf(iso: string): number {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
}

export function isoOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 'YYYY-MM' of a day. */
export function monthOf(day: number): string {
  return isoOf(day).slice(0, 7);
}

/** The first day of the month `offset` months after the month of `day`. */
export function firstOfMonth(day: number, offset = 0): number {
  const d = new Date(day * DAY_MS);
  return Math.round(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1) / DAY_MS);
}

/** Whole years from `born` to `on`. */
export function ageYears(born: number, on: number): number {
  const b = new Date(born * DAY_MS);
  const o = new Date(on * DAY_MS);
  let age = o.getUTCFullYear() - b.getUTCFullYear();
  if (
    o.getUTCMonth() < b.getUTCMonth() ||
    (o.getUTCMonth() === b.getUTCMonth() && o.getUTCDate() < b.getUTCDate())
  ) {
    age--;
  }
  return age;
}
