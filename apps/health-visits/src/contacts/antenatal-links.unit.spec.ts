import { babiesOfContact } from './antenatal-links';

describe('babiesOfContact: which babies an antenatal contact belongs to', () => {
  const first = { nhsNumber: '9995000101', birthDate: '2025-03-01' };
  const twinA = { nhsNumber: '9995000102', birthDate: '2026-09-10' };
  const twinB = { nhsNumber: '9995000103', birthDate: '2026-09-10' };

  it('should link a contact to the birth that ended its pregnancy', () => {
    expect(babiesOfContact('2024-12-01', [first])).toEqual([first]);
  });

  it('should link both twins', () => {
    expect(babiesOfContact('2026-06-01', [first, twinA, twinB])).toEqual([twinA, twinB]);
  });

  it('should not link an earlier child to a later pregnancy', () => {
    expect(babiesOfContact('2026-01-15', [first])).toEqual([]);
    expect(babiesOfContact('2026-01-15', [first, twinA, twinB])).toEqual([twinA, twinB]);
  });

  it('should link a contact of an earlier pregnancy to the earlier child only', () => {
    expect(babiesOfContact('2024-12-01', [twinA, first, twinB])).toEqual([first]);
  });

  it('should not link a birth more than 44 weeks after the contact', () => {
    expect(babiesOfContact('2024-04-01', [first])).toEqual([]);
    expect(babiesOfContact('2024-04-27', [first])).toEqual([first]); // 308 days before
  });
});
