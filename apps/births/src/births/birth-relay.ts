import { BirthNotifiedV1 } from '@lib/contracts';
import { EventProducer } from '@lib/kafka';
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
import { postcodeDistrict } from './postcode';
import { BirthNotification } from './schemas/birth-notification.schema';

export const BIRTHS_TOPIC = 'births.child.v1';
const POLL_MS = 200;
const BATCH = 100;

/**
 * Publishes stored notifications that are not yet published, oldest first, and is the only
 * writer of `publishedAt`. Polls because FerretDB has no change streams. A crash between send
 * and mark re-sends the same event id, which consumers drop.
 */
@Injectable()
export class BirthRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private pass: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    @InjectModel(BirthNotification.name) private readonly notifications: Model<BirthNotification>,
    private readonly producer: EventProducer,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'birth-relay' });
  }

  private readonly logger: Logger;

  onApplicationBootstrap(): void {
    this.schedule();
  }

  // Before the producer and the store close (their own shutdown hooks).
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.pass = this.publishPending()
        .then(() => undefined)
        .catch((error: unknown) =>
          this.logger.warn({ err: error }, 'relay pass failed; will retry'),
        )
        .finally(() => this.schedule());
    }, POLL_MS);
  }

  /** One pass; returns how many were published. */
  async publishPending(): Promise<number> {
    const pending = await this.notifications
      .find({ publishedAt: null })
      .sort({ receivedAt: 1 })
      .limit(BATCH)
      .lean<BirthNotification[]>()
      .exec();
    let published = 0;
    for (const n of pending) {
      if (this.stopped) break;
      const data: BirthNotifiedV1 = {
        facts: {
          nhsNumber: n.nhsNumber,
          birthDate: n.birthDate,
          postcodeDistrict: postcodeDistrict(n.postcode),
        },
      };
      await this.producer.publish({
        topic: BIRTHS_TOPIC,
        key: n.nhsNumber,
        type: 'BirthNotified',
        id: n.eventId,
        subject: n.nhsNumber,
        time: `${n.birthDate}T00:00:00Z`,
        recordedtime: n.receivedAt.toISOString(),
        correlationid: n.correlationId,
        data,
      });
      await this.notifications
        .updateOne({ _id: n._id }, { $set: { publishedAt: new Date() } })
        .exec();
      published++;
    }
    return published;
  }
}
