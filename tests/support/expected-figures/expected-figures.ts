/**
 * Independent, deliberately plain recomputation of the reach figures and health indicators of
 * docs/figures.md from the synthetic world's truth (see world.ts). It shares nothing with the
 * reporting service but the output types.
 */
import type { GeographyBoundariesV1 } from '@lib/contracts';
import type {
  BirthFact,
  FamilyFact,
  HvContactFact,
  RegisteredChildFact,
  WorldEvent,
} from '@lib/synthetic';
import {
  BREAKDOWNS,
  INDICATORS,
  INDICATOR_POLARITY,
  REACH_ROWS,
  TARGET_GROUPS,
  type BreakdownId,
  type Change,
  type Comparison,
  type EthnicGroup,
  type IndicatorCounts,
  type IndicatorFigures,
  type IndicatorId,
  type Polarity,
  type Proportion,
  type ReachCounts,
  type ReachFigures,
  type ReachRowId,
  type TargetGroup,
} from '../../../apps/reporting/src/figures/figure-types';

export interface ExpectedOptions {
  /** Centre contacts in the period for `sustained` (default 3). */
  sustainedThreshold?: number;
  /** Echoed into the output, e.g. `boundaries:1`. */
  boundaryVersion: string;
  /** England's values from the analyst's reference CSV; missing → not compared. */
  englandValues?: Partial<Record<IndicatorId, number>>;
  /**
   * The registered children (generator child refs) that registrations linked to their NHS
   * number: matching is its job, measured on its own. Absent: every registered child is linked.
   */
  linkedChildRefs?: ReadonlySet<string>;
}

export const WILSON_Z = 1.959964;

// ---------------------------------------------------------------------------------------------
// Dates

function toUtc(date: string): number {
  return Date.UTC(
    Number(date.slice(0, 4)),
    Number(date.slice(5, 7)) - 1,
    Number(date.slice(8, 10)),
  );
}

function fromUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromUtc(toUtc(date) + days * 86_400_000);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((toUtc(to) - toUtc(from)) / 86_400_000);
}

/** Whole years from `birth` to `on` (a birthday not yet reached counts one less). */
export function wholeYears(birth: string, on: string): number {
  let years = Number(on.slice(0, 4)) - Number(birth.slice(0, 4));
  if (on.slice(5) < birth.slice(5)) years -= 1;
  return years;
}

function lastDayOfMonth(year: number, month: number): string {
  return fromUtc(Date.UTC(year, month, 0));
}

function monthStart(year: number, month: number): string {
  return fromUtc(Date.UTC(year, month - 1, 1));
}

export interface Period {
  id: string;
  start: string;
  end: string;
}

/** `month:2026-04`, `quarter:2026-27-Q1`, `year:2026-27`, `rolling12:2026-10`, `rolling24:2026-10`. */
export function parsePeriod(id: string): Period {
  let m = /^month:(\d{4})-(\d{2})$/.exec(id);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    return { id, start: monthStart(y, mo), end: lastDayOfMonth(y, mo) };
  }
  m = /^quarter:(\d{4})-\d{2}-Q([1-4])$/.exec(id);
  if (m) {
    const fy = Number(m[1]);
    const q = Number(m[2]);
    const firstMonth = q === 4 ? 1 : 4 + (q - 1) * 3;
    const year = q === 4 ? fy + 1 : fy;
    return { id, start: monthStart(year, firstMonth), end: lastDayOfMonth(year, firstMonth + 2) };
  }
  m = /^year:(\d{4})-\d{2}$/.exec(id);
  if (m) {
    const fy = Number(m[1]);
    return { id, start: monthStart(fy, 4), end: lastDayOfMonth(fy + 1, 3) };
  }
  m = /^rolling(12|24):(\d{4})-(\d{2})$/.exec(id);
  if (m) {
    const months = Number(m[1]);
    const y = Number(m[2]);
    const mo = Number(m[3]);
    // Date.UTC normalises a month index below 0 into earlier years.
    const start = fromUtc(Date.UTC(y, mo - 1 - (months - 1), 1));
    return { id, start, end: lastDayOfMonth(y, mo) };
  }
  throw new Error(`unknown period id ${id}`);
}

/** The financial quarter before `quarter:YYYY-YY-Qn`. */
export function previousQuarterId(id: string): string {
  const m = /^quarter:(\d{4})-\d{2}-Q([1-4])$/.exec(id);
  if (!m) throw new Error(`not a quarter id: ${id}`);
  const fy = Number(m[1]);
  const q = Number(m[2]);
  if (q > 1) return `quarter:${fy}-${String((fy + 1) % 100).padStart(2, '0')}-Q${q - 1}`;
  return `quarter:${fy - 1}-${String(fy % 100).padStart(2, '0')}-Q4`;
}

