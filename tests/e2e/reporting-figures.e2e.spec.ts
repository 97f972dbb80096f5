import { ServiceConfig } from '@lib/config';
import { ukToday } from '@lib/platform';
import { generate } from '@lib/synthetic';
import { Kafka } from 'kafkajs';
import { mkdtempSync, rmSync } from 'node:fs';
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
import { loadWorld } from '../support/expected-figures/world';
import { tokenFor } from '../support/given';
import { readIndependently } from '../support/kafka-reader';
import { eventually, listenOnFreePort, startTestApp, TestApp, urlOf } from '../support/test-app';

jest.setTimeout(1_800_000);

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

// Issue 8, must show 1 (the quarter-size version): a generated LA-year (1,000 births a year,
// 12 months) sent through the real interfaces; every reach figure and indicator of every centre,
// cluster and the LA equals the independent recomputation from the generator's truth file
// (tests/support/expected-figures, written apart from the service from docs/figures.md).
describe('reporting figures equal the independent recomputation', () => {
  let apps: TestApp[] = [];
  let dir: string;

  beforeAll(async () => {
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
    await Promise.all(apps.map((a) => a.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should give every reach figure and indicator of every area exactly', async () => {
    const asOf = ukToday();
    // 1,000 a year: a quarter of the synthetic LA (FIGURES_BIRTHS_PER_YEAR to try others).
    const birthsPerYear = Number(process.env.FIGURES_BIRTHS_PER_YEAR ?? 1000);
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
    const decisions = new Map<string, { at: string; linked: boolean }>();
    const formGave = new Set<string>();
    for (const m of messages) {
      const e = JSON.parse(m.value!.toString()) as {
        type: string;
        recordedtime: string;
        data: { facts: { childId: string; nhsNumber?: string } };
      };
      const { childId, nhsNumber } = e.data.facts;
      if (e.type === 'ChildRegistered' && nhsNumber) formGave.add(childId);
      if (e.type === 'ChildLinked' || e.type === 'ChildUnlinked') {
        const known = decisions.get(childId);
        if (!known || e.recordedtime >= known.at)
          decisions.set(childId, { at: e.recordedtime, linked: e.type === 'ChildLinked' });
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
    const problems: string[] = [];
    let compared = 0;
    for (const area of areas) {
      for (const period of periods) {
        const actual = figures.calculator.reach(map, area, period, { sustainedThreshold: 3 });
        const expected = expectedReach(world, boundaries, area, period, options);
        problems.push(...differences(actual, expected, `reach ${area} ${period}`));
        compared++;
      }
      for (const quarter of quarters) {
        const actual = figures.calculator.indicators(map, area, quarter, {});
        const expected = expectedIndicators(world, boundaries, area, quarter, options);
        problems.push(...differences(actual, expected, `indicators ${area} ${quarter}`));
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
    const analyst = await tokenFor('la-analyst', { la: laCode });
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
  });
});
