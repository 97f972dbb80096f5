import { ConfigModule, ServiceConfig } from '@lib/config';
import { ContractRegistry, type SubjectErasedV1 } from '@lib/contracts';
import { EventProducer, KafkaConnection, KafkaModule, TopicProvisioner } from '@lib/kafka';
import { createLogger, LoggingModule } from '@lib/logging';
import { NhsNumberGenerator } from '@lib/nhs-number';
import type { Db } from 'mongodb';
import { MongooseModule } from '@nestjs/mongoose';
import { Test } from '@nestjs/testing';
import mongoose, { Connection } from 'mongoose';
import { randomBytes, randomUUID } from 'node:crypto';
import { readIndependently } from '../../../tests/support/kafka-reader';
import { PersonalDataCipher } from './personal-data-cipher';
import { PersonalDataReader } from './personal-data-reader';
import { KEYSTORE_CONNECTION, PersonalDataModule } from './personal-data.module';
import { Pseudonymiser } from './pseudonymiser';
import { PRIVACY_SUBJECT_TOPIC, SubjectErasure } from './subject-erasure';
import {
  ERASED_SUBJECTS,
  SUBJECT_KEYS,
  SubjectKeyStore,
  type SubjectKeyStoreOptions,
} from './subject-key-store';

jest.setTimeout(120_000);

const logger = createLogger({ service: 'personal-data-int', level: 'silent' });
const KEYSTORE_DB = `test_keystore_${randomUUID().slice(0, 8)}`;
const settings: SubjectKeyStoreOptions = {
  masterKey: randomBytes(32),
  pseudonymSecret: randomBytes(32).toString('base64'),
};

async function connect(): Promise<Connection> {
  return mongoose
    .createConnection(process.env.MONGODB_URI!, {
      dbName: KEYSTORE_DB,
      autoIndex: false,
      autoCreate: false,
      serverSelectionTimeoutMS: 5000,
    })
    .asPromise();
}

/** The same database, but every insert into subject_keys first waits for `before` (and is counted). */
function instrumented(db: Db, before: () => Promise<void> = () => Promise.resolve()) {
  const counter = { inserts: 0 };
  const wrap = <T extends object>(target: T, override: (prop: string | symbol) => unknown): T =>
    new Proxy(target, {
      get(t, prop) {
        const replaced = override(prop);
        if (replaced !== undefined) return replaced;
        const value: unknown = Reflect.get(t, prop);
        return typeof value === 'function'
          ? (value as (...a: unknown[]) => unknown).bind(t)
          : value;
      },
    });
  const proxied = wrap(db, (prop) =>
    prop === 'collection'
      ? (name: string) => {
          const collection = db.collection(name);
          if (name !== SUBJECT_KEYS) return collection;
          return wrap(collection, (p) =>
            p === 'insertOne'
              ? async (doc: never) => {
                  counter.inserts++;
                  await before();
                  return collection.insertOne(doc);
                }
              : undefined,
          );
        }
      : undefined,
  );
  return { db: proxied, counter };
}

