import { comparePostcodes, normalisePostcode, postcodeDistrict, postcodeSector } from './postcodes';

describe('normalisePostcode', () => {
  it('upper-cases and puts one space before the inward code', () => {
    expect(normalisePostcode('zx12ab')).toBe('ZX1 2AB');
    expect(normalisePostcode(' ZX1   2AB ')).toBe('ZX1 2AB');
    expect(normalisePostcode('zx10 2ab')).toBe('ZX10 2AB');
    expect(postcodeSector('ZX1 2AB')).toBe('ZX1 2');
    expect(postcodeDistrict('zx12ab')).toBe('ZX1');
  });
});

describe('comparePostcodes', () => {
  it('grades exact, one character, sector, district and different', () => {
    expect(comparePostcodes('zx12ab', 'ZX1 2AB')).toBe('exact');
    expect(comparePostcodes('ZX1 2AD', 'ZX1 2AB')).toBe('oneChar');
    expect(comparePostcodes('ZX1 2BA', 'ZX1 2AB')).toBe('oneChar');
    expect(comparePostcodes('ZX1 2A', 'ZX1 2AB')).toBe('oneChar');
    expect(comparePostcodes('ZX1 2QT', 'ZX1 2AB')).toBe('sector');
    expect(comparePostcodes('ZX1 7QT', 'ZX1 2AB')).toBe('district');
    expect(comparePostcodes('ZX4 7QT', 'ZX1 2AB')).toBe('different');
  });

  it('treats absent and ZZ99 pseudo-postcodes as missing', () => {
    expect(comparePostcodes(undefined, 'ZX1 2AB')).toBe('missing');
    expect(comparePostcodes('ZZ99 3VZ', 'ZZ99 3VZ')).toBe('missing');
  });
});
