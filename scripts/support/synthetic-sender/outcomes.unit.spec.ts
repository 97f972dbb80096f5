import {
  compare,
  formatTable,
  normaliseChannel,
  serviceCounts,
  summaryCounts,
  treatmentOf,
  truthCounts,
  zeroCounts,
  type Outcome,
} from './outcomes';

describe('synthetic sender: answers and the truth', () => {
  it('should read what each answer means', () => {
    expect(treatmentOf('births-api', 201, {})).toEqual({ treatment: 'accepted' });
    expect(treatmentOf('births-api', 200, { created: false })).toEqual({ treatment: 'duplicate' });
    expect(treatmentOf('births-nems', 201, { warnings: ['no mother'] }).treatment).toBe(
      'accepted-with-warning',
    );
    expect(treatmentOf('hv-api', 200, { outcome: 'amended' }).treatment).toBe('accepted');
    expect(treatmentOf('hv-api', 200, { outcome: 'unchanged' }).treatment).toBe('duplicate');
    expect(
      treatmentOf('hv-api', 400, { problems: [{ field: 'contactType', reason: 'bad' }] }),
    ).toEqual({ treatment: 'rejected', reason: '400: contactType: bad' });
    expect(treatmentOf('registrations', 200, {}).treatment).toBe('accepted');
  });

  it('should count the first answer of a record and the counts of an import', () => {
    const at = '2026-11-01T00:00:00Z';
    const lines: Outcome[] = [
      {
        kind: 'record',
        ref: 'births/api/2026-01.ndjson#1',
        channel: 'births-api',
        treatment: 'accepted',
        at,
      },
      {
        kind: 'record',
        ref: 'births/api/2026-01.ndjson#1',
        channel: 'births-api',
        treatment: 'duplicate',
        at,
      },
      {
        kind: 'record',
        ref: 'births/extracts/2026-01.csv#4',
        channel: 'births-extract',
        treatment: 'rejected',
        at,
      },
      {
        kind: 'file',
        ref: 'births/extracts/2026-01.csv',
        channel: 'births-extract',
        status: 201,
        counts: { ...zeroCounts(), accepted: 5, duplicate: 1, rejected: 1 },
        at,
      },
    ];
    const counts = serviceCounts(lines);
    expect(counts.get('births-api')).toEqual({ ...zeroCounts(), accepted: 1 });
    expect(counts.get('births-extract')).toEqual({
      ...zeroCounts(),
      accepted: 5,
      duplicate: 1,
      rejected: 1,
    });
  });

  it('should compare per channel, folding warnings where answers do not show them', () => {
    const truth = truthCounts([
      { ref: 'health-visits/api/2026-01.ndjson#1', treatment: { expect: 'accepted-with-warning' } },
      { ref: 'health-visits/api/2026-01.ndjson#2', treatment: { expect: 'rejected' } },
    ]);
    const service = new Map([['hv-api' as const, { ...zeroCounts(), accepted: 1, rejected: 2 }]]);
    const rows = compare(truth, service);
    expect(rows).toEqual([
      { channel: 'hv-api', treatment: 'accepted', truth: 1, service: 1 },
      { channel: 'hv-api', treatment: 'duplicate', truth: 0, service: 0 },
      { channel: 'hv-api', treatment: 'rejected', truth: 1, service: 2 },
    ]);
    expect(formatTable(rows)).toContain('+1  ✗');
  });

  it('should map the summary channel names it is likely to meet', () => {
    expect(normaliseChannel('births/extracts')).toBe('births-extract');
    expect(normaliseChannel('health-visits.inbound')).toBe('hv-inbound');
    expect(normaliseChannel('hv_api')).toBe('hv-api');
    expect(
      summaryCounts({ channels: { 'births-nems': { accepted: 3 } } }).get('births-nems'),
    ).toEqual({
      ...zeroCounts(),
      accepted: 3,
    });
  });
});
