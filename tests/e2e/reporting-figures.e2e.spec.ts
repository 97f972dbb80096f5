import { ServiceConfig } from '@lib/config';
import { ukToday } from '@lib/platform';
import { NhsNumberGenerator } from '@lib/nhs-number';
import { Pseudonymiser } from '@lib/personal-data';
import { generate, RATES } from '@lib/synthetic';
import { getConnectionToken } from '@nestjs/mongoose';
import { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { BirthsAppModule } from '../../apps/births/src/births-app.module';
import { HealthVisitsAppModule } from '../../apps/health-visits/src/health-visits-app.module';
import { RegistrationsAppModule } from '../../apps/registrations/src/registrations-app.module';
import { FiguresService } from '../../apps/reporting/src/figures/figures.service';
import { monthsOf, quarterOf } from '../../apps/reporting/src/figures/periods';
import { ReportingAppModule } from '../../apps/reporting/src/reporting-app.module';
import { SyntheticSender } from '../../scripts/support/synthetic-sender/sender';
import { loadState } from '../../scripts/support/synthetic-sender/state';
import { expectedIndicators, expectedReach } from '../support/expected-figures/expected-figures';
import {
  expectedMissingFeeding,
  expectedUnassigned,
  knownChildren,
} from '../support/expected-figures/expected-data-quality';
import { loadWorld } from '../support/expected-figures/world';
import { protectCount } from '../../apps/reporting/src/disclosure/disclosure';
import type { SefDocument } from '../../apps/reporting/src/sef/sef-types';
import { tokenFor } from '../support/given';
import { renderPage } from '../support/headless-browser';
import { readIndependently } from '../support/kafka-reader';
import {
  eventually,
  freePort,
  listenOnFreePort,
  startTestApp,
  TestApp,
  urlOf,
} from '../support/test-app';

// The full LA-year (`npm run verify`) sends ~23,000 records: about half an hour here.
jest.setTimeout(Number(process.env.FIGURES_TIMEOUT_MS ?? 1_800_000));

const MAIN = join(__dirname, '../../dist/apps/reporting/src/main.js');

/**
 * A test-range NHS number standing alone: not a run of digits inside a hex id (event ids, contact
 * ids and pseudonyms are hex, and a long hex string can hold ten decimal digits by chance).
 */
const NHS_NUMBER_TOKEN = /(?<![0-9a-zA-Z])999\d{7}(?![0-9a-zA-Z])/;

const brokers = (): string[] => (process.env.KAFKA_BROKERS ?? '').split(',');

/** Deep equality with numbers that are not integers equal to 1e-9 (the intervals). */
function differences(actual: unknown, expected: unknown, path = '$', out: string[] = []): string[] {
  if (typeof actual === 'number' && typeof expected === 'number') {
    if (Number.isInteger(expected) ? actual !== expected : Math.abs(actual - expected) > 1e-9)
      out.push(`${path}: ${actual} ≠ expected ${expected}`);
  } else if (actual && expected && typeof actual === 'object' && typeof expected === 'object') {
    const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
    for (const k of keys) {
      differences(
        (actual as Record<string, unknown>)[k],
        (expected as Record<string, unknown>)[k],
        `${path}.${k}`,
        out,
      );
    }
  } else if (actual !== expected) {
    out.push(`${path}: ${JSON.stringify(actual)} ≠ expected ${JSON.stringify(expected)}`);
  }
  return out;
}

// Issue 8, must show 1 (the quarter-size version; `npm run verify` runs the full LA-year): a
// generated LA-year (1,000 births a year, 12 months) sent through the real interfaces; every
// reach figure and indicator of every centre, cluster and the LA equals the independent
// recomputation from the generator's truth file (tests/support/expected-figures, written apart
// from the service from docs/figures.md).
// Must show 3: a second reporting process, SIGKILLed while the load is going on and started
// again, serves the same figures over HTTP.
describe('reporting figures equal the independent recomputation', () => {
  let apps: TestApp[] = [];
  let dir: string;
  let separate: SeparateReporting | undefined;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`build first (npm run build): ${MAIN} is missing`);
    apps = [
      await startTestApp(BirthsAppModule, 'births'),
      await startTestApp(HealthVisitsAppModule, 'health-visits'),
      await startTestApp(RegistrationsAppModule, 'registrations'),
      await startTestApp(ReportingAppModule, 'reporting'),
    ];
    for (const app of apps) await listenOnFreePort(app);
    dir = mkdtempSync(join(tmpdir(), 'reporting-figures-'));
  });

  afterAll(async () => {
    await separate?.kill();
    await Promise.all(apps.map((a) => a.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should give every reach figure and indicator of every area exactly', async () => {
    const asOf = ukToday();
    // 1,000 a year: a quarter of the synthetic LA (FIGURES_BIRTHS_PER_YEAR to try others).
    const scale = process.env.FIGURES_BIRTHS_PER_YEAR ?? '1000';
    const birthsPerYear = scale === 'la' ? RATES.birthsPerYearLa.value : Number(scale);
    await generate({
      seed: 8,
      asOf,
      birthsPerYear,
      spanMonths: 12,
      out: dir,
      range: 'test',
    });
    const [births, hv, registrations, reporting] = apps as [TestApp, TestApp, TestApp, TestApp];
    const prefix = hv.app.get(ServiceConfig).KAFKA_GROUP_PREFIX;
    const analyst = await tokenFor('la-analyst', { la: 'E06099001' });
    const reporting2 = new SeparateReporting(analyst);
    separate = reporting2;
    await reporting2.start();
    // Kill it mid-load once it has applied a fair part of what is coming, then start it again.
    let killedWhileSending = false;
    let sending = true;
    const killer = (async () => {
      await eventually(
        async () => ((await reporting2.status())?.eventsApplied ?? 0) >= birthsPerYear || undefined,
        900_000,
        100,
      );
      killedWhileSending = sending;
      const atKill = (await reporting2.status())?.eventsApplied;
      await reporting2.kill();
      process.stdout.write(`[figures] reporting process SIGKILLed at ${atKill} events applied\n`);
      await reporting2.start();
    })();
    const summary = await new SyntheticSender({
      inDir: dir,
      birthsUrl: urlOf(births),
      hvUrl: urlOf(hv),
      registrationsUrl: urlOf(registrations),
      brokers: brokers(),
      inboundGroupId: `${prefix}health-visits.inbound`,
      progressMode: 'off',
      log: () => undefined,
    }).send();
    sending = false;
    await killer;
    expect(killedWhileSending).toBe(true);
    expect(summary.sent).toBeGreaterThan(3 * birthsPerYear);

    // Everything the services published has been applied: nothing behind, and no change for 3 s.
    const figures = reporting.app.get(FiguresService);
    let quiet = 0;
    let lastRevision = -1;
    await eventually(
      async () => {
        const behind = await figures.behindNow();
        quiet = behind === 0 && figures.ledger.revision === lastRevision ? quiet + 1 : 0;
        lastRevision = figures.ledger.revision;
        return quiet >= 3 ? true : undefined;
      },
      600_000,
      1000,
    );

    // Which registered children registrations linked to their NHS number (matching is its job,
    // measured on its own): read independently from its topic, mapped to the generator's refs.
    const kafka = new Kafka({ clientId: 'figures-test', brokers: brokers(), logLevel: 0 });
    const admin = kafka.admin();
    await admin.connect();
    const total = (await admin.fetchTopicOffsets('registrations.child.v1')).reduce(
      (n, p) => n + Number(p.high) - Number(p.low),
      0,
    );
    await admin.disconnect();
    const messages = await readIndependently(
      'registrations.child.v1',
      (seen) => seen.length >= total,
      120_000,
    );
    const decisions = new Map<string, { at: string; linked: boolean; nhsNumber: string }>();
    const formGave = new Map<string, string>();
    for (const m of messages) {
      const e = JSON.parse(m.value!.toString()) as {
        type: string;
        recordedtime: string;
        data: { facts: { childId: string; nhsNumber?: string } };
      };
      const { childId, nhsNumber } = e.data.facts;
      if (e.type === 'ChildRegistered' && nhsNumber) formGave.set(childId, nhsNumber);
      if (e.type === 'ChildLinked' || e.type === 'ChildUnlinked') {
        const known = decisions.get(childId);
        if (!known || e.recordedtime >= known.at)
          decisions.set(childId, {
            at: e.recordedtime,
            linked: e.type === 'ChildLinked',
            nhsNumber: nhsNumber ?? '',
          });
      }
    }
    const refs = loadState(join(dir, '.send', 'state.json')).refs.child;
    const linkedChildRefs = new Set(
      Object.entries(refs)
        .filter(([, id]) => decisions.get(id)?.linked ?? formGave.has(id))
        .map(([ref]) => ref),
    );
    expect(linkedChildRefs.size).toBeGreaterThan(100);

    const { world, boundaries } = loadWorld(dir);
    const map = figures.calculator.boundaryVersion(undefined, asOf);
    const version = map.version.versionId;
    const areas = [
      ...boundaries.centres.map((c) => `centre:${c.id}`),
      ...boundaries.clusters.map((c) => `cluster:${c.id}`),
      ...boundaries.las.map((l) => `la:${l.code}`),
    ];
    // Every month from the first world event to the as-of date, and their financial quarters.
    const months = monthsOf({ id: 'span', start: world[0].date, end: asOf });
    const quarters = [...new Set(months.map((m) => quarterOf(`${m}-01`)))];
    const periods = [
      ...months.map((m) => `month:${m}`),
      ...quarters,
      `rolling12:${asOf.slice(0, 7)}`,
      `rolling24:${asOf.slice(0, 7)}`,
    ];
    const options = { boundaryVersion: version, sustainedThreshold: 3, linkedChildRefs };
    // The killed-and-restarted process has applied every event the in-process one has.
    const applied = figures.ledger.appliedCount;
    await eventually(
      async () => ((await reporting2.status())?.eventsApplied === applied ? true : undefined),
      300_000,
      500,
    );
    const problems: string[] = [];
    let compared = 0;
    for (const area of areas) {
      for (const period of periods) {
        const expected = expectedReach(world, boundaries, area, period, options);
        const actual = figures.calculator.reach(map, area, period, { sustainedThreshold: 3 });
        problems.push(...differences(actual, expected, `reach ${area} ${period}`));
        const restarted = await reporting2.get('/figures/reach', { area, period });
        problems.push(...differences(restarted, expected, `restarted-reach ${area} ${period}`));
        compared++;
      }
      for (const quarter of quarters) {
        const expected = expectedIndicators(world, boundaries, area, quarter, options);
        const actual = figures.calculator.indicators(map, area, quarter, {});
        problems.push(...differences(actual, expected, `indicators ${area} ${quarter}`));
        const query = { area, period: quarter };
        const restarted = await reporting2.get('/figures/indicators', query);
        problems.push(
          ...differences(restarted, expected, `restarted-indicators ${area} ${quarter}`),
        );
        compared++;
      }
    }
    // On a difference: how many of each figure differ (areas and periods folded), and examples.
    const byFigure: Record<string, number> = {};
    for (const p of problems) {
      const figure = p.replace(/^(\w+) \S+ \S+\./, '$1 ').replace(/:.*$/, '');
      byFigure[figure] = (byFigure[figure] ?? 0) + 1;
    }
    expect({ compared, byFigure, examples: problems.slice(0, 12) }).toEqual({
      compared: areas.length * (periods.length + quarters.length),
      byFigure: {},
      examples: [],
    });
    // The figures are not all zero: the comparison compared something.
    const la = figures.calculator.reach(map, areas.at(-1)!, `rolling12:${asOf.slice(0, 7)}`, {
      sustainedThreshold: 3,
    });
    expect(la.rows.all.population).toBeGreaterThan(birthsPerYear / 2);
    expect(la.rows.all.registered).toBeGreaterThan(birthsPerYear / 10);
    expect(la.rows.all.seen).toBeGreaterThan(birthsPerYear / 20);

    // Over HTTP, as an analyst of the LA and a centre's manager (own centre only).
    const laCode = boundaries.las[0].code;
    expect(laCode).toBe('E06099001');
    const viaHttp = await request(reporting.app.getHttpServer())
      .get('/figures/reach')
      .query({ area: `la:${laCode}`, period: `rolling12:${asOf.slice(0, 7)}` })
      .set('authorization', `Bearer ${analyst}`)
      .expect(200);
    expect(differences(viaHttp.body, JSON.parse(JSON.stringify(la)) as unknown)).toEqual([]);
    const centre = boundaries.centres[0].id;
    const manager = await tokenFor('centre-manager', { centres: [centre], la: laCode });
    await request(reporting.app.getHttpServer())
      .get('/figures/indicators')
      .query({ area: `centre:${centre}`, period: quarters.at(-1) })
      .set('authorization', `Bearer ${manager}`)
      .expect(200);
    const other = await request(reporting.app.getHttpServer())
      .get('/figures/reach')
      .query({ area: `centre:${boundaries.centres[1].id}`, period: quarters.at(-1) })
      .set('authorization', `Bearer ${manager}`)
      .expect(403);
    expect(other.body.message).toContain('not one of your centres');
    const bad = await request(reporting.app.getHttpServer())
      .get('/figures/reach')
      .query({ area: `la:${laCode}`, period: 'quarter:2026-28-Q1' })
      .set('authorization', `Bearer ${analyst}`)
      .expect(400);
    expect(bad.body.message).toContain('written like 2026-27');

    // Reporting's data-quality lists, as the LA's analyst sees them (pseudonyms only), equal the
    // lists recomputed from the truth: children placed in no reach area, registrations no birth
    // matches (from the link decisions registrations published), NBVs and 6-8 week reviews
    // without a feeding status.
    const pseudonymOf = (nhs: string) => reporting.app.get(Pseudonymiser).pseudonym(nhs);
    const dataQuality = async (list: string) => {
      const res = await request(reporting.app.getHttpServer())
        .get(`/figures/data-quality/${laCode}/${list}`)
        .query({ limit: 5000 })
        .set('authorization', `Bearer ${analyst}`)
        .set('x-purpose', 'test: data quality')
        .expect(200);
      // Pseudonymised: no NHS number from the test range anywhere in the answer.
      expect(JSON.stringify(res.body)).not.toMatch(NHS_NUMBER_TOKEN);
      expect(res.body.page.total).toBeLessThanOrEqual(5000);
      return res.body as { entries: Record<string, unknown>[]; sensitiveNotListed?: number };
    };
    const sorted = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();
    const unassigned = await dataQuality('unassigned-postcodes');
    const expectedPlaces = expectedUnassigned(world, boundaries, asOf);
    expect(expectedPlaces.entries.length).toBeGreaterThan(0);
    expect(unassigned.sensitiveNotListed).toBe(expectedPlaces.sensitive);
    expect(sorted(unassigned.entries.map((e) => [e.pseudonym, e.reason, e.postcodeDistrict, e.sinceMonth]))).toEqual(
      sorted(expectedPlaces.entries.map((e) => [pseudonymOf(e.nhsNumber), e.reason, e.postcodeDistrict, e.since.slice(0, 7)])),
    ); // prettier-ignore
    const feeding = await dataQuality('missing-feeding-status');
    const expectedFeeding = expectedMissingFeeding(world);
    expect(expectedFeeding.length).toBeGreaterThan(0);
    expect(sorted(feeding.entries.map((e) => [e.pseudonym, e.contactType, e.contactDate, e.organisationCode]))).toEqual(
      sorted(expectedFeeding.map((e) => [pseudonymOf(e.nhsNumber), e.contactType, e.contactDate, e.organisationCode])),
    ); // prettier-ignore
    const unmatched = await dataQuality('unmatched-registrations');
    const known = knownChildren(world);
    const withdrawn = new Set(
      world.flatMap((e) => (e.kind === 'family-withdrawn' && e.date <= asOf ? [e.familyRef] : [])),
    );
    const expectedUnmatched = world.flatMap((e) => {
      if (e.kind !== 'family-registered' || withdrawn.has(e.family.familyRef)) return [];
      return e.family.children.flatMap((c) => {
        const childId = refs[c.childRef];
        if (childId === undefined) return [];
        const decision = decisions.get(childId);
        const nhs = decision ? (decision.linked ? decision.nhsNumber : null) : formGave.get(childId);
        if (nhs && known.has(nhs)) return [];
        const reason = nhs ? 'nhs_number_not_known_here' : decision ? 'link_removed' : 'no_nhs_number';
        return [[childId, e.family.centreId, reason]];
      });
    }); // prettier-ignore
    expect(expectedUnmatched.length).toBeGreaterThan(0);
    expect(sorted(unmatched.entries.map((e) => [e.childId, e.centreId, e.reason]))).toEqual(
      sorted(expectedUnmatched),
    );
    process.stdout.write(
      `[figures] data-quality lists equal the truth: ${unassigned.entries.length} unassigned ` +
        `(+${expectedPlaces.sensitive} sensitive), ${unmatched.entries.length} unmatched ` +
        `registrations, ${feeding.entries.length} contacts without feeding status\n`,
    );
    await request(reporting.app.getHttpServer())
      .get(`/figures/data-quality/E06099002/late-records`)
      .set('authorization', `Bearer ${analyst}`)
      .set('x-purpose', 'test: data quality')
      .expect(403);

    // Must show 5: children whose parent objects (now) are in no journey and no worklist for
    // centre roles, in this process and after a rebuild (the separate process, started again on
    // a fresh store, replays every topic from offset 0), while the figures above counted them.
    const choices = sharingNow(world);
    const centreOf = new Map(
      boundaries.reachAreas.flatMap((r) => r.lsoas.map((l) => [l, r.centreId] as const)),
    );
    const placed = world.flatMap((e) =>
      e.kind === 'born' && e.birth.address.lsoa && centreOf.has(e.birth.address.lsoa)
        ? [{ nhsNumber: e.birth.nhsNumber, centre: centreOf.get(e.birth.address.lsoa)! }]
        : [],
    );
    const objected = placed.filter((b) => choices.get(b.nhsNumber) === true).slice(0, 5);
    const control = placed.filter((b) => choices.get(b.nhsNumber) !== true).slice(0, 5);
    expect(objected.length).toBeGreaterThan(0);
    const ledgerObjected = figures.calculator.children().filter((c) => c.objection).length;
    expect(ledgerObjected).toBe([...choices.values()].filter(Boolean).length);
    const staffOf = async (centre: string) => ({
      authorization: `Bearer ${await tokenFor('centre-staff', { centres: [centre], la: laCode })}`,
      'x-purpose': 'test: outreach planning',
    });
    const journeyStatus = async (base: string, child: { nhsNumber: string; centre: string }) =>
      (await fetch(`${base}/journeys/${child.nhsNumber}`, { headers: await staffOf(child.centre) }))
        .status;
    const worklisted = async (base: string) => {
      const listed = new Set<string>();
      for (const c of boundaries.centres) {
        const res = await fetch(`${base}/worklists/outreach/${c.id}?afterDays=0`, {
          headers: await staffOf(c.id),
        });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { children: { nhsNumber: string }[] };
        for (const child of body.children) listed.add(child.nhsNumber);
      }
      return listed;
    };
    const checkPrivacy = async (base: string) => {
      // Controls first: journeys of children without an objection are there (the projection
      // has caught up), so a 404 below means hidden, not late.
      for (const child of control) {
        await eventually(async () => (await journeyStatus(base, child)) === 200 || undefined);
      }
      for (const child of objected) expect(await journeyStatus(base, child)).toBe(404);
      const listed = await worklisted(base);
      expect(listed.size).toBeGreaterThan(0);
      const objectedListed = [...listed].filter((n) => choices.get(n) === true);
      expect(objectedListed).toEqual([]);
    };
    await checkPrivacy(urlOf(reporting));
    await reporting2.kill();
    await reporting2.start({ freshStore: true });
    await eventually(
      async () => ((await reporting2.status())?.eventsApplied === applied ? true : undefined),
      300_000,
      500,
    );
    await checkPrivacy(reporting2.url);

    // The SEF data section of a centre (must show 4), then a submission that late events leave
    // unchanged while the current figures move.
    const centreId = boundaries.centres[0].id;
    const year = `year:${quarterOf(asOf).slice('quarter:'.length, -'-Q1'.length)}`;
    const managerHeaders = {
      authorization: `Bearer ${await tokenFor('centre-manager', { centres: [centreId], la: laCode })}`,
    };
    const sefUrl = (format: string) =>
      `${urlOf(reporting)}/sef/${centreId}?period=${year}&format=${format}`;
    const sefNow = async () =>
      (await (await fetch(sefUrl('json'), { headers: managerHeaders })).json()) as SefDocument;
    const sef = await sefNow();
    const expectedYear = expectedReach(world, boundaries, `centre:${centreId}`, year, options);
    expect(sef.reach.map((r) => [r.row, r.population, r.registered, r.seen, r.sustained])).toEqual(
      Object.entries(expectedYear.rows).map(([row, c]) => [
        row,
        protectCount(c.population),
        protectCount(c.registered),
        protectCount(c.seen),
        protectCount(c.sustained),
      ]),
    );
    const expectedQuarter = expectedIndicators(
      world,
      boundaries,
      `centre:${centreId}`,
      sef.indicatorQuarter,
      options,
    );
    expect(sef.indicators.map((i) => [i.id, i.numerator, i.denominator])).toEqual(
      Object.entries(expectedQuarter.indicators).map(([id, f]) => [
        id,
        protectCount(f.breakdowns.all.numerator),
        protectCount(f.breakdowns.all.denominator),
      ]),
    );
    // Small cells are hidden (the quarter-size LA's smaller groups give some).
    expect(sef.reach.flatMap((r) => [r.registered, r.seen, r.sustained])).toContain('*');

    const page = await renderPage(sefUrl('html'), {
      screenshotPath: join(__dirname, '../../test-results', `sef-${centreId}.png`),
      headers: managerHeaders,
    });
    expect(page.text).toContain(sef.centre.name);
    expect(page.text).toContain(`boundary version ${sef.boundaryVersion}`);
    expect(page.tables['reach-table']).toHaveLength(1 + sef.reach.length);
    expect(page.tables['reach-table'][1][0]).toBe('All children under 5');
    expect(page.tables['reach-table'][1]).toContain(String(sef.reach[0].population));
    expect(page.tables['indicators-table']).toHaveLength(1 + sef.indicators.length);
    const csv = await fetch(sefUrl('csv'), { headers: managerHeaders });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('section,row,measure,value,period,boundary_version');
    expect(lines.filter((l) => l.startsWith('reach,all,population,'))).toEqual([
      `reach,all,population,${sef.reach[0].population},${year},${sef.boundaryVersion}`,
    ]);

    const submitted = await fetch(
      `${urlOf(reporting)}/sef/${centreId}/submissions?period=${year}`,
      { method: 'POST', headers: managerHeaders },
    );
    expect(submitted.status).toBe(201);
    const snapshot = (await submitted.json()) as SefDocument;
    expect(snapshot).toMatchObject({ kind: 'submitted', submittedBy: 'test-centre-manager' });
    const snapshotUrl = `${urlOf(reporting)}/sef/${centreId}/submissions/${snapshot.snapshotId}`;
    // Ten late births in the centre's area: the current figures move, the snapshot does not.
    const postcode = world.flatMap((e) =>
      e.kind === 'born' && centreOf.get(e.birth.address.lsoa ?? '') === centreId
        ? [e.birth.address.postcode]
        : [],
    )[0];
    const feed = await tokenFor('births-feed', { org: 'RX1' });
    const late = new NhsNumberGenerator('demo');
    const before = figures.calculator.reach(map, `centre:${centreId}`, year, {
      sustainedThreshold: 3,
    }).rows.all.population;
    for (let i = 0; i < 10; i++) {
      await request(births.app.getHttpServer())
        .post('/births')
        .auth(feed, { type: 'bearer' })
        .send({ nhsNumber: late.next(), birthDate: asOf, postcode })
        .expect(201);
    }
    await eventually(() => {
      const now = figures.calculator.reach(map, `centre:${centreId}`, year, {
        sustainedThreshold: 3,
      });
      return Promise.resolve(now.rows.all.population === before + 10 || undefined);
    });
    expect((await sefNow()).reach[0].population).not.toEqual(snapshot.reach[0].population);
    const again = await fetch(`${snapshotUrl}?format=json`, { headers: managerHeaders });
    expect(await again.json()).toEqual(snapshot);
    const listed = await fetch(`${urlOf(reporting)}/sef/${centreId}/submissions`, {
      headers: managerHeaders,
    });
    expect(await listed.json()).toMatchObject([{ snapshotId: snapshot.snapshotId }]);

    // Everything reporting stores beside the identifiable journeys (and the audit trail of who
    // read them) holds no NHS number and no child's name: a scan of every other collection.
    const db = reporting.app.get<Connection>(getConnectionToken()).db!;
    const identifiable = new Set(['journey_entries', 'journey_erased_keys', 'audit_records']);
    const placeWords = new Set(JSON.stringify(boundaries).match(/[A-Z][a-z]+/g));
    const names = new Set(
      world
        .flatMap((e) => (e.kind === 'born' ? [e.birth.givenName, e.birth.familyName] : []))
        .filter((n) => !placeWords.has(n)),
    );
    const scanned: string[] = [];
    for (const { name } of await db.listCollections().toArray()) {
      if (identifiable.has(name)) continue;
      scanned.push(name);
      for (const doc of await db.collection(name).find().toArray()) {
        const text = JSON.stringify(doc);
        const nhsNumbers = text.match(new RegExp(NHS_NUMBER_TOKEN, 'g'));
        expect({ name, nhsNumbers }).toEqual({ name, nhsNumbers: null });
        const words = [...new Set(text.match(/[A-Z][a-z]+/g))];
        expect({ name, names: words.filter((w) => names.has(w)) }).toEqual({ name, names: [] });
      }
    }
    expect(scanned).toEqual(expect.arrayContaining(['sef_submissions']));
  });
});

