import { nhsNumberProblem } from '@lib/nhs-number';
import type { BirthInput, InputProblem } from '../births/birth-input';
import { all, extension, fromJson, fromXml, MalformedInput, valueAt } from './fhir-element';
import type { FhirElement } from './fhir-element';
import { NemsRejection } from './operation-outcome';
import type { OperationOutcome } from './operation-outcome';
import {
  addressOf,
  ethnicCategoryOf,
  gestationWeeksOf,
  isSensitive,
  nameOf,
  NHS_NUMBER_SYSTEM,
  nhsNumberOf,
  pastDate,
  postcodeOf,
  sexOf,
  weightGramsOf,
} from './nems-patient';
import { ukLocal, ukToday } from '@lib/platform';

export type { OperationOutcome } from './operation-outcome';

/**
 * NHS National Events Management Service (NEMS) event messages, FHIR STU3 (DOMAIN.md, Standards
 * worth knowing). A pure parse: no store, no transport. Only the events the births service
 * consumes are known; any other event code is rejected.
 */
export type NemsEventCode =
  'pds-birth-notification-1' | 'pds-change-of-address-1' | 'pds-death-notification-1';
export type NemsMessageType = 'new' | 'update' | 'delete';

export interface NemsEnvelope {
  bundleId: string;
  messageHeaderId?: string;
  eventCode: NemsEventCode;
  messageType: NemsMessageType;
  /** MessageHeader.meta: lets a consumer apply out-of-order deliveries idempotently. */
  versionId?: string;
  lastUpdated?: string;
  /** MessageHeader.source.endpoint: the publisher's ASID ("urn:nhs:addressing:asid:…"). */
  sender?: string;
}

export interface NemsChangeOfAddress {
  nhsNumber: string;
  /** Lets a child born elsewhere become known here by moving in. */
  birthDate?: string;
  givenName?: string;
  familyName?: string;
  /** YYYY-MM-DD, UK local: the new address's period.start. */
  effectiveDate: string;
  postcode: string;
  addressLine1?: string;
  addressLine2?: string;
  town?: string;
  sensitive?: boolean;
}

export interface NemsDeath {
  nhsNumber: string;
  /** YYYY-MM-DD, UK local. */
  dateOfDeath: string;
}

export type NemsParsed =
  | {
      ok: true;
      envelope: NemsEnvelope;
      birth?: BirthInput;
      changeOfAddress?: NemsChangeOfAddress;
      death?: NemsDeath;
      warnings: InputProblem[];
    }
  | { ok: false; outcome: OperationOutcome };

const EVENT_CODES: readonly NemsEventCode[] = [
  'pds-birth-notification-1',
  'pds-change-of-address-1',
  'pds-death-notification-1',
];
const MESSAGE_TYPES: readonly NemsMessageType[] = ['new', 'update', 'delete'];

/**
 * NEMS says whether an event is new, corrects an earlier one or withdraws it in an extension on
 * the MessageHeader, not in FHIR's own fields (every fixture from nhsconnect/Events-Management):
 *   <extension url="https://fhir.nhs.uk/STU3/StructureDefinition/Extension-MessageEventType-1">
 *     <valueCodeableConcept><coding>
 *       <system value="https://fhir.nhs.uk/STU3/CodeSystem/MessageEventType-1"/>
 *       <code value="new"/>   (or "update" / "delete")
 */
const MESSAGE_EVENT_TYPE_URL =
  'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-MessageEventType-1';

export function parseNemsMessage(
  body: string,
  format: 'xml' | 'json',
  now: Date = new Date(),
): NemsParsed {
  try {
    const root = format === 'xml' ? fromXml(body) : fromJson(body);
    return readMessage(new MessageBundle(root), ukToday(now));
  } catch (error) {
    if (error instanceof NemsRejection) return { ok: false, outcome: error.outcome };
    if (error instanceof MalformedInput) {
      return { ok: false, outcome: NemsRejection.of('structure', 'Bundle', error.message).outcome };
    }
    throw error;
  }
}

/** An entry of the Bundle, with the FHIRPath that names it in an OperationOutcome. */
export interface Entry {
  resource: FhirElement;
  fullUrl?: string;
  type: string;
  path: string;
}

/** The message Bundle, its entries, and reference lookup by fullUrl or Type/id. */
class MessageBundle {
  readonly entries: Entry[];

