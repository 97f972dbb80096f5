// The local stack behind `npm start`: infrastructure (Kafka 127.0.0.1:9092, store 127.0.0.1:27017,
// data kept between runs), topics, then the four apps; Ctrl-C stops apps first, then infrastructure.
import { ContractRegistry } from '@lib/contracts';
import { resolveInfra, RunningInfra } from '@lib/infra';
import { KafkaConnection, TopicProvisioner } from '@lib/kafka';
import { createLogger } from '@lib/logging';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { mongo } from 'mongoose';
import { startDemo, type DemoHandle } from './support/synthetic-sender/demo';

interface AppSpec {
  name: string;
  port: number;
}

const APPS: AppSpec[] = [
  { name: 'births', port: Number(process.env.BIRTHS_PORT ?? 3001) },
  { name: 'registrations', port: Number(process.env.REGISTRATIONS_PORT ?? 3002) },
  { name: 'health-visits', port: Number(process.env.HEALTH_VISITS_PORT ?? 3003) },
  { name: 'reporting', port: Number(process.env.REPORTING_PORT ?? 3004) },
];
const READY_TIMEOUT_MS = 120_000;
const root = join(__dirname, '..', '..');

const say = (line: string): void => {
  process.stderr.write(`[stack] ${line}\n`);
};

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  let infra: RunningInfra | undefined;
  let demo: DemoHandle | undefined;
  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    demo?.stop();
    say('stopping apps…');
    await Promise.all(children.map((c) => stopChild(c)));
    say('stopping infrastructure…');
    await infra?.stop();
    say('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    infra = await resolveInfra({ purpose: 'dev', log: say, stopOnSignal: false });
    say(
      `${infra.mode} infrastructure: kafka ${infra.kafkaBrokers.join(',')}, store ${infra.mongoUri}`,
    );
    await createTopics(infra.kafkaBrokers);
    await seedDemoGeography(infra.mongoUri);
    for (const app of APPS)
      children.push(
        startApp(
          app,
          infra,
          () => void stop(1),
          () => stopping,
        ),
      );
    await Promise.all(APPS.map((app) => waitUntilReady(app)));
    printWhereToLook(infra);
    // The demo (a synthetic LA fed through the real interfaces) never takes the stack down.
    if (process.env.DEMO !== '0') demo = startDemo(demoOptions(infra));
  } catch (error) {
    say(`could not start: ${error instanceof Error ? error.message : String(error)}`);
    await stop(1);
  }
}

async function createTopics(brokers: string[]): Promise<void> {
  const logger = createLogger({ service: 'dev-stack', level: 'warn' });
  const connection = new KafkaConnection({ brokers, clientId: 'dev-stack', logger });
  try {
    const registry = ContractRegistry.load();
    await new TopicProvisioner(connection, logger).ensureTopics(registry.topics());
    say(
      `topics ready: ${registry
        .topics()
        .map((t) => t.name)
        .join(', ')} (each with .dlt)`,
    );
  } finally {
    await connection.close();
  }
}

function startApp(
  app: AppSpec,
  infra: RunningInfra,
  onCrash: () => void,
  isStopping: () => boolean,
): ChildProcess {
  const child = spawn(process.execPath, [join(root, 'dist/apps', app.name, 'src/main.js')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(app.port),
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      MONGODB_URI: infra.mongoUri,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream)
      createInterface({ input: stream }).on('line', (line) =>
        process.stdout.write(`[${app.name}] ${line}\n`),
      );
  }
  child.on('exit', (code, signal) => {
    if (isStopping()) return;
    say(`${app.name} exited (${code ?? signal}); stopping the stack`);
    onCrash();
  });
  return child;
}

async function waitUntilReady(app: AppSpec): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${app.port}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(
        `${app.name} not ready on port ${app.port} after ${READY_TIMEOUT_MS / 1000} s`,
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Until the geography loads exist, the demo needs one postcode in one reach area so that a
 * centre can see the child it is shown how to post (synthetic: invented postcode and centre).
 */
async function seedDemoGeography(mongoUri: string): Promise<void> {
  const client = await mongo.MongoClient.connect(mongoUri);
  try {
    await client
      .db('births')
      .collection<{ _id: string; lsoa: string; centreId: string; la: string }>(
        'postcode_assignments',
      )
      .updateOne(
        { _id: 'QX1 4ZZ' },
        { $set: { lsoa: 'E01999901', centreId: 'DEMO-C1', la: 'E06000999' } },
        { upsert: true },
      );
  } finally {
    await client.close();
  }
}

function demoOptions(infra: RunningInfra): Parameters<typeof startDemo>[0] {
  const url = (name: string): string =>
    `http://127.0.0.1:${APPS.find((a) => a.name === name)!.port}`;
  return {
    birthsUrl: url('births'),
    hvUrl: url('health-visits'),
    registrationsUrl: url('registrations'),
    reportingUrl: url('reporting'),
    brokers: infra.kafkaBrokers,
    say: (line) => process.stderr.write(`[demo] ${line}\n`),
  };
}

function printWhereToLook(infra: RunningInfra): void {
  const rows = APPS.map(
    (a) =>
      `  ${a.name.padEnd(14)} http://127.0.0.1:${a.port}/docs   health: http://127.0.0.1:${a.port}/health`,
  );
  process.stdout.write(
    [
      '',
      'Everything is up. Where to look:',
      ...rows,
      `  kafka          ${infra.kafkaBrokers.join(',')}`,
      `  store          ${infra.mongoUri}`,
      '  try it (development tokens; every identifiable read states a purpose):',
      '    FEED=$(npm run -s token -- --role births-feed --org RX1)',
      '    STAFF=$(npm run -s token -- --role centre-staff --centre DEMO-C1)',
      '    curl -s -X POST http://127.0.0.1:3001/births -H "authorization: Bearer $FEED" \\',
      '      -H "content-type: application/json" -d \'{"nhsNumber":"9990000026","birthDate":"2026-11-02","postcode":"QX1 4ZZ"}\'',
      '    curl -s http://127.0.0.1:3004/journeys/9990000026 -H "authorization: Bearer $STAFF" -H "x-purpose: trying it"',
      process.env.DEMO === '0'
        ? '  (DEMO=0: no demo data)'
        : '  demo data: a synthetic LA is generated (first start) and fed in; see the [demo] lines',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

void main();
