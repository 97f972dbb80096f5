import {
  deterministicEventId,
  EventProducer,
  insertOnceWithOutbox,
  pendingOutbox,
  type OutboxFields,
} from '@lib/kafka';
import { KeyedSerializer } from '@lib/platform';
import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { CONTACTS_TOPIC, OUTBOX_COLLECTIONS } from './topics';

/** An antenatal contact as linking needs it. */
export interface AntenatalContact {
  contactId: string;
  sourceSystem: string;
  organisationCode: string;
  sourceContactId: string;
  contactDate: string;
}

interface Baby {
  nhsNumber: string;
  birthDate: string;
}

/** What is known of one mother (collection `mothers`, `_id` = her NHS number). */
interface Mother {
  _id: string;
  babies: Baby[];
  antenatal: AntenatalContact[];
}

/** One link, insert-only with its event (collection `antenatal_links`). */
interface AntenatalLink {
  /**
   * `<contactId>:<baby's NHS number>:<contact date>`: one link per contact, baby and date, so
   * that a contact amended to another date that still belongs to the baby is linked again.
   */
  _id: string;
  outbox: OutboxFields;
}

/** A pregnancy lasts at most this long: a contact further before a birth is not of it. */
const MAX_PREGNANCY_DAYS = 44 * 7;

/**
 * The contact belongs to the pregnancy that ended with the mother's first birth on or after the
 * contact date (at most 44 weeks after it); all babies of that birth (twins) are linked.
 */
export function babiesOfContact(contactDate: string, babies: readonly Baby[]): Baby[] {
  const after = babies.filter((b) => b.birthDate >= contactDate);
  if (after.length === 0) return [];
  const firstBirth = after.map((b) => b.birthDate).sort()[0];
  const days = (Date.parse(firstBirth) - Date.parse(contactDate)) / 86_400_000;
  if (days > MAX_PREGNANCY_DAYS) return [];
  return after.filter((b) => b.birthDate === firstBirth);
}

/**
 * Links antenatal contacts (recorded on the mother's NHS number) to her babies, whichever of the
 * contact and the birth notification naming her arrives first: each side is kept under the
 * mother, and every arrival links what now matches. Changes of one mother run one at a time in
 * this process; the link itself is insert-only, so a link made twice publishes once.
 */
@Injectable()
export class AntenatalLinks {
  private readonly mothers: Collection<Mother>;
  private readonly links: Collection<AntenatalLink>;
  private readonly perMother = new KeyedSerializer();

  constructor(
    @InjectConnection() connection: Connection,
    private readonly producer: EventProducer,
  ) {
    this.mothers = connection.collection<Mother>('mothers');
    this.links = connection.collection<AntenatalLink>(OUTBOX_COLLECTIONS.antenatalLinks);
  }

  /** A birth notification named this mother. */
  async babyBorn(motherNhsNumber: string, baby: Baby, receivedAt: Date): Promise<void> {
    await this.perMother.run(motherNhsNumber, async () => {
      const mother = await this.mother(motherNhsNumber);
      if (!mother.babies.some((b) => b.nhsNumber === baby.nhsNumber)) {
        mother.babies.push(baby);
        await this.mothers.replaceOne({ _id: mother._id }, mother, { upsert: true });
      }
      await this.linkAll(mother, receivedAt);
    });
  }

  /** An antenatal contact was recorded (or amended) on this mother. */
  async antenatalRecorded(
    motherNhsNumber: string,
    contact: AntenatalContact,
    receivedAt: Date,
  ): Promise<void> {
    await this.perMother.run(motherNhsNumber, async () => {
      const mother = await this.mother(motherNhsNumber);
      const others = mother.antenatal.filter((c) => c.contactId !== contact.contactId);
      mother.antenatal = [...others, contact];
      await this.mothers.replaceOne({ _id: mother._id }, mother, { upsert: true });
      await this.linkAll(mother, receivedAt);
    });
  }

  /**
   * An antenatal contact of this mother was cancelled, or amended onto another mother: it links
   * no more babies of hers. Links already published stay; consumers void them by the contact's
   * later events (see the AntenatalContactLinked contract).
   */
  async antenatalWithdrawn(motherNhsNumber: string, contactId: string): Promise<void> {
    await this.perMother.run(motherNhsNumber, async () => {
      const mother = await this.mothers.findOne({ _id: motherNhsNumber });
      if (!mother?.antenatal.some((c) => c.contactId === contactId)) return;
      mother.antenatal = mother.antenatal.filter((c) => c.contactId !== contactId);
      await this.mothers.replaceOne({ _id: mother._id }, mother);
    });
  }

  private async mother(nhsNumber: string): Promise<Mother> {
    return (
      (await this.mothers.findOne({ _id: nhsNumber })) ?? {
        _id: nhsNumber,
        babies: [],
        antenatal: [],
      }
    );
  }

  private async linkAll(mother: Mother, receivedAt: Date): Promise<void> {
    for (const contact of mother.antenatal) {
      for (const baby of babiesOfContact(contact.contactDate, mother.babies)) {
        await this.link(contact, baby, receivedAt);
      }
    }
  }

  private async link(contact: AntenatalContact, baby: Baby, receivedAt: Date): Promise<void> {
    const id = `${contact.contactId}:${baby.nhsNumber}:${contact.contactDate}`;
    const eventId = deterministicEventId(`hv-antenatal-link:${id}`);
    const event = this.producer.buildEvent({
      topic: CONTACTS_TOPIC,
      key: baby.nhsNumber,
      type: 'AntenatalContactLinked',
      id: eventId,
      subject: baby.nhsNumber,
      time: `${baby.birthDate}T00:00:00Z`,
      recordedtime: receivedAt.toISOString(),
      sourceorg: contact.organisationCode,
      correlationid: eventId,
      data: {
        facts: {
          nhsNumber: baby.nhsNumber,
          contactId: contact.contactId,
          sourceSystem: contact.sourceSystem,
          organisationCode: contact.organisationCode,
          sourceContactId: contact.sourceContactId,
          contactDate: contact.contactDate,
          birthDate: baby.birthDate,
        },
      },
    });
    this.producer.assertValid(CONTACTS_TOPIC, event);
    // Every arrival re-checks all of the mother's pairs: a link made already is left as it is.
    await insertOnceWithOutbox(this.links as never, {
      _id: id,
      outbox: pendingOutbox(CONTACTS_TOPIC, baby.nhsNumber, 0, event, receivedAt),
    });
  }
}
