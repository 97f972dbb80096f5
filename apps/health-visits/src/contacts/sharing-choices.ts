import {
  objectionInForceOf,
  type ChildEventChannel,
  type SharingObjectionFactsV1,
  type WeighedSharingChoice,
} from '@lib/contracts';
import {
  deterministicEventId,
  EventProducer,
  insertWithOutbox,
  pendingOutbox,
  type OutboxFields,
} from '@lib/kafka';
import { currentCorrelationId } from '@lib/logging';
import { KeyedSerializer } from '@lib/platform';
import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { CONTACTS_TOPIC, OUTBOX_COLLECTIONS } from './topics';

/** A stated choice, once per statement (`ref`: the births event id, or `<contactId>:<version>`). */
interface HeldChoice extends WeighedSharingChoice {
  ref: string;
}

/** Every sharing choice known for a child (collection `child_choices`, `_id` = NHS number). */
interface ChildChoices {
  _id: string;
  choices: HeldChoice[];
  /** The child's last sharing statement published from here: the next one follows it. */
  lastStatement?: { id: string; seq: number };
}

/** One sharing-status event caused by a contact, insert-only (collection `sharing_statements`). */
interface SharingStatement {
  _id: string;
  outbox: OutboxFields;
}

/** A choice a parent stated at a health-visitor contact. */
export interface ContactChoice {
  nhsNumber: string;
  /** `<contactId>:<version>` of the contact version that stated it. */
  ref: string;
  objects: boolean;
  effectiveDate: string;
  channel: ChildEventChannel;
  organisationCode: string;
}

/**
 * Sharing choices stated at contacts become the same sharing-status events as in births
 * (`SharingObjectionRecorded` / `Withdrawn`, births' schema) on `health-visits.contact.v1`.
 * `objectionInForce` weighs every choice known for the child: births' (from births.child.v1) and
 * the contacts', under the shared rule (latest effective date wins; same date: later statement).
 */
@Injectable()
export class SharingChoices {
  private readonly children: Collection<ChildChoices>;
  private readonly statements: Collection<SharingStatement>;
  private readonly perChild = new KeyedSerializer();

  constructor(
    @InjectConnection() connection: Connection,
    private readonly producer: EventProducer,
  ) {
    this.children = connection.collection<ChildChoices>('child_choices');
    this.statements = connection.collection<SharingStatement>(OUTBOX_COLLECTIONS.sharingStatements);
  }

  /** A choice births published (or a birth notification stated): weighed, not republished. */
  async fromBirths(
    nhsNumber: string,
    ref: string,
    objects: boolean,
    effectiveDate: string,
  ): Promise<void> {
    await this.perChild.run(nhsNumber, async () => {
      await this.hold(nhsNumber, ref, objects, effectiveDate);
    });
  }

  /** A choice stated at a contact: weighed, and published as a sharing-status event once. */
  async atContact(choice: ContactChoice, receivedAt: Date): Promise<void> {
    await this.perChild.run(choice.nhsNumber, async () => {
      const { nhsNumber, ref, objects, effectiveDate } = choice;
      const held = await this.hold(nhsNumber, ref, objects, effectiveDate);
      const choices = held.choices;
      if (await this.statements.findOne({ _id: ref }, { projection: { _id: 1 } })) return;
      const facts: SharingObjectionFactsV1 = {
        nhsNumber,
        effectiveDate,
        source: { channel: choice.channel, organisationCode: choice.organisationCode },
        objectionInForce: objectionInForceOf(choices),
      };
      const eventId = deterministicEventId(`hv-sharing:${ref}`);
      const event = this.producer.buildEvent({
        topic: CONTACTS_TOPIC,
        key: nhsNumber,
        type: objects ? 'SharingObjectionRecorded' : 'SharingObjectionWithdrawn',
        id: eventId,
        subject: nhsNumber,
        time: `${effectiveDate}T00:00:00Z`,
        recordedtime: receivedAt.toISOString(),
        sourceorg: choice.organisationCode,
        correlationid: currentCorrelationId() ?? eventId,
        data: { facts },
      });
      this.producer.assertValid(CONTACTS_TOPIC, event);
      // A child's statements are published in the order they were made here.
      const previous = held.lastStatement;
      const seq = (previous?.seq ?? 0) + 1;
      await insertWithOutbox(this.statements as never, {
        _id: ref,
        outbox: pendingOutbox(CONTACTS_TOPIC, nhsNumber, seq, event, receivedAt, previous?.id),
      });
      await this.children.updateOne(
        { _id: nhsNumber },
        { $set: { lastStatement: { id: ref, seq } } },
      );
    });
  }

  /** Adds the choice unless this statement is held already; answers what is held of the child. */
  private async hold(
    nhsNumber: string,
    ref: string,
    objects: boolean,
    effectiveDate: string,
  ): Promise<ChildChoices> {
    const held = (await this.children.findOne({ _id: nhsNumber })) ?? {
      _id: nhsNumber,
      choices: [],
    };
    if (held.choices.some((c) => c.ref === ref)) return held;
    // Statements of one date rank by arrival here (births and contacts share no other order).
    const order = Math.max(0, ...held.choices.map((c) => c.order)) + 1;
    held.choices.push({ ref, objects, effectiveDate, order });
    await this.children.replaceOne({ _id: nhsNumber }, held, { upsert: true });
    return held;
  }
}
