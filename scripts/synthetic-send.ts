/**
 * Sends a synthetic local authority (the generator's output, `synthetic-la generate`) through the
 * services' real interfaces and checks what they answered against the generator's truth.
 *
 *   synthetic-send send --in DIR [--births-url U] [--hv-url U] [--registrations-url U]
 *                       [--brokers 127.0.0.1:9092] [--months N] [--state FILE] [--rate-per-second R]
 *   synthetic-send check --in DIR [--state FILE]
 *   synthetic-send run --seed N --as-of YYYY-MM-DD [--scale S] [--span-months M] [--out DIR] [--start-stack] [send options]
 *
 * `send` keeps its place in the state file (default DIR/.send/state.json): a second run sends
 * nothing already sent. Each record's answer goes to outcomes.ndjson next to the state file.
 * `check` compares the answers per channel and treatment with DIR/truth and exits 1 on any
 * difference. `run` generates, sends and checks: against the stack of `npm start` (default URLs),
 * or, with --start-stack, against infrastructure and apps it starts and removes itself.
 * Exit: 0 ok, 1 a difference or a failure, 2 usage.
 */
import { mkdirSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { runCheck } from './support/synthetic-sender/check';
import { generate } from './support/synthetic-sender/generate';
import { Pacer } from './support/synthetic-sender/pacer';
import {
  defaultStateFile,
  outcomesFileOf,
  SyntheticSender,
  type SendOptions,
} from './support/synthetic-sender/sender';
import { loadState } from './support/synthetic-sender/state';
import { startStack, type RunningStack } from './support/synthetic-sender/stack';

const USAGE = `usage:
  synthetic-send send --in DIR [--births-url http://127.0.0.1:3001] [--hv-url http://127.0.0.1:3003]
                      [--registrations-url http://127.0.0.1:3002] [--brokers 127.0.0.1:9092]
                      [--months N] [--state FILE] [--rate-per-second R]
  synthetic-send check --in DIR [--state FILE]
  synthetic-send run --seed N --as-of YYYY-MM-DD [--scale S] [--span-months M] [--out DIR] [--start-stack] [send options]`;

const say = (line: string): boolean => process.stderr.write(`[synthetic-send] ${line}\n`);

function usage(message: string): never {
  process.stderr.write(`synthetic-send: ${message}\n${USAGE}\n`);
  process.exit(2);
}

const FLAGS = new Set([
  '--in',
  '--births-url',
  '--hv-url',
  '--registrations-url',
  '--brokers',
  '--months',
  '--state',
  '--rate-per-second',
  '--seed',
  '--as-of',
  '--scale',
  '--out',
  '--span-months',
]);

export function parseArgs(argv: string[]): {
  command: string;
  flags: Map<string, string>;
  startStack: boolean;
} {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    process.exit(command ? 0 : 2);
  }
  const flags = new Map<string, string>();
  let start = false;
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    if (flag === '--start-stack') {
      start = true;
      continue;
    }
    if (!FLAGS.has(flag)) usage(`unknown option ${flag}`);
    const value = rest[++i];
    if (value === undefined || value.startsWith('--')) usage(`${flag} needs a value`);
    flags.set(flag, value);
  }
  return { command, flags, startStack: start };
}

function numberFlag(flags: Map<string, string>, flag: string): number | undefined {
  const value = flags.get(flag);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) usage(`${flag} must be a positive number`);
  return n;
}

