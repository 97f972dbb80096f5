import type {
  AttendanceRecordedFactsV1,
  BirthFactsV1,
  ChildLinkedFactsV1,
  ChildRegisteredFactsV1,
  ChildUnlinkedFactsV1,
  CloudEvent,
  FamilyDetailsChangedFactsV1,
  FamilyRegisteredFactsV1,
  GeographyVersionFactsV1,
  KnownFlag,
  OutreachContactRecordedFactsV1,
  RegistrationWithdrawnFactsV1,
  ResidenceChangedFactsV1,
  ResidenceChangeRetractedV1,
  SharingObjectionFactsV1,
  WeighedSharingChoice,
} from '@lib/contracts';
import { ukToday } from '@lib/platform';

/**
 * Everything the figures need, held in memory and keyed by pseudonym: no NHS number, name or
 * address is kept here. Built by applying every event from offset 0 (so a restart or a rebuild
 * gives the same state); applying is order-independent because each fact is kept with the
 * version or time that decides between its copies, and each event id is applied once.
 */

/** What a child's birth record says (current version). */
export interface LedgerBirth {
  version: number;
  birthDate: string;
  lsoa: string | null;
  /** Outward code; null when unknown, a ZZ99 pseudo-postcode or sensitive (data-quality lists). */
  postcodeDistrict: string | null;
  birthWeightGrams?: number;
  gestationWeeks?: number;
  deliveryMethod?: string;
  multipleBirthOrder?: number;
  ethnicCategory?: string;
  motherAgeAtBirth?: number;
  smokingAtDelivery?: 'Y' | 'N' | 'U';
  /** Flagged sensitive on the spine: never on a worklist. */
  sensitive: boolean;
}

export interface LedgerResidence {
  date: string;
  version: number;
  /** null: moved out (not resident). */
  lsoa: string | null | undefined;
  /** Outward code of the new address; null when unknown, ZZ99 or sensitive. */
  postcodeDistrict: string | null;
  out: boolean;
  direction: 'in' | 'within' | 'out';
  birthDate: string;
  sensitive: boolean;
}

export interface LedgerContact {
  version: number;
  contactType: string;
  contactDate: string;
  outcome: string;
  feedingStatus?: string;
  cancelled: boolean;
  /** Who holds the record (data-quality lists name the provider to ask). */
  organisationCode?: string;
  sourceSystem?: string;
}

export interface LedgerChild {
  pseudonym: string;
  birth?: LedgerBirth;
  /** Version of a retraction (a birth of a higher version revives the child). */
  retractedVersion?: number;
  residences: Map<string, LedgerResidence>;
  /** The latest death statement: `date` null once the death notification was withdrawn. */
  death?: { date: string | null; version: number };
  contacts: Map<string, LedgerContact>;
  /** The parent's sharing choices (births and HV), by event id: see objectionInForceOf. */
  sharingChoices: Map<string, WeighedSharingChoice>;
}

export interface LedgerRegistration {
  childId: string;
  familyId: string;
  centreId: string;
  registeredOn: string;
  /** The pseudonym of the NHS number the form gave, if it gave one. */
  formPseudonym?: string;
  birthDate: string;
  ethnicCategory?: string;
  motherAgeAtBirth?: number;
  disabilityOrSen: KnownFlag;
  hasFather: boolean;
  withdrawnOn?: string;
}

export interface LedgerFamily {
  familyId: string;
  centreId: string;
  registeredOn: string;
  loneParent: KnownFlag;
  worklessHousehold: KnownFlag;
  carerDisability: Map<string, KnownFlag>;
  changes: Map<string, FamilyDetailsChangedFactsV1 & { version: number }>;
  withdrawnOn?: string;
}

export interface LedgerAttendance {
  childId: string;
  centreId: string;
  date: string;
}

export interface LedgerOutreach {
  centreId: string;
  date: string;
  outcome: string;
  /** Child ids (registered children) and pseudonyms (children named by NHS number). */
  childIds: string[];
  pseudonyms: string[];
}

/** A link decision about one registered child: ordered by recorded time, then version. */
interface LinkDecision {
  at: string;
  version: number;
  pseudonym: string | null;
}

export interface BoundaryVersion {
  versionId: string;
  version: number;
  effectiveFrom: string;
  boundaries: NonNullable<GeographyVersionFactsV1['boundaries']>;
}

