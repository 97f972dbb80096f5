import {
  objectionInForceOf,
  type BirthNotifiedV1,
  type BirthRetractedV1,
  type EncryptedPersonal,
  type SharingObjectionRecordedV1,
  type WeighedSharingChoice,
} from '@lib/contracts';
import { EventConsumer, EventConsumerFactory, type ConsumedEvent } from '@lib/kafka';
import { PersonalDataReader } from '@lib/personal-data';
import { KeyedSerializer } from '@lib/platform';
import { mapConcurrently } from '@lib/concurrency';
import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import type { KnownBirth } from '../matching';

/** A sharing choice as weighed here: `order` is when it was recorded (ms). */
interface HeldChoice extends WeighedSharingChoice {
  ref: string;
}

/**
 * A birth known to the desk (collection `known_births`, `_id` = NHS number), kept only to find
 * the NHS number of a child registered without one. The identifying part stays sealed as births
 * published it (opened when a registration is matched; unreadable once births erased the key).
 */
interface KnownBirthDoc {
  _id: string;
  birthDate: string;
  sex?: KnownBirth['sex'];
  multipleBirthOrder?: number;
  personal?: EncryptedPersonal;
  /** The births event's child version: an older one never overwrites a newer. */
  version: number;
  retracted: boolean;
  choices: HeldChoice[];
}

/** The NHS numbers of the births on one date (collection `births_by_date`, `_id` = the date). */
interface BirthDateBucket {
  _id: string;
  nhsNumbers: string[];
}

interface BirthPersonal {
  givenName?: string;
  familyName?: string;
  postcode?: string;
  motherGivenName?: string;
  motherFamilyName?: string;
  motherBirthDate?: string;
}

/** Candidates looked up at once (the store answers a few concurrent `_id` reads fastest). */
const CONCURRENT_LOOKUPS = 8;

/**
 * The births the desk may match registrations against, fed by births.child.v1 (notified,
 * corrected, retracted, sharing choices) and the sharing choices stated at health-visitor
 * contacts (health-visits.contact.v1). A child under a sharing objection is never offered as a
 * candidate: the rule is births' (`objectionInForceOf`, over every choice seen here).
 */
