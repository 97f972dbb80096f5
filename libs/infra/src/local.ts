import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { cacheLayout, CacheLayout } from './cache-keys';
import { newClusterId, renderLog4jProperties, renderServerProperties } from './kafka-config';
import { assertPortFree, getFreePorts } from './ports';
import { errorMessage, probeKafka, probeMongo } from './probes';
import {
  isPidAlive,
  ManagedChild,
  reapLeftover,
  registerLive,
  Stoppable,
  unregisterLive,
} from './processes';
import { provisionAll } from './provision';
import { runCommand, tailLines } from './run-command';
import { Log, RunningInfra } from './types';

export const KAFKA_READY_TIMEOUT_MS = 90_000;
export const FERRET_READY_TIMEOUT_MS = 30_000;
const TEST_DIR_PREFIX = 'eyb-infra-test-';

/* ---------------- helpers ---------------- */

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Text appended to a file since byte `offset` (from the start if the file was rotated/truncated). */
function readSince(path: string, offset: number, maxBytes = 4 * 1024 * 1024): string {
  const size = fileSize(path);
  const from = size < offset ? 0 : offset;
  const len = Math.min(size - from, maxBytes);
  if (len <= 0) return '';
  const buf = Buffer.alloc(len);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, len, size - len);
  } finally {
    closeSync(fd);
  }
  return buf.toString('utf8');
}

function parsePort(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new Error(`${name}=${value} is not a TCP port`);
  return n;
}

function javaCommand(): string {
  const home = process.env.JAVA_HOME;
  if (home && existsSync(join(home, 'bin', 'java'))) return join(home, 'bin', 'java');
  return 'java';
}

function isBindError(err: unknown): boolean {
  return /address already in use|BindException|bind: /i.test(errorMessage(err));
}

/* ---------------- Kafka ---------------- */

interface ServiceStart {
  child: ManagedChild;
  readyMs: number;
}

async function startKafka(opts: {
  layout: CacheLayout;
  dir: string;
  port: number;
  controllerPort: number;
  log: Log;
}): Promise<ServiceStart> {
  const { dir, port, controllerPort, layout, log } = opts;
  const started = Date.now();
  const dataDir = join(dir, 'data');
  const logsDir = join(dir, 'logs');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(logsDir, { recursive: true });
  const serverLog = join(logsDir, 'server.log');
  const stdoutLog = join(logsDir, 'kafka.out');
  const propsPath = join(dir, 'server.properties');
  const log4jPath = join(dir, 'log4j.properties');
  writeFileSync(propsPath, renderServerProperties({ port, controllerPort, logDirs: dataDir }));
  writeFileSync(log4jPath, renderLog4jProperties({ logFile: serverLog }));
  const java = javaCommand();
  const log4jOpt = `-Dlog4j.configuration=${pathToFileURL(log4jPath).href}`;
  const cp = `${layout.kafka.libsDir}/*`;

  if (!existsSync(join(dataDir, 'meta.properties'))) {
    const clusterId = newClusterId();
    const res = await runCommand(
      java,
      [
        log4jOpt,
        '-cp',
        cp,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        propsPath,
        '-g',
      ],
      {
        timeoutMs: 60_000,
      },
    );
    if (res.code !== 0)
      throw new Error(
        `Kafka storage format failed (exit ${res.code}):\n${tailLines(res.output, 40)}`,
      );
  }

  const serverOffset = fileSize(serverLog);
  const stdoutOffset = fileSize(stdoutLog);
  const child = await ManagedChild.spawn({
    name: 'Kafka',
    command: java,
    args: [
      '-Xms256m',
      '-Xmx1g',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      log4jOpt,
      '-cp',
      cp,
      'kafka.Kafka',
      propsPath,
    ],
    cwd: dir,
    logFile: stdoutLog,
    pidFile: join(dir, 'kafka.pid.json'),
    marker: dir,
  });

  const failure = (why: string): Error => {
    const server = tailLines(readSince(serverLog, serverOffset), 40);
    const out = tailLines(readSince(stdoutLog, stdoutOffset), 20);
    return new Error(
      `Kafka on 127.0.0.1:${port} ${why}.\n--- last lines of ${serverLog} ---\n${server || '(empty)'}` +
        (out ? `\n--- last lines of ${stdoutLog} ---\n${out}` : ''),
    );
  };

  const deadline = Date.now() + KAFKA_READY_TIMEOUT_MS;
  let lastProbeError = '';
  try {
    for (;;) {
      if (child.hasExited) throw failure(`exited during start-up (${child.describeExit()})`);
      if (Date.now() > deadline) {
        throw failure(
          `was not ready within ${KAFKA_READY_TIMEOUT_MS / 1000} s${lastProbeError ? ` (last probe: ${lastProbeError})` : ''}`,
        );
      }
      if (readSince(serverLog, serverOffset).includes('Kafka Server started')) {
        try {
          await probeKafka([`127.0.0.1:${port}`], 3000);
          break;
        } catch (err) {
          lastProbeError = errorMessage(err);
        }
      }
      await sleep(200);
    }
  } catch (err) {
    await child.stop();
    throw err;
  }
  const readyMs = Date.now() - started;
  log(
    `Kafka ready on 127.0.0.1:${port} in ${(readyMs / 1000).toFixed(1)} s (pid ${child.pid}, logs ${logsDir})`,
  );
  return { child, readyMs };
}

