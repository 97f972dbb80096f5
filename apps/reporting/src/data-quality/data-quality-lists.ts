import type { AreaMap, ChildView } from '../figures/figures';
import { residenceOn } from '../figures/figures';
import type { FiguresLedger } from '../figures/ledger';
import { addDays, daysBetween, fifthBirthday, parsePeriod, quarterOf } from '../figures/periods';

/**
 * Reporting's data-quality lists for an LA analyst (docs/figures.md, "Data-quality lists"):
 * the records that make a figure less than it should be, so someone can put them right. Children
 * are named by pseudonym only; registration-desk records by the desk's own ids (the centre can
 * find them, the analyst cannot identify anyone from them). Computed from the same in-memory
 * ledger as the figures, under one boundary version, on one day.
 */

/** `la:X` of the boundary version, and whether children placed in no centre count for it. */
interface LaScope {
  la: string;
  map: AreaMap;
  area: ReturnType<AreaMap['resolve']>;
}

export function laScope(map: AreaMap, la: string): LaScope {
  return { la, map, area: map.resolve(`la:${la}`) };
}

/** Whether a child living at `lsoa` (undefined: unknown) counts for the LA. */
function inLa(scope: LaScope, lsoa: string | undefined): boolean {
  return scope.map.contains(scope.area, lsoa);
}

function centreOf(scope: LaScope, lsoa: string | undefined): string | null {
  const centre = lsoa === undefined ? undefined : scope.map.centreOfLsoa.get(lsoa);
  return centre !== undefined && scope.area.centres.has(centre) ? centre : null;
}

function countBy<T>(items: readonly T[], keyOf: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[keyOf(item)] = (counts[keyOf(item)] ?? 0) + 1;
  return counts;
}

// ---- unassigned postcodes --------------------------------------------------------------------

export type UnassignedReason = 'outside_reach_areas' | 'postcode_not_in_directory' | 'no_postcode';

export interface UnassignedResident {
  pseudonym: string;
  reason: UnassignedReason;
  /** Outward code of the address (null: none given, or a ZZ99 pseudo-postcode). */
  postcodeDistrict: string | null;
  /** The LSOA the postcode gave, when it gave one no reach area holds. */
  lsoa: string | null;
  /** The month of the address (a month: for a birth its day would be the date of birth). */
  sinceMonth: string;
  source: 'birth' | 'move';
  /** Month of birth (never the full date: analysts see no full date of birth). */
  birthMonth: string;
}

export interface UnassignedList {
  /** false when the boundary version has several LAs: no LA can claim an unplaced child. */
  attributable: boolean;
  counts: Record<UnassignedReason, number> & { total: number };
  /** Sensitive-flagged children: counted by LA only by design, never listed (nothing to fix). */
  sensitiveNotListed: number;
  entries: UnassignedResident[];
}

/**
 * Children in the LA's under-5 population today whose address places them in no centre's reach
 * area: they count in the LA's totals and in no centre's. The list plus `sensitiveNotListed` is
 * exactly the LA's population minus the sum of its centres' populations on the day.
 */
export function unassignedResidents(
  children: readonly ChildView[],
  scope: LaScope,
  today: string,
): UnassignedList {
  const entries: UnassignedResident[] = [];
  let sensitiveNotListed = 0;
  if (scope.area.includesUnassigned) {
    for (const child of children) {
      if (child.birthDate > today || today >= fifthBirthday(child.birthDate)) continue;
      if (child.deathDate !== undefined && child.deathDate <= today) continue;
      const r = residenceOn(child, today);
      if (!r?.resident || centreOf(scope, r.lsoa) !== null || !inLa(scope, r.lsoa)) continue;
      if (child.sensitive) {
        sensitiveNotListed++;
        continue;
      }
      entries.push({
        pseudonym: child.pseudonym,
        reason:
          r.lsoa !== undefined
            ? 'outside_reach_areas'
            : r.postcodeDistrict !== null
              ? 'postcode_not_in_directory'
              : 'no_postcode',
        postcodeDistrict: r.postcodeDistrict,
        lsoa: r.lsoa ?? null,
        sinceMonth: r.date.slice(0, 7),
        source: r.source,
        birthMonth: child.birthDate.slice(0, 7),
      });
    }
  }
  entries.sort(
    (a, b) =>
      a.reason.localeCompare(b.reason) ||
      a.sinceMonth.localeCompare(b.sinceMonth) ||
      a.pseudonym.localeCompare(b.pseudonym),
  );
  const counts = {
    outside_reach_areas: 0,
    postcode_not_in_directory: 0,
    no_postcode: 0,
    ...countBy(entries, (e) => e.reason),
    total: entries.length,
  };
  return { attributable: scope.area.includesUnassigned, counts, sensitiveNotListed, entries };
}

// ---- unmatched registrations -----------------------------------------------------------------

export type UnmatchedReason = 'no_nhs_number' | 'link_removed' | 'nhs_number_not_known_here';

