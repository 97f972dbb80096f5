/**
 * Benchmark of the births extract import end to end: starts Kafka and the store as the tests do
 * (free ports, fresh data, removed afterwards), runs the births app in this process, writes a
 * synthetic extract (test-range NHS numbers, a few hundred invalid rows, some repeated rows),
 * imports it over HTTP (POST /births/imports), counts the BirthNotified events on
 * births.child.v1 with an independent reader, imports the same file again and counts again.
 * Exit 1 when an invariant fails.
 * Run: npm run build && npm run bench:births-import [-- rows]   (default 50,000 rows)
 */
import { mintDevToken } from '@lib/auth';
import { parse } from 'csv-parse/sync';
import { resolveInfra, type RunningInfra } from '@lib/infra';
import { createServiceApp } from '@lib/platform';
import type { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BirthsAppModule } from '../apps/births/src/births-app.module';
import { readTopicToEnd } from './support/read-topic';
import { writeSyntheticExtract, type SyntheticExtractSummary } from './support/synthetic-extract';
import { uploadExtract, type ImportResource } from './support/upload-extract';

const TOPIC = 'births.child.v1';
const ROWS = Number(process.argv[2] ?? 50_000);
const say = (line: string): boolean => process.stderr.write(`[bench] ${line}\n`);
/** How long the relay may take to publish an import's events before the bench gives up. */
const EVENT_WAIT_MS = 60 * 60_000;
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

interface TimedImport {
  resource: ImportResource;
  seconds: number;
}

interface EventCount {
  birthNotified: number;
  distinctChildren: number;
}

