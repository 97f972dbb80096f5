import { EventProducer, OutboxRelay } from '@lib/kafka';
import { ROOT_LOGGER } from '@lib/logging';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import type { Logger } from 'pino';
import { BirthRecord } from './schemas/birth-record.schema';

/** Runs the outbox relay over births' stored records for the life of the app. */
@Injectable()
export class BirthRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly relay: OutboxRelay;

  constructor(
    @InjectModel(BirthRecord.name) records: Model<BirthRecord>,
    producer: EventProducer,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.relay = new OutboxRelay(producer, logger.child({ component: 'birth-relay' }), {
      collections: [records.collection],
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
