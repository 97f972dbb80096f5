/**
 * A seeded synthetic area for evaluating child matching: families from several communities with
 * births over five years (twins, a few triplets, siblings, neighbours sharing a postcode), the
 * births service's records of them (with the gaps real notifications have), and registrations at
 * a children's centre without NHS numbers: children with a known birth, written with the errors
 * forms really contain (DOMAIN.md, Identity), and children with no known birth, hard ones
 * included. Same seed, same area. Synthetic data only: test-range NHS numbers (9995-9997),
 * invented postcodes in districts ZX1-ZX8.
 */
import { NhsNumberGenerator } from '@lib/nhs-number';
import { GIVEN_NAME_GROUPS } from '../name-variants';
import { compactName } from '../names';
import type { KnownBirth, RegisteredChild, SexAtBirth } from '../types';
import { SeededRandom } from './prng';
import {
  ALIKE_TWIN_NAMES,
  COMMUNITIES,
  MIDDLE_NAMES_BOYS,
  MIDDLE_NAMES_GIRLS,
  type Community,
} from './synthetic-names';

/** Births are known from this date to LAST_BIRTH_DATE: five years of under-fives. */
export const FIRST_BIRTH_DATE = '2019-04-01';
export const LAST_BIRTH_DATE = '2024-03-31';

/** What a registered child is, for the evaluation: with a known birth, or which hard case. */
export type RegisteredChildKind =
  | 'known'
  /** Not known: a brother or sister of a known child, born while the family lived elsewhere. */
  | 'sibling-born-another-year'
  /** Not known: a child of another family at the postcode of a known family. */
  | 'neighbour'
  /** Not known: a child with the surname (and sometimes the birth date) of a known child. */
  | 'same-surname'
  /** Not known: a family new to the area. */
  | 'new-arrival';

/** The deliberate errors of a registration form, named so misses can be explained. */
export type FormError =
  | 'given-name-variant'
  | 'given-name-typo'
  | 'given-name-transposed'
  | 'given-name-with-middle-names'
  | 'given-name-middle-only'
  | 'accents-dropped'
  | 'upper-case'
  | 'family-name-hyphen-as-space'
  | 'family-name-joined'
  | 'family-name-one-part'
  | 'family-name-apostrophe'
  | 'family-name-typo'
  | 'family-name-transposed'
  | 'family-name-gendered-ending'
  | 'family-name-other-parent'
  | 'family-name-sikh-form'
  | 'birth-date-day-month-swapped'
  | 'birth-date-one-digit'
  | 'birth-date-one-day'
  | 'birth-date-year'
  | 'birth-date-digits-transposed'
  | 'sex-missing'
  | 'sex-wrong'
  | 'postcode-missing'
  | 'postcode-no-space'
  | 'postcode-lower-case'
  | 'postcode-one-char'
  | 'postcode-moved-nearby'
  | 'postcode-moved-away'
  | 'mother-missing'
  | 'mother-given-name-variant'
  | 'mother-given-name-typo'
  | 'mother-family-name-missing'
  | 'mother-family-name-other'
  | 'mother-birth-date-missing'
  | 'mother-birth-date-swapped'
  | 'mother-birth-date-one-digit';

export interface SyntheticRegisteredChild {
  child: RegisteredChild;
  /** NHS number of the child's own known birth; null when the child has none. */
  truth: string | null;
  kind: RegisteredChildKind;
  errors: FormError[];
  /** The child is one of a multiple birth (twins, triplets). */
  multipleBirth: boolean;
  /** Identifiers of the child's family and delivery, to name the cause of a false link. */
  familyId: number;
  deliveryId: number;
}

export interface SyntheticRegistration {
  id: string;
  children: SyntheticRegisteredChild[];
}

/** A known birth with where it sits in the synthetic families (not given to the matcher). */
export interface SyntheticBirthFacts {
  familyId: number;
  deliveryId: number;
  /** Size of the birth: 1 singleton, 2 twins, 3 triplets. */
  deliverySize: number;
}

export interface SyntheticArea {
  seed: number;
  births: KnownBirth[];
  /** Facts about each known birth by NHS number. */
  facts: Map<string, SyntheticBirthFacts>;
  registrations: SyntheticRegistration[];
}

export interface SyntheticAreaOptions {
  /** Families in the area (default 3,200: about 5,000 known births). */
  families?: number;
  /** Registered children with a known birth (default 900). */
  withKnownBirth?: number;
  /** Registered children without one (default 100). */
  withoutKnownBirth?: number;
  /** Multiplies every form error rate, to see how the matcher degrades (default 1). */
  errorScale?: number;
}

