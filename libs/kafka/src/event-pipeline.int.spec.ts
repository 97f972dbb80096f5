import { BirthNotifiedV1, ContractRegistry, DEAD_LETTER_HEADERS } from '@lib/contracts';
import { createLogger, currentCorrelationId, runWithCorrelationId } from '@lib/logging';
import { NhsNumberGenerator } from '@lib/nhs-number';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaMessage } from 'kafkajs';
import { readIndependently } from '../../../tests/support/kafka-reader';
import { deterministicEventId } from './event-ids';
import { ConsumedEvent } from './event-consumer';
import { EventProducer } from './event-producer';
import { KafkaConnection } from './kafka-connection';
import { TopicProvisioner } from './topic-provisioner';
import { EventConsumer } from './event-consumer';

jest.setTimeout(120_000);

const TOPIC = 'births.child.v1';
const brokers = (): string[] => (process.env.KAFKA_BROKERS ?? '').split(',');
const logger = createLogger({ service: 'kafka-int', level: 'silent' });

function birthEvent(producer: EventProducer, nhsNumber: string) {
  const data: BirthNotifiedV1 = {
    facts: { nhsNumber, birthDate: '2026-11-01', postcodeDistrict: 'QX1' },
  };
  return producer.buildEvent({
    topic: TOPIC,
    key: nhsNumber,
    type: 'BirthNotified',
    id: deterministicEventId(`birth-notified:${nhsNumber}`),
    subject: nhsNumber,
    time: '2026-11-01T00:00:00Z',
    data,
  });
}

