import { damerauLevenshtein, damerauLevenshteinAtMost, jaro, jaroWinkler } from './string-distance';

describe('damerauLevenshtein', () => {
  it('counts a transposition of neighbouring letters as one edit', () => {
    expect(damerauLevenshtein('jhon', 'john')).toBe(1);
    expect(damerauLevenshtein('ca', 'ac')).toBe(1);
  });

  it('counts substitutions, insertions and deletions', () => {
    expect(damerauLevenshtein('kitten', 'sitting')).toBe(3);
    expect(damerauLevenshtein('smith', 'smyth')).toBe(1);
    expect(damerauLevenshtein('hannah', 'hana')).toBe(2);
    expect(damerauLevenshtein('', 'abc')).toBe(3);
    expect(damerauLevenshtein('same', 'same')).toBe(0);
  });

  it('is the unrestricted distance (an edit may touch a transposed pair)', () => {
    // Optimal string alignment says 3 here; Damerau-Levenshtein proper says 2.
    expect(damerauLevenshtein('ca', 'abc')).toBe(2);
  });
});

describe('damerauLevenshteinAtMost', () => {
  it('gives the distance up to the bound and bound + 1 beyond it', () => {
    expect(damerauLevenshteinAtMost('jhon', 'john', 2)).toBe(1);
    expect(damerauLevenshteinAtMost('mohammed', 'muhammad', 2)).toBe(2);
    expect(damerauLevenshteinAtMost('oliver', 'isabella', 2)).toBe(3);
    expect(damerauLevenshteinAtMost('abc', 'abcdefg', 2)).toBe(3);
  });
});

describe('jaroWinkler', () => {
  // Reference values from Winkler (1990) as commonly reproduced.
  it.each([
    ['martha', 'marhta', 0.961],
    ['dwayne', 'duane', 0.84],
    ['dixon', 'dicksonx', 0.813],
  ])('%s / %s ≈ %d', (a, b, expected) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(expected, 3);
  });

  it('is 1 for equal strings and 0 with nothing in common', () => {
    expect(jaroWinkler('amara', 'amara')).toBe(1);
    expect(jaro('abc', 'xyz')).toBe(0);
  });
});
