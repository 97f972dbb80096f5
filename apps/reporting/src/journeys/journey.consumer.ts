import { EventConsumer, EventConsumerFactory } from '@lib/kafka';
import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { JourneyProjection } from './journey.projection';

export const JOURNEY_TOPICS = [
  'births.child.v1',
  'health-visits.contact.v1',
  'registrations.child.v1',
  'privacy.subject.v1',
];

/** Feeds the journey projection from Kafka; stops consuming before the store closes. */
@Injectable()
export class JourneyConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: EventConsumer;

  constructor(factory: EventConsumerFactory, projection: JourneyProjection) {
    this.consumer = factory.create({
      groupId: 'reporting.journeys',
      topics: JOURNEY_TOPICS,
      handler: (consumed) => projection.apply(consumed),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  // Before every onApplicationShutdown, so the store is still open while in-flight work finishes.
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}
