import { Rng } from './prng';
import type { Centre, Lsoa, PostcodeEntry, SyntheticGeography } from './world';

/**
 * The fictional LA's geography, deterministic from the seed: ~120 LSOAs per 4,000 births a year
 * (England has ~33,800 LSOAs for ~600,000 births), each with an IMD decile (clustered in space,
 * ranked so each decile holds a tenth), ~25 postcodes per LSOA in valid UK shape under invented
 * "Q" areas (no real postcode starts with Q), 12 centres in 3 clusters per 120 LSOAs whose reach
 * areas are contiguous blocks of LSOAs, and one LSOA in 30 left outside every reach area.
 */
export const LA = { code: 'E06099001', name: 'Fenbridge' } as const;
export const POSTCODES_PER_LSOA = 25;
const LSOAS_PER_UNIT = 120;
const CENTRES_PER_UNIT = 12;
const CENTRES_PER_CLUSTER = 4;
const OUTSIDE_EVERY = 30;
const AREAS = ['QX', 'QY', 'QZ', 'QV', 'QW', 'QT', 'QS', 'QR', 'QP', 'QN', 'QM', 'QL'];
const LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';
const PLACES = [
  'Harbour',
  'Millbrook',
  'Eastfield',
  'Northgate',
  'Riverside',
  'Oakwood',
  'Southmead',
  'Westcliff',
  'Parkside',
  'Kingsway',
  'Bramley',
  'Lowfield',
  'Highcross',
  'Ashdown',
  'Fernhill',
];
const STREETS = [
  'Mill Lane',
  'Church Road',
  'Station Road',
  'Victoria Street',
  'Park Avenue',
  'Queens Road',
  'Orchard Close',
  'Meadow Way',
  'Harbour View',
  'Elm Grove',
  'Chapel Street',
  'Rowan Drive',
];

export interface GeographyIndex {
  geography: SyntheticGeography;
  /** lsoa code -> index into geography.lsoas */
  lsoaIndex: Map<string, number>;
  /** per LSOA index: centre id or null (outside every reach area) */
  centreOfLsoa: (string | null)[];
  /** per LSOA index: cluster index (0-based) used for the HV provider */
  clusterOfLsoa: number[];
  /** HV providers: one per cluster */
  hvOrgs: { org: string; channel: 'hv-api' | 'hv-extract' | 'hv-topic'; sourceSystem: string }[];
  centreById: Map<string, Centre>;
}

export function unitsFor(birthsPerYear: number): number {
  return Math.max(1, Math.round(birthsPerYear / 4000));
}

