import { nhsNumberProblem } from '@lib/nhs-number';
import { isRealDate } from '@lib/platform';

export const CONTACT_TYPES = [
  'antenatal',
  'new_birth_visit',
  'review_6_8_week',
  'review_12_month',
  'review_2_2_5_year',
  'other',
] as const;
export const LOCATIONS = ['home', 'clinic', 'childrens_centre', 'other'] as const;
export const OUTCOMES = ['completed', 'did_not_attend', 'cancelled', 'declined'] as const;
export const FEEDING_STATUSES = [
  'totally_breastfed',
  'partially_breastfed',
  'not_breastfed',
  'unknown',
] as const;
export const SMOKING_STATUSES = ['smoker', 'non_smoker', 'unknown'] as const;
export const SHARING_STATUSES = ['objects', 'withdraws_objection', 'not_asked'] as const;

export type ContactType = (typeof CONTACT_TYPES)[number];
export type ContactChannel = 'hv-api' | 'hv-topic' | 'hv-extract';

/**
 * A contact as an HV record system sends it, on every channel (API body, inbound message, extract
 * row). Minimum data: no free text, no practitioner names. For an antenatal contact `nhsNumber`
 * is the mother's.
 */
export interface ContactInput {
  sourceSystem: string;
  organisationCode: string;
  sourceContactId: string;
  nhsNumber: string;
  contactType: ContactType;
  contactDate: string;
  location: (typeof LOCATIONS)[number];
  outcome: (typeof OUTCOMES)[number];
  feedingStatus?: (typeof FEEDING_STATUSES)[number];
  maternalSmoking?: (typeof SMOKING_STATUSES)[number];
  referredToCentre?: boolean;
  asq3Completed?: boolean;
  sharingStatus: (typeof SHARING_STATUSES)[number];
}

export interface ContactProblem {
  field: string;
  reason: string;
}

/** The idempotency key of a contact, the same on every channel. */
export interface ContactKey {
  sourceSystem: string;
  organisationCode: string;
  sourceContactId: string;
}

const SOURCE_SYSTEM = /^[A-Za-z0-9._-]{1,40}$/;
const ORGANISATION_CODE = /^[A-Z0-9]{3,10}$/;
const SOURCE_CONTACT_ID = /^[A-Za-z0-9._:/-]{1,64}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const REQUIRED = [
  'sourceSystem',
  'organisationCode',
  'sourceContactId',
  'nhsNumber',
  'contactType',
  'contactDate',
  'location',
  'outcome',
] as const;
const KNOWN = new Set<string>([
  ...REQUIRED,
  'feedingStatus',
  'maternalSmoking',
  'referredToCentre',
  'asq3Completed',
  'sharingStatus',
]);

/** Review types at which a feeding status is recorded (the new-birth visit and 6-8 weeks). */
const FEEDING_REVIEWS: readonly ContactType[] = ['new_birth_visit', 'review_6_8_week'];

/**
 * The child's age (in days, at the contact date) at which each review is possible. Generous
 * around the schedule (NBV by day 14, 6-8 weeks, 12 months by 15, 2-2½ years) so that a late
 * review is accepted; only an impossible one (a 2-2½ year review of a 3-month-old) is refused.
 */
export const REVIEW_AGE_DAYS: Partial<Record<ContactType, { min: number; max: number }>> = {
  new_birth_visit: { min: 0, max: 182 },
  review_6_8_week: { min: 21, max: 365 },
  review_12_month: { min: 270, max: 730 },
  review_2_2_5_year: { min: 540, max: 1461 },
};

/**
 * Reads a contact from untrusted input (a parsed JSON object, or an extract row turned into one):
 * every problem is listed with its field; unknown fields are refused. Checks the shape only;
 * `contactRuleProblems` checks it against the calendar and what is known of the child.
 */
