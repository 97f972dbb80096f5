/**
 * The synthetic matching area (apps/registrations/src/matching/evaluation) as the real services
 * take it: a boundary version and postcode lookup for births, each known birth as a notification
 * (POST /births), each registration as a family registering at a centre (POST
 * /centres/:centreId/families); and back from a registration's answer, each child as the
 * registrations service hands it to the matcher. Where the API cannot say what the synthetic
 * form says, the nearest faithful form is used and the departure is named, so the evaluation
 * can tell a difference of representation from a difference of behaviour.
 */
import {
  normalisePostcode,
  type KnownBirth,
  type RegisteredChild,
  type RegisteredMother,
} from '../../apps/registrations/src/matching';
import type { SyntheticRegistration } from '../../apps/registrations/src/matching/evaluation/synthetic-area';

/** NHS pseudo-postcode for "not known": births requires a postcode; the matcher reads it as none. */
export const POSTCODE_NOT_KNOWN = 'ZZ99 3VZ';
/** A placeholder the matcher reads as no name ("Unknown"), for a name a form left blank. */
export const NAME_NOT_KNOWN = 'Unknown';

export const EVAL_LA = 'E06000996';
export const EVAL_CLUSTER = 'EVAL-CL';
export const EVAL_CENTRE = 'EVAL-CENTRE';
/** Before the first synthetic birth, so every birth is placed under these versions. */
export const GEOGRAPHY_EFFECTIVE_FROM = '2019-01-01';

// ---------------------------------------------------------------------------------------------
// Geography

function sectorOf(postcode: string): string {
  return postcode.slice(0, postcode.indexOf(' ') + 2);
}

/** Every real postcode of the area (births and forms), normalised, sorted. */
export function areaPostcodes(
  births: readonly KnownBirth[],
  registrations: readonly SyntheticRegistration[],
): string[] {
  const all = new Set<string>();
  const add = (p: string | undefined): void => {
    if (p === undefined) return;
    const n = normalisePostcode(p);
    if (/^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$/.test(n) && !n.startsWith('ZZ99')) all.add(n);
  };
  births.forEach((b) => add(b.postcode));
  registrations.forEach((r) => r.children.forEach((c) => add(c.child.postcode)));
  return [...all].sort();
}

/** One LSOA per postal sector (invented codes E0199xxxx). */
function lsoaBySector(postcodes: readonly string[]): Map<string, string> {
  const sectors = [...new Set(postcodes.map(sectorOf))].sort();
  return new Map(sectors.map((s, i) => [s, `E0199${String(i).padStart(4, '0')}`]));
}

/** A boundary version with one centre whose reach area is every LSOA of the area. */
export function boundaryVersion(postcodes: readonly string[]) {
  const lsoas = [...lsoaBySector(postcodes).values()];
  return {
    effectiveFrom: GEOGRAPHY_EFFECTIVE_FROM,
    las: [{ code: EVAL_LA, name: 'Synthetic matching area' }],
    clusters: [{ id: EVAL_CLUSTER, name: 'Synthetic cluster', la: EVAL_LA }],
    centres: [{ id: EVAL_CENTRE, name: 'Synthetic centre', la: EVAL_LA, cluster: EVAL_CLUSTER }],
    reachAreas: [{ centreId: EVAL_CENTRE, lsoas }],
    imdDeciles: lsoas.map((lsoa, i) => ({ lsoa, decile: 1 + (i % 10) })),
  };
}

