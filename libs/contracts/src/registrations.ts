import type { EncryptedPersonal } from './encrypted-personal';

/**
 * Events of the registrations service (the children's centre registration desk).
 *
 * `registrations.family.v1`, key `family:<familyId>`: FamilyRegistered, FamilyDetailsChanged,
 * CarerAttendanceRecorded, OutreachContactRecorded, RegistrationWithdrawn.
 * `registrations.child.v1`, key the child's NHS number, or `local:<childId>` while none is known:
 * ChildRegistered, ChildLinked, ChildUnlinked, AttendanceRecorded, ChildRegistrationWithdrawn.
 *
 * `facts` are in clear (what figures need: dates, codes, flags, the postcode district, centre);
 * `personal` (names, dates of birth of carers, address lines, full postcode) is sealed with the
 * subject's key: the family's (`family:<familyId>`) or the child's (its key at the time).
 */

/** A flag that may be unknown: "unknown" is reported as its own category, never as "no". */
export type KnownFlag = 'yes' | 'no' | 'unknown';

export const CARER_RELATIONSHIPS = ['mother', 'father', 'other_carer'] as const;
export type CarerRelationship = (typeof CARER_RELATIONSHIPS)[number];

export const EMPLOYMENT_STATUSES = [
  'employed',
  'self_employed',
  'unemployed',
  'not_working_caring',
  'not_working_other',
  'student',
  'unknown',
] as const;
export type EmploymentStatus = (typeof EMPLOYMENT_STATUSES)[number];

export const HEARD_VIA = [
  'health_visitor',
  'midwife',
  'friend_or_family',
  'leaflet_or_poster',
  'social_media',
  'school_or_nursery',
  'outreach_visit',
  'other',
  'not_stated',
] as const;
export type HeardVia = (typeof HEARD_VIA)[number];

export const OUTREACH_VISIT_TYPES = ['new_birth_visit', 'move_in_visit', 'support_visit'] as const;
export type OutreachVisitType = (typeof OUTREACH_VISIT_TYPES)[number];

export const OUTREACH_OUTCOMES = [
  'completed',
  'no_answer',
  'declined',
  'moved_away',
  'wrong_address',
] as const;
export type OutreachOutcome = (typeof OUTREACH_OUTCOMES)[number];

/** Categories of a centre's activities (sessions with a register). */
export const ACTIVITY_CATEGORIES = [
  'stay_and_play',
  'baby_group',
  'parenting_programme',
  'health_clinic',
  'adult_learning',
  'employment_support',
  'family_support',
  'other',
] as const;
export type ActivityCategory = (typeof ACTIVITY_CATEGORIES)[number];

/** Why a link of a child to an NHS number was undone (a code: facts travel in clear). */
export const UNLINK_REASONS = ['not_this_child', 'entered_in_error', 'family_request'] as const;
export type UnlinkReason = (typeof UNLINK_REASONS)[number];

export const WITHDRAWAL_REASONS = ['left', 'erasure_requested'] as const;
export type WithdrawalReason = (typeof WITHDRAWAL_REASONS)[number];

/** A carer as figures see them (no names, no date of birth). */
export interface CarerFactsV1 {
  carerId: string;
  /** To each child of the family, by childId. */
  relationships: { childId: string; relationship: CarerRelationship }[];
  /** NHS ethnic category code (A-H, J-N, P, R, S; Z not stated). */
  ethnicCategory?: string;
  /** ISO 639 language codes spoken (several). */
  languages: string[];
  employmentStatus: EmploymentStatus;
  disability: KnownFlag;
  /** Age in whole years on the registration date (for target groups), from the date of birth. */
  ageAtRegistration?: number;
}

export interface FamilyRegisteredFactsV1 {
  familyId: string;
  /** The registering centre (the family id shows it). */
  centreId: string;
  registeredOn: string;
  loneParent: KnownFlag;
  /** Derived: no carer in work (employed or self-employed); unknown when a status is unknown. */
  worklessHousehold: KnownFlag;
  heardVia: HeardVia;
  /** Outward code of the postcode, e.g. `QX1`; null when not given. */
  postcodeDistrict: string | null;
  carers: CarerFactsV1[];
  /** Keys of the family's children on registrations.child.v1 (NHS number or `local:<childId>`). */
  childKeys: string[];
}