describe('personal data on a real key store and broker', () => {
  const nhsNumbers = new NhsNumberGenerator('test');
  const registry = ContractRegistry.load();
  let connections: Connection[];
  let dbs: Db[];
  let kafka: KafkaConnection;
  let producer: EventProducer;

  /** A key store as a separate process would have it: its own connection and cache. */
  async function store(which: 0 | 1, extra: Partial<SubjectKeyStoreOptions> = {}) {
    const created = new SubjectKeyStore(dbs[which], { ...settings, ...extra });
    await created.init();
    return created;
  }

  beforeAll(async () => {
    connections = [await connect(), await connect()];
    dbs = connections.map((c) => c.getClient().db(KEYSTORE_DB));
    kafka = new KafkaConnection({
      brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
      clientId: 'personal-data-int',
      logger,
    });
    await new TopicProvisioner(kafka, logger).ensureTopics(registry.topics());
    producer = new EventProducer(kafka, registry, 'births', logger);
  });

  afterAll(async () => {
    await producer?.close();
    await kafka?.close();
    await dbs?.[0]?.dropDatabase();
    for (const connection of connections ?? []) await connection.close();
  });

  describe(SubjectKeyStore, () => {
    it('should give one key to 50 concurrent callers in two processes', async () => {
      const watched = [instrumented(dbs[0]), instrumented(dbs[1])];
      const [a, b] = watched.map(({ db }) => new SubjectKeyStore(db, settings));
      const subject = nhsNumbers.next();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).getOrCreateKey(subject)),
      );
      const keyId = a.keyIdOf(subject);
      expect(new Set(results.map((r) => r.status))).toEqual(new Set(['ok']));
      const keys = new Set(results.map((r) => (r.status === 'ok' ? r.key.toString('hex') : '')));
      expect(keys.size).toBe(1);
      // A real race: both processes tried to insert, and all but one insert lost.
      expect(watched.every(({ counter }) => counter.inserts > 0)).toBe(true);
      const stored = await dbs[0]
        .collection(SUBJECT_KEYS)
        .find({ _id: keyId } as never)
        .toArray();
      expect(stored).toHaveLength(1);
      // Pseudonymous and wrapped: neither the NHS number nor the key is in the document.
      const text = JSON.stringify(stored[0]);
      expect(text).not.toContain(subject);
      expect(text).not.toContain([...keys][0]);
      expect(text).not.toContain(Buffer.from([...keys][0], 'hex').toString('base64'));
      expect(keyId).toMatch(/^[0-9a-f]{64}$/);
    });

    it('should never leave a key for a subject erased while keys were being created', async () => {
      const [a, b] = [await store(0, { cacheTtlMs: 0 }), await store(1, { cacheTtlMs: 0 })];
      for (let round = 0; round < 10; round++) {
        const subject = nhsNumbers.next();
        await Promise.allSettled([
          a.getOrCreateKey(subject),
          b.erase(subject, 'withdrawal'),
          a.getOrCreateKey(subject),
          b.getOrCreateKey(subject),
        ]);
        const keyId = a.keyIdOf(subject);
        expect(await dbs[0].collection(SUBJECT_KEYS).countDocuments({ _id: keyId } as never)).toBe(
          0,
        );
        await expect(a.getOrCreateKey(subject)).resolves.toEqual({ status: 'erased', keyId });
      }
    });

    it('should undo its new key when an erasure ran between its read and its insert', async () => {
      const subject = nhsNumbers.next();
      const eraser = await store(1, { cacheTtlMs: 0 });
      let reached!: () => void;
      const insertReached = new Promise<void>((resolve) => (reached = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const { db } = instrumented(dbs[0], () => {
        reached();
        return released;
      });
      const creator = new SubjectKeyStore(db, settings);
      const creating = creator.getOrCreateKey(subject); // reads: no key, no tombstone
      await insertReached;
      await eraser.erase(subject, 'erasure_request'); // tombstone; no key to delete yet
      release(); // now the creator's insert lands
      const keyId = creator.keyIdOf(subject);
      await expect(creating).resolves.toEqual({ status: 'erased', keyId });
      expect(await dbs[0].collection(SUBJECT_KEYS).countDocuments({ _id: keyId } as never)).toBe(0);
    });

    it('should refuse to start with another master key or pseudonym secret than the store has', async () => {
      await store(0);
      await expect(store(1, { masterKey: randomBytes(32) })).rejects.toThrow(
        /KEYSTORE_MASTER_KEY differ/,
      );
      await expect(
        store(1, { pseudonymSecret: 'another secret of enough length ....' }),
      ).rejects.toThrow(/PSEUDONYM_SECRET differ/);
    });
  });

  describe(SubjectErasure, () => {
    it('should make every copy unreadable, leave only a tombstone and publish SubjectErased once per subject', async () => {
      const [a, b] = [await store(0), await store(1, { cacheTtlMs: 0 })];
      const subject = nhsNumbers.next();
      const cipherA = new PersonalDataCipher(a);
      const cipherB = new PersonalDataCipher(b);
      const sealed = (await cipherA.seal(subject, { givenName: 'Ada', postcode: 'SO14 0AA' }))!;
      await expect(cipherB.open(sealed)).resolves.toMatchObject({ status: 'ok' });

      const erasure = new SubjectErasure(a, producer, logger);
      const first = await erasure.erase(subject, 'withdrawal');
      const second = await erasure.erase(subject, 'erasure_request');
      expect(first).toMatchObject({ subjectKeyId: sealed.keyId, alreadyErased: false });
      expect(second).toEqual({ ...first, alreadyErased: true }); // same id, time and reason

      for (const cipher of [cipherA, cipherB, new PersonalDataCipher(await store(1))]) {
        await expect(cipher.open(sealed)).resolves.toEqual({ status: 'erased' });
        await expect(cipher.seal(subject, { givenName: 'Ada' })).resolves.toBeNull();
      }
      const keyDocs = await dbs[1]
        .collection(SUBJECT_KEYS)
        .countDocuments({ _id: sealed.keyId } as never);
      expect(keyDocs).toBe(0);
      const tombstone = await dbs[1]
        .collection(ERASED_SUBJECTS)
        .findOne({ _id: sealed.keyId } as never);
      expect(tombstone).toMatchObject({ reason: 'withdrawal', erasedAt: new Date(first.erasedAt) });
      expect(JSON.stringify(tombstone)).not.toContain(subject);

      const seen = await readIndependently(
        PRIVACY_SUBJECT_TOPIC,
        (messages) => messages.filter((m) => m.key?.toString() === subject).length >= 2,
      );
      const events = seen
        .filter((m) => m.key?.toString() === subject)
        .map(
          (m) =>
            JSON.parse(m.value!.toString()) as {
              id: string;
              subject: string;
              type: string;
              data: SubjectErasedV1;
            },
        );
      expect(events).toHaveLength(2);
      expect(events[0]).toEqual(events[1]);
      expect(events[0]).toMatchObject({
        id: first.eventId,
        type: 'SubjectErased',
        subject,
        data: {
          facts: { subjectKeyId: sealed.keyId, erasedAt: first.erasedAt, reason: 'withdrawal' },
        },
      });
      expect(JSON.stringify(events[0].data)).not.toContain(subject);
      expect(registry.check(PRIVACY_SUBJECT_TOPIC, events[0])).toMatchObject({ valid: true });
    });

    it('should let another process open with a cached key until its TTL, then report erased', async () => {
      let now = 1_000_000;
      const [a, b] = [await store(0), await store(1, { now: () => now })];
      const subject = nhsNumbers.next();
      const sealed = (await new PersonalDataCipher(a).seal(subject, { givenName: 'Ada' }))!;
      const cipherB = new PersonalDataCipher(b);
      await expect(cipherB.open(sealed)).resolves.toMatchObject({ status: 'ok' }); // cached in b
      await a.erase(subject, 'retention_expiry');
      await expect(cipherB.open(sealed)).resolves.toMatchObject({ status: 'ok' }); // documented window
      now += 60_000;
      await expect(cipherB.open(sealed)).resolves.toEqual({ status: 'erased' });
    });
  });

  describe(PersonalDataModule, () => {
    it('should provide the key store, cipher, reader, erasure and pseudonymiser, and close its connection on shutdown', async () => {
      const database = `${KEYSTORE_DB}_module`;
      const env = {
        NODE_ENV: 'test',
        PORT: '1',
        KAFKA_BROKERS: process.env.KAFKA_BROKERS!,
        MONGODB_URI: process.env.MONGODB_URI!,
        LOG_LEVEL: 'silent',
        KEYSTORE_DB: database,
      };
      const moduleRef = await Test.createTestingModule({
        imports: [
          ConfigModule.forRoot(ServiceConfig, env),
          LoggingModule.forRoot({ service: 'births' }),
          // The service's own database, as ServiceCoreModule gives it (the Kafka library uses it).
          MongooseModule.forRoot(process.env.MONGODB_URI!, { dbName: `${database}_service` }),
          KafkaModule.forRoot({ service: 'births' }),
          PersonalDataModule.forRoot(),
        ],
      }).compile();
      const app = moduleRef.createNestApplication();
      await app.init();
      const connection = app.get<Connection>(KEYSTORE_CONNECTION);
      try {
        expect(connection.name).toBe(database);
        const subject = nhsNumbers.next();
        const cipher = app.get(PersonalDataCipher);
        const sealed = (await cipher.seal(subject, { givenName: 'Ada' }))!;
        const reader = app.get(PersonalDataReader);
        await expect(
          reader.openPersonal({ facts: {}, personal: sealed }, { subjectId: subject }),
        ).resolves.toMatchObject({ identity: 'present', personal: { givenName: 'Ada' } });
        const erased = await app.get(SubjectErasure).erase(subject, 'erasure_request');
        expect(erased.subjectKeyId).toBe(sealed.keyId);
        await expect(reader.openPersonal({ facts: {}, personal: sealed })).resolves.toMatchObject({
          identity: 'erased',
        });
        expect(app.get(Pseudonymiser).pseudonym(subject)).toMatch(/^[0-9a-f]{64}$/);
        expect(app.get(SubjectKeyStore).keyIdOf(subject)).toBe(sealed.keyId);
      } finally {
        await connection.getClient().db(database).dropDatabase();
        await app.close();
      }
      expect(connection.readyState).toBe(mongoose.ConnectionStates.disconnected);
    });
  });
});
