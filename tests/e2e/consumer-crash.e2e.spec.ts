import { ContractRegistry } from '@lib/contracts';
import { deterministicEventId, EventProducer, KafkaConnection, TopicProvisioner } from '@lib/kafka';
import { createLogger } from '@lib/logging';
import { NhsNumberGenerator } from '@lib/nhs-number';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { eventually, freePort } from '../support/test-app';

jest.setTimeout(300_000);

const EVENTS = 5000;
const TOPIC = 'births.child.v1';
const MARKER = 'ZQ5'; // a postcode district only this test uses, to count its effects
const MAIN = join(__dirname, '../../dist/apps/reporting/src/main.js');

// Given 5,000 births on the topic, when the consuming app is SIGKILLed in the middle of a batch
// and started again, then exactly 5,000 effects exist: none lost, none applied twice.
describe('reporting consumer killed mid-batch', () => {
  const logger = createLogger({ service: 'crash-test', level: 'silent' });
  const runId = randomUUID().slice(0, 8);
  const database = `test_crash_${runId}`;
  let mongo: MongoClient;
  let app: ChildProcess | undefined;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`build first (npm run build): ${MAIN} is missing`);
    mongo = await MongoClient.connect(process.env.MONGODB_URI!);
  });

  afterAll(async () => {
    app?.kill('SIGKILL');
    await mongo?.close();
  });

  it(`should leave exactly ${EVENTS} effects after a SIGKILL and a restart`, async () => {
    const ids = await publishBirths(logger);
    const entries = mongo.db(database).collection('journey_entries');
    const effects = () => entries.countDocuments({ 'facts.postcodeDistrict': MARKER });

    const port = await freePort();
    app = startReporting(port, database, runId);
    // Kill it once it is well into the backlog, which it reads in batches.
    const before = await eventually(
      async () => {
        const n = await effects();
        return n >= 300 ? n : undefined;
      },
      120_000,
      20,
    );
    app.kill('SIGKILL');
    await new Promise((r) => app!.once('exit', r));
    const atKill = await effects();
    process.stdout.write(
      `[crash] killed with ${atKill} of ${EVENTS} effects applied (saw ${before} just before)\n`,
    );
    expect(atKill).toBeLessThan(EVENTS);

    app = startReporting(port, database, runId);
    await eventually(async () => ((await effects()) === EVENTS ? true : undefined), 180_000, 500);
    // Stay a little: nothing more may arrive (no double application after the restart).
    await new Promise((r) => setTimeout(r, 3000));
    expect(await effects()).toBe(EVENTS);
    const stored = await entries
      .find({ 'facts.postcodeDistrict': MARKER }, { projection: { _id: 1 } })
      .toArray();
    expect(new Set(stored.map((d) => String(d._id)))).toEqual(new Set(ids));
    const marks = await mongo
      .db(database)
      .collection('processed_events')
      .countDocuments({ eventId: { $in: ids } });
    expect(marks).toBe(EVENTS);
  });
});

async function publishBirths(logger: ReturnType<typeof createLogger>): Promise<string[]> {
  const registry = ContractRegistry.load();
  const connection = new KafkaConnection({
    brokers: process.env.KAFKA_BROKERS!.split(','),
    clientId: 'crash-test',
    logger,
  });
  await new TopicProvisioner(connection, logger).ensureTopics(registry.topics());
  const producer = new EventProducer(connection, registry, 'births', logger);
  const nhsNumbers = new NhsNumberGenerator('test');
  const events = Array.from({ length: EVENTS }, () => {
    const nhsNumber = nhsNumbers.next();
    return producer.buildEvent({
      topic: TOPIC,
      key: nhsNumber,
      type: 'BirthNotified',
      id: deterministicEventId(`crash-test:${randomUUID()}`),
      subject: nhsNumber,
      time: '2026-09-01T00:00:00Z',
      subjectversion: 1,
      data: { facts: { nhsNumber, birthDate: '2026-09-01', postcodeDistrict: MARKER } },
    });
  });
  // Leaders of freshly created partitions can move once more on a busy machine: retry the send
  // (a retried batch may duplicate, which the consumer's dedupe must absorb anyway).
  const raw = connection.kafka.producer({
    allowAutoTopicCreation: false,
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 3000 },
  });
  await raw.connect();
  for (let i = 0; i < events.length; i += 500) {
    const slice = events.slice(i, i + 500);
    slice.forEach((e) => producer.assertValid(TOPIC, e));
    await raw.send({
      topic: TOPIC,
      acks: -1,
      messages: slice.map((e) => ({ key: e.subject, value: JSON.stringify(e) })),
    });
  }
  await raw.disconnect();
  await connection.close();
  return events.map((e) => e.id);
}

function startReporting(port: number, database: string, runId: string): ChildProcess {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: String(port),
      MONGODB_DB: database,
      KAFKA_GROUP_PREFIX: `crash-${runId}.`,
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}