interface Mother {
  givenName: string;
  familyName: string;
  birthDate: string;
}

/** A real child of the synthetic area, the truth both records are made from. */
interface Person {
  familyId: number;
  deliveryId: number;
  deliverySize: number;
  community: Community;
  /** All forenames. */
  givenName: string;
  /** The name the child is called by (the second one after a devotional first name). */
  calledBy: string;
  familyName: string;
  birthDate: string;
  sex: 'M' | 'F';
  postcode: string;
  mother: Mother;
  nhsNumber?: string;
}

interface Family {
  id: number;
  community: Community;
  surname: string;
  mother: Mother;
  postcode: string;
  children: Person[];
}

// ---------------------------------------------------------------------------------------------
// Dates

const DAY_MS = 86_400_000;

function toDay(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

function fromDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function isRealDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === date;
}

const FIRST_DAY = toDay(FIRST_BIRTH_DATE);
const LAST_DAY = toDay(LAST_BIRTH_DATE);

// ---------------------------------------------------------------------------------------------
// Postcodes: districts ZX1-ZX8, six sectors each, 35 unit codes per sector drawn from the letters
// real inward codes use. A one-character slip therefore often lands on a neighbouring postcode
// that exists, as in life.

const UNIT_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

function buildPostcodes(rng: SeededRandom): string[][] {
  const bySector: string[][] = [];
  for (let district = 1; district <= 8; district++) {
    const sectors = rng.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]).slice(0, 6);
    for (const sector of sectors) {
      const units = new Set<string>();
      while (units.size < 35)
        units.add(`${rng.pick([...UNIT_LETTERS])}${rng.pick([...UNIT_LETTERS])}`);
      bySector.push([...units].map((u) => `ZX${district} ${sector}${u}`));
    }
  }
  return bySector;
}

// ---------------------------------------------------------------------------------------------
// Names

/** The feminine form of a Polish surname (Kowalski → Kowalska). */
function feminine(surname: string): string {
  return surname.replace(/(sk|ck|dzk)i$/, '$1a');
}

function surnameFor(family: Family, sex: 'M' | 'F'): string {
  return family.community.genderedSurnames && sex === 'F'
    ? feminine(family.surname)
    : family.surname;
}

function drawSurname(rng: SeededRandom, community: Community): string {
  const base = rng.pickSkewed(community.surnames);
  if (!rng.chance(community.doubleBarrelled)) return base;
  let second = rng.pickSkewed(community.surnames);
  for (let i = 0; i < 5 && second === base; i++) second = rng.pickSkewed(community.surnames);
  return second === base ? base : `${base}-${second}`;
}

function drawMother(rng: SeededRandom, community: Community, surname: string): Mother {
  let familyName: string;
  if (rng.chance(community.motherSharesSurname)) {
    familyName = community.genderedSurnames ? feminine(surname) : surname;
  } else if (community.sikh && rng.chance(0.5)) {
    familyName = 'Kaur';
  } else if (community.motherSurnames && rng.chance(0.7)) {
    familyName = rng.pick(community.motherSurnames);
  } else {
    familyName = drawSurname(rng, community);
    if (community.genderedSurnames) familyName = feminine(familyName);
  }
  // Mothers aged 17 to 42 at the start of the five years.
  const birthDay = FIRST_DAY - rng.between(17 * 365, 42 * 365);
  return {
    givenName: rng.pickSkewed(community.mothers, 0.5),
    familyName,
    birthDate: fromDay(birthDay),
  };
}

function firstGiven(community: Community, sex: 'M' | 'F'): readonly string[] {
  return sex === 'M' ? community.boys : community.girls;
}

/** Given names for the children of one delivery, distinct within the family. */
function drawDeliveryNames(
  rng: SeededRandom,
  community: Community,
  size: number,
  taken: Set<string>,
): { name: string; sex: 'M' | 'F' }[] {
  if (size > 1 && rng.chance(0.25)) {
    const alike = ALIKE_TWIN_NAMES.filter((a) => a.names.length === size);
    if (alike.length > 0) {
      const set = rng.pick(alike);
      if (set.names.every((n) => !taken.has(n))) {
        return set.names.map((name, i) => ({ name, sex: set.sexes[i] }));
      }
    }
  }
  const out: { name: string; sex: 'M' | 'F' }[] = [];
  const used = new Set(taken);
  for (let i = 0; i < size; i++) {
    const sex: 'M' | 'F' = rng.chance(0.5) ? 'M' : 'F';
    let name = rng.pickSkewed(firstGiven(community, sex), 0.6);
    for (let tries = 0; tries < 20 && used.has(name); tries++) {
      name = rng.pickSkewed(firstGiven(community, sex), 0.6);
    }
    used.add(name);
    out.push({ name, sex });
  }
  return out;
}

