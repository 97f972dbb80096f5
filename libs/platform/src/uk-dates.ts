/**
 * Dates in the domain are UK local (Europe/London); FHIR dateTimes carry an offset. A birth at
 * 20:12+00:00 on a summer evening is 21:12 in the UK.
 */
const ukParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export interface UkLocal {
  date: string;
  time?: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** A FHIR date or dateTime as a UK local date (and time), or null when it is not a real one. */
export function ukLocal(value: string): UkLocal | null {
  if (DATE.test(value)) return isRealDate(value) ? { date: value } : null;
  const m = DATE_TIME.exec(value);
  if (!m || !isRealDate(m[1])) return null;
  const [, date, hour, minute, offset] = m;
  if (Number(hour) > 23 || Number(minute) > 59) return null;
  // FHIR requires an offset with a time; without one, take the clock reading as UK local.
  if (!offset) return { date: date, time: `${hour}:${minute}` };
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) return null;
  const p = Object.fromEntries(ukParts.formatToParts(instant).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/** A calendar date that exists (no 31 June, no 29 February outside leap years). */
export function isRealDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Today's date in the UK (Europe/London), YYYY-MM-DD: the date in force for "now". */
export function ukToday(now: Date = new Date()): string {
  return ukLocal(now.toISOString())!.date;
}
