import { dockerAnswers, startContainers } from './containers';
import { startLocal } from './local';
import { chooseMode } from './mode';
import { errorMessage, probeKafka, probeMongo } from './probes';
import { Log, ResolveInfraOptions, RunningInfra } from './types';

const defaultLog: Log = (line) => process.stderr.write(`[infra] ${line}\n`);

/**
 * Gives a Kafka and a MongoDB-wire-protocol store:
 * 1. KAFKA_BROKERS and MONGODB_URI both set → those (checked, nothing started);
 * 2. else, unless TEST_INFRA=local, a Docker engine if one answers → testcontainers;
 * 3. else local processes (Kafka from Maven Central jars, FerretDB built from deploy/local/ferretdb).
 */
export async function resolveInfra(options: ResolveInfraOptions): Promise<RunningInfra> {
  const log = options.log ?? defaultLog;
  const { choice, warnings } = chooseMode(process.env);
  warnings.forEach((w) => log(`warning: ${w}`));
  switch (choice.kind) {
    case 'external':
      return useExternal(choice.kafkaBrokers, choice.mongoUri);
    case 'containers':
      if (!(await dockerAnswers())) {
        throw new Error(
          'TEST_INFRA=containers but no Docker engine answers (testcontainers found no working runtime)',
        );
      }
      return startContainers(options.purpose, log);
    case 'auto':
      if (await dockerAnswers()) return startContainers(options.purpose, log);
      return startLocal(options.purpose, log, options.stopOnSignal ?? true);
    case 'local':
      return startLocal(options.purpose, log, options.stopOnSignal ?? true);
  }
}

async function useExternal(kafkaBrokers: string[], mongoUri: string): Promise<RunningInfra> {
  const [k, m] = await Promise.allSettled([
    probeKafka(kafkaBrokers, 10_000),
    probeMongo(mongoUri, 10_000),
  ]);
  const problems: string[] = [];
  if (k.status === 'rejected') {
    problems.push(
      `Kafka at KAFKA_BROKERS=${kafkaBrokers.join(',')} does not answer (describeCluster): ${errorMessage(k.reason)}`,
    );
  }
  if (m.status === 'rejected') {
    problems.push(
      `the store at MONGODB_URI=${redact(mongoUri)} does not answer a ping: ${errorMessage(m.reason)}`,
    );
  }
  if (problems.length > 0) {
    throw new Error(
      `${problems.join('\n')}\n(unset KAFKA_BROKERS and MONGODB_URI to have infrastructure started for you)`,
    );
  }
  return { mode: 'external', kafkaBrokers, mongoUri, stop: () => Promise.resolve() };
}

/** Hides a password in a connection string for messages. */
export function redact(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}
