/**
 * node dist/libs/infra/src/cli.js up [--purpose dev|test]
 *   starts infrastructure, prints {"mode","kafkaBrokers","mongoUri"} as one JSON line on stdout,
 *   then waits for SIGINT/SIGTERM and stops everything it started.
 * node dist/libs/infra/src/cli.js provision
 *   only fills the caches (Kafka jars, FerretDB launcher), with timings. Progress goes to stderr.
 */
import { cacheLayout } from './cache-keys';
import { provisionAll } from './provision';
import { resolveInfra } from './resolve-infra';

const log = (line: string): void => {
  process.stderr.write(`[infra] ${line}\n`);
};

function usage(): never {
  process.stderr.write('usage: cli.js up [--purpose dev|test] | cli.js provision\n');
  process.exit(2);
}

function parsePurpose(args: string[]): 'dev' | 'test' {
  let purpose: 'dev' | 'test' = 'dev';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = a.startsWith('--purpose=')
      ? a.slice('--purpose='.length)
      : a === '--purpose'
        ? args[++i]
        : undefined;
    if (value === undefined) usage();
    if (value !== 'dev' && value !== 'test') usage();
    purpose = value;
  }
  return purpose;
}

async function up(args: string[]): Promise<void> {
  const infra = await resolveInfra({ purpose: parsePurpose(args), log });
  process.stdout.write(
    JSON.stringify({
      mode: infra.mode,
      kafkaBrokers: infra.kafkaBrokers,
      mongoUri: infra.mongoUri,
    }) + '\n',
  );
  log(`${infra.mode} infrastructure up; Ctrl-C (SIGINT) or SIGTERM stops it`);
  const keepAlive = setInterval(() => undefined, 1 << 30);
  let stopping = false;
  // Our own listeners stay registered while stopping, so the library's handlers leave the exit to us.
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping…`);
    infra.stop().then(
      () => {
        clearInterval(keepAlive);
        log('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log(`stop failed: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

async function provision(): Promise<void> {
  const started = Date.now();
  const layout = cacheLayout();
  log(`cache root ${layout.root}`);
  const t = await provisionAll(layout, log);
  const fmt = (ms: number | null): string =>
    ms === null ? 'cached' : `${(ms / 1000).toFixed(1)} s`;
  log(`Kafka ${layout.kafka.version} jars: ${fmt(t.kafkaJarsMs)} (${layout.kafka.dir})`);
  log(
    `FerretDB ${layout.ferret.version} launcher: ${fmt(t.ferretBuildMs)} (${layout.ferret.binary})`,
  );
  log(`provision done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'up':
      return up(rest);
    case 'provision':
      if (rest.length > 0) usage();
      return provision();
    default:
      usage();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[infra] ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
