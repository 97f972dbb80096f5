/**
 * Generates the synthetic LA to files, streaming: the world is cut into independent shards (a
 * birth month, or a part of one at large scale), each generated in memory, its lines sorted and
 * written to one temporary file per stream; then each stream is k-way merged by send date into
 * the monthly output files, numbering rows/sequences and writing the truth records as it goes.
 * Peak memory is one shard plus the geography, whatever the scale.
 */
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import {
  closeSync,
  createWriteStream,
  mkdirSync,
  openSync,
  readSync,
  rmSync,
  type WriteStream,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { BIRTH_EXTRACT_HEADER, CONTACT_EXTRACT_HEADER } from './channels';
import { dayOf, firstOfMonth, isoOf, monthOf } from './dates';
import { boundariesBody, buildGeography, postcodesCsv } from './geography';
import { NhsNumberPool, type NhsRange } from './nhs-numbers';
import { RATES } from './rates';
import {
  generateShard,
  ShardOutput,
  type PendingTruth,
  type ShardPlan,
  type Stream,
  type WorldContext,
} from './simulate';
import type { Channel, TruthRecord } from './world';

export const GENERATOR_VERSION = '1.0.0';

export interface GenerateOptions {
  seed: number;
  /** YYYY-MM-DD: nothing happens after it; must not be after the day the files are sent. */
  asOf: string;
  birthsPerYear: number;
  spanMonths: number;
  out: string;
  range: NhsRange;
  /** Children per shard (default 4,000): bounds memory. */
  shardChildren?: number;
  log?: (message: string) => void;
}

export interface FileEntry {
  path: string;
  sha256: string;
  records: number;
  bytes: number;
}

export interface GenerateResult {
  manifest: Manifest;
  summary: Summary;
}

export interface Manifest {
  generator: string;
  version: string;
  seed: number;
  asOf: string;
  scale: { birthsPerYear: number };
  span: { months: number; from: string; to: string };
  nhsRange: NhsRange;
  mothersNhsNumbers: boolean;
  geographyEffectiveFrom: string;
  files: FileEntry[];
}

type Counts = Record<'accepted' | 'accepted-with-warning' | 'duplicate' | 'rejected', number>;

export interface Summary {
  seed: number;
  asOf: string;
  /** Per channel: records by treatment (accepted-with-warning counted apart from accepted). */
  channels: Partial<Record<Channel, Counts & { total: number }>>;
  /** Per channel, as the services count: accepted (with or without warning), duplicates, rejected. */
  serviceCounts: Partial<
    Record<Channel, { accepted: number; duplicates: number; rejected: number }>
  >;
  /** Per channel and fault kind: how many records carry it. */
  faults: Partial<Record<Channel, Record<string, number>>>;
  /** World events by kind. */
  world: Record<string, number>;
  /** Geography records (loaded once before the monthly files). */
  geography: {
    postcodes: number;
    lsoas: number;
    centres: number;
    clusters: number;
    reachAreas: number;
  };
}

const STREAMS: Stream[] = [
  'world',
  'births-extract',
  'births-nems',
  'births-api',
  'hv-api',
  'hv-extract',
  'hv-topic',
  'registrations-api',
];

/** Plans the shards: exact child counts, so NHS-number ordinals are fixed blocks. */
export function planShards(options: GenerateOptions): {
  plans: ShardPlan[];
  spanStartDay: number;
  asOfDay: number;
} {
  const asOfDay = dayOf(options.asOf);
  const spanStartDay = firstOfMonth(asOfDay, -(options.spanMonths - 1));
  const shardChildren = options.shardChildren ?? 4000;
  const plans: ShardPlan[] = [];
  let childBase = 0;
  let motherBase = 0;
  for (let m = 0; m < options.spanMonths; m++) {
    const monthStart = firstOfMonth(spanStartDay, m);
    const monthEnd = Math.min(firstOfMonth(spanStartDay, m + 1) - 1, asOfDay);
    const days = monthEnd - monthStart + 1;
    const births = Math.round((options.birthsPerYear * days) / 365.25);
    const moveIns = Math.round(births * RATES.moveInPerBirth.value);
    const parts = Math.max(1, Math.ceil((births + moveIns) / shardChildren));
    for (let p = 0; p < parts; p++) {
      const share = (n: number) => Math.floor(n / parts) + (p < n % parts ? 1 : 0);
      const plan: ShardPlan = {
        id: plans.length + 1,
        monthStart,
        days,
        births: share(births),
        moveIns: share(moveIns),
        childBase,
        motherBase,
      };
      childBase += plan.births + plan.moveIns;
      motherBase += plan.births;
      plans.push(plan);
    }
  }
  return { plans, spanStartDay, asOfDay };
}

export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const log = options.log ?? (() => undefined);
  const { out } = options;
  for (const part of [
    'manifest.json',
    'geography',
    'births',
    'health-visits',
    'registrations',
    'truth',
    '.shards',
  ]) {
    rmSync(join(out, part), { recursive: true, force: true });
  }
  mkdirSync(join(out, '.shards'), { recursive: true });

  const { plans, spanStartDay, asOfDay } = planShards(options);
  const totalChildren = plans.reduce((n, p) => n + p.births + p.moveIns, 0);
  const totalMothers = plans.reduce((n, p) => n + p.births, 0);
  const pool = new NhsNumberPool(options.range, options.seed);
  if (totalChildren > pool.size) {
    throw new Error(
      `${totalChildren} children do not fit the ${options.range} NHS range (${pool.size} numbers): ` +
        'shorten --span-months or use --range national',
    );
  }
  const mothersNumbered = totalChildren + totalMothers <= pool.size;
  const effectiveFrom = isoOf(firstOfMonth(spanStartDay, -60));
  const geo = buildGeography(options.seed, options.birthsPerYear, effectiveFrom);
  const ctx: WorldContext = {
    seed: options.seed,
    asOfDay,
    spanStartDay,
    geo,
    pool,
    mothersNumbered,
  };
  log(
    `${plans.length} shards, ${totalChildren} children (${totalMothers} born here), ` +
      `${geo.geography.lsoas.length} LSOAs, ${geo.geography.centres.length} centres; ` +
      `mothers' NHS numbers ${mothersNumbered ? 'given' : 'left blank (range too small)'}`,
  );

  const files: FileEntry[] = [];
  // Geography, once.
  const geographyFiles: [string, string, number][] = [
    ['geography/postcodes.csv', postcodesCsv(geo), geo.geography.postcodes.length],
    ['geography/boundaries.json', `${JSON.stringify(boundariesBody(geo), null, 2)}\n`, 1],
  ];
  for (const [path, text, records] of geographyFiles) {
    const file = new OutputFile(join(out, path));
    await file.write(text);
    files.push({ path, ...(await file.close()), records });
  }

  // Activities: created once per centre, before any session (sorts first in its month).
  const setup = new ShardOutput('0000');
  for (const centre of geo.geography.centres) {
    const activities = [
      ['A1', 'Stay and play', 'stay_and_play'],
      ['A2', 'Baby group', 'baby_group'],
      ['A3', 'Dads and tots', 'parenting_programme'],
    ] as const;
    for (const [suffix, name, category] of activities) {
      const activityRef = `${centre.id}-${suffix}`;
      setup.emit(
        'registrations-api',
        spanStartDay,
        `registrations/${monthOf(spanStartDay)}.ndjson`,
        JSON.stringify({
          method: 'POST',
          path: `/centres/${centre.id}/activities`,
          body: { name, category },
          idempotencyKey: `act-${activityRef}`,
          refs: { activity: activityRef },
        }),
        { subject: activityRef, treatment: { expect: 'accepted' } },
      );
    }
  }
  const shardFiles = new Map<Stream, string[]>(STREAMS.map((s) => [s, []]));
  const writeShard = async (tag: string, output: ShardOutput) => {
    for (const [stream, lines] of output.lines) {
      lines.sort();
      const path = join(out, '.shards', `${tag}.${stream}.tsv`);
      const file = new OutputFile(path, false);
      for (let i = 0; i < lines.length; i += 5000) {
        await file.write(`${lines.slice(i, i + 5000).join('\n')}\n`);
      }
      await file.close();
      shardFiles.get(stream)!.push(path);
    }
  };
  await writeShard('0000', setup);

  const started = Date.now();
  for (const plan of plans) {
    const output = generateShard(ctx, plan);
    await writeShard(String(plan.id).padStart(4, '0'), output);
    const { rss: rssBytes, heapUsed } = process.memoryUsage();
    const rss = Math.round(rssBytes / 1048576);
    const heap = Math.round(heapUsed / 1048576);
    log(
      `shard ${plan.id}/${plans.length} ${monthOf(plan.monthStart)}: ${plan.births} births, ` +
        `${plan.moveIns} moves in (${Math.round((Date.now() - started) / 1000)}s, rss ${rss} MiB, heap ${heap} MiB)`,
    );
  }

  // Merge each stream into its monthly files, writing the truth records as rows are numbered.
  const summary: Summary = {
    seed: options.seed,
    asOf: options.asOf,
    channels: {},
    serviceCounts: {},
    faults: {},
    world: {},
    geography: {
      postcodes: geo.geography.postcodes.length,
      lsoas: geo.geography.lsoas.length,
      centres: geo.geography.centres.length,
      clusters: geo.geography.clusters.length,
      reachAreas: geo.geography.reachAreas.length,
    },
  };
  const records = new OutputFile(join(out, 'truth/records.ndjson'));
  let recordCount = 0;
  for (const stream of STREAMS) {
    const merged = await mergeStream(
      out,
      stream,
      shardFiles.get(stream)!,
      log,
      async (truth) => {
        await records.write(`${JSON.stringify(truth)}\n`);
        recordCount++;
        count(summary, truth);
      },
      (payload) => {
        const kind = /^\{"kind":"([^"]+)"/.exec(payload)?.[1] ?? '?';
        summary.world[kind] = (summary.world[kind] ?? 0) + 1;
      },
    );
    files.push(...merged);
  }
  files.push({ path: 'truth/records.ndjson', ...(await records.close()), records: recordCount });
  rmSync(join(out, '.shards'), { recursive: true, force: true });

  const summaryText = `${JSON.stringify(summary, null, 2)}\n`;
  const summaryFile = new OutputFile(join(out, 'truth/summary.json'));
  await summaryFile.write(summaryText);
  files.push({ path: 'truth/summary.json', ...(await summaryFile.close()), records: 1 });

  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest: Manifest = {
    generator: 'synthetic-la',
    version: GENERATOR_VERSION,
    seed: options.seed,
    asOf: options.asOf,
    scale: { birthsPerYear: options.birthsPerYear },
    span: { months: options.spanMonths, from: isoOf(spanStartDay), to: options.asOf },
    nhsRange: options.range,
    mothersNhsNumbers: mothersNumbered,
    geographyEffectiveFrom: effectiveFrom,
    files,
  };
  const manifestFile = new OutputFile(join(out, 'manifest.json'));
  await manifestFile.write(`${JSON.stringify(manifest, null, 2)}\n`);
  await manifestFile.close();
  return { manifest, summary };
}

