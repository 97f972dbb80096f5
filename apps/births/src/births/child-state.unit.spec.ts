import {
  initialState,
  objectionInForce,
  withChoice,
  withResidence,
  type Residence,
} from './child-state';

const residence = (from: string, centreId: string): Residence => ({
  postcodeDistrict: 'QX1',
  lsoa: 'E01999999',
  centreId,
  la: 'E06000999',
  unplaced: null,
  from,
  recordId: `9995000016:${from}`,
});

describe('objectionInForce', () => {
  it('is false with no choice stated', () => {
    expect(objectionInForce([])).toBe(false);
  });

  it('follows the latest effective date, whatever order the choices were stated in', () => {
    const objection = { objects: true, effectiveDate: '2026-05-01', version: 2 };
    const earlierWithdrawal = { objects: false, effectiveDate: '2026-04-20', version: 3 };
    expect(objectionInForce([objection, earlierWithdrawal])).toBe(true);
    const laterWithdrawal = { objects: false, effectiveDate: '2026-06-01', version: 4 };
    expect(objectionInForce([objection, earlierWithdrawal, laterWithdrawal])).toBe(false);
  });

  it('lets the later statement win on the same date', () => {
    expect(
      objectionInForce([
        { objects: false, effectiveDate: '2026-05-01', version: 5 },
        { objects: true, effectiveDate: '2026-05-01', version: 2 },
      ]),
    ).toBe(false);
  });
});

describe('withChoice', () => {
  it('adds a stated choice with its version and leaves the list alone otherwise', () => {
    const before = [{ objects: true, effectiveDate: '2026-05-01', version: 2 }];
    expect(withChoice(before, null, 3)).toEqual(before);
    expect(withChoice(before, { objects: false, effectiveDate: '2026-06-01' }, 3)).toEqual([
      ...before,
      { objects: false, effectiveDate: '2026-06-01', version: 3 },
    ]);
    expect(before).toHaveLength(1);
  });
});

describe('withResidence', () => {
  const born = withResidence(initialState('2026-04-10'), residence('2026-04-10', 'C1'), 'birth');

  it('places a new child at its birth address', () => {
    expect(born).toMatchObject({ centreId: 'C1', residenceFrom: '2026-04-10' });
    expect(born.residenceByMove).toBe(false);
  });

  it('moves the child from the move date, and a correction of the birth no longer moves it back', () => {
    const moved = withResidence(born, residence('2026-07-15', 'C2'), 'move');
    expect(moved).toMatchObject({ centreId: 'C2', residenceByMove: true });
    expect(withResidence(moved, residence('2026-04-10', 'C1'), 'birth').centreId).toBe('C2');
  });

  it('keeps a later move when an earlier-dated one is reported late', () => {
    const moved = withResidence(born, residence('2026-07-15', 'C2'), 'move');
    expect(withResidence(moved, residence('2026-06-01', 'C3'), 'move').centreId).toBe('C2');
    expect(withResidence(moved, residence('2026-08-01', 'C3'), 'move').centreId).toBe('C3');
  });

  it('lets a correction move a child it placed itself', () => {
    expect(withResidence(born, residence('2026-04-09', 'C4'), 'birth').centreId).toBe('C4');
  });
});