@Injectable()
export class KnownBirths implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly births: Collection<KnownBirthDoc>;
  private readonly byDate: Collection<BirthDateBucket>;
  private readonly consumer: EventConsumer;
  private readonly perKey = new KeyedSerializer();
  private readonly listeners: ((birthDate: string) => void)[] = [];

  constructor(
    factory: EventConsumerFactory,
    @InjectConnection() connection: Connection,
    private readonly reader: PersonalDataReader,
  ) {
    this.births = connection.collection<KnownBirthDoc>('known_births');
    this.byDate = connection.collection<BirthDateBucket>('births_by_date');
    this.consumer = factory.create({
      groupId: 'registrations.births',
      topics: ['births.child.v1', 'health-visits.contact.v1'],
      handler: (consumed) => this.apply(consumed),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  /**
   * The births on these dates that may be offered as candidates: not retracted, no objection in
   * force, identity readable. Opened here, held only for the match.
   */
  async candidatesOn(dates: readonly string[]): Promise<KnownBirth[]> {
    const buckets = await mapConcurrently(dates, CONCURRENT_LOOKUPS, (date) =>
      this.byDate.findOne({ _id: date }),
    );
    const nhsNumbers = [...new Set(buckets.flatMap((b) => b?.nhsNumbers ?? []))];
    const found = await mapConcurrently(nhsNumbers, CONCURRENT_LOOKUPS, async (nhs) => {
      const doc = await this.births.findOne({ _id: nhs });
      if (!doc || doc.retracted || objectionInForceOf(doc.choices)) return undefined;
      const opened = await this.reader.openPersonal<unknown, BirthPersonal>(
        { facts: {}, ...(doc.personal ? { personal: doc.personal } : {}) },
        { subjectId: nhs },
      );
      if (doc.personal && opened.identity !== 'present') return undefined; // erased: gone
      const p = opened.personal ?? {};
      const birth: KnownBirth = {
        nhsNumber: nhs,
        birthDate: doc.birthDate,
        ...defined({
          givenName: p.givenName,
          familyName: p.familyName,
          sex: doc.sex,
          postcode: p.postcode,
          motherGivenName: p.motherGivenName,
          motherFamilyName: p.motherFamilyName,
          motherBirthDate: p.motherBirthDate,
          multipleBirthOrder: doc.multipleBirthOrder,
        }),
      };
      return birth;
    });
    return found.filter((b): b is KnownBirth => b !== undefined);
  }

  /** Called with the birth date of each birth that becomes known (or known again). */
  onBirthKnown(listener: (birthDate: string) => void): void {
    this.listeners.push(listener);
  }

  /** Whether a sharing objection is in force for the child now (unknown child: no). */
  async objectionInForce(nhsNumber: string): Promise<boolean> {
    const doc = await this.births.findOne({ _id: nhsNumber });
    return doc ? objectionInForceOf(doc.choices) : false;
  }

  private async apply({ event }: ConsumedEvent): Promise<void> {
    const order = Date.parse(event.recordedtime ?? event.time ?? '') || 0;
    switch (event.type) {
      case 'BirthNotified':
      case 'BirthCorrected': {
        const data = event.data as BirthNotifiedV1;
        const { facts } = data;
        await this.keep(facts.nhsNumber, event.subjectversion ?? 0, (held) => ({
          _id: facts.nhsNumber,
          birthDate: facts.birthDate,
          ...defined({
            sex: facts.sex,
            multipleBirthOrder: facts.multipleBirthOrder,
            personal: data.personal,
          }),
          version: event.subjectversion ?? 0,
          retracted: false,
          choices: withChoice(
            held?.choices ?? [],
            facts.sharingObjection === undefined
              ? undefined
              : {
                  ref: event.id,
                  objects: facts.sharingObjection,
                  effectiveDate: facts.birthDate,
                  order,
                },
          ),
        }));
        return;
      }
      case 'BirthRetracted': {
        const { facts } = event.data as BirthRetractedV1;
        await this.perKey.run(facts.nhsNumber, async () => {
          const held = await this.births.findOne({ _id: facts.nhsNumber });
          if (held) await this.births.replaceOne({ _id: held._id }, { ...held, retracted: true });
        });
        return;
      }
      case 'SharingObjectionRecorded':
      case 'SharingObjectionWithdrawn': {
        const { facts } = event.data as SharingObjectionRecordedV1;
        const choice: HeldChoice = {
          ref: event.id,
          objects: event.type === 'SharingObjectionRecorded',
          effectiveDate: facts.effectiveDate,
          order,
        };
        await this.perKey.run(facts.nhsNumber, async () => {
          const held = await this.births.findOne({ _id: facts.nhsNumber });
          // A choice for a birth not known yet is kept: the birth may follow.
          const doc: KnownBirthDoc = held ?? {
            _id: facts.nhsNumber,
            birthDate: '',
            version: -1,
            retracted: false,
            choices: [],
          };
          doc.choices = withChoice(doc.choices, choice);
          await this.births.replaceOne({ _id: doc._id }, doc, { upsert: true });
        });
        return;
      }
      default:
        return; // contacts, moves, deaths: nothing the match needs
    }
  }

  /** Keeps the newer version of a birth, and files it under its birth date. */
  private async keep(
    nhsNumber: string,
    version: number,
    make: (held: KnownBirthDoc | null) => KnownBirthDoc,
  ): Promise<void> {
    const birth = await this.perKey.run(nhsNumber, async () => {
      const held = await this.births.findOne({ _id: nhsNumber });
      if (held && held.version > version) return undefined;
      const next = make(held);
      await this.births.replaceOne({ _id: nhsNumber }, next, { upsert: true });
      if (held?.birthDate && held.birthDate !== next.birthDate) {
        await this.file(held.birthDate, nhsNumber, 'remove');
      }
      return next;
    });
    if (!birth) return;
    await this.file(birth.birthDate, nhsNumber, 'add');
    for (const listener of this.listeners) listener(birth.birthDate);
  }

  private async file(date: string, nhsNumber: string, how: 'add' | 'remove'): Promise<void> {
    await this.perKey.run(`date:${date}`, async () => {
      const bucket = (await this.byDate.findOne({ _id: date })) ?? { _id: date, nhsNumbers: [] };
      const has = bucket.nhsNumbers.includes(nhsNumber);
      if (how === 'add' ? has : !has) return;
      bucket.nhsNumbers =
        how === 'add'
          ? [...bucket.nhsNumbers, nhsNumber]
          : bucket.nhsNumbers.filter((n) => n !== nhsNumber);
      await this.byDate.replaceOne({ _id: date }, bucket, { upsert: true });
    });
  }
}

function withChoice(choices: HeldChoice[], choice: HeldChoice | undefined): HeldChoice[] {
  if (!choice || choices.some((c) => c.ref === choice.ref)) return choices;
  return [...choices, choice];
}

function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
