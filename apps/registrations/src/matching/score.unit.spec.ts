import { HOUSEHOLD_EVIDENCE_CAP, scoreCandidate } from './score';
import type { KnownBirth, RegisteredChild } from './types';

const birth: KnownBirth = {
  nhsNumber: '9995000016',
  givenName: 'Elizabeth Rose',
  familyName: 'Okafor-Smith',
  birthDate: '2022-04-09',
  sex: 'F',
  postcode: 'ZX1 2AB',
  motherGivenName: 'Ngozi',
  motherFamilyName: 'Okafor',
  motherBirthDate: '1990-11-23',
  multipleBirthOrder: 1,
};

describe('scoreCandidate', () => {
  it('scores a clean registration highly, with every field agreeing', () => {
    const child: RegisteredChild = {
      givenName: 'Elizabeth Rose',
      familyName: 'Okafor-Smith',
      birthDate: '2022-04-09',
      sex: 'F',
      postcode: 'ZX1 2AB',
      mother: { givenName: 'Ngozi', familyName: 'Okafor', birthDate: '1990-11-23' },
    };
    const result = scoreCandidate(child, birth);
    expect(result.agreements).toEqual({
      givenName: 'exact',
      familyName: 'exact',
      birthDate: 'exact',
      sex: 'agree',
      postcode: 'exact',
      motherGivenName: 'exact',
      motherFamilyName: 'exact',
      motherBirthDate: 'exact',
    });
    // Given name, date and sex in full; family, postcode and mother capped as one household.
    expect(result.householdCapped).toBe(true);
    expect(result.score).toBe(6.5 + 10 + 1 + HOUSEHOLD_EVIDENCE_CAP);
  });

  it('explains a form full of ordinary slips', () => {
    const child: RegisteredChild = {
      givenName: 'LIZZIE',
      familyName: 'Okafor Smith',
      birthDate: '2022-09-04',
      postcode: 'zx12ab',
    };
    const result = scoreCandidate(child, birth);
    expect(result.agreements).toMatchObject({
      givenName: 'variant',
      familyName: 'exact',
      birthDate: 'dayMonthSwapped',
      sex: 'missing',
      postcode: 'exact',
      motherGivenName: 'missing',
    });
    expect(result.weights.sex).toBe(0);
    expect(result.score).toBe(4 + 7 + 6.5 + 8);
  });

  it('scores another child of the street far lower than the child itself', () => {
    const neighbour: RegisteredChild = {
      givenName: 'Amara',
      familyName: 'Nowak',
      birthDate: '2022-04-09',
      sex: 'F',
      postcode: 'ZX1 2AB',
    };
    const result = scoreCandidate(neighbour, birth);
    expect(result.agreements.givenName).toBe('different');
    expect(result.agreements.familyName).toBe('different');
    expect(result.score).toBeLessThan(10);
  });
});
