import { EventConsumer, EventConsumerFactory } from '@lib/kafka';
import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { WorklistIdentities } from '../worklist/worklist-identities';
import { FIGURE_TOPICS, FiguresService } from './figures.service';

/**
 * Feeds the figures from every topic, from offset 0 on every start (the state is in memory):
 * a restart, a crash or a rebuild all give the same figures.
 */
@Injectable()
export class FiguresConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: EventConsumer;

  constructor(
    factory: EventConsumerFactory,
    private readonly figures: FiguresService,
    identities: WorklistIdentities,
  ) {
    this.consumer = factory.create({
      groupId: 'reporting.figures',
      topics: FIGURE_TOPICS,
      replay: true,
      handler: (consumed) => {
        figures.apply(consumed);
        identities.apply(consumed);
        return Promise.resolve();
      },
      onProgress: (topic, partition, next) => figures.progress(topic, partition, next),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.figures.snapshotTargets();
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}