/** Full forenames: a devotional first name for some boys, a middle name for some children. */
function fullGivenName(
  rng: SeededRandom,
  community: Community,
  name: string,
  sex: 'M' | 'F',
): { givenName: string; calledBy: string } {
  const devotional = community.devotionalFirstName;
  if (
    sex === 'M' &&
    devotional &&
    compactName(name) !== compactName(devotional.name) &&
    rng.chance(devotional.rate)
  ) {
    return { givenName: `${devotional.name} ${name}`, calledBy: name };
  }
  if (rng.chance(0.18)) {
    const middle = rng.pick(sex === 'M' ? MIDDLE_NAMES_BOYS : MIDDLE_NAMES_GIRLS);
    if (middle !== name) return { givenName: `${name} ${middle}`, calledBy: name };
  }
  return { givenName: name, calledBy: name };
}

// ---------------------------------------------------------------------------------------------
// Families and births

function drawBirthDays(rng: SeededRandom, count: number): number[] {
  for (let attempt = 0; attempt < 30; attempt++) {
    const days = Array.from({ length: count }, () => rng.between(FIRST_DAY, LAST_DAY)).sort(
      (a, b) => a - b,
    );
    if (days.every((d, i) => i === 0 || d - days[i - 1] >= 300)) return days;
  }
  return [rng.between(FIRST_DAY, LAST_DAY)];
}

function buildFamilies(rng: SeededRandom, count: number, postcodes: string[][]): Family[] {
  const families: Family[] = [];
  let deliveryId = 0;
  const weights = COMMUNITIES.map((c) => c.weight);
  for (let id = 0; id < count; id++) {
    const community = rng.pickWeighted(COMMUNITIES, weights);
    const surname = drawSurname(rng, community);
    const family: Family = {
      id,
      community,
      surname,
      mother: drawMother(rng, community, surname),
      postcode: rng.pick(rng.pick(postcodes)),
      children: [],
    };
    const deliveries = rng.pickWeighted([1, 2, 3], [0.55, 0.35, 0.1]);
    const taken = new Set<string>();
    drawBirthDays(rng, deliveries).forEach((day, index) => {
      // About one delivery in 30 is twins (boosted from England's 1 in 65 to test them well);
      // every 800th family's first delivery is triplets, so each area has a few.
      const size =
        id % 800 === 7 && index === 0 ? 3 : rng.chance(0.0015) ? 3 : rng.chance(0.033) ? 2 : 1;
      const names = drawDeliveryNames(rng, community, size, taken);
      deliveryId++;
      for (const { name, sex } of names) {
        taken.add(name);
        const given = fullGivenName(rng, community, name, sex);
        family.children.push({
          familyId: id,
          deliveryId,
          deliverySize: size,
          community,
          givenName: given.givenName,
          calledBy: given.calledBy,
          familyName: surnameFor(family, sex),
          birthDate: fromDay(day),
          sex,
          postcode: family.postcode,
          mother: family.mother,
        });
      }
    });
    families.push(family);
  }
  return families;
}

/** The births service's record of a child: mostly complete, with the gaps notifications have. */
function knownBirthOf(rng: SeededRandom, person: Person, order: number): KnownBirth {
  const birth: KnownBirth = {
    nhsNumber: person.nhsNumber ?? '',
    birthDate: person.birthDate,
    familyName: person.familyName,
    multipleBirthOrder: person.deliverySize > 1 ? order : 1,
  };
  if (!rng.chance(0.02)) birth.givenName = person.givenName; // not yet named at notification
  const sex: SexAtBirth = rng.chance(0.003) ? 'U' : person.sex;
  birth.sex = sex;
  if (!rng.chance(0.01)) birth.postcode = person.postcode;
  if (!rng.chance(0.04)) birth.motherGivenName = person.mother.givenName;
  if (!rng.chance(0.04)) birth.motherFamilyName = person.mother.familyName;
  if (!rng.chance(0.05)) birth.motherBirthDate = person.mother.birthDate;
  return birth;
}

// ---------------------------------------------------------------------------------------------
// Form errors

