import type { BirthFactsV1, BirthNotifiedV1 } from '@lib/contracts';
import type { BirthInput } from './birth-input';
import { postcodeDistrict } from '@lib/platform';

/** Where geography places the child's address (null parts when unknown or unassigned). */
export interface BirthPlacement {
  lsoa: string | null;
  centreId: string | null;
}

/** The identifying part of a birth: sealed with the child's key, never in clear in events. */
export type BirthPersonal = {
  givenName?: string;
  familyName?: string;
  birthTime?: string;
  addressLine1?: string;
  addressLine2?: string;
  town?: string;
  postcode?: string;
  motherNhsNumber?: string;
  motherGivenName?: string;
  motherFamilyName?: string;
  motherBirthDate?: string;
};

/**
 * Splits a birth into what figures need, in clear, and what identifies the family, to be sealed.
 * Facts: codes, flags, weight, gestation, the mother's age in whole years (not her date of
 * birth), the postcode district, LSOA and centre. Personal: names, time of birth, address lines,
 * postcode and the mother's identifiers. A record flagged sensitive on the spine releases no
 * address, postcode or area outside health: it is counted at LA level only.
 */
export function splitBirth(
  input: BirthInput,
  placement: BirthPlacement,
): { facts: BirthFactsV1; personal: BirthPersonal } {
  const sensitive = input.sensitive === true;
  const facts: BirthFactsV1 = {
    nhsNumber: input.nhsNumber,
    birthDate: input.birthDate,
    postcodeDistrict: sensitive ? null : postcodeDistrict(input.postcode),
    centreId: sensitive ? null : placement.centreId,
    ...defined({
      lsoa: sensitive ? undefined : (placement.lsoa ?? undefined),
      sex: input.sex,
      birthWeightGrams: input.birthWeightGrams,
      gestationWeeks: input.gestationWeeks,
      deliveryMethod: input.deliveryMethod,
      multipleBirthOrder: input.multipleBirthOrder,
      ethnicCategory: input.ethnicCategory,
      motherAgeAtBirth: input.motherBirthDate
        ? ageInYears(input.motherBirthDate, input.birthDate)
        : undefined,
      smokingAtDelivery: input.smokingAtDelivery,
      sharingObjection: input.sharingObjection,
      sensitive: sensitive ? true : undefined,
    }),
  };
  const personal: BirthPersonal = defined({
    givenName: input.givenName,
    familyName: input.familyName,
    birthTime: input.birthTime,
    addressLine1: sensitive ? undefined : input.addressLine1,
    addressLine2: sensitive ? undefined : input.addressLine2,
    town: sensitive ? undefined : input.town,
    postcode: sensitive ? undefined : input.postcode,
    motherNhsNumber: input.motherNhsNumber,
    motherGivenName: input.motherGivenName,
    motherFamilyName: input.motherFamilyName,
    motherBirthDate: input.motherBirthDate,
  });
  return { facts, personal };
}

export type BirthEventData = BirthNotifiedV1;

/** Whole years between two YYYY-MM-DD dates (birthday not yet reached → one less). */
export function ageInYears(from: string, on: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [oy, om, od] = on.split('-').map(Number) as [number, number, number];
  return oy - fy - (om < fm || (om === fm && od < fd) ? 1 : 0);
}

function defined<T extends Record<string, unknown>>(
  values: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
