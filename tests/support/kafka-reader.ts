import { randomUUID } from 'node:crypto';
import { Kafka, KafkaMessage } from 'kafkajs';

const brokers = (): string[] => (process.env.KAFKA_BROKERS ?? '').split(',');

/** Reads a topic from the beginning with plain kafkajs (not our wrapper) until `done` says so. */
export async function readIndependently(
  topic: string,
  done: (seen: KafkaMessage[]) => boolean,
  timeoutMs = 30_000,
): Promise<KafkaMessage[]> {
  const kafka = new Kafka({ clientId: 'independent-reader', brokers: brokers(), logLevel: 0 });
  const consumer = kafka.consumer({ groupId: `independent-${randomUUID()}` });
  const seen: KafkaMessage[] = [];
  // A rebalance of the reader's own group (a slow join on a busy machine) delivers a partition
  // again from the start: each message is kept once, by partition and offset.
  const delivered = new Set<string>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const finished = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}`)), timeoutMs);
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        const at = `${partition}:${message.offset}`;
        if (delivered.has(at)) return;
        delivered.add(at);
        seen.push(message);
        if (done(seen)) {
          clearTimeout(timer);
          resolve();
        }
        return Promise.resolve();
      },
    });
  });
  try {
    await finished;
  } finally {
    await consumer.disconnect();
  }
  return seen;
}
