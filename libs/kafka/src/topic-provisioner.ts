import type { TopicContract } from '@lib/contracts';
import type { Logger } from 'pino';
import { KafkaConnection } from './kafka-connection';

const DEAD_LETTER_RETENTION_MS = 30 * 24 * 60 * 60 * 1000; // ARCHITECTURE.md: DLTs keep 30 days
/** Attempts at creating and verifying the topics while the broker answers "not ready yet". */
const ENSURE_ATTEMPTS = 8;

interface WantedTopic {
  topic: string;
  numPartitions: number;
  configEntries: { name: string; value: string }[];
}

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
    const wanted = topics.flatMap((t): WantedTopic[] => {
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
    // A freshly started or busy broker may answer metadata requests for topics it is still
    // creating with a retriable error (UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE).
    for (let attempt = 1; ; attempt++) {
      try {
        await this.ensureWith(admin, wanted);
        return;
      } catch (error) {
        // kafkajs marks protocol errors retriable, and wraps them when its own retries ran out.
        const { retriable, cause } = error as {
          retriable?: boolean;
          cause?: { retriable?: boolean };
        };
        if (!(retriable === true || cause?.retriable === true) || attempt >= ENSURE_ATTEMPTS) {
          throw error;
        }
        this.logger.warn({ attempt, err: error }, 'topic metadata not ready yet; trying again');
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }

  private async ensureWith(
    admin: Awaited<ReturnType<KafkaConnection['adminClient']>>,
    wanted: WantedTopic[],
  ): Promise<void> {
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