/* ---------------- FerretDB ---------------- */

async function startFerret(opts: {
  layout: CacheLayout;
  dir: string;
  port: number;
  log: Log;
}): Promise<ServiceStart> {
  const { dir, port, layout, log } = opts;
  const started = Date.now();
  mkdirSync(join(dir, 'data'), { recursive: true });
  const logFile = join(dir, 'ferretdb.log');
  const offset = fileSize(logFile);
  const child = await ManagedChild.spawn({
    name: 'FerretDB',
    command: layout.ferret.binary,
    args: [
      '-port',
      String(port),
      '-data',
      join(dir, 'data'),
      '-log-level',
      process.env.FERRETDB_LOG_LEVEL ?? 'warn',
    ],
    cwd: dir,
    logFile,
    pidFile: join(dir, 'ferretdb.pid.json'),
    marker: dir,
  });
  const uri = `mongodb://127.0.0.1:${port}/`;
  const failure = (why: string): Error =>
    new Error(
      `FerretDB on 127.0.0.1:${port} ${why}.\n--- last lines of ${logFile} ---\n${tailLines(readSince(logFile, offset), 40) || '(empty)'}`,
    );
  const deadline = Date.now() + FERRET_READY_TIMEOUT_MS;
  let lastProbeError = '';
  try {
    for (;;) {
      if (child.hasExited) throw failure(`exited during start-up (${child.describeExit()})`);
      if (Date.now() > deadline) {
        throw failure(
          `was not ready within ${FERRET_READY_TIMEOUT_MS / 1000} s${lastProbeError ? ` (last probe: ${lastProbeError})` : ''}`,
        );
      }
      if (readSince(logFile, offset).includes('ferretdb-launcher: listening')) {
        try {
          await probeMongo(uri, 2000);
          break;
        } catch (err) {
          lastProbeError = errorMessage(err);
        }
      }
      await sleep(100);
    }
  } catch (err) {
    await child.stop();
    throw err;
  }
  const readyMs = Date.now() - started;
  log(
    `FerretDB ready on ${uri} in ${(readyMs / 1000).toFixed(1)} s (pid ${child.pid}, log ${logFile})`,
  );
  return { child, readyMs };
}

/* ---------------- test data dirs ---------------- */

/** Removes test data dirs whose creating process is gone, stopping any orphaned children first. */
async function sweepTestDirs(log: Log): Promise<void> {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const m = new RegExp(`^${TEST_DIR_PREFIX}(\\d+)-`).exec(name);
    if (!m || isPidAlive(Number(m[1]))) continue;
    const base = join(tmpdir(), name);
    try {
      await reapLeftover(join(base, 'kafka', 'kafka.pid.json'), log);
      await reapLeftover(join(base, 'ferretdb', 'ferretdb.pid.json'), log);
      rmSync(base, { recursive: true, force: true });
    } catch {
      /* someone else's, or in use: leave it */
    }
  }
}

/* ---------------- entry ---------------- */

