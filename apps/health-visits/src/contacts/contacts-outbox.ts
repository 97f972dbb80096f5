import { OutboxRelays } from '@lib/kafka';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { OUTBOX_COLLECTIONS } from './topics';

/** One relay publishes every health-visits event (contact versions, links, sharing statements). */
@Injectable()
export class ContactsOutbox implements OnApplicationBootstrap {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly relays: OutboxRelays,
  ) {}

  onApplicationBootstrap(): void {
    this.relays.start('health-visits-relay', {
      collections: Object.values(OUTBOX_COLLECTIONS).map(
        (name) => this.connection.collection(name) as never,
      ),
    });
  }
}
