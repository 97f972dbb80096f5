/**
 * The synthetic local authority as it "really" is: what happened to whom and when, before any
 * feed reports it. The generator (world generation) produces these facts in date order; the
 * channel writers turn them into what each interface receives (with realistic faults), and the
 * truth file records both, so tests can compute expected figures without the services.
 *
 * Everything is invented: NHS numbers from the 999 range (demo 9990-9994 by default), names from
 * invented lists, postcodes in valid UK shape under an invented area letter pair.
 */

/** YYYY-MM-DD, a UK local date. */
export type IsoDate = string;

export type Sex = 'M' | 'F' | 'I' | 'U';
export type DeliveryMethod =
  'spontaneous' | 'instrumental' | 'caesarean_elective' | 'caesarean_emergency' | 'unknown';
/** NHS ethnic category: A-H, J-N, P, R, S; Z not stated. */
export type EthnicCategory = string;
export type FeedingStatus =
  'totally_breastfed' | 'partially_breastfed' | 'not_breastfed' | 'unknown';
export type ContactType =
  | 'antenatal'
  | 'new_birth_visit'
  | 'review_6_8_week'
  | 'review_12_month'
  | 'review_2_2_5_year'
  | 'other';
export type ContactOutcome = 'completed' | 'did_not_attend' | 'cancelled' | 'declined';
export type ContactLocation = 'home' | 'clinic' | 'childrens_centre' | 'other';

// ---------------------------------------------------------------------------------------------
// Geography

export interface Lsoa {
  code: string; // E01xxxxxx
  imdDecile: number; // 1 = most deprived 10%
}

export interface PostcodeEntry {
  postcode: string; // 'QX1 4ZZ'
  lsoa: string;
}

export interface Centre {
  id: string;
  name: string;
  cluster: string;
}

export interface SyntheticGeography {
  la: { code: string; name: string };
  clusters: { id: string; name: string }[];
  centres: Centre[];
  lsoas: Lsoa[];
  /** Best-fit reach areas: each LSOA in at most one centre's area. */
  reachAreas: { centreId: string; lsoas: string[] }[];
  /** Postcodes of the ONS lookup (some map to LSOAs outside every reach area). */
  postcodes: PostcodeEntry[];
  /** Postcodes in valid UK format that the lookup does not know (data-quality list). */
  unknownPostcodes: string[];
  effectiveFrom: IsoDate;
}

// ---------------------------------------------------------------------------------------------
// People

export interface Mother {
  /** Blank at national scale (the 999 range cannot hold every mother). */
  nhsNumber?: string;
  givenName: string;
  familyName: string;
  birthDate: IsoDate;
}

export interface Address {
  line1: string;
  town: string;
  postcode: string;
  /** The LSOA the address really lies in (truth); absent when the postcode is not in the lookup. */
  lsoa?: string;
}

/** A live birth as it happened. */
export interface BirthFact {
  nhsNumber: string;
  birthDate: IsoDate;
  birthTime: string; // HH:MM
  sex: Sex;
  givenName: string;
  familyName: string;
  birthWeightGrams: number;
  gestationWeeks: number;
  deliveryMethod: DeliveryMethod;
  /** 1 singleton; 1, 2 (, 3) for a multiple birth, which shares `deliveryId`. */
  multipleBirthOrder: number;
  deliveryId: string;
  ethnicCategory: EthnicCategory;
  smokingAtDelivery: 'Y' | 'N' | 'U';
  mother: Mother;
  address: Address;
  /** The parent objected to sharing at the birth notification. */
  sharingObjection: boolean;
  /** PDS sensitive flag: address never leaves health. */
  sensitive: boolean;
}

// ---------------------------------------------------------------------------------------------
// What happened, in date order (the world's event log)

