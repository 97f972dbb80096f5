/**
 * Child matching evaluated through the real services, not the pure function: the seeded
 * synthetic area of eval-child-matching (buildSyntheticArea) is notified to the births service
 * (POST /births), reaches the registrations service over Kafka (births.child.v1), and every
 * synthetic registration is registered at a centre (POST /centres/:centreId/families), which
 * matches it as the desk would. From the answers: automatic links, how many right, precision,
 * recall, the review queue, unmatched, false links by cause, twins merged, throughput.
 *
 * Three columns are printed side by side, so a difference can be placed:
 *   pure       the pure matcher on the synthetic area (what eval-child-matching reports);
 *   pure/held  the pure matcher on the same area as the services hold it: the births as the
 *              registrations service offers them (KnownBirths.candidatesOn) and each child as
 *              the service hands it to the matcher (family postcode, mother carer), rebuilt
 *              from the registration's answer. pure → pure/held is representation (what the API
 *              cannot say as the synthetic form does; each such departure is named);
 *   service    the service's own decisions. pure/held → service is behaviour, listed child by
 *              child.
 * With --objections n, n births of registered children are notified with a sharing objection:
 * they must never be offered, and any link to one is a failure (they count as children without
 * a known birth in every column).
 *
 * Starts Kafka and the store as the tests do (resolveInfra: free ports, fresh data, removed
 * afterwards) and runs both apps in this process. Exit 1 when the service's precision is under
 * 99% or its recall under 85%, when a child under an objection is offered or linked, or on a setup
 * failure; 2 on a bad command line.
 * Run: npm run build && node dist/scripts/eval-matching-e2e.js [seed] [--concurrency 8]
 *        [--objections 0] [--details 40] [--families 3200] [--dump file.json]   (seed: 2024)
 * --details: behaviour differences listed child by child; --families: a smaller area for a
 * quick check (registrations scale with it: 900 + 100 children for 3,200 families); --dump:
 * writes what was sent and answered to a JSON file. The apps log at LOG_LEVEL (default error
 * here) to stdout, as in the bench; the report is printed last.
 */
import { mintDevToken } from '@lib/auth';
import { mapConcurrently } from '@lib/concurrency';
import { resolveInfra, type RunningInfra } from '@lib/infra';
import { createServiceApp, ukToday } from '@lib/platform';
import type { INestApplication, Type } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BirthsAppModule } from '../apps/births/src/births-app.module';
import { CentreDirectory } from '../apps/registrations/src/centres/centre-directory';
import { KnownBirths } from '../apps/registrations/src/linking/known-births';
import {
  candidateBirthDates,
  matchFamily,
  type KnownBirth,
  type MatchDecision,
} from '../apps/registrations/src/matching';
import {
  evaluateArea,
  formatReport,
  type EvaluationReport,
  type FalseLinkCause,
} from '../apps/registrations/src/matching/evaluation/evaluate';
import { SeededRandom } from '../apps/registrations/src/matching/evaluation/prng';
import {
  FIRST_BIRTH_DATE,
  LAST_BIRTH_DATE,
  buildSyntheticArea,
  type SyntheticArea,
  type SyntheticRegisteredChild,
  type SyntheticRegistration,
} from '../apps/registrations/src/matching/evaluation/synthetic-area';
import { RegistrationsAppModule } from '../apps/registrations/src/registrations-app.module';
import {
  EVAL_CENTRE,
  GEOGRAPHY_EFFECTIVE_FROM,
  areaPostcodes,
  birthNotification,
  boundaryVersion,
  childrenAsMatched,
  familyRegistration,
  postcodeLookupCsv,
  type FamilyAnswer,
  type RepresentationNote,
} from './support/matching-e2e-data';
import {
  formatSideBySide,
  householdCause,
  reportFromOutcomes,
  type ChildOutcome,
  type EvaluatedChild,
} from './support/matching-evaluation';

const say = (line: string): boolean => process.stderr.write(`[eval] ${line}\n`);
const MIN_PRECISION = 0.99;
const MIN_RECALL = 0.85;
/** How long the registrations service may take to hear of every birth. */
const KNOWN_WAIT_MS = 30 * 60_000;
const PROGRESS_EVERY_MS = 15_000;
/** buildSyntheticArea's defaults: 3,200 families, 900 + 100 registered children. */
const DEFAULT_FAMILIES = 3200;

