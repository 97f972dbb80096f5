import type { EncryptedPersonal } from '@lib/contracts';
import {
  EventProducer,
  insertWithOutbox,
  OutboxRelays,
  pendingOutbox,
  type OutboxFields,
} from '@lib/kafka';
import { currentCorrelationId } from '@lib/logging';
import { PersonalDataCipher } from '@lib/personal-data';
import { KeyedSerializer } from '@lib/platform';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { REGISTRATION_EVENTS } from './topics';

/** One event of the registrations service, stored with its outbox part (insert-only). */
interface RegistrationEventDoc {
  /** `<key>:<seq>`: the key's events in order, found by `_id` alone. */
  _id: string;
  key: string;
  seq: number;
  type: string;
  eventId: string;
  outbox: OutboxFields;
}

export interface NewRegistrationEvent {
  topic: string;
  /** The Kafka key and CloudEvents subject: `family:<id>`, an NHS number or `local:<childId>`. */
  key: string;
  type: string;
  /** Deterministic (from the operation's ids): a retried operation re-sends the same id. */
  eventId: string;
  /** When it happened (a date: midnight UTC of that day). */
  date: string;
  facts: object;
  /** Sealed with the key's subject key before it is stored. */
  personal?: Record<string, unknown>;
}

const MAX_SEQ_ATTEMPTS = 100;
const MAX_REMEMBERED_KEYS = 200_000;

/**
 * The registrations service's events, every topic in one insert-only collection, so that one
 * key's events are published in order (each names the key's previous one; the relay holds an
 * event back while its predecessor is pending). A retried operation may append an event again
 * (same event id, next sequence number): consumers drop it by id.
 */
@Injectable()
export class RegistrationEvents implements OnApplicationBootstrap {
  private readonly events: Collection<RegistrationEventDoc>;
  private readonly perKey = new KeyedSerializer();
  private readonly lastSeq = new Map<string, number>();

  constructor(
    @InjectConnection() connection: Connection,
    private readonly producer: EventProducer,
    private readonly cipher: PersonalDataCipher,
    private readonly relays: OutboxRelays,
  ) {
    this.events = connection.collection<RegistrationEventDoc>(REGISTRATION_EVENTS);
  }

  onApplicationBootstrap(): void {
    this.relays.start('registrations-relay', { collections: [this.events as never] });
  }

  /** Appends the events in order (each after the previous is stored). */
  async append(events: readonly NewRegistrationEvent[], now = new Date()): Promise<void> {
    for (const event of events) await this.appendOne(event, now);
  }

  private async appendOne(request: NewRegistrationEvent, now: Date): Promise<void> {
    const personal: EncryptedPersonal | null | undefined = request.personal
      ? await this.cipher.seal(request.key, request.personal)
      : undefined;
    const event = this.producer.buildEvent({
      topic: request.topic,
      key: request.key,
      type: request.type,
      id: request.eventId,
      subject: request.key,
      time: `${request.date}T00:00:00Z`,
      recordedtime: now.toISOString(),
      correlationid: currentCorrelationId() ?? request.eventId,
      data: { facts: request.facts, ...(personal ? { personal } : {}) },
    });
    // Refuse now what the relay could never publish.
    this.producer.assertValid(request.topic, event);
    await this.perKey.run(request.key, async () => {
      for (let attempt = 0; attempt < MAX_SEQ_ATTEMPTS; attempt++) {
        const last = await this.latestSeq(request.key);
        const seq = last + 1;
        const doc: RegistrationEventDoc = {
          _id: `${request.key}:${seq}`,
          key: request.key,
          seq,
          type: request.type,
          eventId: request.eventId,
          outbox: pendingOutbox(
            request.topic,
            request.key,
            seq,
            { ...event, subjectversion: seq },
            now,
            last > 0 ? `${request.key}:${last}` : null,
          ),
        };
        if (await insertWithOutbox(this.events as never, doc)) {
          this.remember(request.key, seq);
          return;
        }
        // Another writer took this number meanwhile: look again.
        this.lastSeq.delete(request.key);
      }
      throw new Error('could not store a registrations event (sequence contention)');
    });
  }

  /** The key's highest stored sequence number, probed by `_id` upwards from the last seen. */
  private async latestSeq(key: string): Promise<number> {
    let seq = this.lastSeq.get(key) ?? 0;
    while (await this.events.findOne({ _id: `${key}:${seq + 1}` }, { projection: { _id: 1 } })) {
      seq++;
    }
    this.remember(key, seq);
    return seq;
  }

  private remember(key: string, seq: number): void {
    if (this.lastSeq.size >= MAX_REMEMBERED_KEYS) this.lastSeq.clear();
    this.lastSeq.set(key, seq);
  }
}
