/**
 * The generator's output layout (see scripts/synthetic-send.ts) turned into the order the sender
 * follows: geography first, then month by month births (extract, NEMS, API), health visits (API,
 * extracts, inbound topic), registrations. A file's records keep the file's order.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export type Channel =
  | 'geography-postcodes'
  | 'geography-boundaries'
  | 'births-extract'
  | 'births-nems'
  | 'births-api'
  | 'hv-api'
  | 'hv-extract'
  | 'hv-inbound'
  | 'registrations';

/** Every channel, in the order the table of `check` lists them. */
export const CHANNELS: readonly Channel[] = [
  'geography-postcodes',
  'geography-boundaries',
  'births-extract',
  'births-nems',
  'births-api',
  'hv-api',
  'hv-extract',
  'hv-inbound',
  'registrations',
];

/** One file to send: whole (CSV, JSON) or record by record (ndjson). */
export interface Step {
  /** Path relative to the output directory, with forward slashes (the truth's refs use it). */
  file: string;
  channel: Channel;
  /** YYYY-MM for monthly files; absent for geography. */
  month?: string;
  /** The organisation of a health-visit extract (`<ORG>-YYYY-MM.csv`). */
  org?: string;
}

const MONTHLY: { pattern: RegExp; channel: Channel }[] = [
  { pattern: /^births\/extracts\/(\d{4}-\d{2})\.csv$/, channel: 'births-extract' },
  { pattern: /^births\/nems\/(\d{4}-\d{2})\.ndjson$/, channel: 'births-nems' },
  { pattern: /^births\/api\/(\d{4}-\d{2})\.ndjson$/, channel: 'births-api' },
  { pattern: /^health-visits\/api\/(\d{4}-\d{2})\.ndjson$/, channel: 'hv-api' },
  { pattern: /^health-visits\/extracts\/(.+)-(\d{4}-\d{2})\.csv$/, channel: 'hv-extract' },
  { pattern: /^health-visits\/inbound\/(\d{4}-\d{2})\.ndjson$/, channel: 'hv-inbound' },
  { pattern: /^registrations\/(\d{4}-\d{2})\.ndjson$/, channel: 'registrations' },
];

const CHANNEL_ORDER = new Map(CHANNELS.map((c, i) => [c, i]));

/** The channel a file (relative path) belongs to, or undefined for files the sender ignores. */
export function stepOf(file: string): Step | undefined {
  const path = file.split(sep).join('/');
  if (path === 'geography/postcodes.csv') return { file: path, channel: 'geography-postcodes' };
  if (path === 'geography/boundaries.json') return { file: path, channel: 'geography-boundaries' };
  for (const { pattern, channel } of MONTHLY) {
    const m = pattern.exec(path);
    if (!m) continue;
    if (channel === 'hv-extract') return { file: path, channel, org: m[1], month: m[2] };
    return { file: path, channel, month: m[1] };
  }
  return undefined;
}

/** Orders steps: geography (postcodes, then boundaries), then by month, channel, file name. */
export function orderSteps(files: readonly string[]): Step[] {
  const steps = files.map(stepOf).filter((s): s is Step => s !== undefined);
  return steps.sort((a, b) => {
    const ma = a.month ?? '';
    const mb = b.month ?? '';
    if (ma !== mb) return ma < mb ? -1 : 1;
    const ca = CHANNEL_ORDER.get(a.channel)!;
    const cb = CHANNEL_ORDER.get(b.channel)!;
    if (ca !== cb) return ca - cb;
    return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
  });
}

/** The months the steps cover, in order. */
export function monthsOf(steps: readonly Step[]): string[] {
  return [...new Set(steps.flatMap((s) => (s.month ? [s.month] : [])))].sort();
}

/** Every file under `dir` (relative, forward slashes), truth and manifest included. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const full = join(at, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/** The ordered steps of an output directory. */
export function planOf(dir: string): Step[] {
  return orderSteps(listFiles(dir));
}