/** An ONS-style postcode lookup (pcds, lsoa21cd, msoa21cd, ladcd) placing each postcode. */
export function postcodeLookupCsv(postcodes: readonly string[]): string {
  const lsoas = lsoaBySector(postcodes);
  const rows = postcodes.map((p) => `${p},${lsoas.get(sectorOf(p))},,${EVAL_LA}`);
  return `pcds,lsoa21cd,msoa21cd,ladcd\n${rows.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Births

/** The body of POST /births for a known birth (only what the synthetic record states). */
export function birthNotification(birth: KnownBirth, sharingObjection: boolean) {
  return {
    nhsNumber: birth.nhsNumber,
    birthDate: birth.birthDate,
    // Required by births: a birth whose postcode is not known is notified with the pseudo-code.
    postcode: birth.postcode ?? POSTCODE_NOT_KNOWN,
    ...defined({
      sex: birth.sex,
      multipleBirthOrder: birth.multipleBirthOrder,
      givenName: birth.givenName,
      familyName: birth.familyName,
      motherGivenName: birth.motherGivenName,
      motherFamilyName: birth.motherFamilyName,
      motherBirthDate: birth.motherBirthDate,
    }),
    ...(sharingObjection ? { sharingObjection: true } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Registrations

/** How a registration as sent departs from the synthetic form (nothing: sent as it is). */
export type RepresentationNote =
  /** No child's postcode given: the address carries the pseudo-postcode (read as none). */
  | 'postcode-not-given'
  /** Children of the form wrote different postcodes: the family has one address (the first). */
  | 'postcodes-differ-between-children'
  /** Some children gave no postcode: they get the family's address. */
  | 'postcode-given-to-child-without'
  /** The mother's family name left blank: a carer needs one, "Unknown" (read as none). */
  | 'mother-family-name-as-unknown'
  /** The mother's given name left blank: "Unknown" (read as none). */
  | 'mother-given-name-as-unknown'
  /** Children of the form wrote their mother's details differently: one carer per version. */
  | 'mother-written-differently-per-child'
  /** No mother on the form: a carer of unknown name, not the mother, is named. */
  | 'no-mother-other-carer-named';

export interface FamilyRegistrationBody {
  carers: {
    givenName: string;
    familyName: string;
    birthDate?: string;
    relationships: { childIndex: number; relationship: 'mother' | 'other_carer' }[];
    languages: string[];
  }[];
  children: { givenName: string; familyName: string; birthDate: string; sex?: string }[];
  address: { line1: string; postcode: string };
  consentToHoldDetails: true;
}

function motherKey(mother: RegisteredMother): string {
  return JSON.stringify([mother.givenName ?? '', mother.familyName ?? '', mother.birthDate ?? '']);
}

/**
 * The family registration for a synthetic form. The synthetic form states a postcode and a
 * mother per child; the API one address per family and carers with a relationship to each
 * child. Each distinct version of the mother becomes a carer who is the mother of the children
 * that wrote it that way (and other carer of the rest), so every child's mother reaches the
 * matcher as written; the address is the first postcode any child gave.
 */
export function familyRegistration(registration: SyntheticRegistration): {
  body: FamilyRegistrationBody;
  notes: RepresentationNote[];
} {
  const notes = new Set<RepresentationNote>();
  const children = registration.children.map(({ child }) => ({
    givenName: child.givenName,
    familyName: child.familyName,
    birthDate: child.birthDate,
    ...(child.sex !== undefined ? { sex: child.sex } : {}),
  }));

  const postcodes = registration.children.map(({ child }) =>
    child.postcode === undefined ? undefined : normalisePostcode(child.postcode),
  );
  const given = postcodes.filter((p): p is string => p !== undefined);
  const firstPostcode = registration.children.find((c) => c.child.postcode !== undefined)?.child
    .postcode;
  if (given.length === 0) notes.add('postcode-not-given');
  else {
    if (new Set(given).size > 1) notes.add('postcodes-differ-between-children');
    if (given.length < postcodes.length) notes.add('postcode-given-to-child-without');
  }

  const versions = new Map<string, { mother: RegisteredMother; children: number[] }>();
  registration.children.forEach(({ child }, i) => {
    if (child.mother === undefined) return;
    const key = motherKey(child.mother);
    const version = versions.get(key) ?? { mother: child.mother, children: [] };
    version.children.push(i);
    versions.set(key, version);
  });
  if (versions.size > 1) notes.add('mother-written-differently-per-child');
  const carers: FamilyRegistrationBody['carers'] = [...versions.values()].map(
    ({ mother, children: hers }) => {
      if (mother.givenName === undefined) notes.add('mother-given-name-as-unknown');
      if (mother.familyName === undefined) notes.add('mother-family-name-as-unknown');
      return {
        givenName: mother.givenName ?? NAME_NOT_KNOWN,
        familyName: mother.familyName ?? NAME_NOT_KNOWN,
        ...(mother.birthDate !== undefined ? { birthDate: mother.birthDate } : {}),
        relationships: children.map((_, i) => ({
          childIndex: i,
          relationship: hers.includes(i) ? ('mother' as const) : ('other_carer' as const),
        })),
        languages: [],
      };
    },
  );
  if (carers.length === 0) {
    // A father or another carer registered the children and said nothing of the mother.
    notes.add('no-mother-other-carer-named');
    carers.push({
      givenName: NAME_NOT_KNOWN,
      familyName: children[0].familyName,
      relationships: children.map((_, i) => ({ childIndex: i, relationship: 'other_carer' })),
      languages: [],
    });
  }
  return {
    body: {
      carers,
      children,
      address: {
        line1: `${registration.id} Synthetic Row`,
        postcode: firstPostcode ?? POSTCODE_NOT_KNOWN,
      },
      consentToHoldDetails: true,
    },
    notes: [...notes],
  };
}

/** The parts of POST /centres/:centreId/families's answer (familyView) the evaluation reads. */
export interface FamilyAnswer {
  familyId: string;
  address: { postcode: string };
  carers: {
    givenName: string;
    familyName: string;
    birthDate?: string;
    relationships: { childId: string; relationship: string }[];
  }[];
  children: {
    childId: string;
    nhsNumber: string | null;
    nhsNumberFrom: 'form' | 'automatic-link' | 'manual-link' | null;
    match?: 'linked' | 'review' | 'unmatched' | 'pending';
    givenName: string;
    familyName: string;
    birthDate: string;
    sex?: RegisteredChild['sex'];
  }[];
}

/**
 * Each child of a registered family as the registrations service gives it to the matcher
 * (LinkingService's registeredChild): the names and date as stored, the family's postcode, the
 * first carer who is the child's mother.
 */
export function childrenAsMatched(answer: FamilyAnswer): RegisteredChild[] {
  return answer.children.map((child) => {
    const mother = answer.carers.find((c) =>
      c.relationships.some((r) => r.childId === child.childId && r.relationship === 'mother'),
    );
    return {
      givenName: child.givenName,
      familyName: child.familyName,
      birthDate: child.birthDate,
      ...(child.sex ? { sex: child.sex } : {}),
      postcode: answer.address.postcode,
      ...(mother
        ? {
            mother: {
              givenName: mother.givenName,
              familyName: mother.familyName,
              ...(mother.birthDate ? { birthDate: mother.birthDate } : {}),
            },
          }
        : {}),
    };
  });
}

function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