export function buildGeography(
  seed: number,
  birthsPerYear: number,
  effectiveFrom: string,
): GeographyIndex {
  const units = unitsFor(birthsPerYear);
  const rng = new Rng(seed, 'geography');
  const nLsoa = LSOAS_PER_UNIT * units;
  const nCentres = CENTRES_PER_UNIT * units;
  const nClusters = Math.ceil(nCentres / CENTRES_PER_CLUSTER);
  const width = nCentres > 99 ? 4 : 2;

  const clusters = Array.from({ length: nClusters }, (_, i) => ({
    id: `CL${i + 1}`,
    name: `${PLACES[i % PLACES.length]} cluster${i >= PLACES.length ? ` ${Math.floor(i / PLACES.length) + 1}` : ''}`,
  }));
  const centres: Centre[] = Array.from({ length: nCentres }, (_, i) => ({
    id: `C${String(i + 1).padStart(width, '0')}`,
    name: `${PLACES[(i * 7) % PLACES.length]} ${STREETS[i % STREETS.length].split(' ')[0]} Children's Centre`,
    cluster: clusters[Math.floor(i / CENTRES_PER_CLUSTER)].id,
  }));

  // Deprivation clustered in space: a smooth wave plus per-cluster level plus noise, then ranked.
  const clusterLevel = clusters.map(() => rng.normal(0, 1));
  const scores = Array.from({ length: nLsoa }, (_, i) => {
    const cluster = Math.min(nClusters - 1, Math.floor((i * nClusters) / nLsoa));
    return { i, s: clusterLevel[cluster] + Math.sin(i / 7) * 0.8 + rng.normal(0, 0.7) };
  });
  const ranked = [...scores].sort((a, b) => a.s - b.s || a.i - b.i);
  const deciles = new Array<number>(nLsoa);
  ranked.forEach(({ i }, rank) => (deciles[i] = 1 + Math.floor((rank * 10) / nLsoa)));

  const lsoas: Lsoa[] = deciles.map((imdDecile, i) => ({
    code: `E01${String(900000 + i).padStart(6, '0')}`,
    imdDecile,
  }));
  const centreOfLsoa: (string | null)[] = [];
  const clusterOfLsoa: number[] = [];
  const reach = new Map<string, string[]>();
  lsoas.forEach((lsoa, i) => {
    const c = Math.min(nCentres - 1, Math.floor((i * nCentres) / nLsoa));
    clusterOfLsoa.push(Math.floor(c / CENTRES_PER_CLUSTER));
    if (i % OUTSIDE_EVERY === OUTSIDE_EVERY - 1) {
      centreOfLsoa.push(null);
      return;
    }
    const id = centres[c].id;
    centreOfLsoa.push(id);
    const list = reach.get(id) ?? [];
    list.push(lsoa.code);
    reach.set(id, list);
  });

  const postcodes: PostcodeEntry[] = [];
  for (let i = 0; i < nLsoa; i++) {
    for (let j = 0; j < POSTCODES_PER_LSOA; j++) {
      postcodes.push({ postcode: postcodeAt(i * POSTCODES_PER_LSOA + j), lsoa: lsoas[i].code });
    }
  }
  // Valid in shape, absent from the lookup: an invented area no LSOA uses.
  const unknownPostcodes = Array.from(
    { length: 40 },
    (_, k) => `QU${1 + (k % 9)} ${k % 10}${LETTERS[(k * 3) % 20]}${LETTERS[(k * 7) % 20]}`,
  );

  const hvOrgs = clusters.map((_, i) => {
    const channel = (['hv-api', 'hv-extract', 'hv-topic'] as const)[i % 3];
    const org = `R${'ABC'[i % 3]}${i + 1}`;
    return { org, channel, sourceSystem: `hv-records-${['north', 'east', 'west'][i % 3]}` };
  });
  const geography: SyntheticGeography = {
    la: { ...LA },
    clusters,
    centres,
    lsoas,
    reachAreas: centres.map((c) => ({ centreId: c.id, lsoas: reach.get(c.id) ?? [] })),
    postcodes,
    unknownPostcodes,
    effectiveFrom,
  };
  return {
    geography,
    lsoaIndex: new Map(lsoas.map((l, i) => [l.code, i])),
    centreOfLsoa,
    clusterOfLsoa,
    hvOrgs,
    centreById: new Map(centres.map((c) => [c.id, c])),
  };
}

/** The k-th postcode of the lookup: 1,000 per district, 99 districts per area. */
export function postcodeAt(k: number): string {
  const district = Math.floor(k / 1000);
  const area = AREAS[Math.floor(district / 99) % AREAS.length];
  const r = k % 1000;
  const q = Math.floor(r / 10);
  return `${area}${(district % 99) + 1} ${r % 10}${LETTERS[q % 20]}${LETTERS[Math.floor(q / 20) + 5]}`;
}

export function streetFor(lsoaIndex: number, rng: Rng): string {
  return `${rng.int(1, 180)} ${STREETS[(lsoaIndex * 5 + rng.int(0, 2)) % STREETS.length]}`;
}

/** The ONS-format postcode lookup CSV (POST /geography/postcodes). */
export function postcodesCsv(index: GeographyIndex): string {
  const { geography } = index;
  const lines = ['pcd7,pcds,dointr,lsoa21cd,msoa21cd,ladcd,usertype'];
  for (const { postcode, lsoa } of geography.postcodes) {
    const [outward, inward] = postcode.split(' ');
    const i = index.lsoaIndex.get(lsoa)!;
    const msoa = `E02${String(900000 + Math.floor(i / 5)).padStart(6, '0')}`;
    lines.push(
      `${outward.padEnd(4, ' ')}${inward},${postcode},202001,${lsoa},${msoa},${geography.la.code},0`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The body of POST /geography/boundaries. */
export function boundariesBody(index: GeographyIndex): unknown {
  const { geography } = index;
  const la = geography.la.code;
  return {
    effectiveFrom: geography.effectiveFrom,
    las: [{ code: la, name: geography.la.name }],
    clusters: geography.clusters.map((c) => ({ id: c.id, name: c.name, la })),
    centres: geography.centres.map((c) => ({ id: c.id, name: c.name, la, cluster: c.cluster })),
    reachAreas: geography.reachAreas,
    imdDeciles: geography.lsoas.map((l) => ({ lsoa: l.code, decile: l.imdDecile })),
  };
}
