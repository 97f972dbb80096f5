import type {
  CarerFactsV1,
  ChildRegisteredFactsV1,
  ChildRegistrationWithdrawnFactsV1,
  FamilyDetailsChangedFactsV1,
  FamilyRegisteredFactsV1,
  OutreachContactRecordedFactsV1,
  RegistrationWithdrawnFactsV1,
} from '@lib/contracts';
import { deterministicEventId } from '@lib/kafka';
import {
  isRealDate,
  KeyedSerializer,
  postcodeDistrict,
  problemsException,
  ukToday,
  type FieldProblem,
} from '@lib/platform';
import { ConflictException, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { RegistrationEvents, type NewRegistrationEvent } from '../registration-events';
import { CHILD_TOPIC, FAMILY_TOPIC, familyKey } from '../topics';
import {
  ageOn,
  childKey,
  childNhsNumber,
  factsOn,
  newFamilyId,
  registrationProblems,
  worklessHousehold,
  type Carer,
  type Child,
  type FamilyChange,
  type FamilyState,
} from './family';
import type { FamilyChangeDto, OutreachDto, RegisterFamilyDto, WithdrawalDto } from './family.dto';
import { FamilyIndex, type FamilySearch } from './family-index';

export const FAMILIES = 'families';

/** Who is acting, and the operation's idempotency key when the request carried one. */
export interface Actor {
  subject: string;
  idempotencyKey?: string;
}

/**
 * The desk's families: registration, the facts that change over time, withdrawal. Each
 * operation stores its events first (published by the outbox relay), then the family's state;
 * operations on one family run one at a time. With an Idempotency-Key the ids an operation
 * makes are derived from it, so a retry after a crash makes the same family, not a second one.
 */
@Injectable()
export class FamiliesService implements OnModuleInit {
  private readonly families: Collection<FamilyState>;
  private readonly index = new FamilyIndex();
  private readonly perFamily = new KeyedSerializer();

  constructor(
    @InjectConnection() connection: Connection,
    private readonly events: RegistrationEvents,
  ) {
    this.families = connection.collection<FamilyState>(FAMILIES);
  }

  /** Loaded before any consumer or request (onModuleInit): the desk's families, in memory. */
  async onModuleInit(): Promise<void> {
    const today = ukToday();
    for (const family of await this.families.find({}).toArray()) this.index.put(family, today);
  }

  get(familyId: string): FamilyState | undefined {
    return this.index.get(familyId);
  }

  search(centreId: string, criteria: FamilySearch): FamilyState[] {
    return this.index.search(centreId, criteria);
  }

  /**
   * Changes a family: `decide` gets its current state and answers the events and the next state
   * (or undefined: nothing to do); the events are stored, then the state. One change of a family
   * at a time.
   */
  async change<R>(
    familyId: string,
    now: Date,
    decide: (
      family: FamilyState,
    ) => { events: NewRegistrationEvent[]; next: FamilyState; result: R } | { result: R },
  ): Promise<R> {
    return this.perFamily.run(familyId, async () => {
      const family = this.index.get(familyId) ?? (await this.families.findOne({ _id: familyId }));
      if (!family) throw new Error(`family ${familyId} is not held`);
      const decided = decide(family);
      if (!('next' in decided)) return decided.result;
      await this.events.append(decided.events, now);
      await this.families.replaceOne({ _id: familyId }, decided.next);
      this.index.put(decided.next, ukToday(now));
      return decided.result;
    });
  }

  all(): FamilyState[] {
    return this.index.all();
  }

  /** Families with a child still waiting for its first match (a crash, a store outage). */
  withPendingMatches(): FamilyState[] {
    return this.index.all().filter((f) => f.children.some((c) => c.match === 'pending'));
  }

  /** Families that hold this NHS number for a child (given on the form or linked). */
  familiesWithChild(nhsNumber: string): FamilyState[] {
    return this.index.withChild(nhsNumber);
  }

  async register(centreId: string, dto: RegisterFamilyDto, actor: Actor): Promise<FamilyState> {
    const now = new Date();
    const today = ukToday(now);
    const problems = registrationProblems(dto, today);
    if (problems.length > 0) throw problemsException(problems);
    const ids = idsFor(actor, centreId);
    const familyId = ids.familyId();
    const children: Child[] = dto.children.map((c, i) => ({
      childId: ids.uuid(`child:${i}`),
      ...(c.nhsNumber ? { nhsNumber: c.nhsNumber } : {}),
      givenName: c.givenName,
      familyName: c.familyName,
      birthDate: c.birthDate,
      ...(c.sex ? { sex: c.sex } : {}),
      ...(c.ethnicCategory ? { ethnicCategory: c.ethnicCategory } : {}),
      disabilityOrSen: c.disabilityOrSen,
      ...(c.nhsNumber ? {} : { match: 'pending' as const }),
    }));
    const carers: Carer[] = dto.carers.map((c, i) => ({
      carerId: ids.uuid(`carer:${i}`),
      givenName: c.givenName,
      familyName: c.familyName,
      ...(c.birthDate ? { birthDate: c.birthDate } : {}),
      relationships: c.relationships.map((r) => ({
        childId: children[r.childIndex].childId,
        relationship: r.relationship,
      })),
      ...(c.ethnicCategory ? { ethnicCategory: c.ethnicCategory } : {}),
      languages: c.languages,
      employmentStatus: c.employmentStatus,
      disability: c.disability,
    }));
    const family: FamilyState = {
      _id: familyId,
      centreId,
      registeredOn: dto.registeredOn ?? today,
      registeredAt: now,
      registeredBy: actor.subject,
      heardVia: dto.heardVia,
      loneParent: dto.loneParent,
      address: {
        line1: dto.address.line1,
        ...(dto.address.line2 ? { line2: dto.address.line2 } : {}),
        ...(dto.address.town ? { town: dto.address.town } : {}),
        postcode: dto.address.postcode,
      },
      carers,
      children,
      changes: [],
    };
    return this.perFamily.run(familyId, async () => {
      // A retry of an operation that got this far already answers what was made.
      const held = await this.families.findOne({ _id: familyId });
      if (held) return held;
      await this.events.append(registrationEvents(family), now);
      await this.families.insertOne(family);
      this.index.put(family, today);
      return family;
    });
  }

  /**
   * Facts that changed, effective from a date (kept beside the earlier ones, never overwriting
   * them): FamilyDetailsChanged, with the household's workless state when employment changed and
   * the new address sealed when the family moved.
   */
  async recordChange(familyId: string, dto: FamilyChangeDto, actor: Actor): Promise<FamilyState> {
    const now = new Date();
    const problems = changeProblems(dto, ukToday(now));
    if (problems.length > 0) throw problemsException(problems);
    const changeId = idsFor(actor, familyId).uuid('change');
    return this.change(familyId, now, (family) => {
      if (family.changes.some((c) => c.changeId === changeId)) return { result: family };
      assertNotWithdrawn(family);
      const unknown = (dto.carers ?? []).findIndex(
        (c) => !family.carers.some((held) => held.carerId === c.carerId),
      );
      if (unknown >= 0) {
        throw problemsException([
          { field: `carers.${unknown}.carerId`, reason: 'not a carer of this family' },
        ]);
      }
      const change: FamilyChange = {
        changeId,
        effectiveDate: dto.effectiveDate,
        recordedAt: now,
        by: actor.subject,
        ...(dto.loneParent ? { loneParent: dto.loneParent } : {}),
        ...(dto.carers
          ? {
              carers: dto.carers.map(({ carerId, employmentStatus }) => ({
                carerId,
                employmentStatus,
              })),
            }
          : {}),
        ...(dto.address ? { address: addressOf(dto.address) } : {}),
      };
      const next: FamilyState = { ...family, changes: [...family.changes, change] };
      const on = factsOn(next, dto.effectiveDate);
      const facts: FamilyDetailsChangedFactsV1 = {
        familyId,
        centreId: family.centreId,
        effectiveDate: dto.effectiveDate,
        ...(change.loneParent ? { loneParent: change.loneParent } : {}),
        ...(change.carers
          ? { carers: change.carers, worklessHousehold: worklessHousehold(on.employment.values()) }
          : {}),
        ...(change.address ? { postcodeDistrict: postcodeDistrict(change.address.postcode) } : {}),
      };
      const event: NewRegistrationEvent = {
        topic: FAMILY_TOPIC,
        key: familyKey(familyId),
        type: 'FamilyDetailsChanged',
        eventId: deterministicEventId(`family-details-changed:${changeId}`),
        date: dto.effectiveDate,
        facts,
        ...(change.address ? { personal: { address: change.address } } : {}),
      };
      return { events: [event], next, result: next };
    });
  }

  /** An outreach contact with the family (new birth, move-in or support visit). */
  async recordOutreach(
    familyId: string,
    dto: OutreachDto,
    actor: Actor,
  ): Promise<{ outreachId: string }> {
    const now = new Date();
    if (!isRealDate(dto.date) || dto.date > ukToday(now)) {
      throw problemsException([
        { field: 'date', reason: 'date must be a real date, not in the future' },
      ]);
    }
    const outreachId = idsFor(actor, familyId).uuid('outreach');
    return this.change(familyId, now, (family) => {
      assertNotWithdrawn(family);
      const unknown = dto.childIds.findIndex(
        (id) => !family.children.some((c) => c.childId === id),
      );
      if (unknown >= 0) {
        throw problemsException([
          { field: `childIds.${unknown}`, reason: 'not a child of this family' },
        ]);
      }
      const facts: OutreachContactRecordedFactsV1 = {
        outreachId,
        centreId: family.centreId,
        familyId,
        visitType: dto.visitType,
        date: dto.date,
        outcome: dto.outcome,
        childKeys: family.children.filter((c) => dto.childIds.includes(c.childId)).map(childKey),
      };
      return {
        events: [
          {
            topic: FAMILY_TOPIC,
            key: familyKey(familyId),
            type: 'OutreachContactRecorded',
            eventId: deterministicEventId(`outreach-recorded:${outreachId}`),
            date: dto.date,
            facts,
          },
        ],
        next: family,
        result: { outreachId },
      };
    });
  }

  /**
   * The family leaves, or asks for its details to be removed: RegistrationWithdrawn, and each
   * child's ChildRegistrationWithdrawn on its key. Deletion everywhere follows these events.
   */
  async withdraw(familyId: string, dto: WithdrawalDto, actor: Actor): Promise<FamilyState> {
    const now = new Date();
    const effectiveDate = dto.effectiveDate ?? ukToday(now);
    if (!isRealDate(effectiveDate) || effectiveDate > ukToday(now)) {
      throw problemsException([
        { field: 'effectiveDate', reason: 'effectiveDate must be a real date, not in the future' },
      ]);
    }
    return this.change(familyId, now, (family) => {
      if (family.withdrawal) return { result: family };
      const withdrawal = { effectiveDate, reason: dto.reason, at: now, by: actor.subject };
      const next: FamilyState = { ...family, withdrawal };
      const familyFacts: RegistrationWithdrawnFactsV1 = {
        familyId,
        centreId: family.centreId,
        effectiveDate,
        reason: dto.reason,
        childKeys: family.children.map(childKey),
      };
      const events: NewRegistrationEvent[] = [
        {
          topic: FAMILY_TOPIC,
          key: familyKey(familyId),
          type: 'RegistrationWithdrawn',
          eventId: deterministicEventId(`registration-withdrawn:${familyId}`),
          date: effectiveDate,
          facts: familyFacts,
        },
        ...family.children.map((child): NewRegistrationEvent => {
          const facts: ChildRegistrationWithdrawnFactsV1 = {
            childId: child.childId,
            familyId,
            centreId: family.centreId,
            effectiveDate,
            reason: dto.reason,
          };
          return {
            topic: CHILD_TOPIC,
            key: childKey(child),
            type: 'ChildRegistrationWithdrawn',
            eventId: deterministicEventId(`child-registration-withdrawn:${child.childId}`),
            date: effectiveDate,
            facts,
          };
        }),
      ];
      return { events, next, result: next };
    });
  }
}

/** Ids of one operation: derived from its idempotency key when there is one, else random. */
function idsFor(actor: Actor, centreId: string) {
  const base = actor.idempotencyKey ? `${actor.subject}|${actor.idempotencyKey}` : undefined;
  return {
    uuid: (part: string): string =>
      base ? deterministicEventId(`registrations-id:${base}|${part}`) : randomUUID(),
    familyId: (): string =>
      newFamilyId(
        centreId,
        base
          ? Buffer.from(
              deterministicEventId(`registrations-family:${base}`).replace(/-/g, ''),
              'hex',
            )
          : undefined,
      ),
  };
}

/** FamilyRegistered, then each child's ChildRegistered. */
function registrationEvents(family: FamilyState): NewRegistrationEvent[] {
  const facts = factsOn(family, family.registeredOn);
  const district = postcodeDistrict(family.address.postcode);
  const carerFacts: CarerFactsV1[] = family.carers.map((c) => ({
    carerId: c.carerId,
    relationships: c.relationships,
    ...(c.ethnicCategory ? { ethnicCategory: c.ethnicCategory } : {}),
    languages: c.languages,
    employmentStatus: c.employmentStatus,
    disability: c.disability,
    ...(c.birthDate ? { ageAtRegistration: ageOn(c.birthDate, family.registeredOn) } : {}),
  }));
  const familyFacts: FamilyRegisteredFactsV1 = {
    familyId: family._id,
    centreId: family.centreId,
    registeredOn: family.registeredOn,
    loneParent: facts.loneParent,
    worklessHousehold: worklessHousehold(facts.employment.values()),
    heardVia: family.heardVia,
    postcodeDistrict: district,
    carers: carerFacts,
    childKeys: family.children.map(childKey),
  };
  const events: NewRegistrationEvent[] = [
    {
      topic: FAMILY_TOPIC,
      key: familyKey(family._id),
      type: 'FamilyRegistered',
      eventId: deterministicEventId(`family-registered:${family._id}`),
      date: family.registeredOn,
      facts: familyFacts,
      personal: {
        carers: family.carers.map(({ carerId, givenName, familyName, birthDate }) => ({
          carerId,
          givenName,
          familyName,
          ...(birthDate ? { birthDate } : {}),
        })),
        address: family.address,
      },
    },
  ];
  for (const child of family.children) {
    const childFacts = childRegisteredFacts(family, child);
    events.push({
      topic: CHILD_TOPIC,
      key: childKey(child),
      type: 'ChildRegistered',
      eventId: deterministicEventId(`child-registered:${child.childId}`),
      date: family.registeredOn,
      facts: childFacts,
      personal: { givenName: child.givenName, familyName: child.familyName },
    });
  }
  return events;
}

/** A child's registration as its events state it (ChildRegistered, and again in ChildLinked). */
export function childRegisteredFacts(family: FamilyState, child: Child): ChildRegisteredFactsV1 {
  const mother = mothersOf(family, child).find((m) => m.birthDate !== undefined);
  const nhsNumber = childNhsNumber(child);
  return {
    childId: child.childId,
    familyId: family._id,
    centreId: family.centreId,
    registeredOn: family.registeredOn,
    ...(nhsNumber ? { nhsNumber } : {}),
    birthDate: child.birthDate,
    ...(child.sex ? { sex: child.sex } : {}),
    ...(child.ethnicCategory ? { ethnicCategory: child.ethnicCategory } : {}),
    disabilityOrSen: child.disabilityOrSen,
    postcodeDistrict: postcodeDistrict(factsOn(family, family.registeredOn).address.postcode),
    ...(mother?.birthDate ? { motherAgeAtBirth: ageOn(mother.birthDate, child.birthDate) } : {}),
    carers: family.carers.flatMap((c) =>
      c.relationships
        .filter((r) => r.childId === child.childId)
        .map((r) => ({ carerId: c.carerId, relationship: r.relationship })),
    ),
  };
}

/** The carers who are the child's mother on the form. */
export function mothersOf(family: FamilyState, child: Child): Carer[] {
  return family.carers.filter((c) =>
    c.relationships.some((r) => r.childId === child.childId && r.relationship === 'mother'),
  );
}

function addressOf(dto: { line1: string; line2?: string; town?: string; postcode: string }) {
  return {
    line1: dto.line1,
    ...(dto.line2 ? { line2: dto.line2 } : {}),
    ...(dto.town ? { town: dto.town } : {}),
    postcode: dto.postcode,
  };
}

function assertNotWithdrawn(family: FamilyState): void {
  if (family.withdrawal) {
    throw new ConflictException({
      statusCode: 409,
      error: 'Conflict',
      message: 'the family has left the register: nothing more is recorded for it',
    });
  }
}

function changeProblems(dto: FamilyChangeDto, today: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!isRealDate(dto.effectiveDate) || dto.effectiveDate > today) {
    problems.push({
      field: 'effectiveDate',
      reason: 'effectiveDate must be a real date, not in the future',
    });
  }
  if (!dto.loneParent && !dto.carers && !dto.address) {
    problems.push({ field: '(body)', reason: 'give at least one of loneParent, carers, address' });
  }
  return problems;
}
