import type { BirthRecord } from './schemas/birth-record.schema';
import {
  initialState,
  objectionInForce,
  stateOf,
  withChoice,
  withoutMove,
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
  recordId: `9995000016:${from}:${centreId}`,
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

  it('undoes a withdrawn move: back to the latest-dated move left, else the birth address', () => {
    const july = residence('2026-07-15', 'C2');
    const june = residence('2026-06-01', 'C3');
    const moved = withResidence(withResidence(born, july, 'move'), june, 'move');
    expect(moved.centreId).toBe('C2');
    const withoutJuly = withoutMove(moved, july.recordId);
    expect(withoutJuly).toMatchObject({
      centreId: 'C3',
      residenceFrom: '2026-06-01',
      residenceByMove: true,
      addressRecordId: june.recordId,
    });
    expect(withoutMove(withoutJuly, june.recordId)).toMatchObject({
      centreId: 'C1',
      residenceFrom: '2026-04-10',
      residenceByMove: false,
    });
  });

  it('keeps the birth address when a correction comes after a move, for when the move is withdrawn', () => {
    const july = residence('2026-07-15', 'C2');
    const corrected = withResidence(
      withResidence(born, july, 'move'),
      residence('2026-04-10', 'C4'),
      'birth',
    );
    expect(corrected.centreId).toBe('C2');
    expect(withoutMove(corrected, july.recordId).centreId).toBe('C4');
    expect(corrected.residences.filter((r) => r.statedBy === 'birth')).toHaveLength(1);
  });

  it('leaves no residence once the only move of a child known by it is withdrawn', () => {
    const arrived = residence('2026-05-01', 'C2');
    const known = withResidence(initialState('2025-01-01'), arrived, 'move');
    expect(withoutMove(known, arrived.recordId)).toMatchObject({
      centreId: null,
      la: null,
      residenceFrom: null,
      addressRecordId: null,
    });
  });

  it('withdraws only the move named, never the birth address', () => {
    expect(withoutMove(born, born.residences[0].recordId)).toEqual(born);
  });
});

describe('stateOf a version stored before versions listed residences and withdrawn deaths', () => {
  const old = {
    _id: '9995000016:3',
    birthDate: '2026-04-10',
    postcodeDistrict: 'QS2',
    lsoa: 'E01999998',
    centreId: 'C2',
    la: 'E06000999',
    residenceFrom: '2026-07-15',
    residenceByMove: true,
    addressRecordId: '9995000016:2',
    dateOfDeath: '2026-09-03',
  } as unknown as BirthRecord;

  it('reads its current residence as the one stated, by what stated it, and no death withdrawn', () => {
    const state = stateOf(old);
    expect(state.residences).toEqual([
      {
        postcodeDistrict: 'QS2',
        lsoa: 'E01999998',
        centreId: 'C2',
        la: 'E06000999',
        unplaced: null,
        from: '2026-07-15',
        recordId: '9995000016:2',
        statedBy: 'move',
      },
    ]);
    expect(state.deathsRetracted).toBe(0);
    // A later move still applies by the same rule.
    expect(withResidence(state, residence('2026-08-01', 'C3'), 'move').centreId).toBe('C3');
  });
});