const KEYBOARD_NEIGHBOURS: Readonly<Record<string, string>> = {
  a: 'sqz',
  b: 'vghn',
  c: 'xdfv',
  d: 'serfcx',
  e: 'wsdr',
  f: 'drtgvc',
  g: 'ftyhbv',
  h: 'gyujnb',
  i: 'ujko',
  j: 'huikmn',
  k: 'jiolm',
  l: 'kop',
  m: 'njk',
  n: 'bhjm',
  o: 'iklp',
  p: 'ol',
  q: 'wa',
  r: 'edft',
  s: 'awedxz',
  t: 'rfgy',
  u: 'yhji',
  v: 'cfgb',
  w: 'qase',
  x: 'zsdc',
  y: 'tghu',
  z: 'asx',
};

/** One wrong, missing or doubled letter, as a hurried hand or keyboard makes it. */
function typo(rng: SeededRandom, name: string): string {
  if (name.length < 4) return name;
  const i = rng.between(1, name.length - 1); // first letters are rarely wrong
  const c = name[i];
  const lower = c.toLowerCase();
  switch (rng.int(3)) {
    case 0: {
      const options = KEYBOARD_NEIGHBOURS[lower] ?? 'aeiou';
      const replacement = rng.pick([...options]);
      const cased = c === lower ? replacement : replacement.toUpperCase();
      return `${name.slice(0, i)}${cased}${name.slice(i + 1)}`;
    }
    case 1:
      return `${name.slice(0, i)}${name.slice(i + 1)}`;
    default:
      return `${name.slice(0, i)}${c}${name.slice(i)}`;
  }
}

/** Two neighbouring letters swapped (Jhon). */
function transpose(rng: SeededRandom, name: string): string {
  if (name.length < 4) return name;
  const i = rng.between(1, name.length - 2);
  if (name[i] === name[i + 1]) return name;
  return `${name.slice(0, i)}${name[i + 1]}${name[i]}${name.slice(i + 2)}`;
}

function stripAccents(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .replace(/ı/g, 'i');
}

const GROUPS = GIVEN_NAME_GROUPS.map((g) => g.split('/'));

/** Another form of the same name from the table (Elizabeth → Lizzie), or null if none is listed. */
function variantOf(rng: SeededRandom, name: string): string | null {
  const key = compactName(name);
  const forms = new Set<string>();
  for (const group of GROUPS) {
    if (!group.some((g) => compactName(g) === key)) continue;
    for (const g of group) if (compactName(g) !== key && g.length > 1) forms.add(g);
  }
  return forms.size === 0 ? null : rng.pick([...forms].sort());
}

function swapDayMonth(date: string): string | null {
  const [y, m, d] = date.split('-');
  if (m === d || Number(d) > 12) return null;
  return `${y}-${d}-${m}`;
}

function oneDigit(rng: SeededRandom, date: string): string | null {
  const positions = [5, 6, 8, 9];
  for (let tries = 0; tries < 10; tries++) {
    const p = rng.pick(positions);
    const digit = String(rng.int(10));
    if (digit === date[p]) continue;
    const candidate = `${date.slice(0, p)}${digit}${date.slice(p + 1)}`;
    if (isRealDate(candidate)) return candidate;
  }
  return null;
}

function transposeDay(date: string): string | null {
  const d = date.slice(8, 10);
  if (d[0] === d[1]) return null;
  const candidate = `${date.slice(0, 8)}${d[1]}${d[0]}`;
  return isRealDate(candidate) ? candidate : null;
}

function postcodeOneChar(rng: SeededRandom, postcode: string): string {
  const [outward, inward] = postcode.split(' ');
  switch (rng.int(4)) {
    case 0:
      return `${outward} ${inward[0]}${rng.pick([...UNIT_LETTERS])}${inward[2]}`;
    case 1:
      return `${outward} ${inward.slice(0, 2)}${rng.pick([...UNIT_LETTERS])}`;
    case 2:
      return `${outward} ${String((Number(inward[0]) + rng.between(1, 9)) % 10)}${inward.slice(1)}`;
    default:
      return `${outward} ${inward[0]}${inward[2]}${inward[1]}`;
  }
}

interface FormContext {
  rng: SeededRandom;
  postcodes: string[][];
  /** Multiplies every error rate (1: the realistic rates below). */
  errorScale: number;
}

/** Errors that the "several at once" records draw two of. */
const COMBINABLE = [
  'given-typo',
  'given-variant',
  'family-typo',
  'date-swap',
  'postcode-char',
] as const;
type Combinable = (typeof COMBINABLE)[number];

