import { objectionInForceOf } from '@lib/contracts';
import {
  BREAKDOWNS,
  INDICATORS,
  INDICATOR_POLARITY,
  REACH_ROWS,
  TARGET_GROUPS,
  type BreakdownId,
  type EthnicGroup,
  type IndicatorCounts,
  type IndicatorFigures,
  type IndicatorId,
  type ReachCounts,
  type ReachFigures,
  type ReachRowId,
  type TargetGroup,
} from './figure-types';
import type { BoundaryVersion, FiguresLedger, LedgerBirth, LedgerRegistration } from './ledger';
import {
  addDays,
  daysBetween,
  fifthBirthday,
  monthsOf,
  parsePeriod,
  previousQuarter,
  type Period,
} from './periods';
import { change, compare, median, proportion } from './statistics';

/** Raised for a figure request that names something that does not exist (a 4xx, not a 500). */
export class FigureRequestError extends Error {}

type Flag = 'yes' | 'no' | 'unknown';

export interface Residence {
  date: string;
  version: number;
  resident: boolean;
  /** undefined: resident with an unknown LSOA. */
  lsoa: string | undefined;
  /** Outward code of the address (null: unknown, ZZ99 or sensitive). */
  postcodeDistrict: string | null;
  /** The birth notification's address, or a move's. */
  source: 'birth' | 'move';
}

/** One child as every figure sees it (docs/figures.md, "A child, as the figures see it"). */
export interface ChildView {
  pseudonym: string;
  birthDate: string;
  birth?: LedgerBirth;
  start: string;
  residences: Residence[];
  deathDate?: string;
  registrations: LedgerRegistration[];
  /** Dates of centre contacts (attendances and completed outreach), one per record. */
  contactDates: string[];
  attendanceDates: string[];
  /** Earliest completed, not cancelled HV contact of each type. */
  firstCompleted: Map<string, { date: string; feedingStatus?: string }>;
  /** A sharing objection is in force now (the child still counts in every figure). */
  objection: boolean;
  /** Flagged sensitive on the spine (births or a move). */
  sensitive: boolean;
  /** Registrations linked to the child, withdrawn or not (any centre). */
  everRegistered: boolean;
  /** Outreach attempts that did not reach the family (dates). */
  outreachAttempts: string[];
}

interface View {
  children: ChildView[];
  /** Attendances with the pseudonym they count for (null: not linked). */
  attendances: { centreId: string; date: string; pseudonym: string | null }[];
}

/** The areas a figure can ask for, under one boundary version. */
export class AreaMap {
  readonly centreOfLsoa = new Map<string, string>();
  readonly decileOfLsoa = new Map<string, number>();
  readonly centres = new Map<string, { cluster: string; la: string }>();

  constructor(readonly version: BoundaryVersion) {
    const b = version.boundaries;
    for (const c of b.centres) this.centres.set(c.id, { cluster: c.cluster, la: c.la });
    for (const r of b.reachAreas) for (const l of r.lsoas) this.centreOfLsoa.set(l, r.centreId);
    for (const d of b.imdDeciles) this.decileOfLsoa.set(d.lsoa, d.decile);
  }

  /** The centres of `centre:X`, `cluster:X` or `la:X`, and whether unassigned children count. */
  resolve(area: string): { centres: Set<string>; la: string; includesUnassigned: boolean } {
    const [kind, id] = area.split(':', 2) as [string, string | undefined];
    const b = this.version.boundaries;
    if (kind === 'centre' && id && this.centres.has(id)) {
      return { centres: new Set([id]), la: this.centres.get(id)!.la, includesUnassigned: false };
    }
    if (kind === 'cluster' && id) {
      const cluster = b.clusters.find((c) => c.id === id);
      if (cluster) {
        const centres = b.centres.filter((c) => c.cluster === id).map((c) => c.id);
        return { centres: new Set(centres), la: cluster.la, includesUnassigned: false };
      }
    }
    if (kind === 'la' && id && b.las.some((l) => l.code === id)) {
      const centres = b.centres.filter((c) => c.la === id).map((c) => c.id);
      // Unassigned children (unknown LSOA, or outside every reach area) count in the LA's
      // totals when the boundary version has one LA; with several, no LA can claim them.
      return { centres: new Set(centres), la: id, includesUnassigned: b.las.length === 1 };
    }
    throw new FigureRequestError(
      `area ${area}: no such centre, cluster or LA in boundary version ${this.version.versionId}`,
    );
  }

