import { monthsOf, orderSteps, stepOf } from './layout';

describe('synthetic sender: the layout and its order', () => {
  it('should send geography first, then month by month births, health visits, registrations', () => {
    const files = [
      'registrations/2026-01.ndjson',
      'health-visits/inbound/2026-01.ndjson',
      'births/api/2026-02.ndjson',
      'health-visits/extracts/RYX-2026-01.csv',
      'health-visits/extracts/RAB-2026-01.csv',
      'births/nems/2026-01.ndjson',
      'geography/boundaries.json',
      'health-visits/api/2026-01.ndjson',
      'births/extracts/2026-02.csv',
      'births/api/2026-01.ndjson',
      'births/extracts/2026-01.csv',
      'geography/postcodes.csv',
      'manifest.json',
      'truth/records.ndjson',
    ];
    expect(orderSteps(files).map((s) => s.file)).toEqual([
      'geography/postcodes.csv',
      'geography/boundaries.json',
      'births/extracts/2026-01.csv',
      'births/nems/2026-01.ndjson',
      'births/api/2026-01.ndjson',
      'health-visits/api/2026-01.ndjson',
      'health-visits/extracts/RAB-2026-01.csv',
      'health-visits/extracts/RYX-2026-01.csv',
      'health-visits/inbound/2026-01.ndjson',
      'registrations/2026-01.ndjson',
      'births/extracts/2026-02.csv',
      'births/api/2026-02.ndjson',
    ]);
    expect(monthsOf(orderSteps(files))).toEqual(['2026-01', '2026-02']);
  });

  it('should read the organisation of a health-visit extract from its name', () => {
    expect(stepOf('health-visits/extracts/R-X1-2026-03.csv')).toEqual({
      file: 'health-visits/extracts/R-X1-2026-03.csv',
      channel: 'hv-extract',
      org: 'R-X1',
      month: '2026-03',
    });
    expect(stepOf('truth/summary.json')).toBeUndefined();
  });
});