function count(summary: Summary, truth: TruthRecord & { fault?: string }): void {
  const c = (summary.channels[truth.channel] ??= {
    accepted: 0,
    'accepted-with-warning': 0,
    duplicate: 0,
    rejected: 0,
    total: 0,
  });
  c[truth.treatment.expect]++;
  c.total++;
  const s = (summary.serviceCounts[truth.channel] ??= { accepted: 0, duplicates: 0, rejected: 0 });
  if (truth.treatment.expect === 'duplicate') s.duplicates++;
  else if (truth.treatment.expect === 'rejected') s.rejected++;
  else s.accepted++;
  if (truth.fault) {
    const f = (summary.faults[truth.channel] ??= {});
    f[truth.fault] = (f[truth.fault] ?? 0) + 1;
  }
}

/** A file written through a buffer, hashed as it goes. */
class OutputFile {
  private readonly stream: WriteStream;
  private readonly hash: Hash | null;
  private buffer: string[] = [];
  private buffered = 0;
  private bytes = 0;

  constructor(path: string, hashed = true) {
    mkdirSync(dirname(path), { recursive: true });
    this.stream = createWriteStream(path);
    this.hash = hashed ? createHash('sha256') : null;
  }

  async write(text: string): Promise<void> {
    this.buffer.push(text);
    this.buffered += text.length;
    if (this.buffered > 1 << 16) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = Buffer.from(this.buffer.join(''), 'utf8');
    this.buffer = [];
    this.buffered = 0;
    this.hash?.update(chunk);
    this.bytes += chunk.length;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<{ sha256: string; bytes: number }> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
    return { sha256: this.hash?.digest('hex') ?? '', bytes: this.bytes };
  }
}

