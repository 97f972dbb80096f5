/**
 * Event-to-figure latency of the reporting service: starts Kafka and the store as the tests do
 * (free ports, fresh data, removed afterwards), runs the reporting app in this process, publishes
 * a boundary version and a background population of births, then publishes births at a steady
 * rate (default 100 a second) while an LA analyst polls `GET /figures/reach` for the LA as fast
 * as answers come. The k-th measured event is reflected when an answer counts k more children
 * than before the run; its latency is from just before it was produced to that answer's arrival
 * (so it includes Kafka, the consumer, the ledger and the HTTP figure). Prints p50/p95/p99/max.
 * Run: npm run build && node dist/scripts/bench-figures-latency.js [rate=100] [seconds=60] [background=5000]
 */
import { mintDevToken } from '@lib/auth';
import { resolveInfra, type RunningInfra } from '@lib/infra';
import { checkDigitFor } from '@lib/nhs-number';
import { createServiceApp, ukToday } from '@lib/platform';
import type { INestApplication } from '@nestjs/common';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FiguresService } from '../apps/reporting/src/figures/figures.service';
import { ReportingAppModule } from '../apps/reporting/src/reporting-app.module';

const RATE = Number(process.argv[2] ?? 100);
const SECONDS = Number(process.argv[3] ?? 60);
const BACKGROUND = Number(process.argv[4] ?? 5000);
const LA = 'E06099901';
const LSOAS = Array.from({ length: 40 }, (_, i) => `E0109${String(i).padStart(4, '0')}`);
const say = (line: string): boolean => process.stderr.write(`[bench] ${line}\n`);

/** Valid test-range NHS numbers (9997…), one per call. */
function* nhsNumbers(): Generator<string> {
  for (let body = 999_700_000; ; body++) {
    const digit = checkDigitFor(String(body));
    if (digit !== null) yield `${body}${digit}`;
  }
}

function boundariesEvent(): { key: string; value: string } {
  const boundaries = {
    effectiveFrom: '2020-01-01',
    las: [{ code: LA, name: 'Benchmark LA' }],
    clusters: [{ id: 'BCL1', name: 'Bench cluster', la: LA }],
    centres: [0, 1, 2, 3].map((i) => ({ id: `BC${i}`, name: `Bench centre ${i}`, la: LA, cluster: 'BCL1' })), // prettier-ignore
    reachAreas: [0, 1, 2, 3].map((i) => ({ centreId: `BC${i}`, lsoas: LSOAS.filter((_, j) => j % 4 === i) })), // prettier-ignore
    imdDeciles: LSOAS.map((lsoa, j) => ({ lsoa, decile: (j % 10) + 1 })),
  };
  const now = new Date().toISOString();
  return {
    key: 'boundaries',
    value: JSON.stringify({
      specversion: '1.0',
      id: randomUUID(),
      type: 'GeographyVersionPublished',
      source: 'urn:early-years:births:geography',
      subject: 'boundaries',
      time: now,
      dataschema: 'urn:early-years:contracts:geography:GeographyVersionPublished:v1',
      datacontenttype: 'application/json',
      recordedtime: now,
      data: {
        facts: {
          kind: 'boundaries',
          version: 1,
          versionId: 'boundaries:1',
          effectiveFrom: boundaries.effectiveFrom,
          boundaries,
        },
      },
    }),
  };
}

