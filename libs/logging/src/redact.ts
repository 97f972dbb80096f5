/**
 * Logs must never hold NHS numbers, names, addresses or dates of birth (ARCHITECTURE.md,
 * Personal data). Two nets: fields whose key names an identifier are masked whole, and
 * free text is scrubbed of anything shaped like an NHS number, a UK postcode or a calendar date.
 */
export const REDACTED = '[redacted]';

const IDENTIFYING_KEY =
  /(nhs|names?$|address|postcode|post_code|dob|birth_?date|date_?of_?birth|mother|carer|phone|email|line_?[0-9])/i;

// 10 digits, optionally spaced 3-3-4 or hyphenated; not inside a longer run of digits.
const NHS_NUMBER_TEXT = /(?<![0-9])[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}(?![0-9])/g;
// UK postcode shapes, with or without the space (incl. ZZ99 pseudo-postcodes).
const POSTCODE_TEXT = /\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b/gi;
// Calendar dates (a date of birth looks like any other): ISO and UK day-first forms.
// An ISO timestamp keeps its date (it is when something was logged, not who someone is).
const DATE_TEXT = /\b[0-9]{4}-[0-9]{2}-[0-9]{2}(?!T)\b|\b[0-9]{1,2}\/[0-9]{1,2}\/[0-9]{2,4}\b/g;

export function redactText(text: string): string {
  return text
    .replace(NHS_NUMBER_TEXT, REDACTED)
    .replace(POSTCODE_TEXT, REDACTED)
    .replace(DATE_TEXT, REDACTED);
}

const MAX_DEPTH = 8;

/** A redacted deep copy; the input is not changed. */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (value instanceof Error) {
    return {
      type: value.name,
      message: redactText(value.message),
      stack: value.stack ? redactText(value.stack) : undefined,
    };
  }
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] =
      IDENTIFYING_KEY.test(key) && v !== null && v !== undefined
        ? REDACTED
        : redactDeep(v, depth + 1);
  }
  return out;
}
