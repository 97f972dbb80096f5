import type { TopicContract } from '@lib/contracts';
import type { Logger } from 'pino';
import { KafkaConnection } from './kafka-connection';

const DEAD_LETTER_RETENTION_MS = 30 * 24 * 60 * 60 * 1000; // ARCHITECTURE.md: DLTs keep 30 days

export class TopicMismatchError extends Error {
  override name = 'TopicMismatchError';
}

/**
 * Creates every topic of the contracts, each with its dead-letter topic, before anyone
 * subscribes. Partition counts are fixed at creation: a topic that exists with another count is
 * an error, because changing it would move NHS numbers to other partitions and break ordering.
 */
export class TopicProvisioner {
  constructor(
    private readonly connection: KafkaConnection,
    private readonly logger: Logger,
  ) {}

  async ensureTopics(topics: TopicContract[]): Promise<void> {
    const wanted = topics.flatMap((t) => {
      const partitions = t.partitions;
      return [
        // Event topics are the system's log, kept for replay: no time-based deletion.
        {
          topic: t.name,
          numPartitions: partitions,
          configEntries: [{ name: 'retention.ms', value: '-1' }],
        },
        {
          topic: t.deadLetterTopic,
          numPartitions: partitions,
          configEntries: [{ name: 'retention.ms', value: String(DEAD_LETTER_RETENTION_MS) }],
        },
      ];
    });
    const admin = await this.connection.adminClient();
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      try {
        await admin.createTopics({ topics: missing, waitForLeaders: true });
      } catch (error) {
        // Another service may have created some of them at the same moment; verified below.
        if (!String((error as Error).message).includes('already exists')) throw error;
      }
      this.logger.info({ created: missing.map((t) => t.topic) }, 'created topics');
    }
    const metadata = await admin.fetchTopicMetadata({ topics: wanted.map((t) => t.topic) });
    const problems = wanted.flatMap((w) => {
      const found = metadata.topics.find((t) => t.name === w.topic);
      if (!found) return [`${w.topic}: missing after creation`];
      return found.partitions.length === w.numPartitions
        ? []
        : [
            `${w.topic}: has ${found.partitions.length} partitions, contracts say ${w.numPartitions}`,
          ];
    });
    if (problems.length > 0) throw new TopicMismatchError(problems.join('; '));
  }
}
