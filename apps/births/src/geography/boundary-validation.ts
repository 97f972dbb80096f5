import { isIsoDate, LA_CODE, LOCAL_ID, LSOA_CODE } from './geography-codes';

export interface LocalAuthority {
  code: string;
  name: string;
}
export interface Cluster {
  id: string;
  name: string;
  la: string;
}
export interface Centre {
  id: string;
  name: string;
  la: string;
  cluster: string;
}
export interface ReachArea {
  centreId: string;
  lsoas: string[];
}
export interface ImdDecile {
  lsoa: string;
  decile: number;
}

/** A whole boundary version as loaded (and as published on geography.reference.v1). */
export interface BoundaryContent {
  effectiveFrom: string;
  las: LocalAuthority[];
  clusters: Cluster[];
  centres: Centre[];
  reachAreas: ReachArea[];
  imdDeciles: ImdDecile[];
}

/** One problem with a load, named by its JSON path (`reachAreas[1].lsoas[0]`). */
export interface LoadProblem {
  field: string;
  reason: string;
}

export type BoundaryValidation =
  { ok: true; value: BoundaryContent } | { ok: false; problems: LoadProblem[] };

const TOP_LEVEL = ['effectiveFrom', 'las', 'clusters', 'centres', 'reachAreas', 'imdDeciles'];
const MAX_NAME = 200;

/**
 * The reach-area LSOAs (well-formed ones) that the load's own IMD list does not hold: the caller
 * checks these against the postcode lookup before `validateBoundaries` decides.
 */
export function reachAreaLsoasOutsideImd(body: unknown): string[] {
  if (!isObject(body)) return [];
  const imd = new Set(
    asArray(body.imdDeciles)
      .filter(isObject)
      .map((d) => d.lsoa)
      .filter((l): l is string => typeof l === 'string'),
  );
  const outside = new Set<string>();
  for (const area of asArray(body.reachAreas).filter(isObject)) {
    for (const lsoa of asArray(area.lsoas)) {
      if (typeof lsoa === 'string' && LSOA_CODE.test(lsoa) && !imd.has(lsoa)) outside.add(lsoa);
    }
  }
  return [...outside].sort();
}

/**
 * Validates a boundary version as a whole and lists every problem (never only the first):
 * code formats, duplicates, centres of unknown LAs or clusters, a cluster of another LA, a
 * reach area of an unknown centre, an LSOA in two reach areas (naming both centres), an LSOA
 * known neither to the load's IMD list nor to the postcode lookup (`knownToLookup`).
 */