export function parseContact(
  raw: unknown,
): { contact: ContactInput; problems?: undefined } | { problems: ContactProblem[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { problems: [{ field: '(body)', reason: 'a contact must be a JSON object' }] };
  }
  const input = raw as Record<string, unknown>;
  const problems: ContactProblem[] = [];
  for (const field of Object.keys(input)) {
    if (!KNOWN.has(field)) problems.push({ field, reason: `${field} is not a contact field` });
  }
  for (const field of REQUIRED) {
    if (input[field] === undefined || input[field] === null || input[field] === '') {
      problems.push({ field, reason: `${field} is required` });
    }
  }
  const text = (field: string, pattern: RegExp, what: string): void => {
    const value = input[field];
    if (value === undefined || value === null || value === '') return;
    if (typeof value !== 'string' || !pattern.test(value)) {
      problems.push({ field, reason: `${field} must be ${what}` });
    }
  };
  const oneOf = (field: string, allowed: readonly string[]): void => {
    const value = input[field];
    if (value === undefined || value === null || value === '') return;
    if (typeof value !== 'string' || !allowed.includes(value)) {
      problems.push({ field, reason: `${field} must be one of ${allowed.join(', ')}` });
    }
  };
  const flag = (field: string): void => {
    const value = input[field];
    if (value !== undefined && typeof value !== 'boolean') {
      problems.push({ field, reason: `${field} must be true or false` });
    }
  };
  text('sourceSystem', SOURCE_SYSTEM, '1-40 letters, digits, dots, dashes or underscores');
  text('organisationCode', ORGANISATION_CODE, 'an ODS code: 3-10 capital letters or digits');
  text('sourceContactId', SOURCE_CONTACT_ID, '1-64 letters, digits or . _ : / -');
  if (input.nhsNumber !== undefined && input.nhsNumber !== null && input.nhsNumber !== '') {
    const problem = nhsNumberProblem(input.nhsNumber);
    if (problem) problems.push({ field: 'nhsNumber', reason: `nhsNumber ${problem}` });
  }
  oneOf('contactType', CONTACT_TYPES);
  const date = input.contactDate;
  if (date !== undefined && date !== null && date !== '') {
    if (typeof date !== 'string' || !ISO_DATE.test(date) || !isRealDate(date)) {
      problems.push({
        field: 'contactDate',
        reason: 'contactDate must be a real date, YYYY-MM-DD',
      });
    }
  }
  oneOf('location', LOCATIONS);
  oneOf('outcome', OUTCOMES);
  oneOf('feedingStatus', FEEDING_STATUSES);
  oneOf('maternalSmoking', SMOKING_STATUSES);
  oneOf('sharingStatus', SHARING_STATUSES);
  flag('referredToCentre');
  flag('asq3Completed');
  if (problems.length > 0) return { problems };
  const contact = { ...input, sharingStatus: input.sharingStatus ?? 'not_asked' } as ContactInput;
  return { contact };
}

/**
 * The rules a well-formed contact must also meet: not dated in the future; a feeding status only
 * at the new-birth visit and the 6-8 week review; an ASQ-3 only at the 2-2½ year review; and,
 * when the child's birth date is known, a review possible at the child's age on that date.
 */
export function contactRuleProblems(
  contact: ContactInput,
  known: { today: string; birthDate?: string },
): ContactProblem[] {
  const problems: ContactProblem[] = [];
  const { contactType, contactDate } = contact;
  if (contactDate > known.today) {
    problems.push({
      field: 'contactDate',
      reason: `contactDate ${contactDate} is in the future (today is ${known.today})`,
    });
  }
  if (contact.feedingStatus !== undefined && !FEEDING_REVIEWS.includes(contactType)) {
    problems.push({
      field: 'feedingStatus',
      reason: `a ${contactType} has no feeding status (recorded only at the new-birth visit and the 6-8 week review)`,
    });
  }
  if (contact.asq3Completed !== undefined && contactType !== 'review_2_2_5_year') {
    problems.push({
      field: 'asq3Completed',
      reason: `an ASQ-3 is recorded only at the 2-2½ year review, not at a ${contactType}`,
    });
  }
  if (known.birthDate !== undefined && contactType !== 'antenatal') {
    const ageDays = daysBetween(known.birthDate, contactDate);
    const window = REVIEW_AGE_DAYS[contactType];
    if (ageDays < 0) {
      problems.push({
        field: 'contactDate',
        // The birth date itself is not echoed: an HV system reads no child's data from this service.
        reason: `contactDate ${contactDate} is before the child's birth (as notified by births)`,
      });
    } else if (window && (ageDays < window.min || ageDays > window.max)) {
      problems.push({
        field: 'contactType',
        reason:
          `a ${contactType} is not possible for a child ${describeAge(ageDays)} old on ` +
          `${contactDate} (possible from ${describeAge(window.min)} to ${describeAge(window.max)})`,
      });
    }
  }
  return problems;
}

/** The idempotency key of a contact. */
export function contactKey(contact: ContactKey): ContactKey {
  const { sourceSystem, organisationCode, sourceContactId } = contact;
  return { sourceSystem, organisationCode, sourceContactId };
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function describeAge(days: number): string {
  if (days < 61) return `${days} days`;
  if (days < 730) return `${Math.floor(days / 30.44)} months`;
  return `${(days / 365.25).toFixed(1)} years`;
}