/**
 * The registration form as a parent fills it in for this child, errors and all. Rates are per
 * form: nicknames 10%, given-name typos 3% and transpositions 1.5%, family-name typos 2.5%,
 * day and month swapped 5% (where the day allows), other date slips 3.7%, postcode one character
 * wrong 4%, moved 7%, missing 5%, the space left out 15%, mother's details left off 25%; and 5% of
 * forms carry two of the commonest errors at once, on top of whatever else they drew.
 */
function registrationOf(
  person: Person,
  ctx: FormContext,
): { child: RegisteredChild; errors: FormError[] } {
  const { rng } = ctx;
  const errors: FormError[] = [];
  const scaled = (p: number): number => Math.min(1, p * ctx.errorScale);
  const err = (p: number): boolean => rng.chance(scaled(p));
  const forced = new Set<Combinable>();
  if (err(0.05)) {
    const [first, second] = rng.shuffle(COMBINABLE);
    forced.add(first);
    forced.add(second);
  }
  const tokens = person.givenName.split(' ');

  // Given name: usually the name the child is called by.
  let given = person.calledBy;
  if (tokens.length > 1) {
    if (tokens[0] !== person.calledBy) {
      // A devotional first name: written out, or left off.
      if (rng.chance(0.45)) {
        given = person.givenName;
        errors.push('given-name-with-middle-names');
      }
    } else if (rng.chance(0.25)) {
      given = person.givenName;
      errors.push('given-name-with-middle-names');
    } else if (err(0.03)) {
      given = tokens[tokens.length - 1];
      errors.push('given-name-middle-only');
    }
  }
  if (forced.has('given-variant') || err(0.1)) {
    const v = variantOf(rng, person.calledBy);
    if (v !== null) {
      given = given.replace(person.calledBy, v);
      errors.push('given-name-variant');
    }
  }
  if (forced.has('given-typo') || err(0.03)) {
    given = typo(rng, given);
    errors.push('given-name-typo');
  } else if (err(0.015)) {
    given = transpose(rng, given);
    errors.push('given-name-transposed');
  }

  // Family name.
  let family = person.familyName;
  if (family.includes('-')) {
    const r = rng.next();
    if (r < scaled(0.25)) {
      family = family.replace('-', ' ');
      errors.push('family-name-hyphen-as-space');
    } else if (r < scaled(0.35)) {
      family = family.replace('-', '');
      errors.push('family-name-joined');
    } else if (r < scaled(0.55)) {
      family = rng.pick(family.split('-'));
      errors.push('family-name-one-part');
    }
  }
  if (family.includes("'") && err(0.4)) {
    family = family.replace("'", rng.chance(0.5) ? '' : ' ');
    errors.push('family-name-apostrophe');
  }
  if (person.community.genderedSurnames && family !== family.replace(/(sk|ck|dzk)a$/, '$1i')) {
    if (err(0.25)) {
      family = family.replace(/(sk|ck|dzk)a$/, '$1i');
      errors.push('family-name-gendered-ending');
    }
  }
  if (person.community.sikh && err(0.15)) {
    const religious = person.sex === 'M' ? 'Singh' : 'Kaur';
    if (family !== 'Singh') {
      family = rng.chance(0.5) ? religious : `${religious} ${family}`;
      errors.push('family-name-sikh-form');
    }
  }
  if (err(0.02)) {
    family = drawSurname(rng, person.community);
    errors.push('family-name-other-parent');
  } else if (forced.has('family-typo') || err(0.025)) {
    family = typo(rng, family);
    errors.push('family-name-typo');
  } else if (err(0.01)) {
    family = transpose(rng, family);
    errors.push('family-name-transposed');
  }

  // Date of birth.
  let birthDate = person.birthDate;
  const slip = (value: string | null, error: FormError): void => {
    if (value !== null) {
      birthDate = value;
      errors.push(error);
    }
  };
  const dateSlip = forced.has('date-swap') ? 0 : rng.next();
  if (dateSlip < scaled(0.05)) slip(swapDayMonth(birthDate), 'birth-date-day-month-swapped');
  else if (dateSlip < scaled(0.065)) slip(oneDigit(rng, birthDate), 'birth-date-one-digit');
  else if (dateSlip < scaled(0.075)) {
    slip(fromDay(toDay(birthDate) + (rng.chance(0.5) ? 1 : -1)), 'birth-date-one-day');
  } else if (dateSlip < scaled(0.082)) {
    const year = Number(birthDate.slice(0, 4)) + (rng.chance(0.7) ? 1 : -1);
    slip(`${year}${birthDate.slice(4)}`, 'birth-date-year');
  } else if (dateSlip < scaled(0.087))
    slip(transposeDay(birthDate), 'birth-date-digits-transposed');
  if (!isRealDate(birthDate) && !errors.includes('birth-date-day-month-swapped')) {
    birthDate = person.birthDate; // 29 February a year out
  }

  // Sex.
  let sex: SexAtBirth | undefined = person.sex;
  if (rng.chance(0.25)) {
    sex = undefined;
    errors.push('sex-missing');
  } else if (err(0.003)) {
    sex = person.sex === 'M' ? 'F' : 'M';
    errors.push('sex-wrong');
  }

  // Postcode.
  let postcode: string | undefined = person.postcode;
  const move = forced.has('postcode-char') ? 1 : rng.next();
  if (move < scaled(0.05)) {
    postcode = undefined;
    errors.push('postcode-missing');
  } else if (move < scaled(0.09)) {
    const district = person.postcode.split(' ')[0];
    const nearby = ctx.postcodes.filter((s) => s[0].startsWith(`${district} `));
    postcode = rng.pick(rng.pick(nearby));
    errors.push('postcode-moved-nearby');
  } else if (move < scaled(0.12)) {
    postcode = rng.pick(rng.pick(ctx.postcodes));
    errors.push('postcode-moved-away');
  } else if (forced.has('postcode-char') || move < scaled(0.16)) {
    postcode = postcodeOneChar(rng, person.postcode);
    errors.push('postcode-one-char');
  }
  if (postcode !== undefined && err(0.15)) {
    postcode = postcode.replace(' ', '');
    errors.push('postcode-no-space');
  }
  if (postcode !== undefined && err(0.05)) {
    postcode = postcode.toLowerCase();
    errors.push('postcode-lower-case');
  }

  // Mother: left off when a father or carer registers, or not asked.
  let mother: RegisteredChild['mother'];
  if (err(0.25)) {
    errors.push('mother-missing');
  } else {
    let motherGiven = person.mother.givenName;
    if (err(0.05)) {
      const v = variantOf(rng, motherGiven);
      if (v !== null) {
        motherGiven = v;
        errors.push('mother-given-name-variant');
      }
    }
    if (err(0.02)) {
      motherGiven = typo(rng, motherGiven);
      errors.push('mother-given-name-typo');
    }
    let motherFamily: string | undefined = person.mother.familyName;
    const f = rng.next();
    if (f < scaled(0.1)) {
      motherFamily = undefined;
      errors.push('mother-family-name-missing');
    } else if (f < scaled(0.18)) {
      motherFamily = drawSurname(rng, person.community);
      errors.push('mother-family-name-other');
    }
    let motherBirthDate: string | undefined = person.mother.birthDate;
    const d = rng.next();
    if (d < scaled(0.2)) {
      motherBirthDate = undefined;
      errors.push('mother-birth-date-missing');
    } else if (d < scaled(0.23)) {
      const swapped = swapDayMonth(motherBirthDate);
      if (swapped !== null) {
        motherBirthDate = swapped;
        errors.push('mother-birth-date-swapped');
      }
    } else if (d < scaled(0.25)) {
      const slipped = oneDigit(rng, motherBirthDate);
      if (slipped !== null) {
        motherBirthDate = slipped;
        errors.push('mother-birth-date-one-digit');
      }
    }
    mother = { givenName: motherGiven, familyName: motherFamily, birthDate: motherBirthDate };
  }

  // Presentation: accents left off, capitals.
  if (/[^\x20-\x7e]/.test(`${given}${family}`) && rng.chance(0.6)) {
    given = stripAccents(given);
    family = stripAccents(family);
    errors.push('accents-dropped');
  }
  if (rng.chance(0.08)) {
    given = given.toUpperCase();
    family = family.toUpperCase();
    errors.push('upper-case');
  }

  const child: RegisteredChild = { givenName: given, familyName: family, birthDate };
  if (sex !== undefined) child.sex = sex;
  if (postcode !== undefined) child.postcode = postcode;
  if (mother !== undefined) child.mother = mother;
  return { child, errors };
}