interface Options {
  seed: number;
  concurrency: number;
  objections: number;
  details: number;
  /** Families of the synthetic area (default 3,200); registrations scale with it. */
  families: number;
  /** Where to write what was sent and answered (JSON), for a look afterwards. */
  dump?: string;
}

/** A bad command line: said without a stack trace. */
class UsageError extends Error {}

function parseArgs(argv: string[]): Options {
  const usage =
    'usage: eval-matching-e2e [seed] [--concurrency n] [--objections n] [--details n] [--families n] [--dump file.json]';
  const options: Options = {
    seed: 2024,
    concurrency: 8,
    objections: 0,
    details: 40,
    families: DEFAULT_FAMILIES,
  };
  const args = [...argv];
  const numberAfter = (flag: string, min: number): number | undefined => {
    const at = args.indexOf(flag);
    if (at < 0) return undefined;
    const value = Number(args[at + 1]);
    if (!Number.isInteger(value) || value < min)
      throw new UsageError(`${flag} needs a whole number ≥ ${min}\n${usage}`);
    args.splice(at, 2);
    return value;
  };
  options.concurrency = numberAfter('--concurrency', 1) ?? options.concurrency;
  options.objections = numberAfter('--objections', 0) ?? options.objections;
  options.details = numberAfter('--details', 0) ?? options.details;
  options.families = numberAfter('--families', 10) ?? options.families;
  const dumpAt = args.indexOf('--dump');
  if (dumpAt >= 0) {
    options.dump = args[dumpAt + 1];
    if (options.dump === undefined || options.dump.startsWith('--')) throw new UsageError(usage);
    args.splice(dumpAt, 2);
  }
  const unknown = args.filter((a) => a.startsWith('--'));
  if (unknown.length > 0) throw new UsageError(`unknown option ${unknown.join(' ')}\n${usage}`);
  if (args.length > 1) throw new UsageError(usage);
  if (args.length === 1) {
    options.seed = Number(args[0]);
    if (!Number.isInteger(options.seed)) throw new UsageError(usage);
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Apps and HTTP

interface RunningApp {
  app: INestApplication;
  baseUrl: string;
}

/** Boots an app with its own database (config is read from the environment at creation). */
async function startApp(
  appModule: Type<unknown>,
  service: string,
  runId: string,
): Promise<RunningApp> {
  const overrides: Record<string, string> = {
    PORT: '1',
    MONGODB_DB: `eval_${service}_${runId}`,
    KAFKA_GROUP_PREFIX: `eval-${runId}.`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    RATE_LIMIT_PER_MINUTE: '1000000',
  };
  const saved = Object.fromEntries(Object.keys(overrides).map((k) => [k, process.env[k]]));
  Object.assign(process.env, overrides);
  let app: INestApplication;
  try {
    app = await createServiceApp(appModule, {
      title: service,
      description: `${service} under matching evaluation`,
    });
    await app.init();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}` };
}

interface Answer {
  status: number;
  body: unknown;
}

/** One request; a connection error is retried (twice), an answer never is. */
async function call(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  token: string,
  body?: { json: unknown } | { csv: string },
  headers: Record<string, string> = {},
): Promise<Answer> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body && 'json' in body ? { 'content-type': 'application/json' } : {}),
          ...(body && 'csv' in body ? { 'content-type': 'text/csv' } : {}),
          ...headers,
        },
        ...(body ? { body: 'json' in body ? JSON.stringify(body.json) : body.csv } : {}),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed };
    } catch (error: unknown) {
      if (attempt >= 3) throw error;
      await sleep(500 * attempt);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

/** "400 children.0.givenName: …" with indexes folded, to count refusals by kind. */
function refusalKind({ status, body }: Answer): string {
  const problems = (body as { problems?: { field?: string; reason?: string }[] } | null)?.problems;
  if (Array.isArray(problems) && problems.length > 0) {
    return problems
      .map(
        (p) =>
          `${status} ${String(p.field).replace(/\.\d+/g, '.n')}: ${String(p.reason).replace(/\d+/g, 'n')}`,
      )
      .join('; ');
  }
  const message = (body as { message?: unknown } | null)?.message;
  return `${status} ${typeof message === 'string' ? message : JSON.stringify(body).slice(0, 120)}`;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function listCounts(counts: Map<string, number>, indent = '    '): string[] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${indent}${n} × ${k}`);
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Runs `work` over items with a progress line every PROGRESS_EVERY_MS. */
async function withProgress<T, R>(
  label: string,
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  let done = 0;
  const started = Date.now();
  const ticker = setInterval(() => {
    const s = (Date.now() - started) / 1000;
    say(`  ${label}: ${done} of ${items.length}, ${(done / s).toFixed(1)}/s`);
  }, PROGRESS_EVERY_MS);
  try {
    return await mapConcurrently(items, concurrency, async (item) => {
      const result = await work(item);
      done++;
      return result;
    });
  } finally {
    clearInterval(ticker);
  }
}

// ---------------------------------------------------------------------------------------------
// Pure decisions (the blocking of evaluateArea), for the child-by-child comparison

/** The pure matcher's decision for each child, keyed `registrationId#index`. */
function pureDecisions(area: SyntheticArea): Map<string, MatchDecision> {
  const byDate = new Map<string, KnownBirth[]>();
  for (const b of area.births) byDate.set(b.birthDate, [...(byDate.get(b.birthDate) ?? []), b]);
  const bounds = { earliest: FIRST_BIRTH_DATE, latest: LAST_BIRTH_DATE };
  const out = new Map<string, MatchDecision>();
  for (const registration of area.registrations) {
    const dates = new Set(
      registration.children.flatMap((c) => candidateBirthDates(c.child.birthDate, bounds)),
    );
    const candidates = [...dates].flatMap((d) => byDate.get(d) ?? []);
    const decisions = matchFamily(
      registration.children.map((c) => c.child),
      candidates,
    );
    decisions.forEach((d, i) => out.set(`${registration.id}#${i}`, d));
  }
  return out;
}

function asOutcome(decision: MatchDecision): ChildOutcome {
  switch (decision.decision) {
    case 'link':
      return { decision: 'link', nhsNumber: decision.nhsNumber, score: decision.score };
    case 'review':
      return {
        decision: 'review',
        reasons: decision.reasons,
        candidates: decision.candidates.map((c) => c.nhsNumber),
      };
    case 'none':
      return { decision: 'none' };
  }
}

function describeOutcome(o: ChildOutcome): string {
  switch (o.decision) {
    case 'link':
      return `link ${o.nhsNumber}${o.score === null ? '' : ` (${o.score.toFixed(1)})`}`;
    case 'review':
      return `review [${o.reasons?.join(', ') ?? 'reasons not known'}]`;
    case 'none':
      return 'none';
  }
}

function sameOutcome(a: ChildOutcome, b: ChildOutcome): boolean {
  if (a.decision !== b.decision) return false;
  return a.decision !== 'link' || (b.decision === 'link' && a.nhsNumber === b.nhsNumber);
}

function transition(a: ChildOutcome, b: ChildOutcome, truth: string | null): string {
  const label = (o: ChildOutcome): string =>
    o.decision === 'link' ? (o.nhsNumber === truth ? 'right link' : 'wrong link') : o.decision;
  return `${label(a)} → ${label(b)}`;
}

// ---------------------------------------------------------------------------------------------

interface RegistrationResult {
  registration: SyntheticRegistration;
  notes: RepresentationNote[];
  answer: Answer;
  ms: number;
}

interface ReviewView {
  childId: string;
  reasons: string[];
  candidates: { nhsNumber: string }[];
}

interface HeldFamily {
  children: { childId: string; link?: { score?: number } }[];
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const runId = randomUUID().slice(0, 8);
  const scale = options.families / DEFAULT_FAMILIES;
  const area =
    options.families === DEFAULT_FAMILIES
      ? buildSyntheticArea(options.seed)
      : buildSyntheticArea(options.seed, {
          families: options.families,
          withKnownBirth: Math.max(1, Math.round(900 * scale)),
          withoutKnownBirth: Math.max(1, Math.round(100 * scale)),
        });
  say(
    `seed ${options.seed}: ${area.births.length} known births, ${area.registrations.length} registrations`,
  );

  // Births under a sharing objection: drawn from the registered children's own births.
  const objected = new Set<string>();
  if (options.objections > 0) {
    const rng = new SeededRandom(options.seed * 7919 + 17);
    const truths = rng.shuffle(
      area.registrations.flatMap((r) =>
        r.children.map((c) => c.truth).filter((t): t is string => t !== null),
      ),
    );
    truths.slice(0, options.objections).forEach((t) => objected.add(t));
  }

  // The pure reference: the synthetic area, less the births under an objection (never offered).
  const withoutObjected = (c: SyntheticRegisteredChild): SyntheticRegisteredChild => ({
    ...c,
    truth: c.truth !== null && !objected.has(c.truth) ? c.truth : null,
  });
  const pureArea: SyntheticArea =
    objected.size === 0
      ? area
      : {
          ...area,
          births: area.births.filter((b) => !objected.has(b.nhsNumber)),
          registrations: area.registrations.map((r) => ({
            ...r,
            children: r.children.map(withoutObjected),
          })),
        };
  const pureStarted = Date.now();
  const pure = evaluateArea(pureArea);
  const pureSeconds = (Date.now() - pureStarted) / 1000;

  let infra: RunningInfra | undefined;
  let births: RunningApp | undefined;
  let desk: RunningApp | undefined;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    void (async () => {
      await desk?.app.close().catch(() => undefined);
      await births?.app.close().catch(() => undefined);
      await infra?.stop();
      process.exit(130);
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    say('starting Kafka and the store (as the tests do)…');
    infra = await resolveInfra({ purpose: 'test', log: say, stopOnSignal: false });
    say(`${infra.mode}: kafka ${infra.kafkaBrokers.join(',')}, store ${infra.mongoUri}`);
    Object.assign(process.env, {
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      MONGODB_URI: infra.mongoUri,
    });
    births = await startApp(BirthsAppModule, 'births', runId);
    desk = await startApp(RegistrationsAppModule, 'registrations', runId);
    say(`births on ${births.baseUrl}, registrations on ${desk.baseUrl}`);

    const ttl = { ttlSeconds: 12 * 3600 };
    const admin = await mintDevToken({ sub: 'eval-admin', roles: ['admin'] }, ttl);
    const feed = await mintDevToken({ sub: 'eval-feed', roles: ['births-feed'], org: 'EVAL' }, ttl);
    const staff = await mintDevToken(
      { sub: 'eval-staff', roles: ['centre-staff'], centres: [EVAL_CENTRE] },
      ttl,
    );
    const manager = await mintDevToken(
      { sub: 'eval-manager', roles: ['centre-manager'], centres: [EVAL_CENTRE] },
      ttl,
    );

    // Geography: one centre reaching every LSOA of the area, every postcode placed.
    const postcodes = areaPostcodes(area.births, area.registrations);
    const boundaries = await call(births.baseUrl, 'POST', '/geography/boundaries', admin, {
      json: boundaryVersion(postcodes),
    });
    if (boundaries.status !== 201) {
      throw new Error(
        `boundaries refused: ${boundaries.status} ${JSON.stringify(boundaries.body)}`,
      );
    }
    const lookup = await call(
      births.baseUrl,
      'POST',
      `/geography/postcodes?effectiveFrom=${GEOGRAPHY_EFFECTIVE_FROM}`,
      admin,
      { csv: postcodeLookupCsv(postcodes) },
    );
    if (lookup.status !== 201) {
      throw new Error(`postcode lookup refused: ${lookup.status} ${JSON.stringify(lookup.body)}`);
    }
    const centres = desk.app.get(CentreDirectory);
    await eventually(
      'the registrations service hearing of the centre',
      () => Promise.resolve(centres.centre(EVAL_CENTRE) ? true : undefined),
      120_000,
    );
    say(`geography: ${postcodes.length} postcodes, centre ${EVAL_CENTRE}`);

    // Births, through births' API.
    say(`notifying ${area.births.length} births (${options.concurrency} at a time)…`);
    const notifyStarted = Date.now();
    const notified = await withProgress(
      'births notified',
      area.births,
      options.concurrency,
      async (birth) => ({
        birth,
        answer: await call(births!.baseUrl, 'POST', '/births', feed, {
          json: birthNotification(birth, objected.has(birth.nhsNumber)),
        }),
      }),
    );
    const notifySeconds = (Date.now() - notifyStarted) / 1000;
    const accepted = notified.filter((n) => n.answer.status === 201).map((n) => n.birth);
    const refusedBirths = notified.filter((n) => n.answer.status !== 201);
    say(
      `  ${accepted.length} accepted, ${refusedBirths.length} refused in ${notifySeconds.toFixed(0)} s`,
    );

    // Until the registrations service holds every accepted birth.
    const knownStarted = Date.now();
    const held = desk.app.get<Connection>(getConnectionToken());
    const knownCollection = held.collection('known_births');
    let lastSaid = Date.now();
    await eventually(
      'the registrations service knowing every birth',
      async () => {
        const n = await knownCollection.countDocuments({ birthDate: { $ne: '' } });
        if (Date.now() - lastSaid > PROGRESS_EVERY_MS) {
          say(`  known to registrations: ${n} of ${accepted.length}`);
          lastSaid = Date.now();
        }
        return n >= accepted.length ? n : undefined;
      },
      KNOWN_WAIT_MS,
    );
    const knownSeconds = (Date.now() - knownStarted) / 1000;
    say(`  all known to registrations ${knownSeconds.toFixed(0)} s after the last notification`);

    // What the service offers, compared with what was notified.
    const knownBirths = desk.app.get(KnownBirths);
    const offeredList = await knownBirths.candidatesOn([
      ...new Set(accepted.map((b) => b.birthDate)),
    ]);
    const offered = new Map(offeredList.map((b) => [b.nhsNumber, b]));
    const notOffered = accepted.filter(
      (b) => !offered.has(b.nhsNumber) && !objected.has(b.nhsNumber),
    );
    const objectedOffered = [...objected].filter((n) => offered.has(n));
    const fieldDiffs = new Map<string, number>();
    for (const b of accepted) {
      const o = offered.get(b.nhsNumber);
      if (!o) continue;
      for (const key of new Set([...Object.keys(b), ...Object.keys(o)]) as Set<keyof KnownBirth>) {
        if (b[key] !== o[key]) {
          const what = `${key}: ${b[key] === undefined ? 'absent' : 'stated'} → ${o[key] === undefined ? 'absent' : typeof o[key] === 'string' && /^ZZ99/.test(o[key]) ? 'ZZ99 pseudo-postcode' : 'different'}`;
          fieldDiffs.set(what, (fieldDiffs.get(what) ?? 0) + 1);
        }
      }
    }

    // Registrations, through the desk's API.
    say(`registering ${area.registrations.length} families (${options.concurrency} at a time)…`);
    const registerStarted = Date.now();
    const results: RegistrationResult[] = await withProgress(
      'families registered',
      area.registrations,
      options.concurrency,
      async (registration) => {
        const { body, notes } = familyRegistration(registration);
        const started = Date.now();
        const answer = await call(
          desk!.baseUrl,
          'POST',
          `/centres/${EVAL_CENTRE}/families`,
          staff,
          { json: body },
          { 'idempotency-key': `${runId}:${registration.id}` },
        );
        return { registration, notes, answer, ms: Date.now() - started };
      },
    );
    const registerSeconds = (Date.now() - registerStarted) / 1000;
    const registered = results.filter((r) => r.answer.status === 201);
    const refusedFamilies = results.filter((r) => r.answer.status !== 201);
    say(
      `  ${registered.length} registered, ${refusedFamilies.length} refused in ${registerSeconds.toFixed(0)} s`,
    );

    // The review queue as a manager sees it (reasons, candidates), and the links' scores.
    const queue = await call(
      desk.baseUrl,
      'GET',
      `/centres/${EVAL_CENTRE}/match-reviews`,
      manager,
      undefined,
      {
        'x-purpose': 'matching evaluation: synthetic data',
      },
    );
    const reviews = new Map<string, ReviewView>();
    if (queue.status === 200 && Array.isArray(queue.body)) {
      for (const r of queue.body as ReviewView[]) reviews.set(r.childId, r);
    } else {
      say(`review queue not read: ${queue.status} ${JSON.stringify(queue.body).slice(0, 200)}`);
    }
    const scores = new Map<string, number>();
    for (const family of await held.collection<HeldFamily>('families').find({}).toArray()) {
      for (const c of family.children) {
        if (c.link?.score !== undefined) scores.set(c.childId, c.link.score);
      }
    }

    // ----- The service's outcomes, child by child.
    const today = ukToday();
    const offeredByDate = new Map<string, KnownBirth[]>();
    for (const b of offeredList) {
      offeredByDate.set(b.birthDate, [...(offeredByDate.get(b.birthDate) ?? []), b]);
    }
    const synthetic = new Map<EvaluatedChild, SyntheticRegisteredChild>();
    const serviceChildren: { child: EvaluatedChild; outcome: ChildOutcome; key: string }[] = [];
    const matchStates = new Map<string, number>();
    let candidatesLookedUp = 0;
    const resultOf = new Map(results.map((r) => [r.registration.id, r]));
    for (const registration of area.registrations) {
      const result = resultOf.get(registration.id)!;
      const answer = result.answer.status === 201 ? (result.answer.body as FamilyAnswer) : null;
      const asMatched = answer
        ? childrenAsMatched(answer)
        : registration.children.map((c) => c.child);
      const dates = new Set(
        asMatched.flatMap((c) => candidateBirthDates(c.birthDate, { latest: today })),
      );
      const lookedUp = [...dates].flatMap((d) => offeredByDate.get(d) ?? []);
      candidatesLookedUp += lookedUp.length;
      const found = new Set(lookedUp.map((b) => b.nhsNumber));
      registration.children.forEach((registeredChild, i) => {
        const truth =
          registeredChild.truth !== null && !objected.has(registeredChild.truth)
            ? registeredChild.truth
            : null;
        const child: EvaluatedChild = {
          registrationId: registration.id,
          truth,
          kind: registeredChild.kind,
          errors: registeredChild.errors,
          multipleBirth: registeredChild.multipleBirth,
          registeredWithCoSibling: registration.children.some(
            (o) => o !== registeredChild && o.deliveryId === registeredChild.deliveryId,
          ),
          ...(truth === null ? {} : { truthLookedUp: found.has(truth) }),
        };
        synthetic.set(child, registeredChild);
        const view = answer?.children[i];
        const state = view
          ? (view.match ?? `(none: NHS number from ${view.nhsNumberFrom})`)
          : 'refused';
        matchStates.set(state, (matchStates.get(state) ?? 0) + 1);
        let outcome: ChildOutcome = { decision: 'none' };
        if (view?.match === 'linked' && view.nhsNumber !== null) {
          outcome = {
            decision: 'link',
            nhsNumber: view.nhsNumber,
            score: scores.get(view.childId) ?? null,
          };
        } else if (view?.match === 'review') {
          const review = reviews.get(view.childId);
          outcome = {
            decision: 'review',
            reasons: review?.reasons ?? null,
            candidates: review?.candidates.map((c) => c.nhsNumber) ?? null,
          };
        }
        serviceChildren.push({ child, outcome, key: `${registration.id}#${i}` });
      });
    }
    const allBirths = new Map(area.births.map((b) => [b.nhsNumber, b]));
    const causeOf = (child: EvaluatedChild, linkedNhs: string): FalseLinkCause => {
      const registered = synthetic.get(child)!;
      const facts = area.facts.get(linkedNhs);
      if (facts && facts.deliveryId === registered.deliveryId) return 'multiple-birth-sibling';
      if (facts && facts.familyId === registered.familyId) return 'sibling';
      const linked = allBirths.get(linkedNhs);
      return linked ? householdCause(registered.child, linked) : 'unrelated';
    };
    const service = reportFromOutcomes({
      seed: options.seed,
      knownBirths: offeredList.length,
      registrations: area.registrations.length,
      candidatesLookedUp,
      children: serviceChildren,
      causeOf,
    });
    if (options.dump !== undefined) {
      writeFileSync(
        options.dump,
        JSON.stringify(
          {
            seed: options.seed,
            objected: [...objected],
            refusedBirths: refusedBirths.map((r) => ({ birth: r.birth, answer: r.answer })),
            offered: offeredList,
            registrations: results.map((r) => ({
              id: r.registration.id,
              synthetic: r.registration.children,
              sent: familyRegistration(r.registration).body,
              notes: r.notes,
              answer: r.answer,
              ms: r.ms,
            })),
            reviews: [...reviews.values()],
            scores: Object.fromEntries(scores),
          },
          null,
          1,
        ),
      );
      say(`wrote ${options.dump}`);
    }
    const linksToObjected = serviceChildren.filter(
      ({ outcome }) => outcome.decision === 'link' && objected.has(outcome.nhsNumber),
    );

    // ----- The pure matcher on the area as the services hold it.
    const heldArea: SyntheticArea = {
      seed: area.seed,
      births: offeredList,
      facts: area.facts,
      registrations: area.registrations.map((registration) => {
        const result = resultOf.get(registration.id)!;
        const answer = result.answer.status === 201 ? (result.answer.body as FamilyAnswer) : null;
        const asMatched = answer ? childrenAsMatched(answer) : null;
        return {
          id: registration.id,
          children: registration.children.map((c, i) => ({
            ...withoutObjected(c),
            child: asMatched?.[i] ?? c.child,
          })),
        };
      }),
    };
    const pureHeld = evaluateArea(heldArea);
    const pureDecided = pureDecisions(pureArea);
    const heldDecided = pureDecisions(heldArea);

    // The generic figures must agree with evaluateArea on the same decisions.
    const check = reportFromOutcomes({
      seed: options.seed,
      knownBirths: heldArea.births.length,
      registrations: heldArea.registrations.length,
      candidatesLookedUp: pureHeld.meanCandidatesPerRegistration * heldArea.registrations.length,
      children: serviceChildren.map(({ child, key }) => ({
        child,
        outcome: asOutcome(heldDecided.get(key)!),
      })),
      causeOf,
    });
    const checked: (keyof EvaluationReport)[] = [
      'autoLinks',
      'correctAutoLinks',
      'reviewQueue',
      'trueMatchesInReview',
      'noneDecisions',
      'falseLinks',
      'multipleBirthsWronglyMerged',
      'nhsNumbersLinkedTwice',
    ];
    const disagreements = checked.filter((k) => check[k] !== pureHeld[k]);

    // ----- Report.
    const out: string[] = [];
    const line = (s = ''): number => out.push(s);
    line(`Child matching through the services, seed ${options.seed} (today ${today})`);
    line(
      `  births: ${area.births.length} notified via POST /births (${options.concurrency} at a time) in ` +
        `${notifySeconds.toFixed(1)} s (${(area.births.length / notifySeconds).toFixed(1)}/s); ` +
        `${accepted.length} accepted, ${refusedBirths.length} refused` +
        (objected.size > 0 ? `; ${objected.size} with a sharing objection` : ''),
    );
    if (refusedBirths.length > 0) {
      line('  births refused:');
      listCounts(countBy(refusedBirths, (r) => refusalKind(r.answer))).forEach((l) => line(l));
    }
    line(
      `  known to registrations ${knownSeconds.toFixed(1)} s after the last answer; offered: ` +
        `${offeredList.length} (not offered though notified without objection: ${notOffered.length}; ` +
        `objected but offered: ${objectedOffered.length})`,
    );
    if (fieldDiffs.size > 0) {
      line('  offered records differing from the synthetic ones:');
      listCounts(fieldDiffs).forEach((l) => line(l));
    }
    const latencies = results.map((r) => r.ms).sort((a, b) => a - b);
    line(
      `  registrations: ${results.length} via POST /centres/${EVAL_CENTRE}/families in ` +
        `${registerSeconds.toFixed(1)} s = ${(results.length / registerSeconds).toFixed(1)} registrations/s ` +
        `(latency p50 ${percentile(latencies, 0.5)} ms, p95 ${percentile(latencies, 0.95)} ms, ` +
        `max ${latencies[latencies.length - 1]} ms); ${registered.length} registered, ${refusedFamilies.length} refused`,
    );
    if (refusedFamilies.length > 0) {
      line('  registrations refused:');
      listCounts(countBy(refusedFamilies, (r) => refusalKind(r.answer))).forEach((l) => line(l));
    }
    line(
      `  children's match state in the answers: ` +
        [...matchStates.entries()].map(([k, n]) => `${k} ${n}`).join(', '),
    );
    line(`  review queue read as a manager: ${reviews.size} open reviews`);
    const noteCounts = countBy(
      results.flatMap((r) => r.notes),
      (n) => n,
    );
    if (noteCounts.size === 0) {
      line('  registrations sent otherwise than the synthetic form says: none');
    } else {
      line('  registrations sent otherwise than the synthetic form says (the API has no way to):');
      listCounts(noteCounts).forEach((l) => line(l));
    }
    line();
    line(
      formatReport(pure).replace(
        /^Child matching evaluation/,
        objected.size === 0
          ? 'PURE: pure matcher on the synthetic area'
          : 'PURE: pure matcher on the synthetic area (births under an objection left out)',
      ),
    );
    line(`  time: ${pureSeconds.toFixed(1)} s`);
    line();
    line(
      formatReport(pureHeld).replace(
        /^Child matching evaluation/,
        'PURE/HELD: pure matcher on the area as the services hold it',
      ),
    );
    line();
    line(
      formatReport(service).replace(
        /^Child matching evaluation/,
        'SERVICE: the registrations service, through its API',
      ),
    );
    line(
      `  time: ${registerSeconds.toFixed(1)} s for ${results.length} registrations ` +
        `(${(results.length / registerSeconds).toFixed(1)}/s, matching included)`,
    );
    line();
    line('Side by side');
    line(
      formatSideBySide([
        { title: 'pure', report: pure },
        { title: 'pure/held', report: pureHeld },
        { title: 'service', report: service },
      ]),
    );
    if (objected.size > 0) {
      line('  (children whose birth is under an objection count as without a known birth)');
    }
    if (disagreements.length > 0) {
      line(`  CHECK: the generic figures differ from evaluateArea on ${disagreements.join(', ')}`);
    }

    // Representation: pure → pure/held, child by child.
    const notesOf = new Map(results.map((r) => [r.registration.id, r.notes]));
    const representation = serviceChildren
      .map(({ child, key }) => ({
        child,
        key,
        before: asOutcome(pureDecided.get(key)!),
        after: asOutcome(heldDecided.get(key)!),
      }))
      .filter(({ before, after }) => !sameOutcome(before, after));
    line();
    line(`Representation (pure → pure/held): ${representation.length} children decided otherwise`);
    listCounts(
      countBy(representation, ({ before, after, child }) => {
        const notes = notesOf.get(child.registrationId) ?? [];
        return `${transition(before, after, child.truth)}  [${notes.join(', ') || 'no departure named: births as offered'}]`;
      }),
    ).forEach((l) => line(l));

    // Behaviour: pure/held → service, child by child.
    const behaviour = serviceChildren
      .map(({ child, outcome, key }) => ({
        child,
        key,
        pure: asOutcome(heldDecided.get(key)!),
        service: outcome,
      }))
      .filter(({ pure: p, service: s }) => !sameOutcome(p, s));
    line();
    line(`Behaviour (pure/held → service): ${behaviour.length} children decided otherwise`);
    listCounts(
      countBy(behaviour, ({ pure: p, service: s, child }) => {
        const why =
          s.decision === 'review' ? ` [${s.reasons?.join(', ') ?? 'reasons not known'}]` : '';
        return `${transition(p, s, child.truth)}${why}`;
      }),
    ).forEach((l) => line(l));
    for (const d of behaviour.slice(0, options.details)) {
      line(
        `    ${d.key} (${d.child.kind}, truth ${d.child.truth ?? 'none'}): pure ${describeOutcome(d.pure)}; ` +
          `service ${describeOutcome(d.service)}`,
      );
    }
    if (behaviour.length > options.details)
      line(`    … ${behaviour.length - options.details} more`);

    if (objected.size > 0) {
      line();
      line(
        `Sharing objections: ${objected.size} births; offered ${objectedOffered.length}; ` +
          `children linked to one ${linksToObjected.length} (must be 0)`,
      );
    }

    const failures: string[] = [];
    if (service.precision < MIN_PRECISION) {
      failures.push(`precision ${(100 * service.precision).toFixed(2)}% < ${100 * MIN_PRECISION}%`);
    }
    if (service.recall < MIN_RECALL) {
      failures.push(`recall ${(100 * service.recall).toFixed(2)}% < ${100 * MIN_RECALL}%`);
    }
    if (linksToObjected.length > 0 || objectedOffered.length > 0) {
      failures.push('a child under a sharing objection was offered or linked');
    }
    line();
    line(failures.length === 0 ? 'verdict: pass' : `verdict: FAIL (${failures.join('; ')})`);
    console.log(out.join('\n'));
    return failures.length === 0 ? 0 : 1;
  } finally {
    await desk?.app.close().catch((e: unknown) => say(`closing registrations: ${String(e)}`));
    await births?.app.close().catch((e: unknown) => say(`closing births: ${String(e)}`));
    await infra?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof UsageError ? error.message : error);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
