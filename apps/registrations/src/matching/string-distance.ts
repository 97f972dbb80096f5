/**
 * String measures used on names and postcodes. Inputs are short (names, postcodes), so the
 * plain dynamic-programming forms are fast enough for thousands of comparisons per registration.
 */

/**
 * Damerau-Levenshtein distance (unrestricted, Lowrance-Wagner): the fewest insertions,
 * deletions, substitutions and transpositions of adjacent characters turning a into b.
 * "Jhon" → "John" is 1 (a transposition), where plain Levenshtein says 2.
 */
export function damerauLevenshtein(a: string, b: string): number {
  const la = a.length;
  const lb = b.length;
  if (la === 0) return lb;
  if (lb === 0) return la;
  const infinity = la + lb;
  const width = lb + 2;
  // d[(i + 1) * width + (j + 1)] is the distance between a[0..i) and b[0..j); row and column 0
  // are sentinels. One flat typed array: this runs for every candidate of every registration.
  const d = new Int32Array((la + 2) * width);
  d[0] = infinity;
  for (let i = 0; i <= la; i++) {
    d[(i + 1) * width] = infinity;
    d[(i + 1) * width + 1] = i;
  }
  for (let j = 0; j <= lb; j++) {
    d[j + 1] = infinity;
    d[width + j + 1] = j;
  }
  // Last row (1-based) where each character was seen in a; ASCII in a table, the rest in a map.
  const lastRowAscii = new Int32Array(128);
  const lastRowOther = new Map<number, number>();
  const lastRowOf = (code: number): number =>
    code < 128 ? lastRowAscii[code] : (lastRowOther.get(code) ?? 0);
  for (let i = 1; i <= la; i++) {
    let lastMatchingColumn = 0;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      const i1 = lastRowOf(cb);
      const j1 = lastMatchingColumn;
      const cost = ca === cb ? 0 : 1;
      if (cost === 0) lastMatchingColumn = j;
      d[(i + 1) * width + j + 1] = Math.min(
        d[i * width + j] + cost,
        d[(i + 1) * width + j] + 1,
        d[i * width + j + 1] + 1,
        d[i1 * width + j1] + (i - i1 - 1) + 1 + (j - j1 - 1),
      );
    }
    if (ca < 128) lastRowAscii[ca] = i;
    else lastRowOther.set(ca, i);
  }
  return d[(la + 1) * width + lb + 1];
}

/**
 * The Damerau-Levenshtein distance when it is at most max, otherwise max + 1. Cheap bounds first
 * (length difference; letters one side has and the other lacks, as each edit changes at most two
 * of those counts), so most pairs of plainly different names never reach the full computation.
 */
export function damerauLevenshteinAtMost(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let unmatched = 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    const n = counts.get(c) ?? 0;
    if (n > 0) counts.set(c, n - 1);
    else unmatched++;
  }
  for (const n of counts.values()) unmatched += n;
  if (unmatched > 2 * max) return max + 1;
  return Math.min(damerauLevenshtein(a, b), max + 1);
}

/** Jaro similarity in [0, 1]: shared characters within a window, penalising transpositions. */
export function jaro(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  const aMatched = new Array<boolean>(la).fill(false);
  const bMatched = new Array<boolean>(lb).fill(false);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(lb - 1, i + window);
    for (let j = from; j <= to; j++) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = true;
      bMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let halfTranspositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k++;
    if (a[i] !== b[k]) halfTranspositions++;
    k++;
  }
  const m = matches;
  return (m / la + m / lb + (m - halfTranspositions / 2) / m) / 3;
}

/**
 * Jaro-Winkler similarity in [0, 1]: Jaro, boosted for a shared prefix of up to 4 characters
 * (scale 0.1, Winkler's standard), since name spellings mostly diverge after the first letters.
 */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  let prefix = 0;
  const limit = Math.min(4, a.length, b.length);
  while (prefix < limit && a[prefix] === b[prefix]) prefix++;
  return j + prefix * 0.1 * (1 - j);
}