// ---------------------------------------------------------------------------------------------
// Children without a known birth

function newPerson(
  rng: SeededRandom,
  family: Family,
  birthDay: number,
  deliveryId: number,
  avoid: Set<string>,
): Person {
  const [{ name, sex }] = drawDeliveryNames(rng, family.community, 1, avoid);
  const given = fullGivenName(rng, family.community, name, sex);
  return {
    familyId: family.id,
    deliveryId,
    deliverySize: 1,
    community: family.community,
    givenName: given.givenName,
    calledBy: given.calledBy,
    familyName: surnameFor(family, sex),
    birthDate: fromDay(birthDay),
    sex,
    postcode: family.postcode,
    mother: family.mother,
  };
}

function newFamily(rng: SeededRandom, id: number, postcode: string): Family {
  const community = rng.pickWeighted(
    COMMUNITIES,
    COMMUNITIES.map((c) => c.weight),
  );
  const surname = drawSurname(rng, community);
  return {
    id,
    community,
    surname,
    mother: drawMother(rng, community, surname),
    postcode,
    children: [],
  };
}

/** A day near the given one that the matcher will look up (same day, a day out, swapped). */
function nearDay(rng: SeededRandom, day: number): number {
  const r = rng.next();
  if (r < 0.5) return day;
  if (r < 0.8) return day + (rng.chance(0.5) ? 1 : -1);
  const swapped = swapDayMonth(fromDay(day));
  return swapped !== null ? toDay(swapped) : day;
}

