import { reachAreaLsoasOutsideImd, validateBoundaries } from './boundary-validation';

const valid = () => ({
  effectiveFrom: '2024-04-01',
  las: [{ code: 'E06000045', name: 'Southampton' }],
  clusters: [{ id: 'CL1', name: 'West', la: 'E06000045' }],
  centres: [
    { id: 'C1', name: 'Harbour', la: 'E06000045', cluster: 'CL1' },
    { id: 'C2', name: 'Park', la: 'E06000045', cluster: 'CL1' },
  ],
  reachAreas: [
    { centreId: 'C1', lsoas: ['E01000001', 'E01000002'] },
    { centreId: 'C2', lsoas: ['E01000003'] },
  ],
  imdDeciles: [
    { lsoa: 'E01000001', decile: 1 },
    { lsoa: 'E01000002', decile: 5 },
    { lsoa: 'E01000003', decile: 10 },
  ],
});

function problemsOf(body: unknown, known?: Set<string>) {
  const result = validateBoundaries(body, known);
  return result.ok ? [] : result.problems;
}

describe('validateBoundaries', () => {
  it('should accept a coherent version and return its content', () => {
    const result = validateBoundaries(valid());
    expect(result).toEqual({ ok: true, value: valid() });
  });

  it('should name both centres when one LSOA is in two reach areas', () => {
    const body = valid();
    body.reachAreas[1].lsoas.push('E01000001');
    expect(problemsOf(body)).toEqual([
      {
        field: 'reachAreas[1].lsoas[1]',
        reason: 'LSOA E01000001 is in the reach areas of both centre C1 and centre C2',
      },
    ]);
  });

  it('should refuse a reach-area LSOA known neither to the IMD list nor to the lookup', () => {
    const body = valid();
    body.reachAreas[1].lsoas.push('E01009999');
    expect(problemsOf(body)).toEqual([
      {
        field: 'reachAreas[1].lsoas[1]',
        reason: 'LSOA E01009999 is unknown: neither in imdDeciles nor in the postcode lookup',
      },
    ]);
    expect(reachAreaLsoasOutsideImd(body)).toEqual(['E01009999']);
    expect(problemsOf(body, new Set(['E01009999']))).toEqual([]);
  });

  it('should list every malformed code, duplicate and dangling reference at once', () => {
    const body = valid() as Record<string, unknown> & ReturnType<typeof valid>;
    body.effectiveFrom = '2024-02-30';
    body.las.push({ code: 'X06000045', name: 'Bad' }, { code: 'E06000045', name: 'Again' });
    body.centres.push(
      { id: 'C3', name: 'Lost', la: 'E06000001', cluster: 'CL9' },
      { id: 'C1', name: 'Twin', la: 'E06000045', cluster: 'CL1' },
    );
    body.reachAreas.push({ centreId: 'C9', lsoas: ['E1000004'] });
    body.imdDeciles.push({ lsoa: 'E01000001', decile: 11 });
    body.extra = true;
    const fields = problemsOf(body).map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'extra',
        'effectiveFrom',
        'las[1].code',
        'las[2].code',
        'centres[2].la',
        'centres[2].cluster',
        'centres[3].id',
        'reachAreas[2].centreId',
        'reachAreas[2].lsoas[0]',
        'imdDeciles[3].lsoa',
        'imdDeciles[3].decile',
      ]),
    );
  });

  it('should refuse a centre whose cluster belongs to another LA', () => {
    const body = valid();
    body.las.push({ code: 'E07000001', name: 'Other' });
    body.centres[1].la = 'E07000001';
    expect(problemsOf(body)).toEqual([
      {
        field: 'centres[1].cluster',
        reason: "cluster CL1 belongs to LA E06000045, not to the centre's LA E07000001",
      },
    ]);
  });

  it('should refuse what is not an object, and empty lists', () => {
    expect(problemsOf([])).toEqual([{ field: '', reason: 'must be a JSON object' }]);
    expect(problemsOf({ effectiveFrom: '2024-04-01' }).map((p) => p.field)).toEqual([
      'las',
      'clusters',
      'centres',
      'reachAreas',
      'imdDeciles',
    ]);
  });
});
