/**
 * For `synthetic-send run --start-stack`: Kafka and the store as the tests have them (free ports,
 * fresh data, removed afterwards), topics, and the four built apps as child processes on free
 * ports, their logs in a file. Stops apps first, then infrastructure.
 */
import { ContractRegistry } from '@lib/contracts';
import { resolveInfra, type RunningInfra } from '@lib/infra';
import { KafkaConnection, TopicProvisioner } from '@lib/kafka';
import { createLogger } from '@lib/logging';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

export interface RunningStack {
  birthsUrl: string;
  hvUrl: string;
  registrationsUrl: string;
  reportingUrl: string;
  brokers: string[];
  stop(): Promise<void>;
}

/** The repository root: the nearest directory above with a package.json. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function createTopics(brokers: string[]): Promise<void> {
  const logger = createLogger({ service: 'synthetic-send', level: 'warn' });
  const connection = new KafkaConnection({ brokers, clientId: 'synthetic-send', logger });
  try {
    await new TopicProvisioner(connection, logger).ensureTopics(ContractRegistry.load().topics());
  } finally {
    await connection.close();
  }
}

export async function waitUntilReady(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function startStack(
  logFile: string,
  log: (line: string) => void,
): Promise<RunningStack> {
  const root = repoRoot();
  const infra: RunningInfra = await resolveInfra({ purpose: 'test', log, stopOnSignal: false });
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
            child.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    await infra.stop();
  };
  try {
    log(
      `${infra.mode} infrastructure: kafka ${infra.kafkaBrokers.join(',')}, store ${infra.mongoUri}`,
    );
    await createTopics(infra.kafkaBrokers);
    const out = createWriteStream(logFile, { flags: 'a' });
    const urls: Record<string, string> = {};
    for (const name of ['births', 'registrations', 'health-visits', 'reporting']) {
      const port = await freePort();
      const child = spawn(process.execPath, [join(root, 'dist/apps', name, 'src/main.js')], {
        cwd: root,
        env: {
          ...process.env,
          PORT: String(port),
          KAFKA_BROKERS: infra.kafkaBrokers.join(','),
          MONGODB_URI: infra.mongoUri,
          RATE_LIMIT_PER_MINUTE: '100000',
          LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk: Buffer) => out.write(`[${name}] ${chunk.toString()}`));
      child.stderr?.on('data', (chunk: Buffer) => out.write(`[${name}] ${chunk.toString()}`));
      children.push(child);
      urls[name] = `http://127.0.0.1:${port}`;
    }
    await Promise.all(Object.values(urls).map((u) => waitUntilReady(u)));
    log(
      `apps ready (logs in ${logFile}): ${Object.entries(urls)
        .map(([n, u]) => `${n} ${u}`)
        .join(', ')}`,
    );
    return {
      birthsUrl: urls.births,
      hvUrl: urls['health-visits'],
      registrationsUrl: urls.registrations,
      reportingUrl: urls.reporting,
      brokers: infra.kafkaBrokers,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