export function validateBoundaries(
  body: unknown,
  knownToLookup: ReadonlySet<string> = new Set(),
): BoundaryValidation {
  const problems: LoadProblem[] = [];
  const problem = (field: string, reason: string): void => {
    problems.push({ field, reason });
  };
  if (!isObject(body)) {
    return { ok: false, problems: [{ field: '', reason: 'must be a JSON object' }] };
  }
  for (const key of Object.keys(body)) {
    if (!TOP_LEVEL.includes(key)) problem(key, 'is not a field of a boundary version');
  }
  if (!isIsoDate(body.effectiveFrom)) problem('effectiveFrom', 'must be a date (YYYY-MM-DD)');

  const las = listOf(body, 'las', true, problem);
  const clusters = listOf(body, 'clusters', true, problem);
  const centres = listOf(body, 'centres', true, problem);
  const reachAreas = listOf(body, 'reachAreas', true, problem);
  const imdDeciles = listOf(body, 'imdDeciles', false, problem);

  const laCodes = new Set<string>();
  const outLas: LocalAuthority[] = [];
  las.forEach((la, i) => {
    const at = `las[${i}]`;
    if (!fields(la, ['code', 'name'], at, problem)) return;
    const code = la.code;
    if (!isString(code) || !LA_CODE.test(code)) {
      problem(`${at}.code`, 'must be an LA code (E06, E07, E08, E09 or W06 and 6 digits)');
    } else if (laCodes.has(code)) problem(`${at}.code`, `repeats LA ${code}`);
    else laCodes.add(code);
    name(la.name, `${at}.name`, problem);
    if (isString(code) && isString(la.name)) outLas.push({ code, name: la.name });
  });

  const clusterLa = new Map<string, string>();
  const outClusters: Cluster[] = [];
  clusters.forEach((cluster, i) => {
    const at = `clusters[${i}]`;
    if (!fields(cluster, ['id', 'name', 'la'], at, problem)) return;
    const { id, la } = cluster;
    if (!isString(id) || !LOCAL_ID.test(id)) {
      problem(`${at}.id`, 'must be 1-40 letters, digits, - or _');
    } else if (clusterLa.has(id)) problem(`${at}.id`, `repeats cluster ${id}`);
    name(cluster.name, `${at}.name`, problem);
    if (!isString(la) || !laCodes.has(la)) {
      problem(`${at}.la`, `names LA ${String(la)}, which is not in las`);
    }
    if (isString(id) && !clusterLa.has(id) && isString(la)) clusterLa.set(id, la);
    if (isString(id) && isString(cluster.name) && isString(la)) {
      outClusters.push({ id, name: cluster.name, la });
    }
  });

  const centreIds = new Set<string>();
  const outCentres: Centre[] = [];
  centres.forEach((centre, i) => {
    const at = `centres[${i}]`;
    if (!fields(centre, ['id', 'name', 'la', 'cluster'], at, problem)) return;
    const { id, la, cluster } = centre;
    if (!isString(id) || !LOCAL_ID.test(id)) {
      problem(`${at}.id`, 'must be 1-40 letters, digits, - or _');
    } else if (centreIds.has(id)) problem(`${at}.id`, `repeats centre ${id}`);
    else centreIds.add(id);
    name(centre.name, `${at}.name`, problem);
    if (!isString(la) || !laCodes.has(la)) {
      problem(`${at}.la`, `names LA ${String(la)}, which is not in las`);
    }
    if (!isString(cluster) || !clusterLa.has(cluster)) {
      problem(`${at}.cluster`, `names cluster ${String(cluster)}, which is not in clusters`);
    } else if (isString(la) && clusterLa.get(cluster) !== la) {
      problem(
        `${at}.cluster`,
        `cluster ${cluster} belongs to LA ${clusterLa.get(cluster)}, not to the centre's LA ${la}`,
      );
    }
    if (isString(id) && isString(centre.name) && isString(la) && isString(cluster)) {
      outCentres.push({ id, name: centre.name, la, cluster });
    }
  });

  const imd = new Map<string, number>();
  const outImd: ImdDecile[] = [];
  imdDeciles.forEach((entry, i) => {
    const at = `imdDeciles[${i}]`;
    if (!fields(entry, ['lsoa', 'decile'], at, problem)) return;
    const { lsoa, decile } = entry;
    const lsoaOk = isString(lsoa) && LSOA_CODE.test(lsoa);
    if (!lsoaOk) problem(`${at}.lsoa`, 'must be an LSOA code (E01 or W01 and 6 digits)');
    else if (imd.has(lsoa)) problem(`${at}.lsoa`, `repeats LSOA ${lsoa}`);
    const decileOk =
      Number.isInteger(decile) && (decile as number) >= 1 && (decile as number) <= 10;
    if (!decileOk) problem(`${at}.decile`, 'must be a whole number from 1 to 10');
    if (lsoaOk && decileOk && !imd.has(lsoa)) {
      imd.set(lsoa, decile as number);
      outImd.push({ lsoa, decile: decile as number });
    }
  });

  // LSOA → the reach area (centre) that first claimed it, to name both centres of a clash.
  const owner = new Map<string, string>();
  const areaOfCentre = new Set<string>();
  const outAreas: ReachArea[] = [];
  reachAreas.forEach((area, i) => {
    const at = `reachAreas[${i}]`;
    if (!fields(area, ['centreId', 'lsoas'], at, problem)) return;
    const { centreId } = area;
    const centreOk = isString(centreId) && centreIds.has(centreId);
    if (!centreOk) {
      problem(`${at}.centreId`, `names centre ${String(centreId)}, which is not in centres`);
    } else if (areaOfCentre.has(centreId)) {
      problem(`${at}.centreId`, `centre ${centreId} has more than one reach area`);
    }
    if (!Array.isArray(area.lsoas) || area.lsoas.length === 0) {
      problem(`${at}.lsoas`, 'must be a non-empty list of LSOA codes');
      return;
    }
    const lsoas: string[] = [];
    area.lsoas.forEach((lsoa: unknown, j: number) => {
      const where = `${at}.lsoas[${j}]`;
      if (!isString(lsoa) || !LSOA_CODE.test(lsoa)) {
        problem(where, `${describe(lsoa)} is not an LSOA code (E01 or W01 and 6 digits)`);
        return;
      }
      const first = owner.get(lsoa);
      if (first !== undefined) {
        problem(
          where,
          first === centreId
            ? `LSOA ${lsoa} is listed twice in the reach area of centre ${String(centreId)}`
            : `LSOA ${lsoa} is in the reach areas of both centre ${first} and centre ${String(centreId)}`,
        );
        return;
      }
      if (!imd.has(lsoa) && !knownToLookup.has(lsoa)) {
        problem(where, `LSOA ${lsoa} is unknown: neither in imdDeciles nor in the postcode lookup`);
      }
      owner.set(lsoa, String(centreId));
      lsoas.push(lsoa);
    });
    if (centreOk && !areaOfCentre.has(centreId)) {
      areaOfCentre.add(centreId);
      outAreas.push({ centreId, lsoas: [...lsoas].sort() });
    }
  });

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      effectiveFrom: body.effectiveFrom as string,
      las: outLas,
      clusters: outClusters,
      centres: outCentres,
      reachAreas: outAreas,
      imdDeciles: outImd,
    },
  };
}

type Problem = (field: string, reason: string) => void;

function listOf(
  body: Record<string, unknown>,
  key: string,
  nonEmpty: boolean,
  problem: Problem,
): Record<string, unknown>[] {
  const value = body[key];
  if (!Array.isArray(value) || (nonEmpty && value.length === 0)) {
    problem(key, nonEmpty ? 'must be a non-empty list' : 'must be a list');
    return [];
  }
  return value.map((item) => (isObject(item) ? item : { __notAnObject: item }));
}

function fields(
  item: Record<string, unknown>,
  allowed: string[],
  at: string,
  problem: Problem,
): boolean {
  if ('__notAnObject' in item) {
    problem(at, 'must be an object');
    return false;
  }
  for (const key of Object.keys(item)) {
    if (!allowed.includes(key)) problem(`${at}.${key}`, 'is not allowed here');
  }
  return true;
}

function name(value: unknown, at: string, problem: Problem): void {
  if (!isString(value) || value.trim().length === 0 || value.length > MAX_NAME) {
    problem(at, `must be a name of 1-${MAX_NAME} characters`);
  }
}

function describe(value: unknown): string {
  return isString(value) ? `"${value.slice(0, 20)}"` : String(typeof value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