export async function startLocal(
  purpose: 'dev' | 'test',
  log: Log,
  stopOnSignal = true,
): Promise<RunningInfra> {
  const layout = cacheLayout();
  await provisionAll(layout, log);

  let kafkaDir: string;
  let ferretDir: string;
  let tempBase: string | null = null;
  let kafkaPorts: () => Promise<{ port: number; controllerPort: number }>;
  let mongoPort: () => Promise<number>;

  if (purpose === 'dev') {
    kafkaDir = join(layout.root, 'data', 'dev', 'kafka');
    ferretDir = join(layout.root, 'data', 'dev', 'ferretdb');
    mkdirSync(kafkaDir, { recursive: true });
    mkdirSync(ferretDir, { recursive: true });
    await reapLeftover(join(kafkaDir, 'kafka.pid.json'), log);
    await reapLeftover(join(ferretDir, 'ferretdb.pid.json'), log);
    const port = parsePort(process.env.KAFKA_PORT, 9092, 'KAFKA_PORT');
    const controllerPort = parsePort(
      process.env.KAFKA_CONTROLLER_PORT,
      port + 1,
      'KAFKA_CONTROLLER_PORT',
    );
    const mPort = parsePort(process.env.MONGODB_PORT, 27017, 'MONGODB_PORT');
    await assertPortFree(port, 'Kafka', 'KAFKA_PORT');
    await assertPortFree(controllerPort, 'Kafka controller', 'KAFKA_CONTROLLER_PORT');
    await assertPortFree(mPort, 'MongoDB-compatible store', 'MONGODB_PORT');
    kafkaPorts = () => Promise.resolve({ port, controllerPort });
    mongoPort = () => Promise.resolve(mPort);
  } else {
    await sweepTestDirs(log);
    tempBase = mkdtempSync(join(tmpdir(), `${TEST_DIR_PREFIX}${process.pid}-`));
    kafkaDir = join(tempBase, 'kafka');
    ferretDir = join(tempBase, 'ferretdb');
    kafkaPorts = async () => {
      const [port, controllerPort] = await getFreePorts(2);
      return { port, controllerPort };
    };
    mongoPort = async () => (await getFreePorts(1))[0];
  }

  // In test mode a free port can be grabbed by someone else before the child binds it: retry with new ones.
  const attempts = purpose === 'test' ? 3 : 1;
  const withRetry = async <T>(fn: () => Promise<T>, reset: () => void): Promise<T> => {
    for (let i = 1; ; i++) {
      try {
        return await fn();
      } catch (err) {
        if (i >= attempts || !isBindError(err)) throw err;
        log(`port race, retrying with other ports (${errorMessage(err).split('\n')[0]})`);
        reset();
      }
    }
  };

  let kafkaPort = 0;
  let kafkaControllerPort = 0;
  let mPortUsed = 0;
  const kafkaP = withRetry(
    async () => {
      const p = await kafkaPorts();
      kafkaPort = p.port;
      kafkaControllerPort = p.controllerPort;
      return startKafka({
        layout,
        dir: kafkaDir,
        port: p.port,
        controllerPort: p.controllerPort,
        log,
      });
    },
    () => rmSync(kafkaDir, { recursive: true, force: true }),
  );
  const ferretP = withRetry(
    async () => {
      mPortUsed = await mongoPort();
      return startFerret({ layout, dir: ferretDir, port: mPortUsed, log });
    },
    () => rmSync(ferretDir, { recursive: true, force: true }),
  );
  const [kafkaRes, ferretRes] = await Promise.allSettled([kafkaP, ferretP]);

  const children = [kafkaRes, ferretRes].flatMap((r) =>
    r.status === 'fulfilled' ? [r.value.child] : [],
  );
  const cleanupDirs = (): void => {
    if (tempBase) rmSync(tempBase, { recursive: true, force: true });
  };

  if (kafkaRes.status === 'rejected' || ferretRes.status === 'rejected') {
    await Promise.allSettled(children.map((c) => c.stop()));
    cleanupDirs();
    const errors = [kafkaRes, ferretRes].flatMap((r) =>
      r.status === 'rejected' ? [r.reason as unknown] : [],
    );
    if (errors.length === 1 && errors[0] instanceof Error) throw errors[0];
    throw new Error(errors.map(errorMessage).join('\n\n'));
  }

  let stopping: Promise<void> | null = null;
  const handle: Stoppable = {
    stop: () => {
      stopping ??= (async () => {
        await Promise.allSettled(children.map((c) => c.stop()));
        cleanupDirs();
        unregisterLive(handle);
      })();
      return stopping;
    },
    // On process exit there is no time to wait. Test data is throwaway: kill outright and remove it.
    // Dev data is kept: SIGTERM lets Kafka shut down cleanly on its own.
    terminateSync: () => {
      children.forEach((c) => c.terminateSync(purpose === 'test' ? 'SIGKILL' : 'SIGTERM'));
      if (purpose === 'test') {
        try {
          cleanupDirs();
        } catch {
          /* best effort; the next test run sweeps it */
        }
      }
    },
  };
  registerLive(handle, stopOnSignal);

  // Outage drills for tests: stop the broker and start it again on the same ports and data.
  let kafkaChild = kafkaRes.value.child;
  const kafkaControl = {
    stop: async (): Promise<void> => {
      await kafkaChild.stop();
    },
    start: async (): Promise<void> => {
      const restarted = await startKafka({
        layout,
        dir: kafkaDir,
        port: kafkaPort,
        controllerPort: kafkaControllerPort,
        log,
      });
      children.splice(children.indexOf(kafkaChild), 1, restarted.child);
      kafkaChild = restarted.child;
    },
  };

  return {
    mode: 'local',
    kafkaBrokers: [`127.0.0.1:${kafkaPort}`],
    mongoUri: `mongodb://127.0.0.1:${mPortUsed}/`,
    stop: () => handle.stop(),
    kafkaControl,
  };
}