export type WorldEvent = (
  | {
      kind: 'born';
      date: IsoDate;
      birth: BirthFact;
      /**
       * How births learnt of it (when it did): a NEMS birth notification carries no delivery
       * method and no smoking status, so births does not know them for such a child.
       */
      via?: 'births-extract' | 'births-nems';
    }
  /** A child born elsewhere moves into the LA (`from` absent) or within it, or out of it (`to` absent). */
  | {
      kind: 'moved';
      date: IsoDate;
      nhsNumber: string;
      from?: Address;
      to?: Address;
      /** For a move in of a child born elsewhere: the birth facts health holds. */
      birth?: BirthFact;
    }
  | { kind: 'died'; date: IsoDate; nhsNumber: string }
  /** A sharing choice stated later (at a contact or to births): objects, or withdraws. */
  | {
      kind: 'sharing-choice';
      date: IsoDate;
      nhsNumber: string;
      objects: boolean;
      statedAt: 'births' | 'hv-contact';
    }
  | { kind: 'hv-contact'; date: IsoDate; contact: HvContactFact }
  | { kind: 'family-registered'; date: IsoDate; family: FamilyFact }
  | {
      kind: 'family-changed';
      date: IsoDate;
      familyRef: string;
      loneParent?: 'yes' | 'no';
      employment?: { carerRef: string; status: string }[];
      address?: Address;
    }
  | { kind: 'session'; date: IsoDate; session: SessionFact }
  | { kind: 'outreach'; date: IsoDate; outreach: OutreachFact }
  | {
      kind: 'family-withdrawn';
      date: IsoDate;
      familyRef: string;
      reason: 'left' | 'erasure_requested';
    }
) & {
  /**
   * The day the first record the services accept about this event was sent; absent when none
   * was sent by the as-of date (the services do not know it). Expected figures use only events
   * with a `reportedOn`.
   */
  reportedOn?: IsoDate;
};

export interface HvContactFact {
  /** The HV system's own id: with system and organisation, the idempotency key. */
  sourceSystem: string;
  organisationCode: string;
  sourceContactId: string;
  /** The child's NHS number; the mother's for an antenatal contact. */
  nhsNumber: string;
  contactType: ContactType;
  location: ContactLocation;
  outcome: ContactOutcome;
  feedingStatus?: FeedingStatus;
  maternalSmoking?: 'smoker' | 'non_smoker' | 'unknown';
  referredToCentre?: boolean;
  asq3Completed?: boolean;
  sharingStatus: 'objects' | 'withdraws_objection' | 'not_asked';
}

export interface CarerFact {
  /** Stable within the world: families are referred to by refs, not service ids. */
  carerRef: string;
  givenName: string;
  familyName: string;
  birthDate?: IsoDate;
  relationship: 'mother' | 'father' | 'other_carer';
  ethnicCategory?: EthnicCategory;
  languages: string[];
  employmentStatus: string;
  disability: 'yes' | 'no' | 'unknown';
}

export interface RegisteredChildFact {
  childRef: string;
  /** The child's true NHS number (truth), whether or not the form gives it. */
  nhsNumber: string;
  /** What the form says: possibly without the NHS number, possibly with errors (see `formErrors`). */
  form: {
    nhsNumber?: string;
    givenName: string;
    familyName: string;
    birthDate: IsoDate;
    sex?: Sex;
  };
  formErrors: string[];
  disabilityOrSen: 'yes' | 'no' | 'unknown';
}

export interface FamilyFact {
  familyRef: string;
  centreId: string;
  carers: CarerFact[];
  children: RegisteredChildFact[];
  address: Address;
  loneParent: 'yes' | 'no' | 'unknown';
  heardVia: string;
}

export interface SessionFact {
  sessionRef: string;
  centreId: string;
  activityRef: string;
  attendees: ({ familyRef: string; childRef: string } | { familyRef: string; carerRef: string })[];
}

export interface OutreachFact {
  outreachRef: string;
  familyRef: string;
  visitType: 'new_birth_visit' | 'move_in_visit' | 'support_visit';
  outcome: 'completed' | 'no_answer' | 'declined' | 'moved_away' | 'wrong_address';
  childRefs: string[];
}

// ---------------------------------------------------------------------------------------------
// Truth: how each record sent through an interface must be treated

export type Channel =
  | 'births-extract'
  | 'births-nems'
  | 'births-api'
  | 'hv-api'
  | 'hv-topic'
  | 'hv-extract'
  | 'registrations-api';

export type Treatment =
  | { expect: 'accepted' }
  | { expect: 'accepted-with-warning'; warning: string }
  | { expect: 'duplicate' }
  | { expect: 'rejected'; reason: string };

/** One record as sent (a CSV row, a bundle, a request, a message) and what must become of it. */
export interface TruthRecord {
  channel: Channel;
  /** Where it is: file and row, or request/message sequence number. */
  ref: string;
  /** The world fact it reports (NHS number, contact key, family ref), when it reports one. */
  subject?: string;
  /** The UK date the record is sent (its file's month). */
  sent?: IsoDate;
  /** The fault injected into this record, if any (e.g. 'invalid-nhs-number', 'resend'). */
  fault?: string;
  treatment: Treatment;
}
