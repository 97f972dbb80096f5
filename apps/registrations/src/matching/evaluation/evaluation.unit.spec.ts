import { isValidNhsNumber } from '@lib/nhs-number';
import { evaluateSeed, formatReport, type EvaluationReport } from './evaluate';
import { buildSyntheticArea } from './synthetic-area';

/**
 * The must-show of the matching issue: on synthetic areas of ~5,000 births and 1,000
 * registrations (900 with a known birth), automatic links are at least 99% right, at least 85%
 * of known children are found, and twins are never merged. Weights were tuned on seeds 101-106
 * and at 2.5 times the error rates; these seeds were not used for tuning.
 */
const SEEDS = [2024, 7, 31337];

describe('child matching evaluation', () => {
  const reports = new Map<number, EvaluationReport>();

  beforeAll(() => {
    for (const seed of SEEDS) {
      const report = evaluateSeed(seed);
      reports.set(seed, report);
      console.log(formatReport(report));
    }
  }, 300_000);

  it.each(SEEDS)('seed %d: precision ≥ 0.99 and recall ≥ 0.85', (seed) => {
    const r = reports.get(seed)!;
    expect(r.registeredChildren).toBe(1000);
    expect(r.withKnownBirth).toBe(900);
    expect(r.precision).toBeGreaterThanOrEqual(0.99);
    expect(r.recall).toBeGreaterThanOrEqual(0.85);
    expect(r.blockingRecall).toBeGreaterThanOrEqual(0.99);
  });

  it.each(SEEDS)('seed %d: twins are never merged, no record is linked twice', (seed) => {
    const r = reports.get(seed)!;
    expect(r.multipleBirthChildren).toBeGreaterThan(40);
    expect(r.multipleBirthChildrenRegisteredTogether).toBeGreaterThan(20);
    expect(r.multipleBirthsWronglyMerged).toBe(0);
    expect(r.falseLinksByCause['multiple-birth-sibling']).toBe(0);
    expect(r.nhsNumbersLinkedTwice).toBe(0);
  });
});

describe('synthetic area', () => {
  const area = buildSyntheticArea(2024);

  it('holds several thousand births with test-range NHS numbers drawn without replacement', () => {
    expect(area.births.length).toBeGreaterThan(4000);
    const numbers = area.births.map((b) => b.nhsNumber);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers.every((n) => isValidNhsNumber(n) && /^999[567]/.test(n))).toBe(true);
  });

  it('has twins and a few triplets among the births', () => {
    const sizes = [...area.facts.values()].map((f) => f.deliverySize);
    expect(sizes.filter((s) => s === 2).length).toBeGreaterThan(100);
    expect(sizes.filter((s) => s === 3).length).toBeGreaterThanOrEqual(9);
  });

  it('registers 1,000 children: 900 with a known birth and 100 hard cases without', () => {
    const children = area.registrations.flatMap((r) => r.children);
    expect(children).toHaveLength(1000);
    expect(children.filter((c) => c.truth !== null)).toHaveLength(900);
    const kinds = new Set(children.filter((c) => c.truth === null).map((c) => c.kind));
    expect(kinds).toEqual(
      new Set(['sibling-born-another-year', 'neighbour', 'same-surname', 'new-arrival']),
    );
    expect(children.every((c) => c.child.givenName !== '' && c.child.familyName !== '')).toBe(true);
  });

  it('is the same area for the same seed', () => {
    const again = buildSyntheticArea(2024);
    expect(again.births.slice(0, 50)).toEqual(area.births.slice(0, 50));
    expect(again.registrations[0]).toEqual(area.registrations[0]);
  });
});