export class FiguresLedger {
  readonly children = new Map<string, LedgerChild>();
  readonly registrations = new Map<string, LedgerRegistration>();
  readonly families = new Map<string, LedgerFamily>();
  readonly attendances = new Map<string, LedgerAttendance>();
  readonly outreach = new Map<string, LedgerOutreach>();
  readonly boundaryVersions = new Map<string, BoundaryVersion>();
  private readonly links = new Map<string, Map<string, LinkDecision>>();
  private readonly appliedIds = new Set<string>();
  /**
   * The UK date each record first reached the backbone (births, moves, deaths, HV contacts,
   * registrations, attendances, outreach), keyed `<kind>:<id>`: the earliest of its events'
   * recorded times, so the order events arrive in does not matter (late-records list).
   */
  readonly firstReceived = new Map<string, string>();
  /** Changes on every applied event: derived views are cached per revision. */
  revision = 0;

  constructor(private readonly pseudonymOf: (nhsNumber: string) => string) {}

  /** Applies one event once; false when this event id was applied before or is not used. */
  apply(event: CloudEvent, key: string | null): boolean {
    if (this.appliedIds.has(event.id)) return false;
    const used = this.applyNew(event, key);
    if (used) {
      const record = recordKeyOf(event, this.pseudonymOf);
      if (record !== undefined) this.noteReceived(record, event);
      this.appliedIds.add(event.id);
      this.revision++;
    }
    return used;
  }

  get appliedCount(): number {
    return this.appliedIds.size;
  }

  /** The pseudonym a registered child counts for now, or null when it is not linked. */
  linkedPseudonym(childId: string): string | null {
    return this.linkOf(childId).pseudonym;
  }

  /** The link in force and whether a link decision (not the form) made it. */
  linkOf(childId: string): { pseudonym: string | null; decided: boolean } {
    const decisions = this.links.get(childId);
    let latest: LinkDecision | undefined;
    for (const d of decisions?.values() ?? []) {
      if (!latest || d.at > latest.at || (d.at === latest.at && d.version > latest.version))
        latest = d;
    }
    if (latest) return { pseudonym: latest.pseudonym, decided: true };
    return { pseudonym: this.registrations.get(childId)?.formPseudonym ?? null, decided: false };
  }

  private noteReceived(record: string, event: CloudEvent): void {
    const at = Date.parse(event.recordedtime ?? event.time);
    if (Number.isNaN(at)) return;
    const day = ukToday(new Date(at));
    const known = this.firstReceived.get(record);
    if (known === undefined || day < known) this.firstReceived.set(record, day);
  }

  private child(pseudonym: string): LedgerChild {
    let child = this.children.get(pseudonym);
    if (!child) {
      child = { pseudonym, residences: new Map(), contacts: new Map(), sharingChoices: new Map() };
      this.children.set(pseudonym, child);
    }
    return child;
  }

