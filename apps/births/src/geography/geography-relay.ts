import { EventProducer, OutboxRelay } from '@lib/kafka';
import { ROOT_LOGGER } from '@lib/logging';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { Collection, Document } from 'mongodb';
import type { Logger } from 'pino';
import { GeographyService } from './geography.service';

/** Publishes stored geography versions (their headers' outbox part) for the life of the app. */
@Injectable()
export class GeographyRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly relay: OutboxRelay;

  constructor(
    geography: GeographyService,
    producer: EventProducer,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.relay = new OutboxRelay(producer, logger.child({ component: 'geography-relay' }), {
      collections: [geography.outboxCollection as unknown as Collection<Document>],
      // Reference data changes rarely; a version is a few events a year.
      pollMs: 1000,
    });
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  // Before the producer and the store close (their own shutdown hooks).
  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