  constructor(readonly root: FhirElement) {
    if (valueAt(root, 'resourceType') !== 'Bundle') {
      throw NemsRejection.of('structure', 'Bundle', 'the message is not a FHIR Bundle');
    }
    if (valueAt(root, 'type') !== 'message') {
      throw NemsRejection.of('value', 'Bundle.type', 'must be "message"');
    }
    this.entries = all(root, 'entry').flatMap((entry, i) => {
      const resource = all(entry, 'resource')[0];
      const type = valueAt(resource, 'resourceType');
      if (!resource || !type) return [];
      const fullUrl = valueAt(entry, 'fullUrl');
      return [{ resource, fullUrl, type, path: `Bundle.entry[${i}].resource` }];
    });
  }

  ofType(type: string): Entry[] {
    return this.entries.filter((e) => e.type === type);
  }

  resolve(reference: FhirElement | undefined): Entry | undefined {
    const ref = valueAt(reference, 'reference');
    if (!ref) return undefined;
    return this.entries.find(
      (e) => e.fullUrl === ref || ref.endsWith(`${e.type}/${valueAt(e.resource, 'id')}`),
    );
  }
}

function readMessage(bundle: MessageBundle, today: string): NemsParsed {
  const header = bundle.entries[0];
  if (header?.type !== 'MessageHeader') {
    throw NemsRejection.of('structure', 'Bundle.entry[0].resource', 'must be a MessageHeader');
  }
  const eventCode = valueAt(header.resource, 'event.code');
  if (!eventCode) throw NemsRejection.of('required', `${header.path}.event.code`, 'is required');
  if (!(EVENT_CODES as readonly string[]).includes(eventCode)) {
    throw NemsRejection.of(
      'not-supported',
      `${header.path}.event.code`,
      `unknown event code "${eventCode}" (expected one of ${EVENT_CODES.join(', ')})`,
    );
  }
  const typeExtension = extension(header.resource, MESSAGE_EVENT_TYPE_URL);
  const messageType = valueAt(typeExtension, 'valueCodeableConcept.coding.code');
  const typePath = `${header.path}.extension('${MESSAGE_EVENT_TYPE_URL}')`;
  if (!messageType) throw NemsRejection.of('required', typePath, 'new/update/delete is required');
  if (!(MESSAGE_TYPES as readonly string[]).includes(messageType)) {
    throw NemsRejection.of('value', typePath, `"${messageType}" is not new, update or delete`);
  }

  const envelope: NemsEnvelope = withoutAbsent({
    bundleId: valueAt(bundle.root, 'id') ?? '',
    messageHeaderId: valueAt(header.resource, 'id'),
    eventCode: eventCode as NemsEventCode,
    messageType: messageType as NemsMessageType,
    versionId: valueAt(header.resource, 'meta.versionId'),
    lastUpdated: valueAt(header.resource, 'meta.lastUpdated'),
    sender: valueAt(header.resource, 'source.endpoint'),
  });
  if (!envelope.bundleId) throw NemsRejection.of('required', 'Bundle.id', 'is required');

  const warnings: InputProblem[] = [];
  switch (envelope.eventCode) {
    case 'pds-birth-notification-1':
      return { ok: true, envelope, birth: readBirth(bundle, today, warnings), warnings };
    case 'pds-change-of-address-1':
      return { ok: true, envelope, changeOfAddress: readChangeOfAddress(bundle, today), warnings };
    case 'pds-death-notification-1':
      return { ok: true, envelope, death: readDeath(bundle, today), warnings };
  }
}