async function main(): Promise<number> {
  if (!Number.isInteger(ROWS) || ROWS < 1) throw new Error('rows must be a positive integer');
  const runId = randomUUID().slice(0, 8);
  const file = join(tmpdir(), `bench-births-import-${process.pid}.csv`);
  let infra: RunningInfra | undefined;
  let app: INestApplication | undefined;
  try {
    say('starting Kafka and the store (as the tests do)…');
    // Ctrl-C: the app stops before the infrastructure it uses, then the process ends.
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      say('stopping…');
      void (async () => {
        await app?.close().catch(() => undefined);
        await infra?.stop();
        process.exit(130);
      })();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    infra = await resolveInfra({ purpose: 'test', log: say, stopOnSignal: false });
    say(`${infra.mode}: kafka ${infra.kafkaBrokers.join(',')}, store ${infra.mongoUri}`);
    Object.assign(process.env, {
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      MONGODB_URI: infra.mongoUri,
      MONGODB_DB: `bench_births_${runId}`,
      KAFKA_GROUP_PREFIX: `bench-${runId}.`,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      RATE_LIMIT_PER_MINUTE: '100000',
    });
    app = await createServiceApp(BirthsAppModule, {
      title: 'births',
      description: 'births under benchmark',
    });
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    const baseUrl = `http://127.0.0.1:${port}`;
    say(`births app listening on ${baseUrl}`);

    const extract = await writeSyntheticExtract(file, { rows: ROWS });
    say(
      `extract: ${ROWS} rows, ${mb(extract.bytes)} (${extract.invalid} invalid, ${extract.duplicates} repeated)`,
    );
    const token = await mintDevToken({ sub: 'bench-feed', roles: ['births-feed'], org: 'BENCH' });
    /**
     * BirthNotified events on the topic, read independently to its end: once at least
     * `expected` are there (the relay publishes after the import answers; a line every 30 s
     * while it catches up), and again a few seconds later to catch any extra one.
     */
    const countEvents = async (label: string, expected: number): Promise<EventCount> => {
      const read = async (): Promise<EventCount> => {
        const perChild = new Map<string, number>();
        await readTopicToEnd(infra!.kafkaBrokers, TOPIC, (m) => {
          if (m.type !== 'BirthNotified' || m.key === undefined) return;
          perChild.set(m.key, (perChild.get(m.key) ?? 0) + 1);
        });
        let birthNotified = 0;
        for (const n of perChild.values()) birthNotified += n;
        return { birthNotified, distinctChildren: perChild.size };
      };
      const started = Date.now();
      let count = await read();
      let said = { at: started, events: count.birthNotified };
      while (count.birthNotified < expected) {
        if (Date.now() - started > EVENT_WAIT_MS) {
          say(`  gave up waiting for ${expected} events after ${EVENT_WAIT_MS / 60_000} minutes`);
          break;
        }
        await new Promise((r) => setTimeout(r, 5000));
        count = await read();
        if (Date.now() - said.at >= 30_000) {
          const rate = (count.birthNotified - said.events) / ((Date.now() - said.at) / 1000);
          say(
            `  ${label}: ${count.birthNotified} of ${expected} events on the topic, ${rate.toFixed(1)}/s lately`,
          );
          said = { at: Date.now(), events: count.birthNotified };
        }
      }
      say(
        `  ${label}: ${count.birthNotified} events ${((Date.now() - started) / 1000).toFixed(0)} s after the import answered`,
      );
      await new Promise((r) => setTimeout(r, 5000));
      return read();
    };

    global.gc?.();
    const base = process.memoryUsage();
    let peakHeap = base.heapUsed;
    const sampler = setInterval(() => {
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }, 50);

    const imports = app.get<Connection>(getConnectionToken()).collection('birth_imports');
    const importOnce = async (label: string): Promise<TimedImport> => {
      say(`${label} import…`);
      const started = process.hrtime.bigint();
      // A line every 30 s: the running import's counts, as GET /births/imports/:id shows them.
      let lastRows = 0;
      const ticker = setInterval(() => {
        void imports
          .findOne({ status: 'running' }, { sort: { startedAt: -1 } })
          .then((doc) => {
            const rows = (doc?.counts as { rowsRead?: number } | undefined)?.rowsRead ?? 0;
            say(
              `  ${label}: ${rows} rows read, ${((rows - lastRows) / 30).toFixed(1)} rows/s lately`,
            );
            lastRows = rows;
          })
          .catch(() => undefined);
      }, 30_000);
      const answer = await uploadExtract({
        baseUrl,
        token,
        file,
        fileName: 'bench-extract.csv',
      }).finally(() => clearInterval(ticker));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (answer.status !== 201) {
        throw new Error(
          `${label} import answered ${answer.status}: ${JSON.stringify(answer.body)}`,
        );
      }
      return { resource: answer.body as ImportResource, seconds };
    };

    const first = await importOnce('first');
    const rssAfterImport = process.resourceUsage().maxRSS * 1024;
    const eventsAfterFirst = await countEvents('first', first.resource.counts.accepted);
    const second = await importOnce('second');
    const eventsAfterSecond = await countEvents('second', eventsAfterFirst.birthNotified);
    clearInterval(sampler);
    const maxRss = process.resourceUsage().maxRSS * 1024;

    const report = (label: string, { resource, seconds }: TimedImport): void => {
      const c = resource.counts;
      console.log(
        `${label}: ${resource.status}; rows read ${c.rowsRead}, accepted ${c.accepted}, ` +
          `duplicates ${c.duplicates}, rejected ${c.rejected}; ${seconds.toFixed(1)} s, ` +
          `${Math.round(c.rowsRead / seconds)} rows/s`,
      );
    };
    console.log(`extract: ${ROWS} data rows, ${mb(extract.bytes)}`);
    report('first import ', first);
    report('second import', second);
    console.log(
      `BirthNotified events on ${TOPIC}: after the first import ${eventsAfterFirst.birthNotified} ` +
        `(${eventsAfterFirst.distinctChildren} children), after the second ${eventsAfterSecond.birthNotified}`,
    );
    console.log(
      `memory (this process: app, HTTP client and Kafka reader): peak RSS ${mb(rssAfterImport)} ` +
        `after the first import, ${mb(maxRss)} overall; heap before ${mb(base.heapUsed)}, ` +
        `peak ${mb(peakHeap)}`,
    );

    const rejectedRows = await fetchRejectedRows(baseUrl, token, first.resource.importId);
    console.log(
      `rejected rows of the first import (GET …/rejected-rows): ${rejectedRows.length} lines, ` +
        `${rejectedRows.filter((l) => l.reason.length > 0).length} with a reason`,
    );
    const failures = [
      ...invariantFailures(extract, first, second, eventsAfterFirst, eventsAfterSecond),
      ...rejectionFailures(extract, rejectedRows),
    ];
    for (const f of failures) console.log(`INVARIANT FAILED: ${f}`);
    if (failures.length === 0) console.log('invariants: all hold');
    return failures.length === 0 ? 0 : 1;
  } finally {
    await app?.close().catch((e: unknown) => say(`closing the app: ${String(e)}`));
    await infra?.stop();
    try {
      unlinkSync(file);
    } catch {
      // never written
    }
  }
}