  /** Whether a resident child's LSOA falls in the area. */
  contains(area: { centres: Set<string>; includesUnassigned: boolean }, lsoa: string | undefined) {
    const centre = lsoa === undefined ? undefined : this.centreOfLsoa.get(lsoa);
    if (centre === undefined) return area.includesUnassigned;
    return area.centres.has(centre);
  }
}

export interface FigureOptions {
  sustainedThreshold: number;
}

const BREASTFED = new Set(['totally_breastfed', 'partially_breastfed']);

/** Computes reach and indicators from the ledger; derived child views are cached per revision. */
export class FigureCalculator {
  private cached: { revision: number; view: View } | undefined;

  constructor(private readonly ledger: FiguresLedger) {}

  /** The boundary version a figure uses: the named one, or the current one on `today`. */
  boundaryVersion(versionId: string | undefined, today: string): AreaMap {
    const versions = [...this.ledger.boundaryVersions.values()];
    if (versionId) {
      const named = this.ledger.boundaryVersions.get(versionId);
      if (!named) throw new FigureRequestError(`boundary version ${versionId}: not known`);
      return new AreaMap(named);
    }
    if (versions.length === 0) throw new FigureRequestError('no boundary version loaded yet');
    const inForce = versions
      .filter((v) => v.effectiveFrom <= today)
      .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom) || a.version - b.version);
    const chosen =
      inForce.at(-1) ?? versions.sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom))[0];
    return new AreaMap(chosen);
  }

  reach(map: AreaMap, areaId: string, periodId: string, options: FigureOptions): ReachFigures {
    const period = parsePeriod(periodId);
    const area = map.resolve(areaId);
    const view = this.view();
    const e = period.end;
    const inPeriod = (d: string) => d >= period.start && d <= e;
    const rows = Object.fromEntries(REACH_ROWS.map((r) => [r, emptyCounts()])) as Record<
      ReachRowId,
      ReachCounts
    >;
    const days = new Map<ReachRowId, number[]>(REACH_ROWS.map((r) => [r, []]));
    const population = new Set<string>();
    const rowsOfChild = new Map<string, ReachRowId[]>();
    for (const child of view.children) {
      if (!this.inPopulation(child, e, map, area)) continue;
      population.add(child.pseudonym);
      const active = activeRegistrations(child, e, this.ledger);
      const memberOf: ReachRowId[] = ['all'];
      for (const g of TARGET_GROUPS) {
        const flag = this.groupFlag(child, g, e, map, active.at(-1));
        if (flag === 'yes') memberOf.push(`${g}:yes`);
        else if (flag === 'unknown') memberOf.push(`${g}:unknown`);
      }
      rowsOfChild.set(child.pseudonym, memberOf);
      const contacts = child.contactDates.filter(inPeriod).length;
      const attendanceDays = new Set(child.attendanceDates.filter(inPeriod)).size;
      const cohort = inPeriod(child.start);
      const first = child.contactDates.filter((d) => d >= child.start).sort()[0];
      for (const row of memberOf) {
        const c = rows[row];
        c.population++;
        if (active.length > 0) c.registered++;
        if (active.some((r) => area.centres.has(r.centreId))) c.registeredHere++;
        if (contacts >= 1) c.seen++;
        if (contacts >= options.sustainedThreshold) c.sustained++;
        if (attendanceDays >= 2) c.repeatAttenders++;
        if (cohort) {
          c.timelinessCohort++;
          if (first !== undefined) {
            const d = daysBetween(child.start, first);
            days.get(row)!.push(d);
            if (d <= 30) c.contactedWithin30Days++;
          }
        }
      }
    }
    for (const a of view.attendances) {
      if (!inPeriod(a.date) || !area.centres.has(a.centreId)) continue;
      rows.all.attendances++;
      if (a.pseudonym === null || !population.has(a.pseudonym)) continue;
      for (const row of rowsOfChild.get(a.pseudonym)!) if (row !== 'all') rows[row].attendances++;
    }
    for (const row of REACH_ROWS) rows[row].medianDaysToFirstContact = median(days.get(row)!);
    const byMonth: Record<string, number> = Object.fromEntries(monthsOf(period).map((m) => [m, 0]));
    let total = 0;
    for (const f of this.ledger.families.values()) {
      if (!inPeriod(f.registeredOn) || !area.centres.has(f.centreId)) continue;
      total++;
      byMonth[f.registeredOn.slice(0, 7)]++;
    }
    return {
      area: areaId,
      period: period.id,
      start: period.start,
      end: period.end,
      boundaryVersion: map.version.versionId,
      rows,
      newFamilies: { total, byMonth },
    };
  }

  indicators(
    map: AreaMap,
    areaId: string,
    quarterId: string,
    england: Partial<Record<IndicatorId, number>>,
  ): IndicatorFigures {
    if (!quarterId.startsWith('quarter:'))
      throw new FigureRequestError(`period ${quarterId}: indicators are per financial quarter`);
    const area = map.resolve(areaId);
    const current = this.indicatorCounts(map, area, parsePeriod(quarterId));
    const previous = this.indicatorCounts(map, area, parsePeriod(previousQuarter(quarterId)));
    const la =
      areaId === `la:${area.la}`
        ? current
        : this.indicatorCounts(map, map.resolve(`la:${area.la}`), parsePeriod(quarterId));
    const indicators = {} as IndicatorFigures['indicators'];
    for (const id of INDICATORS) {
      const polarity = INDICATOR_POLARITY[id];
      const all = current[id].all;
      const prev = previous[id].all;
      indicators[id] = {
        polarity,
        breakdowns: current[id],
        comparedWithLa: compare(all, la[id].all.value, polarity),
        comparedWithEngland: compare(all, england[id], polarity),
        englandValue: england[id] ?? null,
        previousQuarter: {
          numerator: prev.numerator,
          denominator: prev.denominator,
          value: prev.value,
          lower: prev.lower,
          upper: prev.upper,
        },
        change: change(prev, all),
      };
    }
    return {
      area: areaId,
      period: quarterId,
      boundaryVersion: map.version.versionId,
      indicators,
    };
  }

  // ---- children --------------------------------------------------------------------------------

  private inPopulation(
    child: ChildView,
    day: string,
    map: AreaMap,
    area: { centres: Set<string>; includesUnassigned: boolean },
  ): boolean {
    if (child.birthDate > day || day >= fifthBirthday(child.birthDate)) return false;
    if (child.deathDate !== undefined && child.deathDate <= day) return false;
    const r = residenceOn(child, day);
    return r !== undefined && r.resident && map.contains(area, r.lsoa);
  }

  /** `registration`: the child's current registration on the day (the latest active one). */
  private groupFlag(
    child: ChildView,
    group: TargetGroup,
    day: string,
    map: AreaMap,
    registration: LedgerRegistration | undefined,
  ): Flag {
    switch (group) {
      case 'teenage_mother': {
        const age = child.birth?.motherAgeAtBirth ?? registration?.motherAgeAtBirth;
        return age === undefined ? 'unknown' : age < 20 ? 'yes' : 'no';
      }
      case 'minority_ethnic': {
        const stated = (c: string | undefined) => (c && c !== 'Z' ? c : undefined);
        const category =
          stated(child.birth?.ethnicCategory) ?? stated(registration?.ethnicCategory);
        return category === undefined ? 'unknown' : category === 'A' ? 'no' : 'yes';
      }
      case 'deprived_30': {
        const lsoa = residenceOn(child, day)?.lsoa;
        const decile = lsoa === undefined ? undefined : map.decileOfLsoa.get(lsoa);
        return decile === undefined ? 'unknown' : decile <= 3 ? 'yes' : 'no';
      }
      case 'lone_parent':
      case 'workless_household': {
        if (!registration) return 'unknown';
        const family = this.ledger.families.get(registration.familyId);
        if (!family) return 'unknown';
        const field = group === 'lone_parent' ? 'loneParent' : 'worklessHousehold';
        let value: Flag = family[field];
        let at = '';
        let version = -1;
        for (const c of family.changes.values()) {
          const v = c[field];
          if (v === undefined || c.effectiveDate > day) continue;
          if (c.effectiveDate > at || (c.effectiveDate === at && c.version > version)) {
            value = v;
            at = c.effectiveDate;
            version = c.version;
          }
        }
        return value;
      }
      case 'disabled_child':
        return registration ? registration.disabilityOrSen : 'unknown';
      case 'disabled_parent': {
        if (!registration) return 'unknown';
        const flags = [
          ...(this.ledger.families.get(registration.familyId)?.carerDisability.values() ?? []),
        ];
        if (flags.includes('yes')) return 'yes';
        return flags.length > 0 && flags.every((f) => f === 'no') ? 'no' : 'unknown';
      }
      case 'father':
        return registration ? (registration.hasFather ? 'yes' : 'no') : 'unknown';
    }
  }

  // ---- indicators ------------------------------------------------------------------------------

  private indicatorCounts(
    map: AreaMap,
    area: { centres: Set<string>; includesUnassigned: boolean },
    quarter: Period,
  ): Record<IndicatorId, Record<BreakdownId, IndicatorCounts>> {
    const tallies = {} as Record<
      IndicatorId,
      Record<BreakdownId, { num: number; den: number; recorded: number }>
    >;
    for (const id of INDICATORS) {
      tallies[id] = Object.fromEntries(
        BREAKDOWNS.map((b) => [b, { num: 0, den: 0, recorded: 0 }]),
      ) as Record<BreakdownId, { num: number; den: number; recorded: number }>;
    }
    const count = (id: IndicatorId, child: ChildView, num: boolean, recorded = false): void => {
      for (const b of breakdownsOf(child.birth)) {
        const t = tallies[id][b];
        t.den++;
        if (num) t.num++;
        if (recorded) t.recorded++;
      }
    };
    const inQuarter = (d: string) => d >= quarter.start && d <= quarter.end;
    const dueHere = (child: ChildView, day: string) => {
      if (!inQuarter(day)) return false;
      if (child.deathDate !== undefined && child.deathDate <= day) return false;
      const r = residenceOn(child, day);
      return r !== undefined && r.resident && map.contains(area, r.lsoa);
    };
    for (const child of this.view().children) {
      const birth = child.birth;
      if (birth && inQuarter(birth.birthDate) && map.contains(area, birth.lsoa ?? undefined)) {
        if (
          birth.gestationWeeks !== undefined &&
          birth.gestationWeeks >= 37 &&
          birth.birthWeightGrams !== undefined
        )
          count('low_birth_weight_term', child, birth.birthWeightGrams < 2500);
        const delivery = birth.multipleBirthOrder === undefined || birth.multipleBirthOrder <= 1;
        if (delivery && (birth.smokingAtDelivery === 'Y' || birth.smokingAtDelivery === 'N'))
          count('smoking_at_delivery', child, birth.smokingAtDelivery === 'Y');
        if (delivery && birth.deliveryMethod && birth.deliveryMethod !== 'unknown')
          count('normal_delivery', child, birth.deliveryMethod === 'spontaneous');
      }
      if (birth && dueHere(child, addDays(child.birthDate, 14))) {
        const nbv = child.firstCompleted.get('new_birth_visit');
        count(
          'breastfeeding_nbv',
          child,
          BREASTFED.has(nbv?.feedingStatus ?? ''),
          isRecorded(nbv?.feedingStatus),
        );
      }
      if (dueHere(child, addDays(child.birthDate, 56))) {
        const review = child.firstCompleted.get('review_6_8_week');
        count(
          'breastfeeding_6_8_weeks',
          child,
          BREASTFED.has(review?.feedingStatus ?? ''),
          isRecorded(review?.feedingStatus),
        );
      }
      if (birth && dueHere(child, addDays(child.birthDate, 30))) {
        const nbv = child.firstCompleted.get('new_birth_visit');
        count(
          'nbv_within_14_days',
          child,
          nbv !== undefined && daysBetween(child.birthDate, nbv.date) <= 14,
        );
      }
    }
    const out = {} as Record<IndicatorId, Record<BreakdownId, IndicatorCounts>>;
    for (const id of INDICATORS) {
      out[id] = {} as Record<BreakdownId, IndicatorCounts>;
      for (const b of BREAKDOWNS) {
        const t = tallies[id][b];
        const p: IndicatorCounts = proportion(t.num, t.den);
        if (id === 'breastfeeding_nbv' || id === 'breastfeeding_6_8_weeks') {
          p.recorded = t.recorded;
          p.valueOfRecorded = t.recorded === 0 ? null : t.num / t.recorded;
          p.completeness = t.den === 0 ? null : t.recorded / t.den;
        }
        out[id][b] = p;
      }
    }
    return out;
  }

  // ---- the derived view --------------------------------------------------------------------------

  /** Every child as the figures see it (for the worklist and closed-loop figures). */
  children(): readonly ChildView[] {
    return this.view().children;
  }

  private view(): View {
    if (this.cached && this.cached.revision === this.ledger.revision) return this.cached.view;
    const ledger = this.ledger;
    const registrationsOf = new Map<string, LedgerRegistration[]>();
    for (const r of ledger.registrations.values()) {
      const p = ledger.linkedPseudonym(r.childId);
      if (p === null) continue;
      let list = registrationsOf.get(p);
      if (!list) registrationsOf.set(p, (list = []));
      list.push(r);
    }
    const contactsOf = new Map<
      string,
      { contacts: string[]; attendances: string[]; attempts: string[] }
    >();
    const entry = (p: string) => {
      let e = contactsOf.get(p);
      if (!e) contactsOf.set(p, (e = { contacts: [], attendances: [], attempts: [] }));
      return e;
    };
    const attendances: View['attendances'] = [];
    for (const a of ledger.attendances.values()) {
      const p = ledger.linkedPseudonym(a.childId);
      attendances.push({ centreId: a.centreId, date: a.date, pseudonym: p });
      if (p === null) continue;
      entry(p).contacts.push(a.date);
      entry(p).attendances.push(a.date);
    }
    for (const o of ledger.outreach.values()) {
      const named = new Set(o.pseudonyms);
      for (const id of o.childIds) {
        const p = ledger.linkedPseudonym(id);
        if (p !== null) named.add(p);
      }
      for (const p of named) {
        if (o.outcome === 'completed') entry(p).contacts.push(o.date);
        else entry(p).attempts.push(o.date);
      }
    }
    const children: ChildView[] = [];
    for (const c of ledger.children.values()) {
      const birth =
        c.birth && (c.retractedVersion === undefined || c.birth.version > c.retractedVersion)
          ? c.birth
          : undefined;
      if (!birth && c.retractedVersion !== undefined) continue;
      const residences: Residence[] = [...c.residences.values()].map((r) => ({
        date: r.date,
        version: r.version,
        resident: !r.out,
        lsoa: r.out ? undefined : (r.lsoa ?? undefined),
        postcodeDistrict: r.postcodeDistrict,
        source: 'move',
      }));
      const firstIn = [...c.residences.values()]
        .filter((r) => r.direction === 'in')
        .sort((a, b) => a.date.localeCompare(b.date))[0];
      if (birth) {
        residences.push({
          date: birth.birthDate,
          version: birth.version,
          resident: true,
          lsoa: birth.lsoa ?? undefined,
          postcodeDistrict: birth.postcodeDistrict,
          source: 'birth',
        });
      }
      const birthDate = birth?.birthDate ?? firstIn?.birthDate;
      if (birthDate === undefined) continue; // only contacts or moves within/out: not a child here
      residences.sort((a, b) => a.date.localeCompare(b.date) || a.version - b.version);
      const firstCompleted = new Map<string, { date: string; feedingStatus?: string }>();
      for (const k of c.contacts.values()) {
        if (k.cancelled || k.outcome !== 'completed') continue;
        const known = firstCompleted.get(k.contactType);
        if (!known || k.contactDate < known.date) {
          firstCompleted.set(k.contactType, {
            date: k.contactDate,
            ...(k.feedingStatus ? { feedingStatus: k.feedingStatus } : {}),
          });
        }
      }
      const contacts = contactsOf.get(c.pseudonym);
      children.push({
        pseudonym: c.pseudonym,
        birthDate,
        ...(birth ? { birth } : {}),
        start: birth ? birth.birthDate : (firstIn?.date ?? birthDate),
        residences,
        ...(c.death?.date ? { deathDate: c.death.date } : {}),
        registrations: (registrationsOf.get(c.pseudonym) ?? []).sort(
          (a, b) =>
            a.registeredOn.localeCompare(b.registeredOn) || a.childId.localeCompare(b.childId),
        ),
        contactDates: contacts?.contacts ?? [],
        attendanceDates: contacts?.attendances ?? [],
        firstCompleted,
        objection: objectionInForceOf([...c.sharingChoices.values()]),
        sensitive: birth?.sensitive === true || [...c.residences.values()].some((r) => r.sensitive),
        everRegistered: registrationsOf.has(c.pseudonym),
        outreachAttempts: contacts?.attempts ?? [],
      });
    }
    const view = { children, attendances };
    this.cached = { revision: ledger.revision, view };
    return view;
  }
}

