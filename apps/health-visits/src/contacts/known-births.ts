import type { BirthNotifiedV1, BirthRetractedV1, SharingObjectionRecordedV1 } from '@lib/contracts';
import { EventConsumer, EventConsumerFactory, type ConsumedEvent } from '@lib/kafka';
import { PersonalDataReader } from '@lib/personal-data';
import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { AntenatalLinks } from './antenatal-links';
import { SharingChoices } from './sharing-choices';

/** What health-visits knows of a child's birth (collection `known_births`, `_id` = NHS number). */
interface KnownBirth {
  _id: string;
  birthDate: string;
  /** The child version of the births event this came from: an older one never overwrites it. */
  version: number;
  retracted: boolean;
}

/**
 * The children's birth dates, fed by births.child.v1 (notified, corrected, retracted), so the
 * contact rules can refuse a review impossible at the child's age, and each birth's mother, so
 * her antenatal contacts are linked to the baby. Nothing else of the birth is kept.
 */
@Injectable()
export class KnownBirths implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly births: Collection<KnownBirth>;
  private readonly consumer: EventConsumer;

  constructor(
    factory: EventConsumerFactory,
    @InjectConnection() connection: Connection,
    private readonly reader: PersonalDataReader,
    private readonly antenatal: AntenatalLinks,
    private readonly sharing: SharingChoices,
  ) {
    this.births = connection.collection<KnownBirth>('known_births');
    this.consumer = factory.create({
      groupId: 'health-visits.births',
      topics: ['births.child.v1'],
      handler: (consumed) => this.apply(consumed),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  /** The child's birth date, when a birth is known here and not retracted. */
  async birthDateOf(nhsNumber: string): Promise<string | undefined> {
    const known = await this.births.findOne({ _id: nhsNumber });
    return known && !known.retracted ? known.birthDate : undefined;
  }

  private async apply({ event }: ConsumedEvent): Promise<void> {
    const version = event.subjectversion ?? 0;
    switch (event.type) {
      case 'BirthNotified':
      case 'BirthCorrected': {
        const data = event.data as BirthNotifiedV1;
        const { facts } = data;
        await this.keep({
          _id: facts.nhsNumber,
          birthDate: facts.birthDate,
          version,
          retracted: false,
        });
        if (facts.sharingObjection !== undefined) {
          await this.sharing.fromBirths(
            facts.nhsNumber,
            event.id,
            facts.sharingObjection,
            facts.birthDate,
          );
        }
        // The mother's NHS number travels sealed: opened only to link her antenatal contacts,
        // and kept only as the key of what is linked to her.
        const opened = await this.reader.openPersonal<unknown, { motherNhsNumber?: string }>(data, {
          subjectId: facts.nhsNumber,
        });
        const mother = opened.personal?.motherNhsNumber;
        if (mother) {
          await this.antenatal.babyBorn(
            mother,
            { nhsNumber: facts.nhsNumber, birthDate: facts.birthDate },
            new Date(),
          );
        }
        return;
      }
      case 'BirthRetracted': {
        const { facts } = event.data as BirthRetractedV1;
        const known = await this.births.findOne({ _id: facts.nhsNumber });
        if (known) await this.keep({ ...known, version, retracted: true });
        return;
      }
      case 'SharingObjectionRecorded':
      case 'SharingObjectionWithdrawn': {
        const { facts } = event.data as SharingObjectionRecordedV1;
        const objects = event.type === 'SharingObjectionRecorded';
        await this.sharing.fromBirths(facts.nhsNumber, event.id, objects, facts.effectiveDate);
        return;
      }
      default:
        return; // moves and deaths do not change a birth date
    }
  }

  /** Keeps the newer of what is held and `birth` (events of one child arrive in order). */
  private async keep(birth: KnownBirth): Promise<void> {
    const held = await this.births.findOne({ _id: birth._id });
    if (held && held.version > birth.version) return;
    await this.births.replaceOne({ _id: birth._id }, birth, { upsert: true });
  }
}