function sendOptions(flags: Map<string, string>, inDir: string, stack?: RunningStack): SendOptions {
  const url = (flag: string, env: string, port: number): string =>
    (flags.get(flag) ?? process.env[env] ?? `http://127.0.0.1:${port}`).replace(/\/$/, '');
  const rate = numberFlag(flags, '--rate-per-second');
  const months = numberFlag(flags, '--months');
  const state = flags.get('--state');
  return {
    inDir,
    birthsUrl: stack?.birthsUrl ?? url('--births-url', 'BIRTHS_URL', 3001),
    hvUrl: stack?.hvUrl ?? url('--hv-url', 'HEALTH_VISITS_URL', 3003),
    registrationsUrl:
      stack?.registrationsUrl ?? url('--registrations-url', 'REGISTRATIONS_URL', 3002),
    brokers:
      stack?.brokers ??
      (flags.get('--brokers') ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    ...(months !== undefined ? { months } : {}),
    ...(state ? { stateFile: resolve(state) } : {}),
    pacer: new Pacer(rate),
  };
}

async function send(options: SendOptions): Promise<void> {
  const controller = new AbortController();
  const sender = new SyntheticSender({ ...options, signal: controller.signal });
  const stop = (): void => {
    say('stopping after the record in flight (the state keeps the place)…');
    controller.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const started = Date.now();
  const summary = await sender.send();
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  const c = summary.counts;
  say(
    `sent ${summary.sent} records in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
      `(${summary.months[0] ?? '-'}…${summary.lastMonth ?? '-'}): ${c.accepted} accepted, ` +
      `${c['accepted-with-warning']} with a warning, ${c.duplicate} duplicate, ${c.rejected} rejected; ` +
      `state ${sender.stateFile}, answers ${outcomesFileOf(sender.stateFile)}`,
  );
}

function check(inDir: string, stateFile: string): number {
  const state = loadState(stateFile);
  const sent = new Set(
    Object.entries(state.files)
      .filter(([, p]) => p.done)
      .map(([f]) => f),
  );
  const result = runCheck(inDir, outcomesFileOf(stateFile), sent);
  process.stdout.write(`${result.report}\n`);
  return result.differences === 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const { command, flags, startStack: start } = parseArgs(argv);
  switch (command) {
    case 'send': {
      const inDir = flags.get('--in') ?? usage('send needs --in DIR');
      if (!existsSync(inDir)) usage(`no such directory: ${inDir}`);
      await send(sendOptions(flags, resolve(inDir)));
      return 0;
    }
    case 'check': {
      const inDir = flags.get('--in') ?? usage('check needs --in DIR');
      return check(
        resolve(inDir),
        resolve(flags.get('--state') ?? defaultStateFile(resolve(inDir))),
      );
    }
    case 'run': {
      const seed = flags.get('--seed') ?? usage('run needs --seed N');
      const asOf = flags.get('--as-of') ?? usage('run needs --as-of YYYY-MM-DD');
      const out = resolve(
        flags.get('--out') ?? mkdtempSync(join(tmpdir(), `synthetic-la-${seed}-`)),
      );
      const inDir = flags.get('--in');
      if (inDir) say(`using the generated data in ${inDir} (not generating)`);
      else {
        say(
          `generating seed ${seed} as of ${asOf}${flags.has('--scale') ? `, scale ${flags.get('--scale')}` : ''} into ${out}…`,
        );
        await generate({
          seed,
          asOf,
          out,
          ...(flags.has('--scale') ? { scale: flags.get('--scale')! } : {}),
          ...(flags.has('--span-months')
            ? { extra: ['--span-months', flags.get('--span-months')!] }
            : {}),
        });
      }
      const dir = resolve(inDir ?? out);
      let stack: RunningStack | undefined;
      try {
        if (start) {
          say('starting infrastructure and the four apps (fresh data, removed afterwards)…');
          const stateFile = resolve(flags.get('--state') ?? defaultStateFile(dir));
          mkdirSync(dirname(stateFile), { recursive: true });
          stack = await startStack(join(dirname(stateFile), 'apps.log'), say);
        }
        const options = sendOptions(flags, dir, stack);
        await send(options);
        return check(dir, options.stateFile ?? defaultStateFile(dir));
      } finally {
        if (stack) {
          say('stopping the apps and infrastructure…');
          await stack.stop();
        }
      }
    }
    default:
      usage(`unknown command ${command}`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      say(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
