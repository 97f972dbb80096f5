import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage, probeKafka, probeMongo } from './probes';
import { Log, RunningInfra } from './types';

export const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.1';
export const MONGO_IMAGE = 'mongo:7';

/**
 * Could a Docker engine be configured here at all? Mirrors where testcontainers looks (DOCKER_HOST,
 * ~/.testcontainers.properties, the usual sockets), so that a machine without an engine does not even
 * pay for loading testcontainers.
 */
export function dockerMightExist(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform === 'win32') return true;
  if (env.DOCKER_HOST || env.TESTCONTAINERS_HOST_OVERRIDE) return true;
  const home = homedir();
  const candidates = [
    join(home, '.testcontainers.properties'),
    '/var/run/docker.sock',
    join(home, '.docker', 'run', 'docker.sock'),
    join(home, '.docker', 'desktop', 'docker.sock'),
  ];
  if (env.XDG_RUNTIME_DIR) candidates.push(join(env.XDG_RUNTIME_DIR, 'docker.sock'));
  try {
    candidates.push(join('/run', 'user', String(userInfo().uid), 'docker.sock'));
  } catch {
    /* no passwd entry */
  }
  return candidates.some((p) => existsSync(p));
}

/** True if a container engine answers within `timeoutMs`. */
export async function dockerAnswers(timeoutMs = 5000): Promise<boolean> {
  if (!dockerMightExist()) return false;
  const { getContainerRuntimeClient } = await import('testcontainers');
  const ac = new AbortController();
  try {
    return await Promise.race([
      getContainerRuntimeClient().then(
        () => true,
        () => false,
      ),
      sleep(timeoutMs, false, { signal: ac.signal }).catch(() => false),
    ]);
  } finally {
    ac.abort();
  }
}

const STARTER_SCRIPT = '/testcontainers_start.sh';
const WAITING = 'Waiting for script...';

/**
 * cp-kafka in KRaft mode and mongo, via testcontainers' GenericContainer. Kafka's advertised listener
 * must name the host port Docker maps, which is only known after start: the container waits for a
 * start script that we copy in once the port is known (the technique of @testcontainers/kafka).
 */
export async function startContainers(purpose: 'dev' | 'test', log: Log): Promise<RunningInfra> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const kafkaImage = process.env.EYB_KAFKA_IMAGE ?? KAFKA_IMAGE;
  const mongoImage = process.env.EYB_MONGO_IMAGE ?? MONGO_IMAGE;
  log(
    `starting containers ${kafkaImage} and ${mongoImage} (${purpose}; data is not kept between runs)…`,
  );
  const PLAINTEXT = 9093;
  const BROKER = 9092;
  const CONTROLLER = 9094;

  const kafkaP = new GenericContainer(kafkaImage)
    .withExposedPorts(PLAINTEXT)
    .withEnvironment({
      CLUSTER_ID: '4L6g3nShT-eMCtK--X86sw',
      KAFKA_NODE_ID: '1',
      KAFKA_BROKER_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_CONTROLLER_QUORUM_VOTERS: `1@localhost:${CONTROLLER}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${PLAINTEXT},BROKER://0.0.0.0:${BROKER},CONTROLLER://0.0.0.0:${CONTROLLER}`,
      KAFKA_ADVERTISED_LISTENERS: `BROKER://localhost:${BROKER}`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP:
        'BROKER:PLAINTEXT,PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'BROKER',
      KAFKA_NUM_PARTITIONS: '12',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '12',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_CONFLUENT_SUPPORT_METRICS_ENABLE: 'false',
    })
    .withEntrypoint(['sh'])
    .withCommand([
      '-c',
      `echo '${WAITING}'; while [ ! -f ${STARTER_SCRIPT} ]; do sleep 0.1; done; ${STARTER_SCRIPT}`,
    ])
    .withWaitStrategy(Wait.forLogMessage(WAITING))
    .withStartupTimeout(180_000)
    .start();
  const mongoP = new GenericContainer(mongoImage)
    .withExposedPorts(27017)
    .withWaitStrategy(Wait.forLogMessage(/Waiting for connections/))
    .withStartupTimeout(180_000)
    .start();
  const [kafkaRes, mongoRes] = await Promise.allSettled([kafkaP, mongoP]);
  const started = [kafkaRes, mongoRes].flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= Promise.allSettled(started.map((c) => c.stop({ timeout: 10_000 }))).then(
      () => undefined,
    );
    return stopping;
  };
  try {
    if (kafkaRes.status === 'rejected') throw kafkaRes.reason;
    if (mongoRes.status === 'rejected') throw mongoRes.reason;
    const kafka = kafkaRes.value;
    const mongoC = mongoRes.value;
    const host = (h: string): string => (h === 'localhost' ? '127.0.0.1' : h);
    const broker = `${host(kafka.getHost())}:${kafka.getMappedPort(PLAINTEXT)}`;
    await kafka.copyContentToContainer([
      {
        content: `#!/bin/bash\nexport KAFKA_ADVERTISED_LISTENERS=BROKER://${kafka.getHostname()}:${BROKER},PLAINTEXT://${broker}\n/etc/confluent/docker/run\n`,
        target: STARTER_SCRIPT,
        mode: 0o777,
      },
    ]);
    const mongoUri = `mongodb://${host(mongoC.getHost())}:${mongoC.getMappedPort(27017)}/`;
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        await probeKafka([broker], 3000);
        break;
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(`Kafka container did not answer on ${broker}: ${errorMessage(err)}`);
        await sleep(500);
      }
    }
    await probeMongo(mongoUri, 30_000);
    log(`containers ready: Kafka ${broker}, store ${mongoUri}`);
    return { mode: 'containers', kafkaBrokers: [broker], mongoUri, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
