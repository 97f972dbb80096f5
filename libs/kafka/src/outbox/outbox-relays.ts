import { ROOT_LOGGER } from '@lib/logging';
import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { EventProducer } from '../event-producer';
import { OutboxRelay, OutboxRelayOptions } from './outbox-relay';

/**
 * Runs outbox relays for the life of the app: a service starts one over its own collections at
 * bootstrap, and all stop before the producer and the store close.
 */
@Injectable()
export class OutboxRelays implements BeforeApplicationShutdown {
  private readonly running: OutboxRelay[] = [];

  constructor(
    private readonly producer: EventProducer,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  start(name: string, options: OutboxRelayOptions): OutboxRelay {
    const relay = new OutboxRelay(this.producer, this.logger.child({ component: name }), options);
    relay.start();
    this.running.push(relay);
    return relay;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.running.map((relay) => relay.stop()));
  }
}
