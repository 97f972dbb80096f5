/**
 * Benchmark of the health-visitor contact extract import end to end: starts Kafka and the store
 * as the tests do (free ports, fresh data, removed afterwards), runs the health-visits app in this
 * process, writes a synthetic contact extract (test-range NHS numbers, a mix of contact types,
 * about 1% invalid rows of eight kinds, a few repeated rows), imports it over HTTP
 * (POST /contacts/imports, an hv-system token with an organisation), counts the ContactRecorded
 * events the upload caused on health-visits.contact.v1 with an independent reader (by the
 * upload's correlation id), imports the same file again and checks that nothing new was accepted
 * or published. Exit 1 when an invariant fails.
 * Run: npm run build && node dist/scripts/bench-contacts-import.js [rows]   (default 20,000 rows)
 */
import { mintDevToken } from '@lib/auth';
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
import { CONTACTS_TOPIC } from '../apps/health-visits/src/contacts/topics';
import { HealthVisitsAppModule } from '../apps/health-visits/src/health-visits-app.module';
import {
  CONTACT_IMPORT_COLLECTIONS,
  CONTACT_IMPORTS_PATH,
} from '../apps/health-visits/src/imports/contact-imports.service';
import { readTopicToEnd } from './support/read-topic';
import {
  writeSyntheticContacts,
  type SyntheticContactsSummary,
} from './support/synthetic-contacts';
import { uploadExtract, type ImportResource } from './support/upload-extract';

const ROWS = Number(process.argv[2] ?? 20_000);
const ORG = 'BENCH';
const say = (line: string): boolean => process.stderr.write(`[bench] ${line}\n`);
/** How long the relay may take to publish an import's events before the bench gives up. */
const EVENT_WAIT_MS = 60 * 60_000;
/** Between two reads of the topic while waiting for events. */
const POLL_MS = 3000;
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

interface TimedImport {
  resource: ImportResource;
  correlationId: string;
  /** Wall clock (ms) when the upload started and when the service answered. */
  startedAt: number;
  answeredAt: number;
  seconds: number;
}

/** What one read of the whole topic found, for one upload's correlation id. */
interface TopicCount {
  /** Every event on the topic, of any type and cause. */
  total: number;
  byType: Map<string, number>;
  /** Events of any type carrying the upload's correlation id. */
  correlated: number;
  /** ContactRecorded events carrying it, the distinct contacts among them and their timestamps. */
  recorded: number;
  distinctContacts: number;
  firstAt?: number;
  lastAt?: number;
}

