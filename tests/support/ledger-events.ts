import type { CloudEvent } from '@lib/contracts';
import { FigureCalculator } from '../../apps/reporting/src/figures/figures';
import { FiguresLedger } from '../../apps/reporting/src/figures/ledger';

/** Hand-made events for unit tests of what is computed from the figures ledger. */
let seq = 0;

export function event(
  type: string,
  facts: Record<string, unknown>,
  extra: Partial<CloudEvent> = {},
) {
  seq++;
  return {
    specversion: '1.0',
    id: `e${seq}`,
    type,
    source: 'test',
    subject: typeof facts.nhsNumber === 'string' ? facts.nhsNumber : 'x',
    time: `2026-11-01T00:00:${String(seq % 60).padStart(2, '0')}Z`,
    dataschema: 'test',
    subjectversion: 1,
    data: { facts },
    ...extra,
  } as CloudEvent;
}

export const boundaries = event('GeographyVersionPublished', {
  kind: 'boundaries',
  version: 1,
  versionId: 'boundaries:1',
  effectiveFrom: '2020-01-01',
  boundaries: {
    effectiveFrom: '2020-01-01',
    las: [{ code: 'E06099001', name: 'Fenbridge' }],
    clusters: [{ id: 'CL1', name: 'North', la: 'E06099001' }],
    centres: [
      { id: 'C1', name: 'Riverside', la: 'E06099001', cluster: 'CL1' },
      { id: 'C2', name: 'Hilltop', la: 'E06099001', cluster: 'CL1' },
    ],
    reachAreas: [
      { centreId: 'C1', lsoas: ['L1'] },
      { centreId: 'C2', lsoas: ['L2'] },
    ],
    imdDeciles: [],
  },
});

export function born(nhsNumber: string, birthDate: string, extra: Record<string, unknown> = {}) {
  return event('BirthNotified', { nhsNumber, birthDate, lsoa: 'L1', ...extra });
}

/** A calculator over a ledger with the boundaries and the events applied (pseudonym `p` + key). */
export function calculatorAfter(events: CloudEvent[]): FigureCalculator {
  const ledger = new FiguresLedger((n) => `p${n}`);
  for (const e of [boundaries, ...events]) ledger.apply(e, e.subject);
  return new FigureCalculator(ledger);
}