interface Cursor {
  line: string;
  key: string;
  reader: LineReader;
}

/** Reads a file's lines in 256 KiB chunks, synchronously: bounded memory per open shard file. */
class LineReader {
  private readonly fd: number;
  private readonly buffer = Buffer.alloc(1 << 18);
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';
  private lines: string[] = [];
  private index = 0;
  private eof = false;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
  }

  next(): string | undefined {
    while (this.index >= this.lines.length) {
      if (this.eof) return undefined;
      const n = readSync(this.fd, this.buffer, 0, this.buffer.length, null);
      if (n === 0) {
        this.eof = true;
        closeSync(this.fd);
        const last = this.rest + this.decoder.end();
        this.rest = '';
        this.lines = last === '' ? [] : [last];
      } else {
        const parts = (this.rest + this.decoder.write(this.buffer.subarray(0, n))).split('\n');
        this.rest = parts.pop()!;
        this.lines = parts;
      }
      this.index = 0;
    }
    return this.lines[this.index++];
  }
}

/** A binary min-heap of cursors by key. */
class CursorHeap {
  readonly items: Cursor[] = [];

  push(c: Cursor): void {
    const a = this.items;
    a.push(c);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent].key <= a[i].key) break;
      [a[parent], a[i]] = [a[i], a[parent]];
      i = parent;
    }
  }

  pop(): Cursor | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l].key < a[m].key) m = l;
        if (r < a.length && a[r].key < a[m].key) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