function inPeriod(date: string, period: Period): boolean {
  return date >= period.start && date <= period.end;
}

// ---------------------------------------------------------------------------------------------
// The world, arranged per child

interface ResidenceFact {
  date: string;
  /** Position in the world's log: the later one wins on the same date. */
  seq: number;
  resident: boolean;
  lsoa?: string;
}

interface Child {
  nhsNumber: string;
  birthDate: string;
  /** Present when the child has a birth notification (not for a child who moved in). */
  birth?: BirthFact;
  /** The birth facts of the `born` or move-in event (what a registration desk copies). */
  anyBirth: BirthFact;
  sensitive: boolean;
  residence: ResidenceFact[];
  deathDate?: string;
  /** Date of birth with a birth notification, else the date of the first move in. */
  start: string;
}

interface Family {
  fact: FamilyFact;
  registeredOn: string;
  withdrawnOn?: string;
  changes: {
    date: string;
    seq: number;
    loneParent?: 'yes' | 'no';
    employment?: { carerRef: string; status: string }[];
  }[];
}

interface Registration {
  family: Family;
  child: RegisteredChildFact;
  seq: number;
}

interface CentreContact {
  date: string;
  kind: 'attendance' | 'outreach';
}

interface Attendance {
  date: string;
  centreId: string;
  /** The child's NHS number when the attendee's family registration is known. */
  nhsNumber?: string;
}

