/**
 * What each interface receives, built from world facts: LA extract rows, NEMS FHIR bundles,
 * births API requests, HV contacts (API body, extract row, ContactSubmitted CloudEvent) and
 * registrations requests. Pure functions: the faults are decided by the generator.
 */
import { ukLocal } from '@lib/platform';
import type { BirthFact, ContactType } from './world';

/** The LA live-birth extract columns (the same list as `LIVE_BIRTH_EXTRACT_COLUMNS`; a test checks). */
export const BIRTH_EXTRACT_COLUMNS = [
  'nhs_number', 'birth_date', 'birth_time', 'sex', 'birth_weight_g', 'gestation_weeks',
  'delivery_method', 'multiple_birth_order', 'baby_given_name', 'baby_family_name',
  'ethnic_category', 'mother_nhs_number', 'mother_given_name', 'mother_family_name',
  'mother_birth_date', 'address_line1', 'address_line2', 'town', 'postcode',
  'smoking_at_delivery', 'sharing_objection',
] as const; // prettier-ignore

/** The HV contact extract columns (the same list as `CONTACT_EXTRACT_COLUMNS`; a test checks). */
export const CONTACT_EXTRACT_COLUMNS = [
  'source_system', 'organisation_code', 'source_contact_id', 'nhs_number', 'contact_type',
  'contact_date', 'location', 'outcome', 'feeding_status', 'maternal_smoking',
  'referred_to_centre', 'asq3_completed', 'sharing_status',
] as const; // prettier-ignore

export const BIRTH_EXTRACT_HEADER = `${BIRTH_EXTRACT_COLUMNS.join(',')}\r\n`;
export const CONTACT_EXTRACT_HEADER = `${CONTACT_EXTRACT_COLUMNS.join(',')}\r\n`;

function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One extract row (no line ending) for a birth; `overrides` replace cells (faults). */
export function birthExtractRow(
  birth: BirthFact,
  overrides: Partial<Record<(typeof BIRTH_EXTRACT_COLUMNS)[number], string>> = {},
): string {
  const cells: Record<(typeof BIRTH_EXTRACT_COLUMNS)[number], string | number | undefined> = {
    nhs_number: birth.nhsNumber,
    birth_date: birth.birthDate,
    birth_time: birth.birthTime,
    sex: birth.sex,
    birth_weight_g: birth.birthWeightGrams,
    gestation_weeks: birth.gestationWeeks,
    delivery_method: birth.deliveryMethod,
    multiple_birth_order: birth.multipleBirthOrder,
    baby_given_name: birth.givenName,
    baby_family_name: birth.familyName,
    ethnic_category: birth.ethnicCategory,
    mother_nhs_number: birth.mother.nhsNumber,
    mother_given_name: birth.mother.givenName,
    mother_family_name: birth.mother.familyName,
    mother_birth_date: birth.mother.birthDate,
    address_line1: birth.address.line1,
    address_line2: undefined,
    town: birth.address.town,
    postcode: birth.address.postcode,
    smoking_at_delivery: birth.smokingAtDelivery,
    sharing_objection: birth.sharingObjection ? 'Y' : 'N',
    ...overrides,
  };
  return BIRTH_EXTRACT_COLUMNS.map((c) => csvCell(cells[c])).join(',');
}

const NHS_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
const GENDER = { M: 'male', F: 'female', I: 'other', U: 'unknown' } as const;

