import { nhsNumberProblem } from '@lib/nhs-number';
import type { EthnicCategory, InputProblem, SexAtBirth } from '../births/birth-input';
import { normalisePostcode, UK_POSTCODE } from '@lib/platform';
import { all, extension, first, valueAt } from './fhir-element';
import type { FhirElement } from './fhir-element';
import type { Entry } from './nems-message';
import { NemsRejection } from './operation-outcome';
import { ukLocal } from '@lib/platform';

/** Reading a CareConnect-Patient-1 (and its Observations) into the domain's terms. */
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
const ETHNIC_CATEGORY_URL =
  'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-EthnicCategory-1';
const ETHNIC_CATEGORIES: readonly string[] = [
  ...['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'R', 'S', 'Z'],
];
const BIRTH_WEIGHT_LOINC = '29463-7';
const GESTATION_AT_BIRTH_SNOMED = '412726003';

/** The subject's NHS number: required and Modulus 11 valid, or the whole message is rejected. */
export function nhsNumberOf(entry: Entry): string {
  const index = all(entry.resource, 'identifier').findIndex(
    (i) => valueAt(i, 'system') === NHS_NUMBER_SYSTEM,
  );
  const path = `${entry.path}.identifier`;
  if (index < 0) {
    throw NemsRejection.of(
      'required',
      path,
      `an identifier with system ${NHS_NUMBER_SYSTEM} is required`,
    );
  }
  const value = valueAt(all(entry.resource, 'identifier')[index], 'value');
  const problem = nhsNumberProblem(value);
  if (problem) throw NemsRejection.of('value', `${path}[${index}].value`, `NHS number ${problem}`);
  return value!;
}

/**
 * A date (or the UK local date of a dateTime) that exists and is not after today. Required
 * unless `optional`; a partial date ("2017-10") is not a date of birth.
 */
export function pastDate(
  entry: Entry,
  path: string,
  today: string,
  { optional = false } = {},
): string | undefined {
  const raw = valueAt(entry.resource, path);
  const where = `${entry.path}.${path}`;
  if (raw === undefined) {
    if (optional) return undefined;
    throw NemsRejection.of('required', where, 'is required');
  }
  const local = ukLocal(raw);
  if (!local) throw NemsRejection.of('value', where, `"${raw}" is not a real full date`);
  if (local.date > today) throw NemsRejection.of('value', where, `"${raw}" is in the future`);
  return local.date;
}

export interface PatientAddress {
  element: FhirElement;
  path: string;
  line1?: string;
  line2?: string;
  town?: string;
}

/**
 * The current address: not use=old, no period.end, use=home first. PDS sends unstructured lines
 * (premises, street, locality, town, county), so line 1 and 2 are taken as they come and the
 * town only from `city`, never guessed from a line.
 */
export function addressOf(entry: Entry): PatientAddress {
  const addresses = all(entry.resource, 'address').map((element, index) => ({ element, index }));
  const current = addresses.filter(
    ({ element }) => valueAt(element, 'use') !== 'old' && !valueAt(element, 'period.end'),
  );
  const chosen = current.find(({ element }) => valueAt(element, 'use') === 'home') ?? current[0];
  if (!chosen)
    throw NemsRejection.of('required', `${entry.path}.address`, 'a current address is required');
  const lines = all(chosen.element, 'line').map((l) => l.value);
  return {
    element: chosen.element,
    path: `${entry.path}.address[${chosen.index}]`,
    line1: lines[0],
    line2: lines[1],
    town: valueAt(chosen.element, 'city'),
  };
}

/** Normalised UK postcode; ZZ99 pseudo-postcodes (no fixed abode) fit the same shape. */
export function postcodeOf(address: PatientAddress): string {
  const raw = valueAt(address.element, 'postalCode');
  const path = `${address.path}.postalCode`;
  if (!raw) throw NemsRejection.of('required', path, 'is required');
  const postcode = normalisePostcode(raw);
  if (!UK_POSTCODE.test(postcode)) {
    throw NemsRejection.of('value', path, `"${raw}" is not a UK postcode`);
  }
  return postcode;
}

/** The official name (else the first): all given names in order, and the family name. */
export function nameOf(resource: FhirElement): { given?: string; family?: string } | undefined {
  const names = all(resource, 'name');
  const name = names.find((n) => valueAt(n, 'use') === 'official') ?? names[0];
  if (!name) return undefined;
  const given = all(name, 'given')
    .map((g) => g.value)
    .filter((g): g is string => Boolean(g))
    .join(' ');
  return { given: given || undefined, family: valueAt(name, 'family') };
}

/** FHIR administrative gender to sex at birth; PDS "other" is the indeterminate sex. */
export function sexOf(resource: FhirElement): SexAtBirth | undefined {
  const sexes: Record<string, SexAtBirth> = { male: 'M', female: 'F', other: 'I', unknown: 'U' };
  const gender = valueAt(resource, 'gender');
  return gender === undefined ? undefined : sexes[gender];
}

/** NHS ethnic category; "99" means not known, which BirthInput says by absence. */
export function ethnicCategoryOf(
  resource: FhirElement,
  warnings: InputProblem[],
): EthnicCategory | undefined {
  const code = valueAt(
    extension(resource, ETHNIC_CATEGORY_URL),
    'valueCodeableConcept.coding.code',
  );
  if (code === undefined || code === '99') return undefined;
  if (ETHNIC_CATEGORIES.includes(code)) return code as EthnicCategory;
  warnings.push({
    field: 'ethnicCategory',
    reason: `"${code}" is not an NHS ethnic category; dropped`,
  });
  return undefined;
}

function observationCoded(observations: Entry[], code: string): FhirElement | undefined {
  return observations.find((o) =>
    all(first(o.resource, 'code'), 'coding').some((c) => valueAt(c, 'code') === code),
  )?.resource;
}

/** Birth weight (LOINC 29463-7) in whole grams, from g or kg (UCUM code, else the unit text). */
export function weightGramsOf(observations: Entry[]): number | undefined {
  const quantity = first(observationCoded(observations, BIRTH_WEIGHT_LOINC), 'valueQuantity');
  const value = Number(valueAt(quantity, 'value'));
  const unit = (valueAt(quantity, 'code') ?? valueAt(quantity, 'unit') ?? '').toLowerCase();
  if (!quantity || !Number.isFinite(value) || value <= 0) return undefined;
  if (unit === 'kg' || unit === 'kilogram') return Math.round(value * 1000);
  if (unit === 'g' || unit === 'gram') return Math.round(value);
  return undefined;
}

/** Gestation at birth (SNOMED 412726003) in completed weeks, from weeks or days. */
export function gestationWeeksOf(observations: Entry[]): number | undefined {
  const quantity = first(
    observationCoded(observations, GESTATION_AT_BIRTH_SNOMED),
    'valueQuantity',
  );
  const value = Number(valueAt(quantity, 'value'));
  const unit = (valueAt(quantity, 'code') ?? valueAt(quantity, 'unit') ?? '').toLowerCase();
  if (!quantity || !Number.isFinite(value) || value <= 0) return undefined;
  if (unit === 'wk' || unit === 'week' || unit === 'weeks') return Math.floor(value);
  if (unit === 'd' || unit === 'day' || unit === 'days') return Math.floor(value / 7);
  return undefined;
}

/**
 * PDS's sensitive ("S") flag. None of the published NEMS examples carries one; assumed from
 * FHIR and the PDS FHIR API: a `meta.security` coding from the v3 Confidentiality code system
 * with code R (restricted, PDS's S flag) or V (very restricted). "S" itself is accepted too in
 * case a sender puts the PDS flag letter there.
 */
export function isSensitive(resource: FhirElement): boolean {
  return all(first(resource, 'meta'), 'security').some((coding) => {
    const system = valueAt(coding, 'system') ?? '';
    const code = valueAt(coding, 'code') ?? '';
    return /Confidentiality/i.test(system) && ['R', 'V', 'S'].includes(code);
  });
}