/** Drops undefined properties, so "absent" stays absent (and toEqual compares like with like). */
function withoutAbsent<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The baby is the Patient a RelatedPerson points at (the mother's relationship to her child);
 * the mother is the Patient whose link.other points at that RelatedPerson. A message with a
 * single Patient is about that Patient.
 */
function findBabyAndMother(bundle: MessageBundle): {
  baby: Entry;
  mother?: Entry;
} {
  for (const relation of bundle.ofType('RelatedPerson')) {
    const baby = bundle.resolve(all(relation.resource, 'patient')[0]);
    if (baby?.type !== 'Patient') continue;
    const motherPatient = bundle
      .ofType('Patient')
      .find((p) =>
        all(p.resource, 'link').some((l) => bundle.resolve(all(l, 'other')[0]) === relation),
      );
    return { baby, mother: motherPatient ?? relation };
  }
  return { baby: singlePatient(bundle) };
}

function singlePatient(bundle: MessageBundle): Entry {
  const patients = bundle.ofType('Patient');
  if (patients.length !== 1) {
    throw NemsRejection.of(
      'structure',
      'Bundle.entry.resource.ofType(Patient)',
      patients.length === 0
        ? 'the message has no Patient'
        : 'several Patients and no RelatedPerson saying which is the subject',
    );
  }
  return patients[0];
}

function readBirth(bundle: MessageBundle, today: string, warnings: InputProblem[]): BirthInput {
  const { baby, mother } = findBabyAndMother(bundle);
  const patient = baby.resource;
  const rejections: NemsRejection[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (error instanceof NemsRejection) rejections.push(error);
      else throw error;
      return undefined;
    }
  };

  const nhsNumber = attempt(() => nhsNumberOf(baby));
  const birthDate = attempt(() => pastDate(baby, 'birthDate', today));
  const address = attempt(() => addressOf(baby));
  const postcode = address && attempt(() => postcodeOf(address));
  if (rejections.length > 0) throw new NemsRejection(rejections.flatMap((r) => r.issues));

  const birthTimeExtension = extension(
    all(patient, 'birthDate')[0],
    'http://hl7.org/fhir/StructureDefinition/patient-birthTime',
  );
  const birthTime = ukLocal(valueAt(birthTimeExtension, 'valueDateTime') ?? '');
  const name = nameOf(patient);
  const observations = bundle
    .ofType('Observation')
    .filter((o) => bundle.resolve(all(o.resource, 'subject')[0]) === baby);
  const multipleBirth = Number(valueAt(patient, 'multipleBirthInteger'));

  return withoutAbsent<BirthInput>({
    nhsNumber: nhsNumber!,
    birthDate: birthDate!,
    postcode: postcode!,
    // Only a time on the birth date itself: a UK-local shift across midnight would contradict it.
    birthTime: birthTime && birthTime.date === birthDate ? birthTime.time : undefined,
    sex: sexOf(patient),
    birthWeightGrams: weightGramsOf(observations),
    gestationWeeks: gestationWeeksOf(observations),
    multipleBirthOrder:
      Number.isInteger(multipleBirth) && multipleBirth > 0 ? multipleBirth : undefined,
    givenName: name?.given,
    familyName: name?.family,
    ethnicCategory: ethnicCategoryOf(patient, warnings),
    ...readMother(mother, today, warnings),
    addressLine1: address?.line1,
    addressLine2: address?.line2,
    town: address?.town,
    sensitive: isSensitive(patient) || undefined,
  });
}

/** The mother's details are a link, not a condition of the birth: a bad value is dropped with a warning. */
function readMother(
  mother: Entry | undefined,
  today: string,
  warnings: InputProblem[],
): Pick<
  BirthInput,
  'motherNhsNumber' | 'motherGivenName' | 'motherFamilyName' | 'motherBirthDate'
> {
  if (!mother) return {};
  const identifier = all(mother.resource, 'identifier').find(
    (i) => valueAt(i, 'system') === NHS_NUMBER_SYSTEM,
  );
  let motherNhsNumber = valueAt(identifier, 'value');
  if (motherNhsNumber !== undefined) {
    const problem = nhsNumberProblem(motherNhsNumber);
    if (problem) {
      warnings.push({ field: 'motherNhsNumber', reason: `${problem}; mother link dropped` });
      motherNhsNumber = undefined;
    }
  }
  let motherBirthDate: string | undefined;
  try {
    motherBirthDate = pastDate(mother, 'birthDate', today, { optional: true });
  } catch (error) {
    if (!(error instanceof NemsRejection)) throw error;
    warnings.push({ field: 'motherBirthDate', reason: `${error.message}; dropped` });
  }
  const name = nameOf(mother.resource);
  return {
    motherNhsNumber,
    motherGivenName: name?.given,
    motherFamilyName: name?.family,
    motherBirthDate,
  };
}

function readChangeOfAddress(bundle: MessageBundle, today: string): NemsChangeOfAddress {
  const subject = singlePatient(bundle);
  const nhsNumber = nhsNumberOf(subject);
  const address = addressOf(subject);
  const postcode = postcodeOf(address);
  const effectiveDate = pastDate(
    { ...subject, resource: address.element, path: address.path },
    'period.start',
    today,
  );
  const name = nameOf(subject.resource);
  return withoutAbsent({
    nhsNumber,
    birthDate: pastDate(subject, 'birthDate', today, { optional: true }),
    givenName: name?.given,
    familyName: name?.family,
    effectiveDate: effectiveDate!,
    postcode,
    addressLine1: address.line1,
    addressLine2: address.line2,
    town: address.town,
    sensitive: isSensitive(subject.resource) || undefined,
  });
}

function readDeath(bundle: MessageBundle, today: string): NemsDeath {
  const subject = singlePatient(bundle);
  return {
    nhsNumber: nhsNumberOf(subject),
    dateOfDeath: pastDate(subject, 'deceasedDateTime', today)!,
  };
}
