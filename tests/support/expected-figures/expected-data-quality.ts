/**
 * The data-quality lists recomputed straight from the generator's truth (docs/figures.md,
 * "Data-quality lists"), written apart from the reporting service, for a data set with one LA.
 * Children are named by NHS number here; the test maps them to the service's pseudonyms.
 */
import type { GeographyBoundariesV1 } from '@lib/contracts';
import type { Address, WorldEvent } from '@lib/synthetic';

interface Home {
  date: string;
  seq: number;
  resident: boolean;
  address?: Address;
}

interface Child {
  nhsNumber: string;
  birthDate: string;
  sensitive: boolean;
  homes: Home[];
  deathDate?: string;
}

/** Children known to births (born here, or moved in), with every home in date order. */
function childrenOf(world: WorldEvent[]): Map<string, Child> {
  const children = new Map<string, Child>();
  const later: { nhsNumber: string; home: Home }[] = [];
  world.forEach((e, seq) => {
    if (e.kind === 'born') {
      const b = e.birth;
      const home = { date: b.birthDate, seq, resident: true, address: b.address };
      const known = children.get(b.nhsNumber);
      if (known) known.homes.push(home);
      else
        children.set(b.nhsNumber, {
          nhsNumber: b.nhsNumber,
          birthDate: b.birthDate,
          sensitive: b.sensitive,
          homes: [home],
        });
    } else if (e.kind === 'moved') {
      const home = { date: e.date, seq, resident: e.to !== undefined, address: e.to };
      if (e.to && !e.from && e.birth) {
        const known = children.get(e.nhsNumber);
        if (known) known.homes.push(home);
        else
          children.set(e.nhsNumber, {
            nhsNumber: e.nhsNumber,
            birthDate: e.birth.birthDate,
            sensitive: e.birth.sensitive,
            homes: [home],
          });
      } else later.push({ nhsNumber: e.nhsNumber, home });
    }
  });
  for (const { nhsNumber, home } of later) children.get(nhsNumber)?.homes.push(home);
  world.forEach((e) => {
    if (e.kind !== 'died') return;
    const child = children.get(e.nhsNumber);
    if (child && (child.deathDate === undefined || e.date < child.deathDate))
      child.deathDate = e.date;
  });
  for (const child of children.values())
    child.homes.sort((a, b) => a.date.localeCompare(b.date) || a.seq - b.seq);
  return children;
}

function homeOn(child: Child, day: string): Home | undefined {
  return child.homes.filter((h) => h.date <= day).at(-1);
}

function outwardCode(postcode: string): string | null {
  const outward = postcode.split(' ')[0] ?? '';
  return outward === '' || outward.startsWith('ZZ99') ? null : outward;
}

function fifthBirthday(birthDate: string): string {
  return `${Number(birthDate.slice(0, 4)) + 5}${birthDate.slice(4)}`.replace(/-02-29$/, '-03-01');
}

export interface ExpectedUnassigned {
  nhsNumber: string;
  reason: 'outside_reach_areas' | 'postcode_not_in_directory' | 'no_postcode';
  postcodeDistrict: string | null;
  since: string;
}

/**
 * Children alive, under 5 and living in the LA on `day` whose address lies in no reach area;
 * sensitive-flagged children (whose address never leaves health) only counted.
 */
export function expectedUnassigned(
  world: WorldEvent[],
  boundaries: GeographyBoundariesV1,
  day: string,
): { entries: ExpectedUnassigned[]; sensitive: number } {
  const reached = new Set(boundaries.reachAreas.flatMap((r) => r.lsoas));
  const entries: ExpectedUnassigned[] = [];
  let sensitive = 0;
  for (const child of childrenOf(world).values()) {
    if (child.birthDate > day || day >= fifthBirthday(child.birthDate)) continue;
    if (child.deathDate !== undefined && child.deathDate <= day) continue;
    const home = homeOn(child, day);
    if (!home?.resident || !home.address) continue;
    if (child.sensitive) {
      sensitive++;
      continue;
    }
    const { lsoa, postcode } = home.address;
    if (lsoa !== undefined && reached.has(lsoa)) continue;
    const district = outwardCode(postcode);
    entries.push({
      nhsNumber: child.nhsNumber,
      reason:
        lsoa !== undefined
          ? 'outside_reach_areas'
          : district !== null
            ? 'postcode_not_in_directory'
            : 'no_postcode',
      postcodeDistrict: district,
      since: home.date,
    });
  }
  return { entries, sensitive };
}

export interface ExpectedMissingFeeding {
  nhsNumber: string;
  contactType: string;
  contactDate: string;
  organisationCode: string;
}

/**
 * Completed new-birth visits and 6-8 week reviews without a feeding status (or `unknown`) of
 * children known here and living in the LA on the day (before their first home here: the first).
 */
export function expectedMissingFeeding(world: WorldEvent[]): ExpectedMissingFeeding[] {
  const children = childrenOf(world);
  const out: ExpectedMissingFeeding[] = [];
  for (const e of world) {
    if (e.kind !== 'hv-contact') continue;
    const c = e.contact;
    if (c.contactType !== 'new_birth_visit' && c.contactType !== 'review_6_8_week') continue;
    if (c.outcome !== 'completed') continue;
    if (c.feedingStatus !== undefined && c.feedingStatus !== 'unknown') continue;
    const child = children.get(c.nhsNumber);
    if (!child) continue;
    const home = homeOn(child, e.date) ?? child.homes[0];
    if (!home?.resident) continue;
    out.push({
      nhsNumber: c.nhsNumber,
      contactType: c.contactType,
      contactDate: e.date,
      organisationCode: c.organisationCode,
    });
  }
  return out;
}

/** The NHS numbers of the children known here (born, or moved in). */
export function knownChildren(world: WorldEvent[]): Set<string> {
  return new Set(childrenOf(world).keys());
}
