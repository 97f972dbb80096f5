import type {
  CarerRelationship,
  EmploymentStatus,
  HeardVia,
  KnownFlag,
  WithdrawalReason,
} from '@lib/contracts';
import { isRealDate, type FieldProblem } from '@lib/platform';
import { randomBytes } from 'node:crypto';
import { localKey } from '../topics';
import type { RegisterFamilyDto } from './family.dto';

export interface Address {
  line1: string;
  line2?: string;
  town?: string;
  postcode: string;
}

export interface Carer {
  carerId: string;
  givenName: string;
  familyName: string;
  birthDate?: string;
  relationships: { childId: string; relationship: CarerRelationship }[];
  ethnicCategory?: string;
  languages: string[];
  employmentStatus: EmploymentStatus;
  disability: KnownFlag;
}

/** How a child's NHS number became known: given on the form, or linked to a known birth. */
export interface ChildLink {
  nhsNumber: string;
  method: 'automatic' | 'manual';
  /** Staff token subject, or `matcher`. */
  by: string;
  at: Date;
  score?: number;
}

export interface Child {
  childId: string;
  /** Given on the registration form. */
  nhsNumber?: string;
  /** Linked afterwards (a match); undone by an unlink. */
  link?: ChildLink;
  givenName: string;
  familyName: string;
  birthDate: string;
  sex?: 'M' | 'F' | 'I' | 'U';
  ethnicCategory?: string;
  disabilityOrSen: KnownFlag;
  /**
   * Finding the NHS number of a child registered without one: pending until matched; linked;
   * waiting in the review queue; or unmatched (no candidate good enough).
   */
  match?: 'pending' | 'linked' | 'review' | 'unmatched';
  /** NHS numbers a link to which was undone: never offered for this child again. */
  rejectedNhsNumbers?: string[];
}

/** A change of facts with the date it took effect; earlier facts stay for past periods. */
export interface FamilyChange {
  changeId: string;
  effectiveDate: string;
  recordedAt: Date;
  by: string;
  loneParent?: KnownFlag;
  carers?: { carerId: string; employmentStatus: EmploymentStatus }[];
  address?: Address;
}

export interface Withdrawal {
  effectiveDate: string;
  reason: WithdrawalReason;
  at: Date;
  by: string;
}

/**
 * A family as the desk holds it (collection `families`, `_id` = the family id): the
 * registration, then its effective-dated changes, links and withdrawal. Written by this service
 * only, one operation of a family at a time, after the operation's events are stored.
 */
export interface FamilyState {
  _id: string;
  centreId: string;
  registeredOn: string;
  registeredAt: Date;
  registeredBy: string;
  heardVia: HeardVia;
  loneParent: KnownFlag;
  address: Address;
  carers: Carer[];
  children: Child[];
  changes: FamilyChange[];
  withdrawal?: Withdrawal;
}

/** The facts in force on a date: the registration's, overridden by changes effective by then. */
export interface FamilyFactsOn {
  loneParent: KnownFlag;
  address: Address;
  employment: Map<string, EmploymentStatus>;
}

/** A carer's age on the registration date, and a mother's at her child's birth (as births checks). */
export const CARER_AGE = { min: 10, max: 110 } as const;
export const MOTHER_AGE_AT_BIRTH = { min: 10, max: 65 } as const;

/** Crockford base32 (no I, L, O, U): read aloud and typed without confusion. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const FAMILY_ID = /^([A-Za-z0-9_-]{1,40})-([0-9A-HJKMNP-TV-Z]{6})$/;

/** `<centreId>-<6 characters>`: the family id shows the registering centre. */
export function newFamilyId(centreId: string, random: Buffer = randomBytes(6)): string {
  const suffix = [...random.subarray(0, 6)].map((b) => CROCKFORD[b % 32]).join('');
  return `${centreId}-${suffix}`;
}

/** The centre a family id names, or undefined when it is not a family id. */
export function centreOfFamilyId(familyId: string): string | undefined {
  return FAMILY_ID.exec(familyId)?.[1];
}

/** The child's key on registrations.child.v1: its NHS number once known, else `local:<id>`. */
export function childKey(child: Child): string {
  return child.nhsNumber ?? child.link?.nhsNumber ?? localKey(child.childId);
}

export function childNhsNumber(child: Child): string | undefined {
  return child.nhsNumber ?? child.link?.nhsNumber;
}