  private applyNew(event: CloudEvent, key: string | null): boolean {
    const data = event.data as { facts?: unknown };
    const version = event.subjectversion ?? 0;
    // Statements of one effective date rank by when they were recorded (as births ranks them).
    const order = Date.parse(event.recordedtime ?? event.time ?? '') || 0;
    switch (event.type) {
      case 'BirthNotified':
      case 'BirthCorrected': {
        const f = data.facts as BirthFactsV1;
        const child = this.child(this.pseudonymOf(f.nhsNumber));
        if (!child.birth || child.birth.version < version) {
          child.birth = {
            version,
            birthDate: f.birthDate,
            lsoa: f.sensitive ? null : (f.lsoa ?? null),
            postcodeDistrict: f.sensitive ? null : (f.postcodeDistrict ?? null),
            ...(f.birthWeightGrams !== undefined ? { birthWeightGrams: f.birthWeightGrams } : {}),
            ...(f.gestationWeeks !== undefined ? { gestationWeeks: f.gestationWeeks } : {}),
            ...(f.deliveryMethod ? { deliveryMethod: f.deliveryMethod } : {}),
            ...(f.multipleBirthOrder !== undefined
              ? { multipleBirthOrder: f.multipleBirthOrder }
              : {}),
            ...(f.ethnicCategory ? { ethnicCategory: f.ethnicCategory } : {}),
            ...(f.motherAgeAtBirth !== undefined ? { motherAgeAtBirth: f.motherAgeAtBirth } : {}),
            ...(f.smokingAtDelivery ? { smokingAtDelivery: f.smokingAtDelivery } : {}),
            sensitive: f.sensitive === true,
          };
        }
        if (f.sharingObjection !== undefined) {
          const choice = { objects: f.sharingObjection, effectiveDate: f.birthDate, order };
          child.sharingChoices.set(event.id, choice);
        }
        return true;
      }
      case 'BirthRetracted': {
        const f = data.facts as { nhsNumber: string };
        const child = this.child(this.pseudonymOf(f.nhsNumber));
        child.retractedVersion = Math.max(child.retractedVersion ?? 0, version);
        return true;
      }
      case 'ResidenceChanged': {
        const f = data.facts as ResidenceChangedFactsV1;
        const child = this.child(this.pseudonymOf(f.nhsNumber));
        child.residences.set(event.id, {
          date: f.effectiveDate,
          version,
          direction: f.direction,
          out: f.direction === 'out',
          lsoa: f.direction === 'out' ? null : f.sensitive ? undefined : f.lsoa,
          postcodeDistrict: f.sensitive ? null : (f.postcodeDistrict ?? null),
          birthDate: f.birthDate,
          sensitive: f.sensitive === true,
        });
        return true;
      }
      case 'SharingObjectionRecorded':
      case 'SharingObjectionWithdrawn': {
        const f = data.facts as SharingObjectionFactsV1;
        this.child(this.pseudonymOf(f.nhsNumber)).sharingChoices.set(event.id, {
          objects: event.type === 'SharingObjectionRecorded',
          effectiveDate: f.effectiveDate,
          order,
        });
        return true;
      }
      case 'DeathNotified':
      case 'DeathRetracted': {
        const f = data.facts as { nhsNumber: string; dateOfDeath: string };
        const child = this.child(this.pseudonymOf(f.nhsNumber));
        const date = event.type === 'DeathNotified' ? f.dateOfDeath : null;
        if (!child.death || child.death.version < version) child.death = { date, version };
        return true;
      }
      case 'ResidenceChangeRetracted': {
        const f = data.facts as ResidenceChangeRetractedV1['facts'];
        // Forgotten as if never stated (replay meets the change first: same key, same partition).
        return this.child(this.pseudonymOf(f.nhsNumber)).residences.delete(f.retractedEventId);
      }
      case 'ContactRecorded':
      case 'ContactAmended':
      case 'ContactCancelled': {
        const f = data.facts as {
          contactId: string;
          nhsNumber: string;
          contactType: string;
          contactDate: string;
          outcome?: string;
          feedingStatus?: string;
          organisationCode?: string;
          sourceSystem?: string;
        };
        if (f.contactType === 'antenatal' || key?.startsWith('mother:')) return false;
        const child = this.child(this.pseudonymOf(f.nhsNumber));
        const known = child.contacts.get(f.contactId);
        if (known && known.version >= version) return true;
        child.contacts.set(f.contactId, {
          version,
          contactType: f.contactType,
          contactDate: f.contactDate,
          outcome: f.outcome ?? known?.outcome ?? 'unknown',
          ...(f.feedingStatus ? { feedingStatus: f.feedingStatus } : {}),
          cancelled: event.type === 'ContactCancelled',
          ...(f.organisationCode ? { organisationCode: f.organisationCode } : {}),
          ...(f.sourceSystem ? { sourceSystem: f.sourceSystem } : {}),
        });
        return true;
      }
      case 'FamilyRegistered': {
        const f = data.facts as FamilyRegisteredFactsV1;
        // Changes or a withdrawal may have arrived first (another key, another partition).
        const earlier = this.families.get(f.familyId);
        this.families.set(f.familyId, {
          familyId: f.familyId,
          centreId: f.centreId,
          registeredOn: f.registeredOn,
          loneParent: f.loneParent,
          worklessHousehold: f.worklessHousehold,
          carerDisability: new Map(f.carers.map((c) => [c.carerId, c.disability])),
          changes:
            earlier?.changes ??
            new Map<string, FamilyDetailsChangedFactsV1 & { version: number }>(),
          ...(earlier?.withdrawnOn ? { withdrawnOn: earlier.withdrawnOn } : {}),
        });
        return true;
      }
      case 'FamilyDetailsChanged': {
        const f = data.facts as FamilyDetailsChangedFactsV1;
        const family = this.families.get(f.familyId) ?? this.placeholderFamily(f.familyId);
        family.changes.set(event.id, { ...f, version });
        return true;
      }
      case 'RegistrationWithdrawn': {
        const f = data.facts as RegistrationWithdrawnFactsV1;
        const family = this.families.get(f.familyId) ?? this.placeholderFamily(f.familyId);
        family.withdrawnOn = f.effectiveDate;
        return true;
      }
      case 'ChildRegistered': {
        this.registerChild(data.facts as ChildRegisteredFactsV1);
        return true;
      }
      case 'ChildLinked': {
        const f = data.facts as ChildLinkedFactsV1;
        this.registerChild(f.registration, true);
        this.decide(f.childId, event, this.pseudonymOf(f.nhsNumber));
        return true;
      }
      case 'ChildUnlinked': {
        const f = data.facts as ChildUnlinkedFactsV1;
        this.decide(f.childId, event, null);
        return true;
      }
      case 'ChildRegistrationWithdrawn': {
        const f = data.facts as { childId: string; effectiveDate: string };
        const known = this.registrations.get(f.childId);
        if (known) known.withdrawnOn = f.effectiveDate;
        else this.pendingChildWithdrawals.set(f.childId, f.effectiveDate);
        return true;
      }
      case 'AttendanceRecorded': {
        const f = data.facts as AttendanceRecordedFactsV1;
        this.attendances.set(f.attendanceId, {
          childId: f.childId,
          centreId: f.centreId,
          date: f.date,
        });
        return true;
      }
      case 'OutreachContactRecorded': {
        const f = data.facts as OutreachContactRecordedFactsV1;
        const childIds: string[] = [];
        const pseudonyms: string[] = [];
        for (const k of f.childKeys) {
          if (k.startsWith('local:')) childIds.push(k.slice('local:'.length));
          else pseudonyms.push(this.pseudonymOf(k));
        }
        this.outreach.set(f.outreachId, {
          centreId: f.centreId,
          date: f.date,
          outcome: f.outcome,
          childIds,
          pseudonyms,
        });
        return true;
      }
      case 'GeographyVersionPublished': {
        const f = data.facts as GeographyVersionFactsV1;
        if (f.kind !== 'boundaries' || !f.boundaries) return false;
        this.boundaryVersions.set(f.versionId, {
          versionId: f.versionId,
          version: f.version,
          effectiveFrom: f.effectiveFrom,
          boundaries: f.boundaries,
        });
        return true;
      }
      default:
        return false;
    }
  }

