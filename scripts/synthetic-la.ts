/**
 * Generates a synthetic local authority's data as the services' interfaces receive it, with a
 * truth file saying how each record must be treated (libs/synthetic).
 *
 *   node dist/scripts/synthetic-la.js generate --seed 7 --as-of 2026-10-31
 *     [--scale la|national|<births per year>] [--span-months 24] [--out DIR] [--range demo|test|national]
 *
 * The same seed and --as-of give byte-identical files. --as-of must not be after the day the
 * files are sent (the services refuse dates in the future).
 */
import { performance } from 'node:perf_hooks';
import { generate, NHS_RANGES, RATES, type NhsRange } from '@lib/synthetic';

function usage(message?: string): never {
  if (message) process.stderr.write(`${message}\n`);
  process.stderr.write(
    'usage: synthetic-la generate --seed N --as-of YYYY-MM-DD [--scale la|national|<births per year>]\n' +
      '                             [--span-months 24] [--out DIR] [--range demo|test|national]\n' +
      '  national scale defaults to --span-months 12 and --range national (9990-9997, ~727,000 numbers)\n',
  );
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command !== 'generate') usage(command ? `unknown command ${command}` : undefined);
  const args = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const name = rest[i];
    const value = rest[i + 1];
    if (!name?.startsWith('--') || value === undefined) usage(`bad argument ${name ?? ''}`);
    args.set(name.slice(2), value);
  }
  for (const name of args.keys()) {
    if (
      !['seed', 'as-of', 'scale', 'span-months', 'out', 'range', 'shard-children'].includes(name)
    ) {
      usage(`unknown option --${name}`);
    }
  }
  const seed = Number(args.get('seed'));
  if (!Number.isInteger(seed) || seed < 0) usage('--seed must be a whole number');
  const asOf = args.get('as-of') ?? '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf)))
    usage('--as-of must be YYYY-MM-DD');
  const scale = args.get('scale') ?? 'la';
  const birthsPerYear =
    scale === 'la'
      ? RATES.birthsPerYearLa.value
      : scale === 'national'
        ? RATES.birthsPerYearNational.value
        : Number(scale);
  if (!Number.isInteger(birthsPerYear) || birthsPerYear < 12)
    usage('--scale must be la, national or births per year');
  const national = birthsPerYear > 200_000;
  const spanMonths = Number(args.get('span-months') ?? (national ? 12 : 24));
  if (!Number.isInteger(spanMonths) || spanMonths < 1 || spanMonths > 60)
    usage('--span-months must be 1-60');
  const range = (args.get('range') ?? (national ? 'national' : 'demo')) as NhsRange;
  if (!(range in NHS_RANGES)) usage('--range must be demo, test or national');
  const out = args.get('out') ?? `synthetic-la-${seed}-${asOf}`;
  const shardChildren = args.has('shard-children') ? Number(args.get('shard-children')) : undefined;

  const t0 = performance.now();
  const { manifest, summary } = await generate({
    seed,
    asOf,
    birthsPerYear,
    spanMonths,
    out,
    range,
    ...(shardChildren ? { shardChildren } : {}),
    log: (m) => process.stderr.write(`${m}\n`),
  });
  const seconds = (performance.now() - t0) / 1000;
  const peak = Math.round(process.resourceUsage().maxRSS / 1024);
  const lines = [
    `generated ${out} in ${seconds.toFixed(1)} s (peak RSS ${peak} MiB): ${manifest.files.length} files`,
    'channel              accepted  warning  duplicate  rejected    total',
    ...Object.entries(summary.channels).map(
      ([channel, c]) =>
        `${channel.padEnd(20)}${String(c.accepted).padStart(9)}${String(c['accepted-with-warning']).padStart(9)}` +
        `${String(c.duplicate).padStart(11)}${String(c.rejected).padStart(10)}${String(c.total).padStart(9)}`,
    ),
    `world events: ${Object.entries(summary.world)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