/** Rules across fields the DTO cannot state: relationships, dates, twins of one form. */
export function registrationProblems(dto: RegisterFamilyDto, today: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const date = (field: string, value: string | undefined): void => {
    if (value === undefined) return;
    if (!isRealDate(value)) problems.push({ field, reason: `${field} is not a real date` });
    else if (value > today) problems.push({ field, reason: `${field} is in the future` });
  };
  date('registeredOn', dto.registeredOn);
  dto.children.forEach((child, i) => date(`children.${i}.birthDate`, child.birthDate));
  dto.carers.forEach((carer, c) => {
    date(`carers.${c}.birthDate`, carer.birthDate);
    const named = new Set<number>();
    carer.relationships.forEach((r, i) => {
      const field = `carers.${c}.relationships.${i}.childIndex`;
      if (r.childIndex >= dto.children.length) {
        problems.push({ field, reason: `childIndex ${r.childIndex} names no child` });
      } else if (named.has(r.childIndex)) {
        problems.push({ field, reason: `child ${r.childIndex} is named twice for this carer` });
      }
      named.add(r.childIndex);
    });
    dto.children.forEach((_, i) => {
      if (!named.has(i)) {
        problems.push({
          field: `carers.${c}.relationships`,
          reason: `give the carer's relationship to child ${i}`,
        });
      }
    });
  });
  // A date of birth that makes a carer a child, or a mother too young or old, is a slip of the pen.
  const registeredOn = dto.registeredOn ?? today;
  dto.carers.forEach((carer, c) => {
    if (carer.birthDate === undefined || !isRealDate(carer.birthDate)) return;
    const age = ageOn(carer.birthDate, registeredOn);
    if (age < CARER_AGE.min || age > CARER_AGE.max) {
      problems.push({
        field: `carers.${c}.birthDate`,
        reason: `carers.${c}.birthDate makes the carer ${age} on the registration date; expected ${CARER_AGE.min} to ${CARER_AGE.max}`,
      });
    }
    for (const r of carer.relationships) {
      const child = dto.children[r.childIndex];
      if (r.relationship !== 'mother' || !child || !isRealDate(child.birthDate)) continue;
      const atBirth = ageOn(carer.birthDate, child.birthDate);
      if (atBirth < MOTHER_AGE_AT_BIRTH.min || atBirth > MOTHER_AGE_AT_BIRTH.max) {
        problems.push({
          field: `carers.${c}.birthDate`,
          reason: `carers.${c}.birthDate makes the mother ${atBirth} at child ${r.childIndex}'s birth; expected ${MOTHER_AGE_AT_BIRTH.min} to ${MOTHER_AGE_AT_BIRTH.max}`,
        });
      }
    }
  });
  const given = dto.children.map((c) => c.nhsNumber).filter((n) => n !== undefined);
  given.forEach((nhs, i) => {
    if (given.indexOf(nhs) !== i) {
      problems.push({
        field: 'children',
        reason: 'two children of the form have the same NHS number',
      });
    }
  });
  return problems;
}

export function factsOn(family: FamilyState, date: string): FamilyFactsOn {
  const facts: FamilyFactsOn = {
    loneParent: family.loneParent,
    address: family.address,
    employment: new Map(family.carers.map((c) => [c.carerId, c.employmentStatus])),
  };
  const inForce = family.changes
    .filter((c) => c.effectiveDate <= date)
    .sort((a, b) =>
      a.effectiveDate === b.effectiveDate
        ? a.recordedAt.getTime() - b.recordedAt.getTime()
        : a.effectiveDate.localeCompare(b.effectiveDate),
    );
  for (const change of inForce) {
    if (change.loneParent !== undefined) facts.loneParent = change.loneParent;
    if (change.address !== undefined) facts.address = change.address;
    for (const carer of change.carers ?? [])
      facts.employment.set(carer.carerId, carer.employmentStatus);
  }
  return facts;
}

/** No carer in work; unknown while any carer's status is unknown and none is in work. */
export function worklessHousehold(employment: Iterable<EmploymentStatus>): KnownFlag {
  const statuses = [...employment];
  if (statuses.some((s) => s === 'employed' || s === 'self_employed')) return 'no';
  if (statuses.some((s) => s === 'unknown')) return 'unknown';
  return 'yes';
}

/** Whole years from `born` to `on` (YYYY-MM-DD); the birthday not yet reached counts one less. */
export function ageOn(born: string, on: string): number {
  const [by, bm, bd] = born.split('-').map(Number) as [number, number, number];
  const [oy, om, od] = on.split('-').map(Number) as [number, number, number];
  return oy - by - (om < bm || (om === bm && od < bd) ? 1 : 0);
}
