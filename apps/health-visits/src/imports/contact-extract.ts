import type { RowProblem, RowResult, RowSpec } from '@lib/imports';
import { parseContact, type ContactInput } from '../contacts/contact';

/**
 * The columns of a health-visitor contact extract (a month's contacts from an HV record system),
 * one per field of the JSON API's contact, in snake case. The idempotency key (source_system,
 * organisation_code, source_contact_id) is the one the API and the inbound topic use: a row for
 * a contact already held is the same contact again (a duplicate) or its amendment.
 */
export const CONTACT_EXTRACT_COLUMNS = [
  'source_system',
  'organisation_code',
  'source_contact_id',
  'nhs_number',
  'contact_type',
  'contact_date',
  'location',
  'outcome',
  'feeding_status',
  'maternal_smoking',
  'referred_to_centre',
  'asq3_completed',
  'sharing_status',
] as const;

export type ContactExtractColumn = (typeof CONTACT_EXTRACT_COLUMNS)[number];

const REQUIRED: ReadonlySet<ContactExtractColumn> = new Set([
  'source_system',
  'source_contact_id',
  'nhs_number',
  'contact_type',
  'contact_date',
  'location',
  'outcome',
]);

/** The contact field each column fills (and the column a field's problem is reported on). */
const FIELD_OF: Record<ContactExtractColumn, keyof ContactInput> = {
  source_system: 'sourceSystem',
  organisation_code: 'organisationCode',
  source_contact_id: 'sourceContactId',
  nhs_number: 'nhsNumber',
  contact_type: 'contactType',
  contact_date: 'contactDate',
  location: 'location',
  outcome: 'outcome',
  feeding_status: 'feedingStatus',
  maternal_smoking: 'maternalSmoking',
  referred_to_centre: 'referredToCentre',
  asq3_completed: 'asq3Completed',
  sharing_status: 'sharingStatus',
};

const COLUMN_OF = new Map<string, ContactExtractColumn>(
  CONTACT_EXTRACT_COLUMNS.map((column) => [FIELD_OF[column], column]),
);

/**
 * A contact field's problem (as the API reports it) as a row problem: on the field's column
 * ('' for the row as a whole), the reason without the field name it starts with.
 */
export function rowProblemOf(field: string, reason: string): RowProblem {
  const prefix = `${field} `;
  return {
    column: COLUMN_OF.get(field) ?? '',
    reason: reason.startsWith(prefix) ? reason.slice(prefix.length) : reason,
  };
}

const YES = new Set(['y', 'yes', 'true']);
const NO = new Set(['n', 'no', 'false']);
const FLAGS: ReadonlySet<ContactExtractColumn> = new Set(['referred_to_centre', 'asq3_completed']);

export interface ContactExtractOptions {
  /** The uploader's organisation (ODS code): an extract holds only its own contacts. */
  organisationCode: string;
}

/**
 * The row spec of a contact extract, mapping a row to the API's `ContactInput` and checking it
 * as the API does (`parseContact`: shape, codes, NHS number, real date). The calendar and the
 * child's age are checked when the row is recorded, as on every channel. An empty
 * organisation_code is the uploader's; another organisation's row is refused. Empty optional
 * cells are absent ("not recorded"), never invented; flags read Y/N, yes/no or true/false.
 */
export function contactExtractSpec(options: ContactExtractOptions): RowSpec<ContactInput> {
  return {
    columns: CONTACT_EXTRACT_COLUMNS.map((name) => ({ name, required: REQUIRED.has(name) })),
    unknownColumns: 'ignore',
    mapRow: (record) => mapContactRow(record, options),
  };
}

export function mapContactRow(
  record: Record<string, string>,
  options: ContactExtractOptions,
): RowResult<ContactInput> {
  const problems: RowProblem[] = [];
  const raw: Record<string, unknown> = {};
  for (const column of CONTACT_EXTRACT_COLUMNS) {
    const value = (record[column] ?? '').trim();
    if (value === '') continue;
    if (FLAGS.has(column)) {
      const lower = value.toLowerCase();
      if (YES.has(lower)) raw[FIELD_OF[column]] = true;
      else if (NO.has(lower)) raw[FIELD_OF[column]] = false;
      else problems.push({ column, reason: 'must be Y or N (yes/no, true/false)' });
      continue;
    }
    raw[FIELD_OF[column]] = column === 'nhs_number' ? value.replace(/\s+/g, '') : value;
  }
  const org = raw.organisationCode;
  if (org === undefined) {
    raw.organisationCode = options.organisationCode;
  } else if (org !== options.organisationCode) {
    problems.push({
      column: 'organisation_code',
      reason: `is not the uploading organisation (${options.organisationCode}): an extract holds only its own organisation's contacts`,
    });
  }
  const parsed = parseContact(raw);
  if (parsed.problems === undefined) {
    return problems.length > 0 ? { ok: false, problems } : { ok: true, value: parsed.contact };
  }
  for (const { field, reason } of parsed.problems) problems.push(rowProblemOf(field, reason));
  return { ok: false, problems };
}