describe('Kafka library on a real broker', () => {
  const nhsNumbers = new NhsNumberGenerator('test');
  const registry = ContractRegistry.load();
  let connection: KafkaConnection;
  let producer: EventProducer;

  beforeAll(async () => {
    connection = new KafkaConnection({ brokers: brokers(), clientId: 'kafka-int', logger });
    await new TopicProvisioner(connection, logger).ensureTopics(registry.topics());
    producer = new EventProducer(connection, registry, 'births', logger);
  });

  afterAll(async () => {
    await producer?.close();
    await connection?.close();
  });

  describe(TopicProvisioner, () => {
    it('should have created every contract topic and its dead-letter topic with 12 partitions, idempotently', async () => {
      await new TopicProvisioner(connection, logger).ensureTopics(registry.topics());
      const admin = await connection.adminClient();
      const names = registry.topics().flatMap((t) => [t.name, t.deadLetterTopic]);
      const metadata = await admin.fetchTopicMetadata({ topics: names });
      expect(metadata.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual(
        names.map((n) => [n, 12]).sort(),
      );
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          { type: 2, name: `${TOPIC}.dlt`, configNames: ['retention.ms'] },
          { type: 2, name: TOPIC, configNames: ['retention.ms'] },
        ],
      });
      const retention = Object.fromEntries(
        configs.resources.map((r) => [
          r.resourceName,
          r.configEntries.find((c) => c.configName === 'retention.ms')?.configValue,
        ]),
      );
      expect(retention).toEqual({ [`${TOPIC}.dlt`]: String(30 * 24 * 3600 * 1000), [TOPIC]: '-1' });
    });

    it('should refuse a topic whose partition count differs from the contract', async () => {
      await expect(
        new TopicProvisioner(connection, logger).ensureTopics([
          { ...registry.topics()[0], partitions: 6 },
        ]),
      ).rejects.toThrow(/births.child.v1: has 12 partitions, contracts say 6/);
    });
  });

  describe(EventProducer, () => {
    it('should publish a CloudEvent keyed on the NHS number whose data validates against the schema file', async () => {
      const nhsNumber = nhsNumbers.next();
      await producer.publish({
        topic: TOPIC,
        key: nhsNumber,
        type: 'BirthNotified',
        id: deterministicEventId(`birth-notified:${nhsNumber}`),
        subject: nhsNumber,
        time: '2026-11-01T00:00:00Z',
        data: { facts: { nhsNumber, birthDate: '2026-11-01', postcodeDistrict: 'QX1' } },
      });
      const seen = await readIndependently(TOPIC, (s) =>
        s.some((m) => m.key?.toString() === nhsNumber),
      );
      const message = seen.find((m) => m.key?.toString() === nhsNumber)!;
      const event = JSON.parse(message.value!.toString()) as Record<string, unknown>;
      expect(event).toMatchObject({
        specversion: '1.0',
        type: 'BirthNotified',
        source: 'births',
        subject: nhsNumber,
        dataschema: 'urn:early-years:contracts:births:BirthNotified:v1',
      });
      // Validate with a fresh ajv straight from the file, not through our registry.
      const schema = JSON.parse(
        readFileSync(
          join(__dirname, '../../../contracts/schemas/births/BirthNotified.v1.json'),
          'utf8',
        ),
      ) as object;
      const ajv = new Ajv2020({ strict: false });
      addFormats(ajv);
      expect(ajv.validate(schema, event.data)).toBe(true);
    });

    it('should know the partition each key is written to (the relay sends one partition a request)', async () => {
      const keys = nhsNumbers.take(24);
      await producer.publishEvents(
        keys.map((key) => ({ topic: TOPIC, key, event: birthEvent(producer, key) })),
      );
      const consumer = connection.kafka.consumer({ groupId: `partition-check-${randomUUID()}` });
      const stored = new Map<string, number>();
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('not all keys read back')), 60_000);
          void consumer.run({
            eachMessage: ({ partition, message }) => {
              const key = message.key?.toString();
              if (key && keys.includes(key)) stored.set(key, partition);
              if (stored.size === keys.length) {
                clearTimeout(timer);
                resolve();
              }
              return Promise.resolve();
            },
          });
        });
      } finally {
        await consumer.disconnect();
      }
      expect(new Set(stored.values()).size).toBeGreaterThan(1);
      for (const key of keys)
        expect([key, producer.partitionOf(TOPIC, key)]).toEqual([key, stored.get(key)]);
      expect(producer.partitionOf('not.a.contract.topic', keys[0])).toBeUndefined();
    });

    it('should refuse to publish an event that breaks its contract', async () => {
      await expect(
        producer.publish({
          topic: TOPIC,
          key: '9995000016',
          type: 'BirthNotified',
          id: randomUUID(),
          subject: '9995000016',
          time: '2026-11-01T00:00:00Z',
          data: {
            facts: { nhsNumber: 'not-a-number', birthDate: '2026-11-01', postcodeDistrict: null },
          },
        }),
      ).rejects.toThrow(/data\/facts\/nhsNumber/);
    });
  });

  describe(EventConsumer, () => {
    it('should dead-letter bad messages with their cause and keep the partition flowing', async () => {
      const key = nhsNumbers.next(); // one key: everything below lands on one partition, in order
      const poison = nhsNumbers.next();
      const handled: ConsumedEvent[] = [];
      const correlationIds: (string | undefined)[] = [];
      const attempts = new Map<string, number>();
      const groupId = `int-${randomUUID()}`;
      const consumer = new EventConsumer(connection, registry, producer, logger, {
        groupId,
        topics: [TOPIC],
        maxAttempts: 3,
        retryBackoffMs: 10,
        handler: (consumed) => {
          const facts = (consumed.event.data as BirthNotifiedV1).facts;
          if (consumed.key !== key) return Promise.resolve();
          attempts.set(facts.nhsNumber, (attempts.get(facts.nhsNumber) ?? 0) + 1);
          if (facts.nhsNumber === poison)
            return Promise.reject(new Error(`store refused ${poison}`));
          handled.push(consumed);
          correlationIds.push(currentCorrelationId());
          return Promise.resolve();
        },
      });
      const good = birthEvent(producer, key);
      const failing = { ...birthEvent(producer, poison), id: randomUUID() };
      const wrongShape = {
        ...good,
        id: randomUUID(),
        data: { facts: { birthDate: '2026-11-01' } },
      };
      // Built inside a request's scope, as births does: the id travels in the envelope.
      const last = runWithCorrelationId('int-corr-7', () => ({
        ...birthEvent(producer, key),
        id: randomUUID(),
      }));
      for (const value of [
        '{not json',
        JSON.stringify(wrongShape),
        JSON.stringify(failing),
        JSON.stringify(last),
      ]) {
        await producer.sendRaw(TOPIC, key, value, { probe: 'dlt-test' });
      }
      await consumer.start();
      try {
        const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();
        // Other groups reading the topic (other tests' apps) dead-letter the same messages too.
        const isOurs = (m: KafkaMessage) =>
          m.key?.toString() === key && header(m, DEAD_LETTER_HEADERS.consumerGroup) === groupId;
        const deadLetters = await readIndependently(
          `${TOPIC}.dlt`,
          (s) => s.filter(isOurs).length >= 3,
        );
        const ours = deadLetters.filter(isOurs);
        expect(ours.map((m) => header(m, DEAD_LETTER_HEADERS.error))).toEqual([
          expect.stringMatching(/^contract violation: value: is not valid JSON/),
          expect.stringMatching(/^contract violation: .*data\/facts\/nhsNumber: is required/),
          'handler failed 3 times: Error: store refused [redacted]',
        ]);
        for (const m of ours) {
          expect(header(m, DEAD_LETTER_HEADERS.sourceTopic)).toBe(TOPIC);
          expect(header(m, DEAD_LETTER_HEADERS.sourcePartition)).toMatch(/^[0-9]+$/);
          expect(header(m, DEAD_LETTER_HEADERS.sourceOffset)).toMatch(/^[0-9]+$/);
          expect(header(m, 'probe')).toBe('dlt-test'); // original headers kept
        }
        expect(ours[0].value!.toString()).toBe('{not json'); // original value kept byte for byte
        expect(attempts.get(poison)).toBe(3);
        // The message after the poison one was still handled: the partition kept flowing.
        await waitFor(() => handled.some((h) => h.event.id === last.id));
        expect(handled.map((h) => h.event.id)).toEqual([last.id]);
        // The handler ran in the scope of the event's correlation id (so its logs carry it).
        expect(correlationIds).toEqual(['int-corr-7']);
      } finally {
        await consumer.stop();
      }
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