export interface UnmatchedRegistration {
  /** The registration desk's ids: the centre finds the record by them. */
  childId: string;
  familyId: string;
  centreId: string;
  registeredOn: string;
  reason: UnmatchedReason;
  birthMonth: string;
}

export interface UnmatchedList {
  counts: Record<UnmatchedReason, number> & { total: number };
  entries: UnmatchedRegistration[];
}

/**
 * Children registered (and not withdrawn) at the LA's centres whom no birth or move-in record
 * matches, so they count as registered nowhere: no NHS number and no link, a link staff removed,
 * or an NHS number no birth notification or move-in here has named.
 */
export function unmatchedRegistrations(
  ledger: FiguresLedger,
  children: readonly ChildView[],
  scope: LaScope,
  today: string,
): UnmatchedList {
  const known = new Set(children.map((c) => c.pseudonym));
  const entries: UnmatchedRegistration[] = [];
  for (const r of ledger.registrations.values()) {
    if (!scope.area.centres.has(r.centreId) || r.registeredOn > today) continue;
    if (r.withdrawnOn !== undefined && r.withdrawnOn <= today) continue;
    const familyWithdrawn = ledger.families.get(r.familyId)?.withdrawnOn;
    if (familyWithdrawn !== undefined && familyWithdrawn <= today) continue;
    const link = ledger.linkOf(r.childId);
    if (link.pseudonym !== null && known.has(link.pseudonym)) continue;
    entries.push({
      childId: r.childId,
      familyId: r.familyId,
      centreId: r.centreId,
      registeredOn: r.registeredOn,
      reason:
        link.pseudonym !== null
          ? 'nhs_number_not_known_here'
          : link.decided
            ? 'link_removed'
            : 'no_nhs_number',
      birthMonth: r.birthDate.slice(0, 7),
    });
  }
  entries.sort(
    (a, b) =>
      a.centreId.localeCompare(b.centreId) ||
      a.registeredOn.localeCompare(b.registeredOn) ||
      a.childId.localeCompare(b.childId),
  );
  const counts = {
    no_nhs_number: 0,
    link_removed: 0,
    nhs_number_not_known_here: 0,
    ...countBy(entries, (e) => e.reason),
    total: entries.length,
  };
  return { counts, entries };
}

// ---- contacts with missing feeding status ----------------------------------------------------

const FEEDING_REVIEWS = new Set(['new_birth_visit', 'review_6_8_week']);

export interface MissingFeedingStatus {
  contactId: string;
  contactType: string;
  contactDate: string;
  /** The provider holding the record, to ask for the status. */
  organisationCode: string | null;
  sourceSystem: string | null;
  pseudonym: string;
  /** The centre area the child lived in on the contact date (null: placed in none). */
  centreId: string | null;
  /** Absent, or recorded as `unknown`. */
  recorded: 'absent' | 'unknown';
}

export interface MissingFeedingList {
  counts: {
    total: number;
    byContactType: Record<string, number>;
    byOrganisation: Record<string, number>;
  };
  entries: MissingFeedingStatus[];
}

/**
 * Completed new-birth visits and 6-8 week reviews of children living in the LA on the day whose
 * feeding status is absent or `unknown`: they count in the breastfeeding denominators and lower
 * the recording completeness the SEF shows.
 */
export function missingFeedingStatus(
  ledger: FiguresLedger,
  children: readonly ChildView[],
  scope: LaScope,
): MissingFeedingList {
  const viewOf = new Map(children.map((c) => [c.pseudonym, c]));
  const entries: MissingFeedingStatus[] = [];
  for (const child of ledger.children.values()) {
    const view = viewOf.get(child.pseudonym);
    if (!view) continue; // not a child here (no birth, no move-in): no area to count in
    for (const [contactId, k] of child.contacts) {
      if (k.cancelled || k.outcome !== 'completed' || !FEEDING_REVIEWS.has(k.contactType)) continue;
      if (k.feedingStatus !== undefined && k.feedingStatus !== 'unknown') continue;
      const r = residenceOn(view, k.contactDate) ?? view.residences[0];
      if (!r?.resident || !inLa(scope, r.lsoa)) continue;
      entries.push({
        contactId,
        contactType: k.contactType,
        contactDate: k.contactDate,
        organisationCode: k.organisationCode ?? null,
        sourceSystem: k.sourceSystem ?? null,
        pseudonym: child.pseudonym,
        centreId: centreOf(scope, r.lsoa),
        recorded: k.feedingStatus === undefined ? 'absent' : 'unknown',
      });
    }
  }
  entries.sort(
    (a, b) => a.contactDate.localeCompare(b.contactDate) || a.contactId.localeCompare(b.contactId),
  );
  return {
    counts: {
      total: entries.length,
      byContactType: countBy(entries, (e) => e.contactType),
      byOrganisation: countBy(entries, (e) => e.organisationCode ?? 'not stated'),
    },
    entries,
  };
}

// ---- late-arriving records -------------------------------------------------------------------

export type LateRecordKind =
  'birth' | 'move' | 'death' | 'hv_contact' | 'registration' | 'attendance' | 'outreach';