export interface FamilyRegisteredV1 {
  facts: FamilyRegisteredFactsV1;
  personal?: EncryptedPersonal;
}

/** Effective-dated change of facts: what was true before stays true for past periods. */
export interface FamilyDetailsChangedFactsV1 {
  familyId: string;
  centreId: string;
  /** The change took effect on this date (YYYY-MM-DD). */
  effectiveDate: string;
  loneParent?: KnownFlag;
  carers?: { carerId: string; employmentStatus: EmploymentStatus }[];
  /** Present when a carer's employment changed: the household's state from that date. */
  worklessHousehold?: KnownFlag;
  /** Present when the address changed. */
  postcodeDistrict?: string | null;
}

export interface FamilyDetailsChangedV1 {
  facts: FamilyDetailsChangedFactsV1;
  personal?: EncryptedPersonal;
}

export interface CarerAttendanceRecordedFactsV1 {
  attendanceId: string;
  sessionId: string;
  centreId: string;
  activityId: string;
  activityCategory: ActivityCategory;
  date: string;
  familyId: string;
  carerId: string;
  /** Fathers are a target group: recorded as such. */
  relationship: CarerRelationship;
}

export interface CarerAttendanceRecordedV1 {
  facts: CarerAttendanceRecordedFactsV1;
}

export interface OutreachContactRecordedFactsV1 {
  outreachId: string;
  centreId: string;
  familyId: string;
  visitType: OutreachVisitType;
  date: string;
  outcome: OutreachOutcome;
  /** The children the visit was about (keys on registrations.child.v1); empty = the family. */
  childKeys: string[];
}

export interface OutreachContactRecordedV1 {
  facts: OutreachContactRecordedFactsV1;
}

export interface RegistrationWithdrawnFactsV1 {
  familyId: string;
  centreId: string;
  effectiveDate: string;
  reason: WithdrawalReason;
  childKeys: string[];
}

export interface RegistrationWithdrawnV1 {
  facts: RegistrationWithdrawnFactsV1;
}

export interface ChildRegisteredFactsV1 {
  childId: string;
  familyId: string;
  centreId: string;
  registeredOn: string;
  /** When given on the form (or linked later: see ChildLinked). */
  nhsNumber?: string;
  birthDate: string;
  sex?: 'M' | 'F' | 'I' | 'U';
  ethnicCategory?: string;
  disabilityOrSen: KnownFlag;
  postcodeDistrict: string | null;
  /** The mother's age at the birth, in whole years, when she is a registered carer with a date of birth. */
  motherAgeAtBirth?: number;
  carers: { carerId: string; relationship: CarerRelationship }[];
}

export interface ChildRegisteredV1 {
  facts: ChildRegisteredFactsV1;
  personal?: EncryptedPersonal;
}

export interface ChildLinkedFactsV1 {
  childId: string;
  /** The key the child's earlier events carry: `local:<childId>`. */
  localKey: string;
  nhsNumber: string;
  method: 'automatic' | 'manual';
  /** Who linked: the staff member's token subject, or `matcher` for an automatic link. */
  linkedBy: string;
  /** The match score (automatic links and reviewed candidates). */
  score?: number;
  /** The child's registration, re-stated under the NHS number. */
  registration: ChildRegisteredFactsV1;
}

export interface ChildLinkedV1 {
  facts: ChildLinkedFactsV1;
}

export interface ChildUnlinkedFactsV1 {
  childId: string;
  localKey: string;
  nhsNumber: string;
  unlinkedBy: string;
  reason: UnlinkReason;
}

export interface ChildUnlinkedV1 {
  facts: ChildUnlinkedFactsV1;
}

export interface AttendanceRecordedFactsV1 {
  attendanceId: string;
  sessionId: string;
  centreId: string;
  activityId: string;
  activityCategory: ActivityCategory;
  date: string;
  familyId: string;
  childId: string;
}

export interface AttendanceRecordedV1 {
  facts: AttendanceRecordedFactsV1;
}

export interface ChildRegistrationWithdrawnFactsV1 {
  childId: string;
  familyId: string;
  centreId: string;
  effectiveDate: string;
  reason: WithdrawalReason;
}

export interface ChildRegistrationWithdrawnV1 {
  facts: ChildRegistrationWithdrawnFactsV1;
}
