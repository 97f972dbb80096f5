import { FAMILY_NAME_GROUPS, GIVEN_NAME_GROUPS } from './name-variants';
import { damerauLevenshteinAtMost, jaroWinkler } from './string-distance';
import type { NameAgreement } from './types';

/** Letters that Unicode decomposition does not reduce to a base letter plus accent. */
const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
};

/**
 * A name folded for comparison: lower case, accents removed (Zoë → zoe, Łukasz → lukasz),
 * apostrophes dropped (O'Brien → obrien) and every other separator (hyphen, space, dot) turned
 * into one space, so "Smith-Jones", "Smith Jones" and "SMITH  JONES" fold alike.
 */
export function foldName(raw: string): string {
  return raw
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[ßæœøłđðþıħ]/g, (c) => SPECIAL_LETTERS[c] ?? c)
    .replace(/['’‘`´ʻʼ]/g, '')
    .replace(/[^a-z]+/g, ' ')
    .trim();
}

/** The separate names in a folded name ("Mary-Jane Rose" → mary, jane, rose). */
export function nameTokens(raw: string): string[] {
  const folded = foldName(raw);
  return folded === '' ? [] : folded.split(' ');
}

/** The folded name without separators: "Smith-Jones", "Smith Jones" and "SmithJones" agree. */
export function compactName(raw: string): string {
  return foldName(raw).replace(/ /g, '');
}

/**
 * Placeholders that birth notifications and forms carry instead of a name ("Baby Smith",
 * "Twin 1", "Unknown"): they say nothing about the name, so they compare as missing.
 */
const PLACEHOLDER_TOKENS = new Set([
  'baby',
  'babyboy',
  'babygirl',
  'boy',
  'girl',
  'infant',
  'twin',
  'triplet',
  'unknown',
  'unnamed',
  'notknown',
  'nk',
  'tbc',
]);

/** Folding is the costly part of a comparison and the same names recur: keep recent results. */
const TOKEN_CACHE_LIMIT = 20_000;
const tokenCache = new Map<string, readonly string[]>();

function meaningfulTokens(raw: string | undefined): readonly string[] {
  if (raw === undefined) return [];
  const cached = tokenCache.get(raw);
  if (cached) return cached;
  const tokens = nameTokens(raw);
  // A one-letter token is an initial ("M. Khan") or a twin's letter ("Twin A").
  const meaningful = tokens.some((t) => PLACEHOLDER_TOKENS.has(t))
    ? []
    : tokens.filter((t) => t.length > 1);
  if (tokenCache.size >= TOKEN_CACHE_LIMIT) tokenCache.clear();
  tokenCache.set(raw, meaningful);
  return meaningful;
}

type GroupIndex = ReadonlyMap<string, ReadonlySet<number>>;

function buildGroupIndex(groups: readonly string[]): GroupIndex {
  const index = new Map<string, Set<number>>();
  groups.forEach((group, id) => {
    for (const name of group.split('/')) {
      const key = compactName(name);
      const ids = index.get(key) ?? new Set<number>();
      ids.add(id);
      index.set(key, ids);
    }
  });
  return index;
}

const GIVEN_NAME_INDEX = buildGroupIndex(GIVEN_NAME_GROUPS);
const FAMILY_NAME_INDEX = buildGroupIndex(FAMILY_NAME_GROUPS);

/** For each name form, the other forms it shares a group with. */
function buildMates(index: GroupIndex): ReadonlyMap<string, readonly string[]> {
  const byGroup = new Map<number, string[]>();
  for (const [name, ids] of index) {
    for (const id of ids) byGroup.set(id, [...(byGroup.get(id) ?? []), name]);
  }
  const mates = new Map<string, string[]>();
  for (const [name, ids] of index) {
    const set = new Set<string>();
    for (const id of ids) for (const m of byGroup.get(id) ?? []) if (m !== name) set.add(m);
    mates.set(name, [...set]);
  }
  return mates;
}

const GIVEN_NAME_MATES = buildMates(GIVEN_NAME_INDEX);

/**
 * The written name is a one-edit slip of a listed form of the known name: "Lizy" for Elizabeth
 * (via Lizzy). Only for a written name the table does not know (a real name written correctly is
 * not a slip: Aiden is one letter from Jaiden, a form of Jayden, and George from Georgie, a form
 * of Georgia), with the first letter kept, and from the form to the record only.
 */
function slipOfListedForm(written: string, known: string): boolean {
  if (written.length < 4 || GIVEN_NAME_INDEX.has(written)) return false;
  return (GIVEN_NAME_MATES.get(known) ?? []).some(
    (form) =>
      form.length >= 4 &&
      form[0] === written[0] &&
      damerauLevenshteinAtMost(written, form, 1) === 1,
  );
}

function shareGroup(index: GroupIndex, a: string, b: string): boolean {
  const ga = index.get(a);
  const gb = index.get(b);
  if (!ga || !gb) return false;
  for (const id of ga) if (gb.has(id)) return true;
  return false;
}

/** Whether two given names are listed as forms of the same name (Lizzie/Elizabeth, Mo/Muhammad). */
export function areGivenNameVariants(a: string, b: string): boolean {
  return shareGroup(GIVEN_NAME_INDEX, compactName(a), compactName(b));
}

/** How many distinct name forms the given-name table knows (for documentation and tests). */
export function givenNameVariantCount(): number {
  return GIVEN_NAME_INDEX.size;
}

/**
 * Gendered surname endings reduced to one form: Polish -ska/-cka/-dzka (Kowalska → Kowalski),
 * Czech and Slovak -ová (Nováková → Novák), Russian and Bulgarian -ova/-eva/-ina (Ivanova →
 * Ivanov). A girl is often registered under her father's form, or the other way round.
 */
function genderNeutralSurname(folded: string): string {
  if (folded.length < 6) return folded;
  if (/(sk|ck|dzk)a$/.test(folded)) return `${folded.slice(0, -1)}i`;
  if (/ova$/.test(folded)) return folded.slice(0, -1);
  if (/eva$/.test(folded)) return folded.slice(0, -1);
  if (/ina$/.test(folded) && folded.length >= 7) return folded.slice(0, -1);
  return folded;
}

/** Same name exactly, or listed forms of one name (or one surname in its two gendered forms). */
function equivalent(a: string, b: string, kind: 'given' | 'family'): 'exact' | 'variant' | null {
  if (a === b) return 'exact';
  if (shareGroup(kind === 'given' ? GIVEN_NAME_INDEX : FAMILY_NAME_INDEX, a, b)) return 'variant';
  if (kind === 'family') {
    const na = genderNeutralSurname(a);
    const nb = genderNeutralSurname(b);
    // Nováková → novakov → novak needs the -ov step too.
    if (na === nb || na.replace(/ov$/, '') === nb.replace(/ov$/, '')) return 'variant';
  }
  return null;
}

/** The same pairs of names recur across candidates and registrations: keep recent results. */
const PAIR_CACHE_LIMIT = 200_000;
const pairCache = new Map<string, NameAgreement>();

/** One-name comparison (no multi-name logic): strongest level first. */
function compareSingle(a: string, b: string, kind: 'given' | 'family'): NameAgreement {
  const key = `${kind === 'given' ? 'g' : 'f'}|${a}|${b}`;
  const cached = pairCache.get(key);
  if (cached !== undefined) return cached;
  const level = compareSingleUncached(a, b, kind);
  if (pairCache.size >= PAIR_CACHE_LIMIT) pairCache.clear();
  pairCache.set(key, level);
  return level;
}

function compareSingleUncached(a: string, b: string, kind: 'given' | 'family'): NameAgreement {
  const same = equivalent(a, b, kind);
  if (same !== null) return same;
  const shorter = Math.min(a.length, b.length);
  const longer = Math.max(a.length, b.length);
  // Only distances up to 2 matter below.
  const distance = damerauLevenshteinAtMost(a, b, 2);
  // One edit between two 3-letter names (Ava/Eva, Ali/Aly) is as likely another name as a slip;
  // a letter dropped from a 4-letter one (Isla → Isa, Eoin → Ein) is a slip.
  if (distance === 1 && longer >= 4) return 'typo';
  if (kind === 'given' && slipOfListedForm(a, b)) return 'typo';
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  // Short forms cut from the start (Abdi, Tobi) or, as in Yoruba names, the end (Seun, Femi).
  if (short.length >= 3 && long.length - short.length >= 2) {
    if (long.startsWith(short) || (short.length >= 4 && long.endsWith(short))) return 'shortened';
  }
  if (distance === 1) return 'similar';
  if (distance === 2 && shorter >= 6) return 'similar';
  if (shorter >= 4 && jaroWinkler(a, b) >= 0.9) return 'similar';
  return 'different';
}

const LEVEL_RANK: Readonly<Record<NameAgreement, number>> = {
  exact: 7,
  part: 6,
  variant: 5,
  typo: 4,
  shortened: 3,
  similar: 2,
  different: 1,
  missing: 0,
};

/** Higher is stronger agreement; missing ranks lowest. */
export function nameAgreementRank(level: NameAgreement): number {
  return LEVEL_RANK[level];
}

function stronger(a: NameAgreement, b: NameAgreement): NameAgreement {
  return LEVEL_RANK[a] >= LEVEL_RANK[b] ? a : b;
}

function bestPairLevel(
  a: readonly string[],
  b: readonly string[],
  kind: 'given' | 'family',
): NameAgreement {
  let best: NameAgreement = 'different';
  for (const ta of a) {
    for (const tb of b) {
      best = stronger(best, compareSingle(ta, tb, kind));
      if (best === 'exact') return best;
    }
  }
  return best;
}

/**
 * Compares the names of a registered child (a) and a known birth (b), either given names or
 * family names. Multi-part names are where twins hide: "Mohammed Hamza" and "Mohammed Ibrahim"
 * share a first name, so shared names only make "part" when all of one side's names appear on
 * the other (a dropped middle name: "Hamza" vs "Mohammed Hamza"; one half of a double-barrelled
 * surname); when both sides have names the other lacks, those names decide.
 */
function compareNames(
  a: string | undefined,
  b: string | undefined,
  kind: 'given' | 'family',
): NameAgreement {
  const ta = meaningfulTokens(a);
  const tb = meaningfulTokens(b);
  if (ta.length === 0 || tb.length === 0) return 'missing';
  const ca = ta.join('');
  const cb = tb.join('');
  if (ca === cb) return 'exact';
  const whole = compareSingle(ca, cb, kind);
  if (whole === 'variant') return 'variant';

  // Pair up names that are the same name (exactly or as a listed form).
  let anyVariant = false;
  const unmatchedB = [...tb];
  const restA: string[] = [];
  for (const t of ta) {
    let found = -1;
    let foundLevel: 'exact' | 'variant' | null = null;
    for (let i = 0; i < unmatchedB.length; i++) {
      const level = equivalent(t, unmatchedB[i], kind);
      if (level === 'exact' || (level === 'variant' && foundLevel === null)) {
        found = i;
        foundLevel = level;
        if (level === 'exact') break;
      }
    }
    if (found < 0) {
      restA.push(t);
    } else {
      if (foundLevel === 'variant') anyVariant = true;
      unmatchedB.splice(found, 1);
    }
  }
  const restB = unmatchedB;
  const paired = ta.length - restA.length;
  if (paired > 0 && (restA.length === 0 || restB.length === 0)) {
    // One side's names all appear on the other.
    return anyVariant ? 'variant' : 'part';
  }
  if (paired > 0) {
    // Both sides have names the other lacks ("Mohammed Hamza" / "Mohammed Ibrahim"): those decide,
    // and a shared name does not lift two different children's names above "different".
    const rest = stronger(
      compareSingle(restA.join(''), restB.join(''), kind),
      bestPairLevel(restA, restB, kind),
    );
    switch (rest) {
      case 'exact':
      case 'part':
      case 'variant':
        return 'variant';
      case 'typo':
      case 'shortened':
      case 'similar':
        return rest;
      case 'different':
      case 'missing':
        return 'different';
    }
  }
  if (kind === 'family' && ta.length === 1 && tb.length === 1) {
    // A double-barrelled surname written as one word ("SmithJones") against one of its halves.
    const [short, long] = ca.length <= cb.length ? [ca, cb] : [cb, ca];
    if (short.length >= 4 && long.length - short.length >= 3) {
      if (long.startsWith(short) || long.endsWith(short)) return 'part';
    }
  }
  // Nothing in common: the whole against the whole, or the best pair of single names
  // ("Lizzie May" vs "Elizabeth" is variant; "Jhon Paul" vs "John" is typo).
  const pair = ta.length > 1 || tb.length > 1 ? bestPairLevel(ta, tb, kind) : whole;
  const best = stronger(whole, pair);
  return best === 'exact' ? 'part' : best;
}

/** Agreement of the registered given name(s) with a known birth's. */
export function compareGivenNames(registered?: string, known?: string): NameAgreement {
  return compareNames(registered, known, 'given');
}

/** Agreement of the registered family name with a known birth's. */
export function compareFamilyNames(registered?: string, known?: string): NameAgreement {
  return compareNames(registered, known, 'family');
}
