import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parse } from 'csv-parse/sync';
import { isValidNhsNumber } from '@lib/nhs-number';
import { POSTCODE_LOOKUP_ROWS } from '../../../apps/births/src/geography/postcode-rows';
import { validateBoundaries } from '../../../apps/births/src/geography/boundary-validation';
import {
  LIVE_BIRTH_EXTRACT_COLUMNS,
  mapLiveBirthRow,
} from '../../../apps/births/src/imports/live-birth-extract';
import { parseNemsMessage } from '../../../apps/births/src/nems/nems-message';
import {
  RecordDeathDto,
  RecordMoveDto,
  SharingChoiceDto,
} from '../../../apps/births/src/births/dto/child-events.dto';
import {
  contactRuleProblems,
  parseContact,
} from '../../../apps/health-visits/src/contacts/contact';
import {
  CONTACT_EXTRACT_COLUMNS as REAL_CONTACT_COLUMNS,
  mapContactRow,
  rowProblemOf,
} from '../../../apps/health-visits/src/imports/contact-extract';
import { RegisterFamilyDto } from '../../../apps/registrations/src/families/family.dto';
import { registrationProblems } from '../../../apps/registrations/src/families/family';
import { BIRTH_EXTRACT_COLUMNS, CONTACT_EXTRACT_COLUMNS } from './channels';
import { generate, type Manifest } from './generate';
import { NhsNumberPool } from './nhs-numbers';
import { Rng } from './prng';
import type { BirthFact, TruthRecord, WorldEvent } from './world';

jest.setTimeout(180_000);

const AS_OF = '2026-10-31';

function readLines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}

function worldOf(dir: string): WorldEvent[] {
  return readLines(join(dir, 'truth/world.ndjson')).map((l) => JSON.parse(l) as WorldEvent);
}

function truthOf(dir: string): Map<string, TruthRecord> {
  const records = readLines(join(dir, 'truth/records.ndjson')).map(
    (l) => JSON.parse(l) as TruthRecord,
  );
  return new Map(records.map((r) => [r.ref, r]));
}

describe('prng and NHS numbers', () => {
  it('gives the same stream for the same seed and key, another for another key', () => {
    const a = new Rng(1, 'x');
    const b = new Rng(1, 'x');
    const c = new Rng(1, 'y');
    const sa = Array.from({ length: 5 }, () => a.float());
    expect(Array.from({ length: 5 }, () => b.float())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.float())).not.toEqual(sa);
  });

  it('draws valid, distinct numbers inside the demo sub-range, mothers apart from children', () => {
    const pool = new NhsNumberPool('demo', 7);
    expect(pool.size).toBeGreaterThan(450_000);
    const seen = new Set<string>();
    const bad: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      for (const n of [pool.childNumber(i), pool.motherNumber(i)]) {
        const prefix = Number(n.slice(0, 4));
        if (!isValidNhsNumber(n) || prefix < 9990 || prefix > 9994) bad.push(n);
        seen.add(n);
      }
    }
    expect(bad).toEqual([]);
    expect(seen.size).toBe(40_000);
  });

  it('writes its extract columns exactly as the services read them', () => {
    expect([...BIRTH_EXTRACT_COLUMNS]).toEqual([...LIVE_BIRTH_EXTRACT_COLUMNS]);
    expect([...CONTACT_EXTRACT_COLUMNS]).toEqual([...REAL_CONTACT_COLUMNS]);
  });
});

