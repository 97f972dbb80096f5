import { ageInYears, splitBirth } from './birth-event-data';
import type { BirthInput } from './birth-input';

// Synthetic: test-range NHS numbers, invented names and postcode.
const FULL: BirthInput = {
  nhsNumber: '9995000016',
  birthDate: '2026-03-10',
  postcode: 'QX1 4ZZ',
  birthTime: '07:45',
  sex: 'F',
  birthWeightGrams: 3350,
  gestationWeeks: 39,
  deliveryMethod: 'spontaneous',
  multipleBirthOrder: 1,
  givenName: 'Tamsin',
  familyName: 'Quellbrook',
  ethnicCategory: 'A',
  motherNhsNumber: '9995000083',
  motherGivenName: 'Orla',
  motherFamilyName: 'Quellbrook',
  motherBirthDate: '2007-03-11',
  addressLine1: '12 Orchard Wynd',
  town: 'Quellham',
  smokingAtDelivery: 'N',
  sharingObjection: false,
};
const PLACED = { lsoa: 'E01999999', centreId: 'C1' };

describe(splitBirth, () => {
  it('should keep what figures need in clear and seal what identifies the family', () => {
    const { facts, personal } = splitBirth(FULL, PLACED);
    expect(facts).toEqual({
      nhsNumber: '9995000016',
      birthDate: '2026-03-10',
      postcodeDistrict: 'QX1',
      centreId: 'C1',
      lsoa: 'E01999999',
      sex: 'F',
      birthWeightGrams: 3350,
      gestationWeeks: 39,
      deliveryMethod: 'spontaneous',
      multipleBirthOrder: 1,
      ethnicCategory: 'A',
      motherAgeAtBirth: 18, // one day short of 19: a teenage mother
      smokingAtDelivery: 'N',
      sharingObjection: false,
    });
    expect(personal).toEqual({
      givenName: 'Tamsin',
      familyName: 'Quellbrook',
      birthTime: '07:45',
      addressLine1: '12 Orchard Wynd',
      town: 'Quellham',
      postcode: 'QX1 4ZZ',
      motherNhsNumber: '9995000083',
      motherGivenName: 'Orla',
      motherFamilyName: 'Quellbrook',
      motherBirthDate: '2007-03-11',
    });
  });

  it('should release no address, postcode or area of a record flagged sensitive', () => {
    const { facts, personal } = splitBirth({ ...FULL, sensitive: true }, PLACED);
    expect(facts).toMatchObject({ postcodeDistrict: null, centreId: null, sensitive: true });
    expect(facts).not.toHaveProperty('lsoa');
    expect(personal).not.toHaveProperty('postcode');
    expect(personal).not.toHaveProperty('addressLine1');
    expect(personal).not.toHaveProperty('town');
    expect(personal.givenName).toBe('Tamsin');
  });

  it('should leave out what was not stated rather than invent it', () => {
    const { facts, personal } = splitBirth(
      { nhsNumber: '9995000016', birthDate: '2026-03-10', postcode: 'ZZ99 3VZ' },
      { lsoa: null, centreId: null },
    );
    expect(facts).toEqual({
      nhsNumber: '9995000016',
      birthDate: '2026-03-10',
      postcodeDistrict: null,
      centreId: null,
    });
    expect(personal).toEqual({ postcode: 'ZZ99 3VZ' });
  });
});

describe(ageInYears, () => {
  it.each([
    ['2007-03-10', '2026-03-10', 19],
    ['2007-03-11', '2026-03-10', 18],
    ['2008-02-29', '2026-02-28', 17],
    ['2008-02-29', '2026-03-01', 18],
  ])('from %s on %s is %d', (from, on, age) => {
    expect(ageInYears(from, on)).toBe(age);
  });
});