  /** A child withdrawal seen before its registration (events on different keys may cross). */
  private readonly pendingChildWithdrawals = new Map<string, string>();

  private registerChild(f: ChildRegisteredFactsV1, fromLink = false): void {
    const known = this.registrations.get(f.childId);
    if (known && fromLink) return;
    const withdrawnOn = known?.withdrawnOn ?? this.pendingChildWithdrawals.get(f.childId);
    this.registrations.set(f.childId, {
      childId: f.childId,
      familyId: f.familyId,
      centreId: f.centreId,
      registeredOn: f.registeredOn,
      ...(f.nhsNumber ? { formPseudonym: this.pseudonymOf(f.nhsNumber) } : {}),
      birthDate: f.birthDate,
      ...(f.ethnicCategory ? { ethnicCategory: f.ethnicCategory } : {}),
      ...(f.motherAgeAtBirth !== undefined ? { motherAgeAtBirth: f.motherAgeAtBirth } : {}),
      disabilityOrSen: f.disabilityOrSen,
      hasFather: f.carers.some((c) => c.relationship === 'father'),
      ...(withdrawnOn ? { withdrawnOn } : {}),
    });
  }

  private decide(childId: string, event: CloudEvent, pseudonym: string | null): void {
    let decisions = this.links.get(childId);
    if (!decisions) this.links.set(childId, (decisions = new Map<string, LinkDecision>()));
    decisions.set(event.id, {
      at: event.recordedtime ?? event.time,
      version: event.subjectversion ?? 0,
      pseudonym,
    });
  }

  private placeholderFamily(familyId: string): LedgerFamily {
    // Details of a family whose registration has not arrived yet (another key, another
    // partition): kept until FamilyRegistered fills in the rest.
    const family: LedgerFamily = {
      familyId,
      centreId: '',
      registeredOn: '9999-12-31',
      loneParent: 'unknown',
      worklessHousehold: 'unknown',
      carerDisability: new Map(),
      changes: new Map(),
    };
    this.families.set(familyId, family);
    return family;
  }
}

/**
 * The record an event is about, for the late-records list (`undefined`: not a record that
 * arrives late, e.g. a sharing choice, a link decision or reference data).
 */
function recordKeyOf(
  event: CloudEvent,
  pseudonymOf: (nhsNumber: string) => string,
): string | undefined {
  const f = (event.data as { facts?: Record<string, unknown> }).facts ?? {};
  const text = (name: string) => (typeof f[name] === 'string' ? f[name] : '');
  switch (event.type) {
    case 'BirthNotified':
    case 'BirthCorrected':
      return `birth:${pseudonymOf(text('nhsNumber'))}`;
    case 'ResidenceChanged':
      return `residence:${event.id}`;
    case 'DeathNotified':
      return `death:${pseudonymOf(text('nhsNumber'))}`;
    case 'ContactRecorded':
    case 'ContactAmended':
    case 'ContactCancelled':
      return `contact:${text('contactId')}`;
    case 'ChildRegistered':
      return `registration:${text('childId')}`;
    case 'AttendanceRecorded':
      return `attendance:${text('attendanceId')}`;
    case 'OutreachContactRecorded':
      return `outreach:${text('outreachId')}`;
    default:
      return undefined;
  }
}
