import { Kafka, logLevel } from 'kafkajs';
import { mongo } from 'mongoose';
import { resolveInfra, RunningInfra } from '@lib/infra';
import { findListeningPid, isPortFree } from './ports';

// A cold first run provisions the caches (Maven jars, Go build of the FerretDB launcher).
jest.setTimeout(10 * 60_000);

const portOf = (hostPort: string): number => Number(hostPort.split(':').pop());
const mongoPortOf = (uri: string): number => Number(new URL(uri).port);

async function roundTripKafka(brokers: string[]): Promise<string> {
  const kafka = new Kafka({
    clientId: 'infra-int-spec',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 5 },
  });
  const topic = `infra-spec-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: `${topic}-group` });
  try {
    await admin.connect();
    expect(
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true }),
    ).toBe(true);
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value: 'hello from the int spec' }] });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message consumed within 60 s')), 60_000);
      void consumer.run({
        eachMessage: ({ message }) => {
          clearTimeout(timer);
          resolve(message.value?.toString() ?? '');
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.disconnect();
  }
}

async function roundTripStore(uri: string, id = 'a'): Promise<unknown> {
  const client = new mongo.MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
    const col = client.db('infra_spec').collection<{ _id: string; n: number }>('things');
    await col.insertOne({ _id: id, n: 42 });
    return await col.findOne({ _id: id });
  } finally {
    await client.close();
  }
}

describe('resolveInfra with local processes (TEST_INFRA=local)', () => {
  const saved = { ...process.env };
  let a: RunningInfra | undefined;
  let b: RunningInfra | undefined;

  beforeAll(async () => {
    process.env.TEST_INFRA = 'local';
    delete process.env.KAFKA_BROKERS;
    delete process.env.MONGODB_URI;
    process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
    // Two at once: exercises the cache lock on a cold machine and the port allocation.
    [a, b] = await Promise.all([
      resolveInfra({ purpose: 'test' }),
      resolveInfra({ purpose: 'test' }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    process.env = saved;
  });

  it('starts local processes on distinct free ports', () => {
    for (const infra of [a!, b!]) {
      expect(infra.mode).toBe('local');
      expect(infra.kafkaBrokers).toHaveLength(1);
      expect(infra.kafkaBrokers[0]).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(infra.mongoUri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    }
    const ports = [a!, b!].flatMap((i) => [portOf(i.kafkaBrokers[0]), mongoPortOf(i.mongoUri)]);
    expect(new Set(ports).size).toBe(4);
  });

  it('gives a Kafka that can create a topic and produce/consume a message', async () => {
    expect(await roundTripKafka(a!.kafkaBrokers)).toBe('hello from the int spec');
  });

  it('gives a store that can insert and read a document', async () => {
    expect(await roundTripStore(a!.mongoUri)).toEqual({ _id: 'a', n: 42 });
    // The second stack has its own data.
    expect(await roundTripStore(b!.mongoUri)).toEqual({ _id: 'a', n: 42 });
  });

  it('stop() ends the processes and frees the ports; a second stop() is a no-op', async () => {
    const infra = b!;
    const ports = [portOf(infra.kafkaBrokers[0]), mongoPortOf(infra.mongoUri)];
    const pids = ports.map((p) => findListeningPid(p));
    for (const pid of pids) expect(typeof pid).toBe('number');
    expect(pids[0]).not.toBe(process.pid);

    await infra.stop();
    await infra.stop();

    for (const pid of pids) expect(() => process.kill(pid as number, 0)).toThrow();
    for (const port of ports) expect(await isPortFree(port)).toBe(true);
    // The other stack is unaffected.
    expect(await roundTripStore(a!.mongoUri, 'b')).toEqual({ _id: 'b', n: 42 });
  });
});