/** Whether each child's parent objects to sharing now: the latest effective date wins. */
function sharingNow(world: ReturnType<typeof loadWorld>['world']): Map<string, boolean> {
  const latest = new Map<string, { date: string; objects: boolean }>();
  const state = (nhsNumber: string, date: string, objects: boolean) => {
    const known = latest.get(nhsNumber);
    if (!known || date >= known.date) latest.set(nhsNumber, { date, objects });
  };
  for (const e of world) {
    if (e.kind === 'born') state(e.birth.nhsNumber, e.birth.birthDate, e.birth.sharingObjection);
    if (e.kind === 'sharing-choice') state(e.nhsNumber, e.date, e.objects);
  }
  return new Map([...latest].map(([n, s]) => [n, s.objects]));
}

/** A reporting service in its own process (the built app), so that it can be SIGKILLed. */
class SeparateReporting {
  process: ChildProcess | undefined;
  private port = 0;
  private runId = randomUUID().slice(0, 8);

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  constructor(private readonly token: string) {}

  /** `freshStore`: a new database and consumer groups, so every projection is rebuilt. */
  async start(options: { freshStore?: boolean } = {}): Promise<void> {
    if (!this.port) this.port = await freePort();
    if (options.freshStore) this.runId = randomUUID().slice(0, 8);
    this.process = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        PORT: String(this.port),
        MONGODB_DB: `test_figures_crash_${this.runId}`,
        KAFKA_GROUP_PREFIX: `figures-crash-${this.runId}.`,
        LOG_LEVEL: 'error',
        RATE_LIMIT_PER_MINUTE: '1000000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await eventually(async () => ((await this.status()) ? true : undefined), 120_000, 250);
  }

  async kill(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async status(): Promise<{ eventsApplied: number } | undefined> {
    try {
      return (await this.get('/figures/status', {})) as { eventsApplied: number };
    } catch {
      return undefined;
    }
  }

  async get(path: string, query: Record<string, string>): Promise<unknown> {
    const url = new URL(path, `http://127.0.0.1:${this.port}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const response = await fetch(url, { headers: { authorization: `Bearer ${this.token}` } });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  }
}
