/**
 * The demo of `npm start` (unless DEMO=0): a synthetic LA generated once (fixed seed, as of the
 * UK date of the first start) into `<cache>/data/dev/demo`, next to the dev infrastructure's data,
 * loaded all but its last month at once, then its last month fed a few records a second so the
 * figures visibly move. The send state lives with the data: a second `npm start` sends nothing
 * twice (and if the dev store was emptied meanwhile, the data are sent again from the start).
 * A failure is logged and the stack stays up.
 */
import { DEV_SECRET_DEFAULT, mintDevToken } from '@lib/auth';
import { ukToday } from '@lib/platform';
import { parse } from 'csv-parse/sync';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { generate } from './generate';
import { monthsOf, planOf } from './layout';
import { Pacer } from './pacer';
import { defaultStateFile, outcomesFileOf, SyntheticSender } from './sender';
import { loadState } from './state';

export const DEMO_SEED = '20261101';

export interface DemoOptions {
  birthsUrl: string;
  hvUrl: string;
  registrationsUrl: string;
  reportingUrl: string;
  brokers: string[];
  say: (line: string) => void;
  /** Records per second once the first months are in (default DEMO_RATE or 2). */
  ratePerSecond?: number;
  dir?: string;
}

/** `<EYB_CACHE_DIR or ~/.cache/early-years-backbone>/data/dev/demo`, or $DEMO_DIR. */
export function demoDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DEMO_DIR?.trim()) return resolve(env.DEMO_DIR.trim());
  const root = env.EYB_CACHE_DIR?.trim()
    ? resolve(env.EYB_CACHE_DIR.trim())
    : join(homedir(), '.cache', 'early-years-backbone');
  return join(root, 'data', 'dev', 'demo');
}

export interface DemoHandle {
  /** Stops between records (the state keeps the place). */
  stop(): void;
  done: Promise<void>;
}

export function startDemo(options: DemoOptions): DemoHandle {
  const controller = new AbortController();
  const done = runDemo(options, controller.signal).catch((error: unknown) => {
    options.say(
      `demo stopped: ${error instanceof Error ? error.message : String(error)} (the stack stays up; the next start carries on)`,
    );
  });
  return { stop: () => controller.abort(), done };
}