/** A deterministic UUID-shaped id from a key (not random: output must be byte-identical). */
export function uuidFrom(key: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  let h3 = 0x9e3779b9;
  let h4 = 0x85ebca6b;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h3 = Math.imul(h3 ^ c, 0x27d4eb2d);
    h4 = Math.imul(h4 ^ c, 0x165667b1);
  }
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  const s = hex(h1) + hex(h2) + hex(h3) + hex(h4);
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-8${s.slice(17, 20)}-${s.slice(20, 32)}`;
}

/** The FHIR dateTime of a UK local date and time, with the offset in force, or undefined when the
 * clock reading does not exist (the spring-forward hour). */
export function ukDateTime(date: string, time: string): string | undefined {
  for (const offset of ['+00:00', '+01:00']) {
    const value = `${date}T${time}:00${offset}`;
    const local = ukLocal(value);
    if (local && local.date === date && local.time === time) return value;
  }
  return undefined;
}

/** A NEMS pds-birth-notification-1 bundle (FHIR STU3 JSON) as the births NEMS endpoint reads it. */
export function nemsBirthBundle(birth: BirthFact, sentIso: string): unknown {
  const key = `nems:${birth.nhsNumber}`;
  const babyId = uuidFrom(`${key}:baby`);
  const headerId = uuidFrom(`${key}:header`);
  const babyUrl = `urn:uuid:${babyId}`;
  const birthDateTime = birth.birthTime ? ukDateTime(birth.birthDate, birth.birthTime) : undefined;
  const baby = {
    resourceType: 'Patient',
    id: babyId,
    ...(birth.ethnicCategory
      ? {
          extension: [
            {
              url: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-EthnicCategory-1',
              valueCodeableConcept: {
                coding: [
                  {
                    system: 'https://fhir.hl7.org.uk/STU3/CareConnect-EthnicCategory-1',
                    code: birth.ethnicCategory,
                  },
                ],
              },
            },
          ],
        }
      : {}),
    identifier: [{ system: NHS_SYSTEM, value: birth.nhsNumber }],
    name: [{ use: 'official', family: birth.familyName, given: [birth.givenName] }],
    gender: GENDER[birth.sex],
    birthDate: birth.birthDate,
    ...(birthDateTime
      ? {
          _birthDate: {
            extension: [
              {
                url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime',
                valueDateTime: birthDateTime,
              },
            ],
          },
        }
      : {}),
    address: [
      {
        use: 'home',
        line: [birth.address.line1],
        city: birth.address.town,
        postalCode: birth.address.postcode,
      },
    ],
    multipleBirthInteger: birth.multipleBirthOrder,
  };
  const observation = (what: string, system: string, code: string, quantity: unknown) => ({
    fullUrl: `urn:uuid:${uuidFrom(`${key}:${what}`)}`,
    resource: {
      resourceType: 'Observation',
      id: uuidFrom(`${key}:${what}`),
      status: 'final',
      code: { coding: [{ system, code }] },
      subject: { reference: babyUrl },
      valueQuantity: quantity,
    },
  });
  const entries: unknown[] = [
    {
      fullUrl: `urn:uuid:${headerId}`,
      resource: {
        resourceType: 'MessageHeader',
        id: headerId,
        meta: { versionId: '1', lastUpdated: `${sentIso}T09:00:00+00:00` },
        extension: [
          {
            url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-MessageEventType-1',
            valueCodeableConcept: {
              coding: [
                { system: 'https://fhir.nhs.uk/STU3/CodeSystem/MessageEventType-1', code: 'new' },
              ],
            },
          },
        ],
        event: {
          system: 'https://fhir.nhs.uk/STU3/CodeSystem/EventType-1',
          code: 'pds-birth-notification-1',
          display: 'PDS Birth Notification',
        },
        timestamp: `${sentIso}T09:00:00+00:00`,
        source: { endpoint: 'urn:nhs:addressing:asid:477121000323' },
        focus: [{ reference: babyUrl }],
      },
    },
    { fullUrl: babyUrl, resource: baby },
    observation('weight', 'http://loinc.org', '29463-7', {
      value: birth.birthWeightGrams,
      unit: 'g',
      system: 'http://unitsofmeasure.org',
      code: 'g',
    }),
    observation('gestation', 'http://snomed.info/sct', '412726003', {
      value: birth.gestationWeeks,
      unit: 'wk',
      system: 'http://unitsofmeasure.org',
      code: 'wk',
    }),
  ];
  const relatedId = uuidFrom(`${key}:related`);
  const motherId = uuidFrom(`${key}:mother`);
  entries.push(
    {
      fullUrl: `urn:uuid:${relatedId}`,
      resource: {
        resourceType: 'RelatedPerson',
        id: relatedId,
        patient: { reference: babyUrl },
        relationship: {
          coding: [
            { system: 'https://fhir.nhs.uk/STU3/CodeSystem/PersonRelationshipType-1', code: 'MTH' },
          ],
        },
      },
    },
    {
      fullUrl: `urn:uuid:${motherId}`,
      resource: {
        resourceType: 'Patient',
        id: motherId,
        ...(birth.mother.nhsNumber
          ? { identifier: [{ system: NHS_SYSTEM, value: birth.mother.nhsNumber }] }
          : {}),
        name: [
          { use: 'official', family: birth.mother.familyName, given: [birth.mother.givenName] },
        ],
        birthDate: birth.mother.birthDate,
        link: [{ other: { reference: `urn:uuid:${relatedId}` }, type: 'seealso' }],
      },
    },
  );
  return { resourceType: 'Bundle', id: uuidFrom(`${key}:bundle`), type: 'message', entry: entries };
}

/** A contact as the HV API body / inbound message data carries it (absent fields left out). */
export interface ContactBody {
  sourceSystem: string;
  organisationCode: string;
  sourceContactId: string;
  nhsNumber: string;
  contactType: ContactType;
  contactDate: string;
  location: string;
  outcome: string;
  feedingStatus?: string;
  maternalSmoking?: string;
  referredToCentre?: boolean;
  asq3Completed?: boolean;
  sharingStatus: string;
}

export function contactExtractRow(c: ContactBody): string {
  const flag = (v: boolean | undefined) => (v === undefined ? undefined : v ? 'Y' : 'N');
  return [
    c.sourceSystem,
    c.organisationCode,
    c.sourceContactId,
    c.nhsNumber,
    c.contactType,
    c.contactDate,
    c.location,
    c.outcome,
    c.feedingStatus,
    c.maternalSmoking,
    flag(c.referredToCentre),
    flag(c.asq3Completed),
    c.sharingStatus,
  ]
    .map(csvCell)
    .join(',');
}

/** A ContactSubmitted CloudEvent (contracts/schemas/health-visits/ContactSubmitted.v1.json). */
export function contactSubmittedEvent(c: ContactBody, sentIso: string, attempt = 0): unknown {
  return {
    specversion: '1.0',
    id: uuidFrom(`ce:${c.organisationCode}:${c.sourceContactId}:${attempt}`),
    type: 'ContactSubmitted',
    source: `urn:${c.sourceSystem}:${c.organisationCode}`,
    subject: c.nhsNumber,
    time: `${/^\d{4}-\d{2}-\d{2}$/.test(c.contactDate) ? c.contactDate : sentIso}T00:00:00Z`,
    dataschema: 'urn:early-years:contracts:health-visits:ContactSubmitted:v1',
    datacontenttype: 'application/json',
    recordedtime: `${sentIso}T16:00:00Z`,
    sourceorg: c.organisationCode,
    data: c,
  };
}

// ---------------------------------------------------------------------------------------------
// Names (invented lists) and registration-form errors

export const GIVEN_F = [
  'Amara', 'Isla', 'Ava', 'Freya', 'Olivia', 'Amelia', 'Lily', 'Aisha', 'Maryam', 'Zofia',
  'Grace', 'Sophia', 'Elizabeth', 'Katherine', 'Rebecca', 'Hannah', 'Chloe', 'Ruby', 'Mia', 'Nia',
  'Fatima', 'Priya', 'Abigail', 'Jessica', 'Margaret', 'Victoria', 'Ella', 'Evie', 'Poppy', 'Zara',
]; // prettier-ignore
export const GIVEN_M = [
  'Oliver', 'Jack', 'Noah', 'Leo', 'Mohammed', 'Muhammad', 'George', 'Harry', 'Oscar', 'Arthur',
  'William', 'Thomas', 'James', 'Alexander', 'Benjamin', 'Daniel', 'Samuel', 'Joseph', 'Jacob',
  'Kacper', 'Ibrahim', 'Yusuf', 'Ethan', 'Lucas', 'Theo', 'Finley', 'Christopher', 'Matthew',
  'Michael', 'Nathaniel',
]; // prettier-ignore
export const FAMILY = [
  'Smith', 'Jones', 'Williams', 'Brown', 'Taylor', 'Davies', 'Evans', 'Khan', 'Patel', 'Ali',
  'Okafor', 'Adeyemi', 'Nowak', 'Kowalski', "O'Brien", 'Murphy', 'Wilson', 'Thompson', 'Hussain',
  'Begum', 'Ahmed', 'Clarke', 'Walker', 'Wright', 'Green', 'Hall', 'Wood', 'Mensah', 'Singh',
  'Kaur', 'Williams-Ray', 'Lloyd-Jones', 'Osei', 'Popescu', 'Silva',
]; // prettier-ignore
export const NICKNAMES: Record<string, string> = {
  Elizabeth: 'Lizzie', Katherine: 'Kate', Rebecca: 'Becky', Abigail: 'Abby', Jessica: 'Jess',
  Margaret: 'Maggie', Victoria: 'Vicky', Olivia: 'Liv', Amelia: 'Millie', Sophia: 'Sophie',
  Mohammed: 'Mo', Muhammad: 'Mo', William: 'Billy', Thomas: 'Tom', James: 'Jamie',
  Alexander: 'Alex', Benjamin: 'Ben', Daniel: 'Dan', Samuel: 'Sam', Joseph: 'Joe', Jacob: 'Jake',
  Christopher: 'Chris', Matthew: 'Matt', Michael: 'Mike', Nathaniel: 'Nate', Oliver: 'Ollie',
  Alfred: 'Alfie', Theodore: 'Theo',
}; // prettier-ignore