async function main(): Promise<number> {
  if (!Number.isInteger(ROWS) || ROWS < 1) throw new Error('rows must be a positive integer');
  const runId = randomUUID().slice(0, 8);
  const file = join(tmpdir(), `bench-contacts-import-${process.pid}.csv`);
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
      MONGODB_DB: `bench_contacts_${runId}`,
      KAFKA_GROUP_PREFIX: `bench-${runId}.`,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      RATE_LIMIT_PER_MINUTE: '100000',
    });
    app = await createServiceApp(HealthVisitsAppModule, {
      title: 'health-visits',
      description: 'health-visits under benchmark',
    });
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    const baseUrl = `http://127.0.0.1:${port}`;
    say(`health-visits app listening on ${baseUrl}`);

    const extract = await writeSyntheticContacts(file, { rows: ROWS, organisationCode: ORG });
    say(
      `extract: ${ROWS} rows, ${mb(extract.bytes)} (${extract.invalid} invalid, ${extract.duplicates} repeated)`,
    );
    const token = await mintDevToken({ sub: 'bench-hv-system', roles: ['hv-system'], org: ORG });
    const brokers = infra.kafkaBrokers;

    /** Reads the topic to its end once, counting what the upload `correlationId` caused. */
    const readTopic = async (correlationId: string): Promise<TopicCount> => {
      const count: TopicCount = {
        total: 0,
        byType: new Map(),
        correlated: 0,
        recorded: 0,
        distinctContacts: 0,
      };
      const contacts = new Set<string>();
      await readTopicToEnd(brokers, CONTACTS_TOPIC, (m) => {
        count.total++;
        const type = m.type ?? '(no type)';
        count.byType.set(type, (count.byType.get(type) ?? 0) + 1);
        if (m.correlationId !== correlationId) return;
        count.correlated++;
        if (m.type !== 'ContactRecorded') return;
        count.recorded++;
        const at = Number(m.message.timestamp);
        count.firstAt = Math.min(count.firstAt ?? at, at);
        count.lastAt = Math.max(count.lastAt ?? at, at);
        const event = JSON.parse(m.message.value?.toString() ?? '{}') as {
          data?: { facts?: { contactId?: string } };
        };
        contacts.add(event.data?.facts?.contactId ?? '(none)');
      });
      count.distinctContacts = contacts.size;
      return count;
    };

    /**
     * Reads the topic until at least `expected` ContactRecorded events of the upload are there
     * (the relay publishes while and after the import runs; a line every 30 s while it catches
     * up), then until its total stops changing (sharing events come from another outbox), and
     * answers the last read with when the upload's events were first seen complete.
     */
    const awaitEvents = async (
      label: string,
      upload: TimedImport,
      expected: number,
    ): Promise<{ count: TopicCount; seenCompleteAt?: number }> => {
      const started = Date.now();
      let readStarted = Date.now();
      let count = await readTopic(upload.correlationId);
      let said = { at: started, events: count.recorded };
      while (count.recorded < expected) {
        if (Date.now() - started > EVENT_WAIT_MS) {
          say(`  gave up waiting for ${expected} events after ${EVENT_WAIT_MS / 60_000} minutes`);
          return { count };
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
        readStarted = Date.now();
        count = await readTopic(upload.correlationId);
        if (Date.now() - said.at >= 30_000) {
          const rate = (count.recorded - said.events) / ((Date.now() - said.at) / 1000);
          say(
            `  ${label}: ${count.recorded} of ${expected} ContactRecorded on the topic, ${rate.toFixed(1)}/s lately`,
          );
          said = { at: Date.now(), events: count.recorded };
        }
      }
      // The read that found them all started after the last of them was written.
      const seenCompleteAt = expected > 0 ? readStarted : undefined;
      if (seenCompleteAt !== undefined) {
        say(
          `  ${label}: ${count.recorded} ContactRecorded seen ${secs(seenCompleteAt - upload.answeredAt)} after the import answered`,
        );
      }
      for (let stable = 0; stable < 2 && Date.now() - started < EVENT_WAIT_MS;) {
        await new Promise((r) => setTimeout(r, 5000));
        const again = await readTopic(upload.correlationId);
        stable = again.total === count.total ? stable + 1 : 0;
        count = again;
      }
      return { count, seenCompleteAt };
    };

    global.gc?.();
    const base = process.memoryUsage();
    let peakHeap = base.heapUsed;
    const sampler = setInterval(() => {
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }, 50);

    const imports = app
      .get<Connection>(getConnectionToken())
      .collection(CONTACT_IMPORT_COLLECTIONS.imports);
    const importOnce = async (label: string): Promise<TimedImport> => {
      say(`${label} import…`);
      const correlationId = `bench-contacts-${runId}-${label}`;
      const startedAt = Date.now();
      const started = process.hrtime.bigint();
      // A line every 30 s: the running import's counts, as GET /contacts/imports/:id shows them.
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
        path: CONTACT_IMPORTS_PATH,
        token,
        file,
        fileName: 'bench-contacts.csv',
        correlationId,
      }).finally(() => clearInterval(ticker));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (answer.status !== 201) {
        throw new Error(
          `${label} import answered ${answer.status}: ${JSON.stringify(answer.body)}`,
        );
      }
      return {
        resource: answer.body as ImportResource,
        correlationId,
        startedAt,
        answeredAt: Date.now(),
        seconds,
      };
    };

    const first = await importOnce('first');
    const rssAfterImport = process.resourceUsage().maxRSS * 1024;
    const afterFirst = await awaitEvents('first', first, first.resource.counts.accepted);
    const second = await importOnce('second');
    const afterSecond = await awaitEvents('second', second, 0);
    clearInterval(sampler);
    const maxRss = process.resourceUsage().maxRSS * 1024;

    const report = (label: string, { resource, seconds }: TimedImport): void => {
      const c = resource.counts;
      console.log(
        `${label}: ${resource.status}; rows read ${c.rowsRead}, accepted ${c.accepted}, ` +
          `duplicates ${c.duplicates}, rejected ${c.rejected} (${resource.errorCount} row problems); ` +
          `${seconds.toFixed(1)} s, ${Math.round(c.rowsRead / seconds)} rows/s`,
      );
    };
    const types = Object.entries(extract.contactTypes)
      .map(([type, n]) => `${type} ${n}`)
      .join(', ');
    console.log(
      `extract: ${ROWS} data rows, ${mb(extract.bytes)}: ${extract.valid} valid (${types}; ` +
        `${extract.withFeedingStatus} with a feeding status, ${extract.objections} sharing objections), ` +
        `${extract.duplicates} repeated, ${extract.invalid} invalid ` +
        `(${extract.invalidAtRead} refused when read, ${extract.invalidAtRecord} when recorded)`,
    );
    report('first import ', first);
    report('second import', second);
    const a = afterFirst.count;
    const seen = afterFirst.seenCompleteAt;
    const timing =
      a.firstAt !== undefined && a.lastAt !== undefined
        ? `; first one written ${secs(a.firstAt - first.startedAt)} after the upload started, ` +
          `last one ${secs(a.lastAt - first.answeredAt)} after the import answered (event ` +
          `timestamps)${seen === undefined ? '' : `, all seen by the reader ${secs(seen - first.answeredAt)} after it`}`
        : '';
    console.log(
      `ContactRecorded events of the first upload on ${CONTACTS_TOPIC}: ${a.recorded} ` +
        `(${a.distinctContacts} contacts)${timing}`,
    );
    console.log(
      `topic after the first import: ${a.total} events (${[...a.byType]
        .map(([type, n]) => `${type} ${n}`)
        .join(', ')}); with the first upload's correlation id ${a.correlated}`,
    );
    const b = afterSecond.count;
    console.log(
      `second import: accepted ${second.resource.counts.accepted} rows; ` +
        `${b.correlated} events with its correlation id; ${b.total - a.total} new events on the topic ` +
        `(${a.total} before, ${b.total} after)`,
    );
    console.log(
      `memory (this process: app, HTTP client and Kafka reader): peak RSS ${mb(rssAfterImport)} ` +
        `after the first import, ${mb(maxRss)} overall; heap before ${mb(base.heapUsed)}, ` +
        `peak ${mb(peakHeap)}`,
    );

    const failures = invariantFailures(extract, first, second, afterFirst.count, b);
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

function invariantFailures(
  extract: SyntheticContactsSummary,
  first: TimedImport,
  second: TimedImport,
  afterFirst: TopicCount,
  afterSecond: TopicCount,
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
    afterFirst.recorded === a.accepted,
    `ContactRecorded events of the first upload ${afterFirst.recorded} ≠ accepted ${a.accepted}`,
  );
  check(
    afterFirst.distinctContacts === afterFirst.recorded,
    'a contact has more than one ContactRecorded event',
  );
  check(
    afterSecond.correlated === 0,
    `events with the second upload's correlation id ${afterSecond.correlated} ≠ 0`,
  );
  check(
    afterSecond.total === afterFirst.total,
    `events on the topic after the second import ${afterSecond.total} ≠ ${afterFirst.total} before it`,
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