async function runDemo(options: DemoOptions, signal: AbortSignal): Promise<void> {
  const { say } = options;
  const dir = options.dir ?? demoDir();
  const data = join(dir, 'la');
  if (!existsSync(join(data, 'manifest.json'))) {
    const asOf = ukToday();
    const tmp = join(dir, `la.generating-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    say(`generating the demo LA (seed ${DEMO_SEED}, as of ${asOf}) into ${data}…`);
    const started = Date.now();
    await generate({
      seed: DEMO_SEED,
      asOf,
      scale: process.env.DEMO_SCALE ?? '400',
      out: tmp,
      extra: [
        '--span-months',
        process.env.DEMO_SPAN_MONTHS ?? '6',
        '--range',
        'demo',
        ...(process.env.DEMO_GENERATOR_ARGS ?? '').split(' ').filter((a) => a !== ''),
      ],
      onLine: (line) => say(`  generator: ${line}`),
    });
    rmSync(data, { recursive: true, force: true });
    renameSync(tmp, data);
    say(`generated in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } else {
    say(`reusing the demo LA in ${data} (delete it for a new one)`);
  }
  const stateFile = defaultStateFile(data);
  await forgetIfStoreEmptied(options, stateFile);

  const months = monthsOf(planOf(data));
  const base = {
    inDir: data,
    birthsUrl: options.birthsUrl,
    hvUrl: options.hvUrl,
    registrationsUrl: options.registrationsUrl,
    brokers: options.brokers,
    stateFile,
    signal,
    progressMode: 'lines' as const,
    log: (line: string) => say(`  ${line}`),
  };
  // The last DEMO_FEED_MONTHS months (default 2: some six weeks of records) are fed slowly, so
  // figures keep moving for a while after the start; the rest goes in as fast as it can.
  const feedMonths = Math.min(
    months.length,
    Math.max(1, Math.floor(Number(process.env.DEMO_FEED_MONTHS ?? 2)) || 1),
  );
  const loadMonths = months.length - feedMonths;
  if (loadMonths > 0) {
    const started = Date.now();
    say(
      `loading ${months[0]}…${months[loadMonths - 1]} (${loadMonths} months) as fast as the services take it…`,
    );
    const first = await new SyntheticSender({ ...base, months: loadMonths }).send();
    if (signal.aborted) return;
    say(
      `loaded: ${first.sent} records sent this time in ${((Date.now() - started) / 1000).toFixed(0)} s ` +
        `(${first.counts.accepted} accepted, ${first.counts.duplicate} duplicate, ${first.counts.rejected} rejected)`,
    );
  }
  const rate = options.ratePerSecond ?? Number(process.env.DEMO_RATE ?? 2);
  printWhereToLook(options, data);
  say(
    `feeding ${months.slice(loadMonths).join(', ') || 'the data'} at ${rate} records/s; answers in ${outcomesFileOf(stateFile)}`,
  );
  const last = await new SyntheticSender({ ...base, pacer: new Pacer(rate) }).send();
  if (signal.aborted) return;
  say(
    `demo data all sent (${last.sent} this time). Compare with the truth: ` +
      `node dist/scripts/synthetic-send.js check --in ${data}`,
  );
}

/** When the dev store no longer holds the boundaries the state says were sent, start again. */
async function forgetIfStoreEmptied(options: DemoOptions, stateFile: string): Promise<void> {
  if (!existsSync(stateFile)) return;
  const state = loadState(stateFile);
  if (!state.files['geography/boundaries.json']?.done) return;
  const token = await mintDevToken(
    { sub: 'demo', roles: ['admin'] },
    { secret: process.env.AUTH_DEV_SECRET ?? DEV_SECRET_DEFAULT },
  );
  const res = await fetch(`${options.birthsUrl}/geography/boundaries/current`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.status !== 404) return;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  options.say('the dev store holds no boundaries: sending the demo data again from the start');
  renameSync(stateFile, `${stateFile}.stale-${stamp}`);
  const outcomes = outcomesFileOf(stateFile);
  if (existsSync(outcomes)) renameSync(outcomes, `${outcomes}.stale-${stamp}`);
}

/**
 * A child for the example commands: born in a centre's reach area (so that centre's staff may
 * read it), preferably one also registered at a centre.
 */
export function exampleChild(data: string): { nhsNumber: string; centre: string } | undefined {
  const rows = (file: string): Record<string, string>[] =>
    parse(readFileSync(join(data, file), 'utf8'), { columns: true, skip_empty_lines: true });
  const boundaries = JSON.parse(readFileSync(join(data, 'geography/boundaries.json'), 'utf8')) as {
    reachAreas?: { centreId: string; lsoas: string[] }[];
  };
  const centreOfLsoa = new Map<string, string>();
  for (const area of boundaries.reachAreas ?? [])
    for (const lsoa of area.lsoas) centreOfLsoa.set(lsoa, area.centreId);
  const lsoaOf = new Map(rows('geography/postcodes.csv').map((r) => [r.pcds, r.lsoa21cd]));
  const steps = planOf(data);
  const registered = new Set<string>();
  for (const step of steps.filter((s) => s.channel === 'registrations')) {
    for (const line of readFileSync(join(data, step.file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const body = (JSON.parse(line) as { body?: { children?: { nhsNumber?: string }[] } }).body;
      for (const child of body?.children ?? [])
        if (child.nhsNumber) registered.add(child.nhsNumber);
    }
  }
  let fallback: { nhsNumber: string; centre: string } | undefined;
  for (const step of steps.filter((s) => s.channel === 'births-extract')) {
    for (const row of rows(step.file)) {
      const centre = centreOfLsoa.get(lsoaOf.get(row.postcode) ?? '');
      if (!centre || !row.nhs_number) continue;
      if (registered.has(row.nhs_number)) return { nhsNumber: row.nhs_number, centre };
      fallback ??= { nhsNumber: row.nhs_number, centre };
    }
  }
  return fallback;
}

function printWhereToLook(options: DemoOptions, data: string): void {
  let child: { nhsNumber: string; centre: string } | undefined;
  try {
    child = exampleChild(data);
  } catch {
    child = undefined;
  }
  child ??= { nhsNumber: '9990000026', centre: 'DEMO-C1' };
  const lines = [
    '',
    'Demo data (a synthetic LA, invented people). Where to look:',
    `  births ${options.birthsUrl}/docs   health visits ${options.hvUrl}/docs`,
    `  registrations ${options.registrationsUrl}/docs   reporting ${options.reportingUrl}/docs`,
    "  read a child's journey as centre staff (figures move as the last month is fed):",
    `    STAFF=$(npm run -s token -- --role centre-staff --centre ${child.centre})`,
    `    curl -s ${options.reportingUrl}/journeys/${child.nhsNumber} -H "authorization: Bearer $STAFF" -H "x-purpose: demo"`,
    `    curl -s ${options.birthsUrl}/births/${child.nhsNumber} -H "authorization: Bearer $STAFF" -H "x-purpose: demo"`,
    '  the geography loaded:',
    '    ADMIN=$(npm run -s token -- --role admin)',
    `    curl -s ${options.birthsUrl}/geography/boundaries/current -H "authorization: Bearer $ADMIN"`,
    `  what the services answered, record by record: ${outcomesFileOf(defaultStateFile(data))}`,
    '  DEMO=0 npm start starts without the demo.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