interface Model {
  boundaries: GeographyBoundariesV1;
  children: Map<string, Child>;
  families: Map<string, Family>;
  registrationsByChild: Map<string, Registration[]>;
  attendances: Attendance[];
  /** The same attendances, by the child's NHS number (linked ones only). */
  attendancesByChild: Map<string, Attendance[]>;
  centreContacts: Map<string, CentreContact[]>;
  hvContacts: Map<string, { date: string; contact: HvContactFact }[]>;
  centreOfLsoa: Map<string, string>;
  decileOfLsoa: Map<string, number>;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const models = new WeakMap<WorldEvent[], WeakMap<object, Model>>();

/** The model of a world (built once per world, boundaries and set of linked children). */
function modelOf(
  world: WorldEvent[],
  boundaries: GeographyBoundariesV1,
  linked: ReadonlySet<string> | undefined,
): Model {
  let byLinks = models.get(world);
  if (!byLinks) models.set(world, (byLinks = new WeakMap()));
  const key = linked ?? boundaries;
  let model = byLinks.get(key);
  if (!model || model.boundaries !== boundaries) {
    model = buildModel(world, boundaries, linked);
    byLinks.set(key, model);
  }
  return model;
}

function buildModel(
  world: WorldEvent[],
  boundaries: GeographyBoundariesV1,
  linked?: ReadonlySet<string>,
): Model {
  // A registered child counts for its NHS number only when registrations linked it.
  const nhsOf = (child: RegisteredChildFact): string | undefined =>
    !linked || linked.has(child.childRef) ? child.nhsNumber : undefined;
  const children = new Map<string, Child>();
  const families = new Map<string, Family>();
  const registrationsByChild = new Map<string, Registration[]>();
  const attendances: Attendance[] = [];
  const attendancesByChild = new Map<string, Attendance[]>();
  const centreContacts = new Map<string, CentreContact[]>();
  const hvContacts = new Map<string, { date: string; contact: HvContactFact }[]>();
  const deaths = new Map<string, string>();
  // Moves within / out, applied after all children are known.
  const laterMoves: {
    seq: number;
    date: string;
    nhsNumber: string;
    lsoa?: string;
    out: boolean;
  }[] = [];

  // First pass: children, families, contacts.
  world.forEach((event, seq) => {
    switch (event.kind) {
      case 'born': {
        // A NEMS birth notification carries no delivery method and no smoking status.
        const b: BirthFact =
          event.via === 'births-nems'
            ? { ...event.birth, deliveryMethod: 'unknown', smokingAtDelivery: 'U' }
            : event.birth;
        const existing = children.get(b.nhsNumber);
        if (existing) {
          // A move-in seen first (should not happen): the notification wins for birth facts.
          existing.birth = b;
          existing.anyBirth = b;
          existing.start = b.birthDate;
          existing.residence.push({ date: b.birthDate, seq, resident: true, lsoa: b.address.lsoa });
          break;
        }
        children.set(b.nhsNumber, {
          nhsNumber: b.nhsNumber,
          birthDate: b.birthDate,
          birth: b,
          anyBirth: b,
          sensitive: b.sensitive,
          residence: [{ date: b.birthDate, seq, resident: true, lsoa: b.address.lsoa }],
          start: b.birthDate,
        });
        break;
      }
      case 'moved': {
        if (event.to && !event.from && event.birth) {
          const existing = children.get(event.nhsNumber);
          if (existing) {
            existing.residence.push({ date: event.date, seq, resident: true, lsoa: event.to.lsoa });
          } else {
            children.set(event.nhsNumber, {
              nhsNumber: event.nhsNumber,
              birthDate: event.birth.birthDate,
              anyBirth: event.birth,
              sensitive: event.birth.sensitive,
              residence: [{ date: event.date, seq, resident: true, lsoa: event.to.lsoa }],
              start: event.date,
            });
          }
        } else if (event.to) {
          laterMoves.push({
            seq,
            date: event.date,
            nhsNumber: event.nhsNumber,
            lsoa: event.to.lsoa,
            out: false,
          });
        } else {
          laterMoves.push({ seq, date: event.date, nhsNumber: event.nhsNumber, out: true });
        }
        break;
      }
      case 'died': {
        const previous = deaths.get(event.nhsNumber);
        if (previous === undefined || event.date < previous)
          deaths.set(event.nhsNumber, event.date);
        break;
      }
      case 'hv-contact':
        if (event.contact.contactType !== 'antenatal') {
          pushTo(hvContacts, event.contact.nhsNumber, { date: event.date, contact: event.contact });
        }
        break;
      case 'family-registered': {
        const family: Family = { fact: event.family, registeredOn: event.date, changes: [] };
        families.set(event.family.familyRef, family);
        for (const child of event.family.children) {
          const nhsNumber = nhsOf(child);
          if (nhsNumber !== undefined)
            pushTo(registrationsByChild, nhsNumber, { family, child, seq });
        }
        break;
      }
      default:
        break;
    }
  });

  // Second pass: what refers to families (changes, withdrawals, sessions, outreach).
  world.forEach((event, seq) => {
    switch (event.kind) {
      case 'family-changed': {
        const family = families.get(event.familyRef);
        if (family) {
          family.changes.push({
            date: event.date,
            seq,
            loneParent: event.loneParent,
            employment: event.employment,
          });
        }
        break;
      }
      case 'family-withdrawn': {
        const family = families.get(event.familyRef);
        if (family && (family.withdrawnOn === undefined || event.date < family.withdrawnOn)) {
          family.withdrawnOn = event.date;
        }
        break;
      }
      case 'session':
        for (const attendee of event.session.attendees) {
          if (!('childRef' in attendee)) continue; // a carer's attendance
          const registered = families
            .get(attendee.familyRef)
            ?.fact.children.find((c) => c.childRef === attendee.childRef);
          const nhsNumber = registered ? nhsOf(registered) : undefined;
          const attendance = { date: event.date, centreId: event.session.centreId, nhsNumber };
          attendances.push(attendance);
          if (nhsNumber !== undefined) pushTo(attendancesByChild, nhsNumber, attendance);
          if (nhsNumber !== undefined)
            pushTo(centreContacts, nhsNumber, { date: event.date, kind: 'attendance' });
        }
        break;
      case 'outreach': {
        if (event.outreach.outcome !== 'completed') break;
        const family = families.get(event.outreach.familyRef);
        for (const childRef of event.outreach.childRefs) {
          const registered = family?.fact.children.find((c) => c.childRef === childRef);
          const nhsNumber = registered ? nhsOf(registered) : undefined;
          if (nhsNumber !== undefined)
            pushTo(centreContacts, nhsNumber, { date: event.date, kind: 'outreach' });
        }
        break;
      }
      default:
        break;
    }
  });

  for (const move of laterMoves) {
    const child = children.get(move.nhsNumber);
    if (!child) continue; // not a child known from births
    child.residence.push({ date: move.date, seq: move.seq, resident: !move.out, lsoa: move.lsoa });
  }
  for (const [nhsNumber, date] of deaths) {
    const child = children.get(nhsNumber);
    if (child) child.deathDate = date;
  }

  const centreOfLsoa = new Map<string, string>();
  for (const area of boundaries.reachAreas) {
    for (const lsoa of area.lsoas) centreOfLsoa.set(lsoa, area.centreId);
  }
  const decileOfLsoa = new Map<string, number>();
  for (const d of boundaries.imdDeciles) decileOfLsoa.set(d.lsoa, d.decile);

  return {
    boundaries,
    children,
    families,
    registrationsByChild,
    attendances,
    attendancesByChild,
    centreContacts,
    hvContacts,
    centreOfLsoa,
    decileOfLsoa,
  };
}

// ---------------------------------------------------------------------------------------------
// A child on a day

/** The residence fact in force on `day`, or undefined when none (not resident). */
function residenceOn(child: Child, day: string): ResidenceFact | undefined {
  let best: ResidenceFact | undefined;
  for (const fact of child.residence) {
    if (fact.date > day) continue;
    if (!best || fact.date > best.date || (fact.date === best.date && fact.seq > best.seq))
      best = fact;
  }
  return best;
}

function isResident(child: Child, day: string): boolean {
  return residenceOn(child, day)?.resident === true;
}

/** The LSOA of a resident child on `day` (undefined: not resident or unknown). */
function lsoaOn(child: Child, day: string): string | undefined {
  const fact = residenceOn(child, day);
  if (!fact || !fact.resident || child.sensitive) return undefined;
  if (fact.lsoa === undefined || fact.lsoa.startsWith('ZZ99')) return undefined;
  return fact.lsoa;
}

function isAlive(child: Child, day: string): boolean {
  return child.deathDate === undefined || child.deathDate > day;
}

function isUnder5(child: Child, day: string): boolean {
  return wholeYears(child.birthDate, day) < 5;
}

interface AreaSpec {
  id: string;
  la: string;
  centres: Set<string>;
  isLa: boolean;
  /** Unassigned children count here: the area is the LA and the boundaries have one LA. */
  takesUnassigned: boolean;
}

function parseArea(area: string, boundaries: GeographyBoundariesV1): AreaSpec {
  const [kind, id] = [area.slice(0, area.indexOf(':')), area.slice(area.indexOf(':') + 1)];
  if (kind === 'centre') {
    const centre = boundaries.centres.find((c) => c.id === id);
    if (!centre) throw new Error(`unknown centre ${id}`);
    return { id: area, la: centre.la, centres: new Set([id]), isLa: false, takesUnassigned: false };
  }
  if (kind === 'cluster') {
    const cluster = boundaries.clusters.find((c) => c.id === id);
    if (!cluster) throw new Error(`unknown cluster ${id}`);
    const centres = new Set(boundaries.centres.filter((c) => c.cluster === id).map((c) => c.id));
    return { id: area, la: cluster.la, centres, isLa: false, takesUnassigned: false };
  }
  if (kind === 'la') {
    const centres = new Set(boundaries.centres.filter((c) => c.la === id).map((c) => c.id));
    return { id: area, la: id, centres, isLa: true, takesUnassigned: boundaries.las.length === 1 };
  }
  throw new Error(`unknown area ${area}`);
}

function laArea(spec: AreaSpec, boundaries: GeographyBoundariesV1): AreaSpec {
  const la = boundaries.las.length === 1 ? boundaries.las[0].code : spec.la;
  return parseArea(`la:${la}`, boundaries);
}

/** A resident child with LSOA `lsoa` (undefined: unknown) on a day: is it in the area? */
function lsoaInArea(model: Model, lsoa: string | undefined, area: AreaSpec): boolean {
  const centre = lsoa === undefined ? undefined : model.centreOfLsoa.get(lsoa);
  if (centre !== undefined && model.boundaries.centres.some((c) => c.id === centre)) {
    return area.centres.has(centre);
  }
  return area.takesUnassigned; // unassigned
}

function residentInArea(model: Model, child: Child, day: string, area: AreaSpec): boolean {
  return isResident(child, day) && lsoaInArea(model, lsoaOn(child, day), area);
}

/** The child's registrations in force on `day`, latest registration first. */
function registrationsOn(model: Model, child: Child, day: string): Registration[] {
  const list = (model.registrationsByChild.get(child.nhsNumber) ?? []).filter(
    (r) =>
      r.family.registeredOn <= day &&
      (r.family.withdrawnOn === undefined || r.family.withdrawnOn > day),
  );
  return list.sort((a, b) =>
    a.family.registeredOn === b.family.registeredOn
      ? b.seq - a.seq
      : a.family.registeredOn < b.family.registeredOn
        ? 1
        : -1,
  );
}

type Tri = 'yes' | 'no' | 'unknown';

function loneParentOn(family: Family, day: string): 'yes' | 'no' | 'unknown' {
  let value = family.fact.loneParent;
  let best: { date: string; seq: number } | undefined;
  for (const change of family.changes) {
    if (change.loneParent === undefined || change.date > day) continue;
    if (!best || change.date > best.date || (change.date === best.date && change.seq > best.seq)) {
      best = change;
      value = change.loneParent;
    }
  }
  return value;
}

function worklessOn(family: Family, day: string): Tri {
  const status = new Map<string, string>();
  for (const carer of family.fact.carers) status.set(carer.carerRef, carer.employmentStatus);
  const changes = family.changes
    .filter((c) => c.employment !== undefined && c.date <= day)
    .sort((a, b) => (a.date === b.date ? a.seq - b.seq : a.date < b.date ? -1 : 1));
  for (const change of changes) {
    for (const e of change.employment ?? []) status.set(e.carerRef, e.status);
  }
  const values = [...status.values()];
  if (values.some((s) => s === 'employed' || s === 'self_employed')) return 'no';
  if (values.some((s) => s === 'unknown')) return 'unknown';
  return 'yes';
}

function motherAgeAtBirth(model: Model, child: Child, day: string): number | undefined {
  if (child.birth?.mother.birthDate)
    return wholeYears(child.birth.mother.birthDate, child.birth.birthDate);
  const registration = registrationsOn(model, child, day)[0];
  if (!registration) return undefined;
  const mother = registration.family.fact.carers.find((c) => c.relationship === 'mother');
  if (!mother?.birthDate) return undefined;
  return wholeYears(mother.birthDate, registration.child.form.birthDate);
}

function teenageMother(model: Model, child: Child, day: string): Tri {
  const age = motherAgeAtBirth(model, child, day);
  if (age === undefined) return 'unknown';
  return age < 20 ? 'yes' : 'no';
}

/** The stated ethnic category: births', else the registration's (the desk copies the birth's). */
function ethnicCategory(model: Model, child: Child, day: string): string | undefined {
  const fromBirths = child.birth?.ethnicCategory;
  if (fromBirths !== undefined && fromBirths.trim() !== '') return fromBirths.trim();
  if (registrationsOn(model, child, day).length === 0) return undefined;
  const fromRegistration = child.anyBirth.ethnicCategory;
  return fromRegistration.trim() === '' ? undefined : fromRegistration.trim();
}

function groupStatus(model: Model, child: Child, group: TargetGroup, day: string): Tri {
  const registration = registrationsOn(model, child, day)[0];
  switch (group) {
    case 'teenage_mother':
      return teenageMother(model, child, day);
    case 'minority_ethnic': {
      const category = ethnicCategory(model, child, day);
      if (category === undefined || category === 'Z') return 'unknown';
      return category === 'A' ? 'no' : 'yes';
    }
    case 'deprived_30': {
      const lsoa = lsoaOn(child, day);
      const decile = lsoa === undefined ? undefined : model.decileOfLsoa.get(lsoa);
      if (decile === undefined) return 'unknown';
      return decile <= 3 ? 'yes' : 'no';
    }
    case 'lone_parent':
      return registration ? loneParentOn(registration.family, day) : 'unknown';
    case 'workless_household':
      return registration ? worklessOn(registration.family, day) : 'unknown';
    case 'disabled_child':
      return registration ? registration.child.disabilityOrSen : 'unknown';
    case 'disabled_parent': {
      if (!registration) return 'unknown';
      const carers = registration.family.fact.carers;
      if (carers.some((c) => c.disability === 'yes')) return 'yes';
      if (carers.length > 0 && carers.every((c) => c.disability === 'no')) return 'no';
      return 'unknown';
    }
    case 'father':
      if (!registration) return 'unknown';
      return registration.family.fact.carers.some((c) => c.relationship === 'father')
        ? 'yes'
        : 'no';
  }
}

/** The reach rows a child belongs to on `day`: `all` and each group's yes / unknown. */
function reachRowsOf(model: Model, child: Child, day: string): ReachRowId[] {
  const rows: ReachRowId[] = ['all'];
  for (const group of TARGET_GROUPS) {
    const status = groupStatus(model, child, group, day);
    if (status === 'yes') rows.push(`${group}:yes`);
    if (status === 'unknown') rows.push(`${group}:unknown`);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Reach

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function monthsOf(period: Period): string[] {
  const months: string[] = [];
  let y = Number(period.start.slice(0, 4));
  let m = Number(period.start.slice(5, 7));
  const last = period.end.slice(0, 7);
  for (;;) {
    const id = `${y}-${String(m).padStart(2, '0')}`;
    months.push(id);
    if (id >= last) break;
    m += 1;
    if (m === 13) {
      m = 1;
      y += 1;
    }
  }
  return months;
}

export function expectedReach(
  world: WorldEvent[],
  boundaries: GeographyBoundariesV1,
  area: string,
  period: string,
  options: ExpectedOptions,
): ReachFigures {
  const model = modelOf(world, boundaries, options.linkedChildRefs);
  const spec = parseArea(area, boundaries);
  const p = parsePeriod(period);
  const threshold = options.sustainedThreshold ?? 3;
  const day = p.end;
  const laCentres = new Set(boundaries.centres.filter((c) => c.la === spec.la).map((c) => c.id));

  const rows = {} as Record<ReachRowId, ReachCounts>;
  const daysToFirst = {} as Record<ReachRowId, number[]>;
  for (const row of REACH_ROWS) {
    rows[row] = {
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
    daysToFirst[row] = [];
  }

  for (const child of model.children.values()) {
    const inPopulation =
      residentInArea(model, child, day, spec) && isAlive(child, day) && isUnder5(child, day);
    if (!inPopulation) continue;
    const childRows = reachRowsOf(model, child, day);

    // Group rows: attendances of the row's population members (all: every attendance, below).
    let attendancesHere = 0;
    for (const a of model.attendancesByChild.get(child.nhsNumber) ?? []) {
      if (spec.centres.has(a.centreId) && inPeriod(a.date, p)) {
        attendancesHere += 1;
      }
    }
    for (const row of childRows) if (row !== 'all') rows[row].attendances += attendancesHere;

    const registrations = registrationsOn(model, child, day);
    const registered = registrations.some((r) => laCentres.has(r.family.fact.centreId));
    const registeredHere = registrations.some((r) => spec.centres.has(r.family.fact.centreId));
    const contacts = model.centreContacts.get(child.nhsNumber) ?? [];
    const contactsInPeriod = contacts.filter((c) => inPeriod(c.date, p));
    const attendanceDays = new Set(
      contactsInPeriod.filter((c) => c.kind === 'attendance').map((c) => c.date),
    );
    const inCohort = inPeriod(child.start, p);
    let firstContact: string | undefined;
    for (const c of contacts) {
      if (c.date >= child.start && (firstContact === undefined || c.date < firstContact)) {
        firstContact = c.date;
      }
    }

    for (const row of childRows) {
      const r = rows[row];
      r.population += 1;
      if (registered) r.registered += 1;
      if (registeredHere) r.registeredHere += 1;
      if (contactsInPeriod.length >= 1) r.seen += 1;
      if (contactsInPeriod.length >= threshold) r.sustained += 1;
      if (attendanceDays.size >= 2) r.repeatAttenders += 1;
      if (inCohort) {
        r.timelinessCohort += 1;
        if (firstContact !== undefined) {
          const days = daysBetween(child.start, firstContact);
          if (days <= 30) r.contactedWithin30Days += 1;
          daysToFirst[row].push(days);
        }
      }
    }
  }

  rows.all.attendances = model.attendances.filter(
    (a) => spec.centres.has(a.centreId) && inPeriod(a.date, p),
  ).length;
  for (const row of REACH_ROWS) rows[row].medianDaysToFirstContact = median(daysToFirst[row]);

  const byMonth: Record<string, number> = {};
  for (const month of monthsOf(p)) byMonth[month] = 0;
  let total = 0;
  for (const family of model.families.values()) {
    if (spec.centres.has(family.fact.centreId) && inPeriod(family.registeredOn, p)) {
      total += 1;
      const month = family.registeredOn.slice(0, 7);
      byMonth[month] = (byMonth[month] ?? 0) + 1;
    }
  }

  return {
    area,
    period,
    start: p.start,
    end: p.end,
    boundaryVersion: options.boundaryVersion,
    rows,
    newFamilies: { total, byMonth },
  };
}

// ---------------------------------------------------------------------------------------------
// Health indicators

/** Wilson score interval for O events out of n (z = 1.959964). */
export function wilson(events: number, n: number): { lower: number; upper: number } | null {
  if (n === 0) return null;
  const z = WILSON_Z;
  const root = z * Math.sqrt(z * z + 4 * events * (1 - events / n));
  const denominator = 2 * (n + z * z);
  return {
    lower: (2 * events + z * z - root) / denominator,
    upper: (2 * events + z * z + root) / denominator,
  };
}

export function proportion(numerator: number, denominator: number): Proportion {
  const interval = wilson(numerator, denominator);
  return {
    numerator,
    denominator,
    value: denominator === 0 ? null : numerator / denominator,
    lower: interval ? interval.lower : null,
    upper: interval ? interval.upper : null,
  };
}

export function compare(
  area: Proportion,
  benchmark: number | null | undefined,
  polarity: Polarity,
): Comparison {
  if (area.value === null || area.lower === null || area.upper === null) return 'not_compared';
  if (benchmark === null || benchmark === undefined) return 'not_compared';
  if (benchmark >= area.lower && benchmark <= area.upper) return 'similar';
  const areaHigher = benchmark < area.lower;
  if (polarity === 'higher_is_better') return areaHigher ? 'better' : 'worse';
  if (polarity === 'lower_is_better') return areaHigher ? 'worse' : 'better';
  return areaHigher ? 'higher' : 'lower';
}

export function changeBetween(current: Proportion, previous: Proportion): Change {
  if (current.lower === null || current.upper === null) return 'not_compared';
  if (previous.lower === null || previous.upper === null) return 'not_compared';
  if (current.lower > previous.upper) return 'significant_increase';
  if (current.upper < previous.lower) return 'significant_decrease';
  return 'no_significant_change';
}

export function ethnicGroupOf(category: string | undefined): EthnicGroup {
  const c = (category ?? '').trim();
  if (['A', 'B', 'C'].includes(c)) return 'white';
  if (['D', 'E', 'F', 'G'].includes(c)) return 'mixed';
  if (['H', 'J', 'K', 'L'].includes(c)) return 'asian';
  if (['M', 'N', 'P'].includes(c)) return 'black';
  if (['R', 'S'].includes(c)) return 'other';
  return 'unknown';
}

interface Tally {
  numerator: number;
  denominator: number;
  recorded: number;
}

/** Indicator breakdowns use the births' facts only (docs/figures.md). */
function breakdownsOf(child: Child): BreakdownId[] {
  const age = child.birth?.mother.birthDate
    ? wholeYears(child.birth.mother.birthDate, child.birth.birthDate)
    : undefined;
  const teen = age === undefined ? 'unknown' : age < 20 ? 'yes' : 'no';
  return [
    'all',
    `teenage_mother:${teen}`,
    `ethnic_group:${ethnicGroupOf(child.birth?.ethnicCategory)}`,
  ];
}

/** The earliest completed contact of a type (undefined when none). */
function earliestCompleted(
  model: Model,
  child: Child,
  type: HvContactFact['contactType'],
): { date: string; contact: HvContactFact } | undefined {
  let best: { date: string; contact: HvContactFact } | undefined;
  for (const c of model.hvContacts.get(child.nhsNumber) ?? []) {
    if (c.contact.contactType !== type || c.contact.outcome !== 'completed') continue;
    if (!best || c.date < best.date) best = c;
  }
  return best;
}

function isBreastfed(contact: HvContactFact | undefined): boolean {
  return (
    contact?.feedingStatus === 'totally_breastfed' ||
    contact?.feedingStatus === 'partially_breastfed'
  );
}

function isRecorded(contact: HvContactFact | undefined): boolean {
  return contact?.feedingStatus !== undefined && contact.feedingStatus !== 'unknown';
}

/** Tallies of every indicator and breakdown for an area and a quarter. */
function indicatorTallies(
  model: Model,
  spec: AreaSpec,
  q: Period,
): Record<IndicatorId, Record<BreakdownId, Tally>> {
  const tallies = {} as Record<IndicatorId, Record<BreakdownId, Tally>>;
  for (const indicator of INDICATORS) {
    tallies[indicator] = {} as Record<BreakdownId, Tally>;
    for (const b of BREAKDOWNS)
      tallies[indicator][b] = { numerator: 0, denominator: 0, recorded: 0 };
  }
  const add = (
    indicator: IndicatorId,
    keys: BreakdownId[],
    num: boolean,
    recorded = false,
  ): void => {
    for (const key of keys) {
      const t = tallies[indicator][key];
      t.denominator += 1;
      if (num) t.numerator += 1;
      if (recorded) t.recorded += 1;
    }
  };

  for (const child of model.children.values()) {
    const keys = breakdownsOf(child);
    const birth = child.birth;

    // Birth-based: a notified birth in the quarter, placed by its birth LSOA.
    if (birth && inPeriod(birth.birthDate, q)) {
      const birthLsoa =
        birth.sensitive || birth.address.lsoa === undefined || birth.address.lsoa.startsWith('ZZ99')
          ? undefined
          : birth.address.lsoa;
      if (lsoaInArea(model, birthLsoa, spec)) {
        const hasWeight = typeof birth.birthWeightGrams === 'number' && birth.birthWeightGrams > 0;
        if (birth.gestationWeeks >= 37 && hasWeight) {
          add('low_birth_weight_term', keys, birth.birthWeightGrams < 2500);
        }
        const delivery = birth.multipleBirthOrder === undefined || birth.multipleBirthOrder === 1;
        if (delivery && (birth.smokingAtDelivery === 'Y' || birth.smokingAtDelivery === 'N')) {
          add('smoking_at_delivery', keys, birth.smokingAtDelivery === 'Y');
        }
        if (delivery && birth.deliveryMethod !== undefined && birth.deliveryMethod !== 'unknown') {
          add('normal_delivery', keys, birth.deliveryMethod === 'spontaneous');
        }
      }
    }

    const dueOn = (age: number): string | undefined => {
      const day = addDays(child.birthDate, age);
      if (!inPeriod(day, q)) return undefined;
      if (!isAlive(child, day) || !residentInArea(model, child, day, spec)) return undefined;
      return day;
    };

    if (birth && dueOn(14) !== undefined) {
      const nbv = earliestCompleted(model, child, 'new_birth_visit')?.contact;
      add('breastfeeding_nbv', keys, isBreastfed(nbv), isRecorded(nbv));
    }
    if (dueOn(56) !== undefined) {
      const review = earliestCompleted(model, child, 'review_6_8_week')?.contact;
      add('breastfeeding_6_8_weeks', keys, isBreastfed(review), isRecorded(review));
    }
    if (birth && dueOn(30) !== undefined) {
      const nbv = earliestCompleted(model, child, 'new_birth_visit');
      add(
        'nbv_within_14_days',
        keys,
        nbv !== undefined && daysBetween(child.birthDate, nbv.date) <= 14,
      );
    }
  }
  return tallies;
}

function isBreastfeeding(indicator: IndicatorId): boolean {
  return indicator === 'breastfeeding_nbv' || indicator === 'breastfeeding_6_8_weeks';
}

function countsOf(indicator: IndicatorId, tally: Tally): IndicatorCounts {
  const counts: IndicatorCounts = proportion(tally.numerator, tally.denominator);
  if (isBreastfeeding(indicator)) {
    counts.recorded = tally.recorded;
    counts.valueOfRecorded = tally.recorded === 0 ? null : tally.numerator / tally.recorded;
    counts.completeness = tally.denominator === 0 ? null : tally.recorded / tally.denominator;
  }
  return counts;
}

export function expectedIndicators(
  world: WorldEvent[],
  boundaries: GeographyBoundariesV1,
  area: string,
  period: string,
  options: ExpectedOptions,
): IndicatorFigures {
  const model = modelOf(world, boundaries, options.linkedChildRefs);
  const spec = parseArea(area, boundaries);
  const q = parsePeriod(period);
  if (!period.startsWith('quarter:')) throw new Error(`indicators are quarterly: ${period}`);
  const previous = parsePeriod(previousQuarterId(period));

  const here = indicatorTallies(model, spec, q);
  const la = indicatorTallies(model, laArea(spec, boundaries), q);
  const before = indicatorTallies(model, spec, previous);

  const indicators = {} as IndicatorFigures['indicators'];
  for (const indicator of INDICATORS) {
    const polarity = INDICATOR_POLARITY[indicator];
    const breakdowns = {} as Record<BreakdownId, IndicatorCounts>;
    for (const b of BREAKDOWNS) breakdowns[b] = countsOf(indicator, here[indicator][b]);
    const all = breakdowns.all;
    const laAll = proportion(la[indicator].all.numerator, la[indicator].all.denominator);
    const previousQuarter = proportion(
      before[indicator].all.numerator,
      before[indicator].all.denominator,
    );
    const englandValue = options.englandValues?.[indicator] ?? null;
    indicators[indicator] = {
      polarity,
      breakdowns,
      comparedWithLa: compare(all, laAll.value, polarity),
      comparedWithEngland: compare(all, englandValue, polarity),
      englandValue,
      previousQuarter,
      change: changeBetween(all, previousQuarter),
    };
  }
  return { area, period, boundaryVersion: options.boundaryVersion, indicators };
}
