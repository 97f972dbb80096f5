import { ServiceConfig } from '@lib/config';
import { ukToday } from '@lib/platform';
import { generate } from '@lib/synthetic';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BirthsAppModule } from '../../apps/births/src/births-app.module';
import { HealthVisitsAppModule } from '../../apps/health-visits/src/health-visits-app.module';
import { RegistrationsAppModule } from '../../apps/registrations/src/registrations-app.module';
import { runCheck } from '../../scripts/support/synthetic-sender/check';
import { outcomesFileOf, SyntheticSender } from '../../scripts/support/synthetic-sender/sender';
import { listenOnFreePort, startTestApp, TestApp, urlOf } from '../support/test-app';

jest.setTimeout(600_000);

const brokers = (): string[] => (process.env.KAFKA_BROKERS ?? '').split(',');

// A small synthetic LA generated and sent through the real interfaces (births extracts, NEMS,
// births API, HV API, extracts and inbound topic, the registration API): every service's
// accepted, duplicate and rejected counts equal the truth file's, and sending again sends
// nothing. The full LA-year is `npm run synthetic:run` (README).
describe('synthetic LA through the real interfaces', () => {
  let apps: TestApp[] = [];
  let dir: string;

  beforeAll(async () => {
    apps = [
      await startTestApp(BirthsAppModule, 'births'),
      await startTestApp(HealthVisitsAppModule, 'health-visits'),
      await startTestApp(RegistrationsAppModule, 'registrations'),
    ];
    for (const app of apps) await listenOnFreePort(app);
    dir = mkdtempSync(join(tmpdir(), 'synthetic-la-'));
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("should see every service's counts equal the truth file's, and send nothing twice", async () => {
    // Three months up to today (the services refuse dates in the future by the real clock).
    await generate({
      seed: 7,
      asOf: ukToday(),
      birthsPerYear: 240,
      spanMonths: 3,
      out: dir,
      range: 'test',
    });
    const [births, hv, registrations] = apps;
    const prefix = hv.app.get(ServiceConfig).KAFKA_GROUP_PREFIX;
    const sender = () =>
      new SyntheticSender({
        inDir: dir,
        birthsUrl: urlOf(births),
        hvUrl: urlOf(hv),
        registrationsUrl: urlOf(registrations),
        brokers: brokers(),
        inboundGroupId: `${prefix}health-visits.inbound`,
        progressMode: 'off',
        log: () => undefined,
      });
    const first = await sender().send();
    const truthRecords = readFileSync(join(dir, 'truth', 'records.ndjson'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '').length;
    expect(first.sent).toBeGreaterThan(100);
    expect(first.counts.rejected).toBeGreaterThan(0);

    const outcomes = outcomesFileOf(join(dir, '.send', 'state.json'));
    const check = runCheck(dir, outcomes);
    expect({ differences: check.differences, examples: check.examples }).toEqual({
      differences: 0,
      examples: [],
    });
    expect(truthRecords).toBeGreaterThan(100);

    const linesBefore = readFileSync(outcomes, 'utf8');
    const again = await sender().send();
    expect(again.sent).toBe(0);
    expect(readFileSync(outcomes, 'utf8')).toBe(linesBefore);
  });
});