describe('generate: determinism', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('gives byte-identical files for the same seed and --as-of, other bytes for another seed', async () => {
    const run = async (seed: number) => {
      const out = mkdtempSync(join(tmpdir(), 'synthetic-det-'));
      dirs.push(out);
      await generate({ seed, asOf: AS_OF, birthsPerYear: 600, spanMonths: 6, out, range: 'demo', shardChildren: 100 }); // prettier-ignore
      return {
        out,
        manifest: JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest,
      };
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(readFileSync(join(a.out, 'manifest.json'))).toEqual(
      readFileSync(join(b.out, 'manifest.json')),
    );
    for (const f of a.manifest.files) {
      expect(readFileSync(join(a.out, f.path))).toEqual(readFileSync(join(b.out, f.path)));
    }
    expect(a.manifest.files.length).toBeGreaterThan(20);
    expect(c.manifest.files.find((f) => f.path === 'truth/world.ndjson')!.sha256).not.toBe(
      a.manifest.files.find((f) => f.path === 'truth/world.ndjson')!.sha256,
    );
  });
});

describe('generate: a mid-size LA', () => {
  let out: string;
  let manifest: Manifest;
  let world: WorldEvent[];
  let truth: Map<string, TruthRecord>;
  const births: BirthFact[] = [];

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'synthetic-mid-'));
    const result = await generate({ seed: 3, asOf: AS_OF, birthsPerYear: 12_000, spanMonths: 24, out, range: 'demo' }); // prettier-ignore
    manifest = result.manifest;
    world = worldOf(out);
    truth = truthOf(out);
    for (const e of world) if (e.kind === 'born') births.push(e.birth);
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const files = (prefix: string) => manifest.files.filter((f) => f.path.startsWith(prefix));
  const within = (value: number, target: number, tolerance: number) => {
    expect(value).toBeGreaterThan(target - tolerance);
    expect(value).toBeLessThan(target + tolerance);
  };

  it('lands the headline rates near their targets', () => {
    expect(births.length).toBeGreaterThan(23_000);
    const term = births.filter((b) => b.gestationWeeks >= 37);
    within(term.filter((b) => b.birthWeightGrams < 2500).length / term.length, 0.03, 0.006);
    const knownSmoking = births.filter((b) => b.smokingAtDelivery !== 'U');
    within(
      knownSmoking.filter((b) => b.smokingAtDelivery === 'Y').length / knownSmoking.length,
      0.09,
      0.01,
    );
    within(
      births.filter((b) => b.deliveryMethod === 'spontaneous').length / births.length,
      0.49,
      0.02,
    );
    const teen = births.filter((b) => {
      const [by, bm, bd] = b.mother.birthDate.split('-').map(Number);
      const [y, m, d] = b.birthDate.split('-').map(Number);
      return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0) < 20;
    });
    within(teen.length / births.length, 0.025, 0.006);

    const bornOn = new Map(births.map((b) => [b.nhsNumber, b.birthDate]));
    const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;
    const contacts = world.flatMap((e) =>
      e.kind === 'hv-contact' ? [{ ...e.contact, date: e.date }] : [],
    );
    // NBV within 14 days, of children born here who turned 30 days old by --as-of.
    const turned30 = births.filter((b) => days(b.birthDate, AS_OF) >= 30);
    const nbv14 = new Set(
      contacts
        .filter(
          (c) =>
            c.contactType === 'new_birth_visit' &&
            days(bornOn.get(c.nhsNumber) ?? c.date, c.date) <= 14,
        )
        .map((c) => c.nhsNumber),
    );
    const alive30 = turned30.filter((b) => nbv14.has(b.nhsNumber)).length / turned30.length;
    within(alive30, 0.83, 0.03); // 85% planned, less deaths and moves before the visit
    const review68 = contacts.filter(
      (c) => c.contactType === 'review_6_8_week' && c.outcome === 'completed',
    );
    const recorded = review68.filter((c) => c.feedingStatus !== undefined);
    const breastfed = recorded.filter((c) => c.feedingStatus !== 'not_breastfed');
    within(breastfed.length / recorded.length, 0.5, 0.03);
    within(recorded.length / review68.length, 0.92, 0.015);
  });

  it('gives twins one delivery: same date, mother and address, orders 1..n', () => {
    const byDelivery = new Map<string, BirthFact[]>();
    for (const b of births)
      byDelivery.set(b.deliveryId, [...(byDelivery.get(b.deliveryId) ?? []), b]);
    const multiples = [...byDelivery.values()].filter((d) => d.length > 1);
    expect(multiples.length).toBeGreaterThan(200);
    for (const d of multiples) {
      expect(d.map((b) => b.multipleBirthOrder)).toEqual(d.map((_, i) => i + 1));
      expect(
        new Set(d.map((b) => `${b.birthDate}|${JSON.stringify(b.mother)}|${b.address.postcode}`))
          .size,
      ).toBe(1);
      expect(new Set(d.map((b) => b.nhsNumber)).size).toBe(d.length);
    }
  });

  it('uses valid, distinct demo-range NHS numbers for every child and mother', () => {
    const children = [
      ...births.map((b) => b.nhsNumber),
      ...world.flatMap((e) => (e.kind === 'moved' && e.birth ? [e.birth.nhsNumber] : [])),
    ];
    expect(new Set(children).size).toBe(children.length);
    const mothers = new Set(
      births.flatMap((b) => (b.mother.nhsNumber ? [b.mother.nhsNumber] : [])),
    );
    expect(mothers.size).toBeGreaterThan(births.length * 0.9);
    const bad = [...children, ...mothers].filter(
      (n) => !isValidNhsNumber(n) || n < '9990000000' || n >= '9995000000',
    );
    expect(bad).toEqual([]);
    expect(children.some((n) => mothers.has(n))).toBe(false);
  });

  it('writes geography the births service accepts', () => {
    const rows = parse<Record<string, string>>(readFileSync(join(out, 'geography/postcodes.csv')), { columns: true }); // prettier-ignore
    expect(rows.length).toBe(360 * 25);
    expect(rows.filter((row) => !POSTCODE_LOOKUP_ROWS.mapRow(row, 0).ok)).toEqual([]);
    expect(new Set(rows.map((r) => r.pcds)).size).toBe(rows.length);
    const body: unknown = JSON.parse(readFileSync(join(out, 'geography/boundaries.json'), 'utf8'));
    const postcodeLsoas = new Set(rows.map((r) => r.lsoa21cd));
    expect(validateBoundaries(body, postcodeLsoas)).toMatchObject({ ok: true });
  });

  it('predicts exactly how the births extract parser treats every row', () => {
    let checked = 0;
    for (const f of files('births/extracts/')) {
      const rows = parse<Record<string, string>>(readFileSync(join(out, f.path)), {
        columns: true,
      });
      rows.forEach((row, i) => {
        const t = truth.get(`${f.path}#${i + 2}`)!;
        const result = mapLiveBirthRow(row, AS_OF);
        if (t.treatment.expect === 'rejected') {
          expect(result.ok).toBe(false);
          if (!result.ok) {
            expect(result.problems.map((p) => `${p.column}: ${p.reason}`)).toEqual([
              t.treatment.reason,
            ]);
          }
        } else expect(result).toMatchObject({ ok: true, value: { nhsNumber: t.subject } });
        checked++;
      });
    }
    expect(checked).toBe(manifestRecords('births/extracts/'));
  });

  it('writes NEMS bundles the NEMS parser accepts, for the stated child', () => {
    const now = new Date(`${AS_OF}T12:00:00Z`);
    for (const f of files('births/nems/')) {
      readLines(join(out, f.path)).forEach((line, i) => {
        const t = truth.get(`${f.path}#${i + 1}`)!;
        const parsed = parseNemsMessage(line, 'json', now);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) {
          expect(parsed.warnings).toEqual([]);
          expect(parsed.birth?.nhsNumber).toBe(t.subject);
          expect(parsed.birth?.birthWeightGrams).toBeGreaterThan(0);
          expect(parsed.birth?.gestationWeeks).toBeGreaterThan(0);
        }
      });
    }
  });

  it('writes births API bodies that pass the DTO validation', () => {
    const instance = (path: string, body: object): object =>
      path.endsWith('/moves')
        ? plainToInstance(RecordMoveDto, body)
        : path.endsWith('/death')
          ? plainToInstance(RecordDeathDto, body)
          : plainToInstance(SharingChoiceDto, body);
    const failures: unknown[] = [];
    for (const f of files('births/api/')) {
      for (const line of readLines(join(out, f.path))) {
        const { path, body } = JSON.parse(line) as { path: string; body: object };
        const errors = validateSync(instance(path, body), { whitelist: true, forbidNonWhitelisted: true }); // prettier-ignore
        if (errors.length > 0) failures.push({ path, errors });
      }
    }
    expect(failures).toEqual([]);
  });

  it('predicts how the HV parsers and rules treat every contact (API, topic, extract)', () => {
    const bornOn = new Map(births.map((b) => [b.nhsNumber, b.birthDate]));
    const check = (ref: string, problems: string[], rules: string[]) => {
      const t = truth.get(ref)!;
      if (t.treatment.expect === 'rejected')
        expect([...problems, ...rules]).toEqual([t.treatment.reason]);
      else expect([...problems, ...rules]).toEqual([]);
    };
    const rulesOf = (contact: Parameters<typeof contactRuleProblems>[0], extract: boolean) =>
      contactRuleProblems(contact, { today: AS_OF, birthDate: bornOn.get(contact.nhsNumber) }).map(
        (p) => {
          if (!extract) return `${p.field}: ${p.reason}`;
          const r = rowProblemOf(p.field, p.reason);
          return `${r.column}: ${r.reason}`;
        },
      );
    for (const f of [...files('health-visits/api/'), ...files('health-visits/inbound/')]) {
      for (const line of readLines(join(out, f.path))) {
        const record = JSON.parse(line) as {
          seq: number;
          path?: string;
          body?: unknown;
          value?: { data: unknown };
        };
        if (record.path === '/contacts/cancellation') continue;
        const parsed = parseContact(record.body ?? record.value!.data);
        if (parsed.problems) {
          const problems = parsed.problems.map((p) => `${p.field}: ${p.reason}`);
          check(`${f.path}#${record.seq}`, problems, []);
        } else check(`${f.path}#${record.seq}`, [], rulesOf(parsed.contact, false));
      }
    }
    for (const f of files('health-visits/extracts/')) {
      const org = /extracts\/([A-Z0-9]+)-/.exec(f.path)![1];
      const rows = parse<Record<string, string>>(readFileSync(join(out, f.path)), {
        columns: true,
      });
      rows.forEach((row, i) => {
        const result = mapContactRow(row, { organisationCode: org });
        const problems = result.ok ? [] : result.problems.map((p) => `${p.column}: ${p.reason}`);
        check(`${f.path}#${i + 2}`, problems, result.ok ? rulesOf(result.value, true) : []);
      });
    }
  });

  it('writes registration forms that pass (or fail exactly as predicted) the DTO and form rules', () => {
    let rejected = 0;
    for (const f of files('registrations/')) {
      for (const line of readLines(join(out, f.path))) {
        const r = JSON.parse(line) as { seq: number; path: string; body: object };
        if (!/\/families$/.test(r.path)) continue;
        const dto = plainToInstance(RegisterFamilyDto, r.body);
        const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
        const problems =
          errors.length > 0 ? ['invalid'] : registrationProblems(dto, AS_OF).map((p) => p.reason);
        const t = truth.get(`${f.path}#${r.seq}`)!;
        if (t.treatment.expect === 'rejected') {
          rejected++;
          expect(JSON.stringify(errors)).toContain('nhsNumber');
        } else expect(problems).toEqual([]);
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });

  it('counts every record once in the summary', () => {
    const summary = JSON.parse(readFileSync(join(out, 'truth/summary.json'), 'utf8')) as {
      channels: Record<string, { total: number }>;
    };
    const total = Object.values(summary.channels).reduce((n, c) => n + c.total, 0);
    expect(total).toBe(truth.size);
  });

  function manifestRecords(prefix: string): number {
    return files(prefix).reduce((n, f) => n + f.records, 0);
  }
});
