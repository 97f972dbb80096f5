// Starts real Kafka and a real store once per `jest` run (both the int and e2e projects call
// this; the second call reuses the first). Workers inherit the environment set here.
// Relative imports: jest's moduleNameMapper does not apply to global setup files.
import { resolveInfra, RunningInfra } from '../../libs/infra/src';

interface SharedInfra {
  infra: RunningInfra;
  users: number;
}

const KEY = '__EYB_TEST_INFRA__';

export default async function globalSetup(): Promise<void> {
  const holder = globalThis as unknown as Record<string, SharedInfra | undefined>;
  const shared = holder[KEY];
  if (shared) {
    shared.users++;
    return;
  }
  const started = Date.now();
  const infra = await resolveInfra({
    purpose: 'test',
    log: (line) => process.stderr.write(`[infra] ${line}\n`),
  });
  process.env.KAFKA_BROKERS = infra.kafkaBrokers.join(',');
  process.env.MONGODB_URI = infra.mongoUri;
  holder[KEY] = { infra, users: 1 };
  process.stderr.write(
    `[infra] ${infra.mode} mode ready in ${((Date.now() - started) / 1000).toFixed(1)} s: kafka ${process.env.KAFKA_BROKERS}, store ${infra.mongoUri}\n`,
  );
}