function emptyCounts(): ReachCounts {
  return {
    population: 0,
    registered: 0,
    registeredHere: 0,
    seen: 0,
    sustained: 0,
    repeatAttenders: 0,
    attendances: 0,
    timelinessCohort: 0,
    contactedWithin30Days: 0,
    medianDaysToFirstContact: null,
  };
}

/** The latest residence fact on or before `day` (ties: the higher version). */
export function residenceOn(child: ChildView, day: string): Residence | undefined {
  let found: Residence | undefined;
  for (const r of child.residences) {
    if (r.date > day) break;
    found = r; // sorted by date, then version
  }
  return found;
}

function activeRegistrations(
  child: ChildView,
  day: string,
  ledger: FiguresLedger,
): LedgerRegistration[] {
  return child.registrations.filter((r) => {
    if (r.registeredOn > day) return false;
    if (r.withdrawnOn !== undefined && r.withdrawnOn <= day) return false;
    const family = ledger.families.get(r.familyId);
    return !(family?.withdrawnOn !== undefined && family.withdrawnOn <= day);
  });
}

function isRecorded(status: string | undefined): boolean {
  return status !== undefined && status !== 'unknown';
}

const ETHNIC_GROUP_OF: Record<string, EthnicGroup> = {
  A: 'white', B: 'white', C: 'white', D: 'mixed', E: 'mixed', F: 'mixed', G: 'mixed',
  H: 'asian', J: 'asian', K: 'asian', L: 'asian', M: 'black', N: 'black', P: 'black',
  R: 'other', S: 'other',
}; // prettier-ignore

/** The indicator breakdowns a child falls in (births' facts only). */
function breakdownsOf(birth: LedgerBirth | undefined): BreakdownId[] {
  const age = birth?.motherAgeAtBirth;
  const teen = age === undefined ? 'unknown' : age < 20 ? 'yes' : 'no';
  const ethnic = ETHNIC_GROUP_OF[birth?.ethnicCategory ?? ''] ?? 'unknown';
  return ['all', `teenage_mother:${teen}`, `ethnic_group:${ethnic}`];
}
