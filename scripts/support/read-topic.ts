import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';

/** What one message of births.child.v1 says about itself (CloudEvent headers set by the producer). */
export interface TopicMessage {
  partition: number;
  key: string | undefined;
  type: string | undefined;
  correlationId: string | undefined;
  message: KafkaMessage;
}

/**
 * Reads a topic independently of the apps (plain kafkajs, a fresh consumer group) from the
 * beginning up to the end it has when called (every partition's high watermark), handing each
 * message to `visit`; answers how many it read. Nothing is kept but what `visit` keeps.
 */
export async function readTopicToEnd(
  brokers: string[],
  topic: string,
  visit: (m: TopicMessage) => void,
  timeoutMs = 120_000,
): Promise<number> {
  const kafka = new Kafka({ clientId: 'independent-reader', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
  const remaining = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  if (remaining.size === 0) return 0;

  const consumer = kafka.consumer({ groupId: `independent-${randomUUID()}` });
  let count = 0;
  const visited = new Set<string>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out reading ${topic} to its end (${count} read)`)),
        timeoutMs,
      );
      void consumer
        .run({
          eachBatch: async ({ batch, heartbeat }) => {
            const end = ends.get(batch.partition) ?? 0n;
            for (const message of batch.messages) {
              if (BigInt(message.offset) >= end) break;
              // A rebalance of this reader's group delivers a partition again: visit each once.
              const at = `${batch.partition}:${message.offset}`;
              if (visited.has(at)) continue;
              visited.add(at);
              count++;
              visit({
                partition: batch.partition,
                key: message.key?.toString(),
                type: message.headers?.['ce-type']?.toString(),
                correlationId: message.headers?.['correlation-id']?.toString(),
                message,
              });
            }
            const last = batch.messages[batch.messages.length - 1];
            if (last && BigInt(last.offset) + 1n >= end) remaining.delete(batch.partition);
            await heartbeat();
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return count;
}