function clampDay(day: number): number {
  return Math.min(LAST_DAY, Math.max(FIRST_DAY, day));
}

// ---------------------------------------------------------------------------------------------

/** Builds the synthetic area for a seed. */
export function buildSyntheticArea(
  seed: number,
  options: SyntheticAreaOptions = {},
): SyntheticArea {
  const familyCount = options.families ?? 3200;
  const withKnown = options.withKnownBirth ?? 900;
  const withoutKnown = options.withoutKnownBirth ?? 100;
  const rng = new SeededRandom(seed);
  const postcodes = buildPostcodes(rng);
  const families = buildFamilies(rng, familyCount, postcodes);
  const nhsNumbers = new NhsNumberGenerator('test', seed);

  const births: KnownBirth[] = [];
  const facts = new Map<string, SyntheticBirthFacts>();
  const people: Person[] = [];
  for (const family of families) {
    const orderInDelivery = new Map<number, number>();
    for (const person of family.children) {
      person.nhsNumber = nhsNumbers.next();
      const order = (orderInDelivery.get(person.deliveryId) ?? 0) + 1;
      orderInDelivery.set(person.deliveryId, order);
      births.push(knownBirthOf(rng, person, order));
      facts.set(person.nhsNumber, {
        familyId: family.id,
        deliveryId: person.deliveryId,
        deliverySize: person.deliverySize,
      });
      people.push(person);
    }
  }

  // Children with a known birth: twins and triplets first (registered together, alone, or both
  // but on separate forms), then other children at random.
  const chosen = new Set<Person>();
  const forms: Person[][] = [];
  const byDelivery = new Map<number, Person[]>();
  for (const p of people) {
    const list = byDelivery.get(p.deliveryId) ?? [];
    list.push(p);
    byDelivery.set(p.deliveryId, list);
  }
  const multiples = rng.shuffle([...byDelivery.values()].filter((d) => d.length > 1));
  const multipleTarget = Math.round(withKnown * 0.06);
  let multipleChildren = 0;
  for (const delivery of multiples) {
    if (multipleChildren >= multipleTarget && delivery.length < 3) continue;
    const mode = rng.next();
    if (mode < 0.55) {
      forms.push([...delivery]);
      delivery.forEach((p) => chosen.add(p));
      multipleChildren += delivery.length;
    } else if (mode < 0.85) {
      const one = rng.pick(delivery);
      forms.push([one]);
      chosen.add(one);
      multipleChildren += 1;
    } else {
      for (const p of delivery) {
        forms.push([p]);
        chosen.add(p);
      }
      multipleChildren += delivery.length;
    }
  }
  for (const p of rng.shuffle(people)) {
    if (chosen.size >= withKnown) break;
    if (chosen.has(p)) continue;
    chosen.add(p);
    // Brothers and sisters already chosen are often registered on the same form.
    const siblingForm = forms.find(
      (f) => f.length === 1 && f[0].familyId === p.familyId && f[0].deliveryId !== p.deliveryId,
    );
    if (siblingForm && rng.chance(0.5)) siblingForm.push(p);
    else forms.push([p]);
  }
  // Trim if multiples overshot (rare): drop whole forms from the end.
  while (chosen.size > withKnown) {
    const last = forms.pop();
    last?.forEach((p) => chosen.delete(p));
  }
  while (chosen.size < withKnown) {
    const p = rng.pick(people);
    if (chosen.has(p)) continue;
    chosen.add(p);
    forms.push([p]);
  }

  // Children without a known birth.
  const registeredWithout: { person: Person; kind: RegisteredChildKind; joinForm?: Person[] }[] =
    [];
  let nextFamilyId = familyCount;
  let nextDeliveryId = 1_000_000;
  const kinds: RegisteredChildKind[] = [];
  for (let i = 0; i < withoutKnown; i++) {
    const r = i / withoutKnown;
    kinds.push(
      r < 0.3
        ? 'sibling-born-another-year'
        : r < 0.55
          ? 'neighbour'
          : r < 0.8
            ? 'same-surname'
            : 'new-arrival',
    );
  }
  for (const kind of kinds) {
    switch (kind) {
      case 'sibling-born-another-year': {
        let person: Person | null = null;
        for (let tries = 0; tries < 50 && person === null; tries++) {
          const family = rng.pick(families);
          const day = rng.between(FIRST_DAY, LAST_DAY);
          const clear = family.children.every((c) => Math.abs(toDay(c.birthDate) - day) >= 270);
          if (!clear || family.children.length === 0) continue;
          const taken = new Set(family.children.map((c) => c.calledBy));
          person = newPerson(rng, family, day, nextDeliveryId++, taken);
          const form = forms.find((f) => f.some((p) => p.familyId === family.id));
          registeredWithout.push({
            person,
            kind,
            joinForm: form && rng.chance(0.5) ? form : undefined,
          });
        }
        break;
      }
      case 'neighbour': {
        const host = rng.pick(families.filter((f) => f.children.length > 0));
        const family = newFamily(rng, nextFamilyId++, host.postcode);
        const near = rng.chance(0.5)
          ? nearDay(rng, toDay(rng.pick(host.children).birthDate))
          : null;
        const day = clampDay(near ?? rng.between(FIRST_DAY, LAST_DAY));
        registeredWithout.push({
          person: newPerson(rng, family, day, nextDeliveryId++, new Set()),
          kind,
        });
        break;
      }
      case 'same-surname': {
        const known = rng.pick(people);
        const host = families[known.familyId];
        const sector = known.postcode.slice(0, -2);
        const nearby = postcodes.flat().filter((p) => p.startsWith(sector) && p !== known.postcode);
        const postcode =
          rng.chance(0.3) && nearby.length > 0 ? rng.pick(nearby) : rng.pick(rng.pick(postcodes));
        const family: Family = {
          id: nextFamilyId++,
          community: host.community,
          surname: host.surname,
          mother: drawMother(rng, host.community, host.surname),
          postcode,
          children: [],
        };
        const day = clampDay(
          rng.chance(0.5) ? nearDay(rng, toDay(known.birthDate)) : rng.between(FIRST_DAY, LAST_DAY),
        );
        const avoid = new Set([known.calledBy]);
        registeredWithout.push({
          person: newPerson(rng, family, day, nextDeliveryId++, avoid),
          kind,
        });
        break;
      }
      case 'new-arrival': {
        const family = newFamily(rng, nextFamilyId++, rng.pick(rng.pick(postcodes)));
        const day = rng.between(FIRST_DAY, LAST_DAY);
        registeredWithout.push({
          person: newPerson(rng, family, day, nextDeliveryId++, new Set()),
          kind,
        });
        break;
      }
      case 'known':
        break;
    }
  }

  const ctx: FormContext = { rng, postcodes, errorScale: options.errorScale ?? 1 };
  const formOf = new Map<Person[], SyntheticRegisteredChild[]>();
  const registrations: SyntheticRegistration[] = [];
  for (const form of forms) {
    const children = form.map((person) => {
      const { child, errors } = registrationOf(person, ctx);
      return {
        child,
        truth: person.nhsNumber ?? null,
        kind: 'known' as const,
        errors,
        multipleBirth: person.deliverySize > 1,
        familyId: person.familyId,
        deliveryId: person.deliveryId,
      };
    });
    formOf.set(form, children);
    registrations.push({ id: '', children });
  }
  for (const { person, kind, joinForm } of registeredWithout) {
    const { child, errors } = registrationOf(person, ctx);
    const registered: SyntheticRegisteredChild = {
      child,
      truth: null,
      kind,
      errors,
      multipleBirth: false,
      familyId: person.familyId,
      deliveryId: person.deliveryId,
    };
    const existing = joinForm ? formOf.get(joinForm) : undefined;
    if (existing) existing.push(registered);
    else registrations.push({ id: '', children: [registered] });
  }
  const shuffled = rng.shuffle(registrations);
  shuffled.forEach((r, i) => (r.id = `R${String(i + 1).padStart(4, '0')}`));
  return { seed, births, facts, registrations: shuffled };
}