interface RejectedRow {
  row: string;
  column: string;
  reason: string;
}

async function fetchRejectedRows(
  baseUrl: string,
  token: string,
  importId: string,
): Promise<RejectedRow[]> {
  const res = await fetch(`${baseUrl}/births/imports/${importId}/rejected-rows`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`rejected rows answered ${res.status}`);
  return parse<RejectedRow>(await res.text(), { columns: true });
}

/** Every invalid row of the extract is reported once, by row number, with its column and reason. */
function rejectionFailures(extract: SyntheticExtractSummary, lines: RejectedRow[]): string[] {
  const failures: string[] = [];
  const byRow = new Map<number, RejectedRow[]>();
  for (const l of lines) byRow.set(Number(l.row), [...(byRow.get(Number(l.row)) ?? []), l]);
  if (byRow.size !== extract.invalidRows.length) {
    failures.push(`rejected rows name ${byRow.size} rows ≠ ${extract.invalidRows.length} invalid`);
  }
  for (const { row, invalid } of extract.invalidRows) {
    const reported = byRow.get(row) ?? [];
    const matches = reported.some(
      (l) =>
        l.column === invalid.column &&
        (invalid.kind === 'unbalanced-quote'
          ? l.reason.includes(invalid.reason)
          : l.reason === invalid.reason),
    );
    if (!matches) {
      failures.push(`row ${row} (${invalid.kind}): reported as ${JSON.stringify(reported)}`);
      if (failures.length > 10) break;
    }
  }
  return failures;
}

function invariantFailures(
  extract: SyntheticExtractSummary,
  first: TimedImport,
  second: TimedImport,
  eventsAfterFirst: EventCount,
  eventsAfterSecond: EventCount,
): string[] {
  const failures: string[] = [];
  const check = (ok: boolean, what: string): void => {
    if (!ok) failures.push(what);
  };
  for (const [label, { resource }] of [
    ['first', first],
    ['second', second],
  ] as const) {
    const c = resource.counts;
    check(
      resource.status === 'completed',
      `${label} import ${resource.status}: ${resource.fileError}`,
    );
    check(c.rowsRead === extract.rows, `${label}: rows read ${c.rowsRead} ≠ ${extract.rows} rows`);
    check(
      c.rowsRead === c.accepted + c.duplicates + c.rejected,
      `${label}: rows read ≠ accepted + duplicates + rejected`,
    );
    check(
      c.rejected === extract.invalid,
      `${label}: rejected ${c.rejected} ≠ ${extract.invalid} invalid rows`,
    );
  }
  const a = first.resource.counts;
  const b = second.resource.counts;
  check(
    a.accepted === extract.valid,
    `first: accepted ${a.accepted} ≠ ${extract.valid} valid rows`,
  );
  check(
    a.duplicates === extract.duplicates,
    `first: duplicates ${a.duplicates} ≠ ${extract.duplicates} repeated rows`,
  );
  check(b.accepted === 0, `second: accepted ${b.accepted} ≠ 0`);
  check(
    b.duplicates === a.accepted + a.duplicates,
    `second: duplicates ${b.duplicates} ≠ first accepted + duplicates ${a.accepted + a.duplicates}`,
  );
  check(
    eventsAfterFirst.birthNotified === a.accepted,
    `events after the first import ${eventsAfterFirst.birthNotified} ≠ accepted ${a.accepted}`,
  );
  check(
    eventsAfterFirst.distinctChildren === eventsAfterFirst.birthNotified,
    'a child has more than one BirthNotified event',
  );
  check(
    eventsAfterSecond.birthNotified === eventsAfterFirst.birthNotified,
    `events after the second import ${eventsAfterSecond.birthNotified} ≠ ${eventsAfterFirst.birthNotified}`,
  );
  return failures;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