function birthEvent(
  nhsNumber: string,
  birthDate: string,
  i: number,
): { key: string; value: string } {
  const now = new Date().toISOString();
  return {
    key: nhsNumber,
    value: JSON.stringify({
      specversion: '1.0',
      id: randomUUID(),
      type: 'BirthNotified',
      source: 'urn:early-years:births:bench',
      subject: nhsNumber,
      time: now,
      dataschema: 'urn:early-years:contracts:births:BirthNotified:v1',
      datacontenttype: 'application/json',
      recordedtime: now,
      subjectversion: 1,
      data: {
        facts: {
          nhsNumber,
          birthDate,
          postcodeDistrict: 'QB1',
          lsoa: LSOAS[i % LSOAS.length],
          birthWeightGrams: 2400 + (i % 20) * 90,
          gestationWeeks: 36 + (i % 6),
          smokingAtDelivery: i % 9 === 0 ? 'Y' : 'N',
          deliveryMethod: 'spontaneous',
          multipleBirthOrder: 1,
        },
      },
    }),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<number> {
  if (!(RATE > 0) || !(SECONDS > 0) || !(BACKGROUND >= 0)) throw new Error('usage: [rate] [seconds] [background]'); // prettier-ignore
  const runId = randomUUID().slice(0, 8);
  let infra: RunningInfra | undefined;
  let app: INestApplication | undefined;
  let producer: Producer | undefined;
  try {
    infra = await resolveInfra({ purpose: 'test', log: say, stopOnSignal: true });
    Object.assign(process.env, {
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      MONGODB_URI: infra.mongoUri,
      MONGODB_DB: `bench_figures_${runId}`,
      KAFKA_GROUP_PREFIX: `bench-${runId}.`,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      RATE_LIMIT_PER_MINUTE: '1000000',
    });
    app = await createServiceApp(ReportingAppModule, { title: 'reporting', description: 'bench' });
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    const figures = app.get(FiguresService);
    const kafka = new Kafka({ clientId: 'bench-figures', brokers: infra.kafkaBrokers, logLevel: logLevel.NOTHING }); // prettier-ignore
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({ topic: 'geography.reference.v1', messages: [boundariesEvent()] });

    const today = ukToday();
    const month = today.slice(0, 7);
    const dayOfYear = (i: number) =>
      new Date(Date.parse(`${today}T00:00:00Z`) - (1 + (i % 300)) * 86_400_000).toISOString().slice(0, 10); // prettier-ignore
    const numbers = nhsNumbers();
    say(`publishing ${BACKGROUND} background births…`);
    for (let i = 0; i < BACKGROUND; i += 500) {
      const batch = Array.from({ length: Math.min(500, BACKGROUND - i) }, (_, j) =>
        birthEvent(numbers.next().value as string, dayOfYear(i + j), i + j),
      );
      await producer.send({ topic: 'births.child.v1', messages: batch });
    }
    const token = await mintDevToken({ sub: 'bench-analyst', roles: ['la-analyst'], la: LA });
    const url = `http://127.0.0.1:${port}/figures/reach?area=la:${LA}&period=rolling12:${month}`;
    const population = async (): Promise<number | undefined> => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) return undefined;
      const body = (await res.json()) as { rows: { all: { population: number } } };
      return body.rows.all.population;
    };
    for (;;) {
      if ((await population()) === BACKGROUND) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    say(
      `background applied (${figures.ledger.appliedCount} events); measuring ${RATE}/s for ${SECONDS} s…`,
    );

    const total = Math.round(RATE * SECONDS);
    const sentAt: number[] = [];
    const reflectedAt: number[] = [];
    let produced = 0;
    let polling = true;
    let polls = 0;
    const poller = (async () => {
      while (polling) {
        const count = await population();
        const at = Date.now();
        polls++;
        if (count === undefined) continue;
        for (let k = reflectedAt.length; k < count - BACKGROUND && k < produced; k++)
          reflectedAt.push(at);
      }
    })();
    const started = Date.now();
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const event = birthEvent(numbers.next().value as string, dayOfYear(i), i);
      sentAt.push(Date.now());
      produced++;
      sends.push(producer.send({ topic: 'births.child.v1', messages: [event] }));
    }
    await Promise.all(sends);
    const sendSeconds = (Date.now() - started) / 1000;
    const deadline = Date.now() + 60_000;
    while (reflectedAt.length < total && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    polling = false;
    await poller;
    if (reflectedAt.length < total) {
      say(`only ${reflectedAt.length} of ${total} events reflected within 60 s of the last`);
      return 1;
    }
    const latencies = sentAt.map((s, k) => reflectedAt[k] - s).sort((a, b) => a - b);
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    process.stdout.write(
      [
        `events: ${total} births at ${(total / sendSeconds).toFixed(1)}/s over ${sendSeconds.toFixed(1)} s, on top of ${BACKGROUND} (LA population ${BACKGROUND + total})`,
        `figure polls: ${polls} (${(polls / sendSeconds).toFixed(1)}/s, GET /figures/reach for the LA, rolling 12 months)`,
        `event → figure latency: p50 ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies.at(-1)!)}`,
        `peak RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB (app, producer and poller in one process)`,
      ].join('\n') + '\n',
    );
    return percentile(latencies, 99) < 1000 ? 0 : 1;
  } finally {
    await producer?.disconnect().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await infra?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
