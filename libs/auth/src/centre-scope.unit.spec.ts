import { sanitizeFilter } from 'mongoose';
import { CentreScope } from './centre-scope';
import type { Principal } from './principal';

const principal = (centres: string[], la?: string): Principal => ({
  subject: 'amy',
  roles: ['centre-staff'],
  centres,
  ...(la ? { la } : {}),
});

// The filter's operator objects carry mongoose's (symbol) trusted mark; compare the data.
const plain = (filter: object): unknown => JSON.parse(JSON.stringify(filter));

describe('CentreScope', () => {
  it("should always limit a filter to the caller's centres and LA", () => {
    const scope = CentreScope.of(principal(['C1', 'C2'], 'E06000045'));
    expect(plain(scope.filter({ nhsNumber: '9990000026' }))).toEqual({
      nhsNumber: '9990000026',
      centreId: { $in: ['C1', 'C2'] },
      la: 'E06000045',
    });
    expect(plain(scope.filter())).toEqual({ centreId: { $in: ['C1', 'C2'] }, la: 'E06000045' });
  });

  it('should match nothing when the caller serves no centre', () => {
    const scope = CentreScope.of(principal([]));
    expect(scope.isEmpty).toBe(true);
    expect(plain(scope.filter({ nhsNumber: '9990000026' }))).toEqual({
      nhsNumber: '9990000026',
      centreId: { $in: [] },
    });
  });

  it('should keep the scope when the extra filter names the centre itself', () => {
    const scope = CentreScope.of(principal(['C1']));
    expect(plain(scope.filter({ centreId: 'C9' }))).toEqual({
      $and: [{ centreId: 'C9' }, { centreId: { $in: ['C1'] } }],
    });
    expect(plain(scope.filter({ $or: [{ a: 1 }] }))).toEqual({
      $and: [{ $or: [{ a: 1 }] }, { centreId: { $in: ['C1'] } }],
    });
  });

  it('should use other field names, and leave out la where a collection has none', () => {
    const scope = CentreScope.of(principal(['C1'], 'E06000045'));
    expect(plain(scope.filter({}, { centreField: 'centre', laField: null }))).toEqual({
      centre: { $in: ['C1'] },
    });
  });

  it('should not change when the principal changes', () => {
    const centres = ['C1'];
    const scope = CentreScope.of(principal(centres));
    centres.push('C2');
    expect(scope.centres).toEqual(['C1']);
  });

  it("should survive mongoose's sanitizeFilter, which the connection applies", () => {
    const scope = CentreScope.of(principal(['C1']));
    expect(plain(sanitizeFilter(scope.filter({ nhsNumber: { $ne: null } })))).toEqual({
      nhsNumber: { $eq: { $ne: null } },
      centreId: { $in: ['C1'] },
    });
  });
});
