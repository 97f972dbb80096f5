import type { CarerFactsV1, ChildRegisteredFactsV1, FamilyRegisteredFactsV1 } from '@lib/contracts';
import { deterministicEventId } from '@lib/kafka';
import { KeyedSerializer, postcodeDistrict, problemsException, ukToday } from '@lib/platform';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { RegistrationEvents, type NewRegistrationEvent } from '../registration-events';
import { CHILD_TOPIC, FAMILY_TOPIC, familyKey } from '../topics';
import {
  ageOn,
  childKey,
  factsOn,
  newFamilyId,
  registrationProblems,
  worklessHousehold,
  type Carer,
  type Child,
  type FamilyState,
} from './family';
import type { RegisterFamilyDto } from './family.dto';
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
export class FamiliesService implements OnApplicationBootstrap {
  private readonly families: Collection<FamilyState>;
  private readonly index = new FamilyIndex();
  private readonly perFamily = new KeyedSerializer();

  constructor(
    @InjectConnection() connection: Connection,
    private readonly events: RegistrationEvents,
  ) {
    this.families = connection.collection<FamilyState>(FAMILIES);
  }

  async onApplicationBootstrap(): Promise<void> {
    const today = ukToday();
    for (const family of await this.families.find({}).toArray()) this.index.put(family, today);
  }

  get(familyId: string): FamilyState | undefined {
    return this.index.get(familyId);
  }

  search(centreId: string, criteria: FamilySearch): FamilyState[] {
    return this.index.search(centreId, criteria);
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
  const mothers = (child: Child) =>
    family.carers.filter((c) =>
      c.relationships.some((r) => r.childId === child.childId && r.relationship === 'mother'),
    );
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
    const mother = mothers(child).find((m) => m.birthDate !== undefined);
    const childFacts: ChildRegisteredFactsV1 = {
      childId: child.childId,
      familyId: family._id,
      centreId: family.centreId,
      registeredOn: family.registeredOn,
      ...(child.nhsNumber ? { nhsNumber: child.nhsNumber } : {}),
      birthDate: child.birthDate,
      ...(child.sex ? { sex: child.sex } : {}),
      ...(child.ethnicCategory ? { ethnicCategory: child.ethnicCategory } : {}),
      disabilityOrSen: child.disabilityOrSen,
      postcodeDistrict: district,
      ...(mother?.birthDate ? { motherAgeAtBirth: ageOn(mother.birthDate, child.birthDate) } : {}),
      carers: family.carers.flatMap((c) =>
        c.relationships
          .filter((r) => r.childId === child.childId)
          .map((r) => ({ carerId: c.carerId, relationship: r.relationship })),
      ),
    };
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