interface OpenFile {
  file: OutputFile;
  records: number;
  month: string;
}

async function mergeStream(
  out: string,
  stream: Stream,
  inputs: string[],
  log: (message: string) => void,
  onTruth: (truth: TruthRecord & { fault?: string }) => Promise<void>,
  onWorld: (payload: string) => void,
): Promise<FileEntry[]> {
  const heap = new CursorHeap();
  for (const path of inputs) {
    const reader = new LineReader(path);
    const first = reader.next();
    if (first !== undefined) heap.push({ line: first, key: keyOf(first), reader });
  }
  const open = new Map<string, OpenFile>();
  const done: FileEntry[] = [];
  const closeFile = async (path: string) => {
    const o = open.get(path)!;
    open.delete(path);
    done.push({ path, ...(await o.file.close()), records: o.records });
  };
  let currentMonth = '';
  let n = 0;
  for (let cursor = heap.pop(); cursor; cursor = heap.pop()) {
    const { line } = cursor;
    const t1 = line.indexOf('\t');
    const t2 = line.indexOf('\t', t1 + 1);
    const t3 = line.lastIndexOf('\t');
    const sent = line.slice(0, 10);
    const path = line.slice(t1 + 1, t2);
    const payload = line.slice(t2 + 1, t3);
    const truthText = line.slice(t3 + 1);
    const month = sent.slice(0, 7);
    if (month !== currentMonth) {
      // Files of earlier months are complete: keys arrive in date order.
      for (const [p, o] of [...open]) if (o.month < month && stream !== 'world') await closeFile(p);
      currentMonth = month;
    }
    let o = open.get(path);
    if (!o) {
      o = { file: new OutputFile(join(out, path)), records: 0, month };
      open.set(path, o);
      if (path.endsWith('.csv')) {
        await o.file.write(
          stream === 'births-extract' ? BIRTH_EXTRACT_HEADER : CONTACT_EXTRACT_HEADER,
        );
      }
    }
    o.records++;
    let ref: string;
    if (path.endsWith('.csv')) {
      await o.file.write(`${payload}\r\n`);
      ref = `${path}#${o.records + 1}`; // spreadsheet row: the header is row 1
    } else if (stream === 'world' || stream === 'births-nems') {
      await o.file.write(`${payload}\n`);
      ref = `${path}#${o.records}`;
    } else {
      await o.file.write(`{"seq":${o.records},${payload.slice(1)}\n`);
      ref = `${path}#${o.records}`;
    }
    if (stream === 'world') onWorld(payload);
    else {
      const pending = JSON.parse(truthText) as PendingTruth;
      await onTruth({
        channel: stream,
        ref,
        ...(pending.subject ? { subject: pending.subject } : {}),
        sent,
        ...(pending.fault ? { fault: pending.fault } : {}),
        treatment: pending.treatment,
      });
    }
    if (++n % 1_000_000 === 0) log(`merge ${stream}: ${n} records`);
    const next = cursor.reader.next();
    if (next !== undefined) {
      cursor.line = next;
      cursor.key = keyOf(next);
      heap.push(cursor);
    }
  }
  for (const p of [...open.keys()]) await closeFile(p);
  if (n > 0) log(`merged ${stream}: ${n} records`);
  return done;
}

function keyOf(line: string): string {
  return line.slice(0, line.indexOf('\t'));
}