export interface LateRecord {
  kind: LateRecordKind;
  /** The contact, registration, attendance or outreach id; for births, moves, deaths: none. */
  recordId: string | null;
  /**
   * The child's pseudonym, when the record is about a known child; never on a birth, whose
   * occurrence date is the date of birth (analysts see no full date of birth with a pseudonym).
   */
  pseudonym: string | null;
  /** The centre whose figures it changes (area of the child, or the desk's centre). */
  centreId: string | null;
  occurredOn: string;
  receivedOn: string;
  daysLate: number;
  /** The financial quarter the record belongs to (the figures it changed). */
  quarter: string;
  /** The quarter had ended when the record arrived: figures already read for it moved. */
  quarterClosedOnArrival: boolean;
}

export interface LateList {
  lateAfterDays: number;
  counts: { total: number; byKind: Record<string, number>; closedQuarters: number };
  entries: LateRecord[];
}

/**
 * Records that reached the backbone more than `lateAfterDays` days after the day they are about
 * (births, moves, deaths, HV contacts, registrations, attendances, outreach), for the LA's
 * children and centres. A figure uses the date things happened, so each one changed figures of
 * a period that may already have been read; submitted SEF snapshots stay as they were.
 */
export function lateRecords(
  ledger: FiguresLedger,
  children: readonly ChildView[],
  scope: LaScope,
  lateAfterDays: number,
): LateList {
  const entries: LateRecord[] = [];
  const add = (
    record: string,
    kind: LateRecordKind,
    occurredOn: string,
    ids: { recordId?: string; pseudonym?: string; centreId: string | null },
  ) => {
    const receivedOn = ledger.firstReceived.get(record);
    if (receivedOn === undefined) return;
    const daysLate = daysBetween(occurredOn, receivedOn);
    if (daysLate <= lateAfterDays) return;
    const quarter = quarterOf(occurredOn);
    entries.push({
      kind,
      recordId: ids.recordId ?? null,
      pseudonym: ids.pseudonym ?? null,
      centreId: ids.centreId,
      occurredOn,
      receivedOn,
      daysLate,
      quarter,
      quarterClosedOnArrival: parsePeriod(quarter).end < receivedOn,
    });
  };
  const viewOf = new Map(children.map((c) => [c.pseudonym, c]));
  for (const child of ledger.children.values()) {
    const view = viewOf.get(child.pseudonym);
    if (!view) continue;
    const placed = (day: string) => {
      const r = residenceOn(view, day) ?? view.residences[0];
      return r?.resident && inLa(scope, r.lsoa) ? { centreId: centreOf(scope, r.lsoa) } : null;
    };
    const p = child.pseudonym;
    if (view.birth) {
      const at = placed(view.birth.birthDate);
      if (at) add(`birth:${p}`, 'birth', view.birth.birthDate, at);
    }
    for (const [eventId, r] of child.residences) {
      // A move out changed the figures of the area the child left; into or within: the new home.
      const at = placed(r.out ? addDays(r.date, -1) : r.date);
      if (at) add(`residence:${eventId}`, 'move', r.date, { pseudonym: p, ...at });
    }
    const dateOfDeath = child.death?.date;
    if (dateOfDeath) {
      const at = placed(dateOfDeath);
      if (at) add(`death:${p}`, 'death', dateOfDeath, { pseudonym: p, ...at });
    }
    for (const [contactId, k] of child.contacts) {
      const at = placed(k.contactDate);
      if (at)
        add(`contact:${contactId}`, 'hv_contact', k.contactDate, {
          recordId: contactId,
          pseudonym: p,
          ...at,
        });
    }
  }
  for (const r of ledger.registrations.values()) {
    if (!scope.area.centres.has(r.centreId)) continue;
    const pseudonym = ledger.linkedPseudonym(r.childId) ?? undefined;
    add(`registration:${r.childId}`, 'registration', r.registeredOn, {
      recordId: r.childId,
      ...(pseudonym ? { pseudonym } : {}),
      centreId: r.centreId,
    });
  }
  for (const [attendanceId, a] of ledger.attendances) {
    if (!scope.area.centres.has(a.centreId)) continue;
    add(`attendance:${attendanceId}`, 'attendance', a.date, {
      recordId: attendanceId,
      centreId: a.centreId,
    });
  }
  for (const [outreachId, o] of ledger.outreach) {
    if (!scope.area.centres.has(o.centreId)) continue;
    add(`outreach:${outreachId}`, 'outreach', o.date, {
      recordId: outreachId,
      centreId: o.centreId,
    });
  }
  entries.sort(
    (a, b) =>
      b.daysLate - a.daysLate ||
      a.occurredOn.localeCompare(b.occurredOn) ||
      a.kind.localeCompare(b.kind) ||
      (a.recordId ?? a.pseudonym ?? '').localeCompare(b.recordId ?? b.pseudonym ?? ''),
  );
  return {
    lateAfterDays,
    counts: {
      total: entries.length,
      byKind: countBy(entries, (e) => e.kind),
      closedQuarters: entries.filter((e) => e.quarterClosedOnArrival).length,
    },
    entries,
  };
}
