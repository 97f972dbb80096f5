/**
 * Registrations are written with the generator's own refs (families, children, carers,
 * activities); the service gives ids. The sender keeps ref → id maps (in its state, so a resumed
 * run still knows them), fills ids into paths (`/families/{family:F123}/changes`) and bodies
 * (`familyRef`, `childRef`, `carerRef`, `activityRef` become `familyId`, ...), and learns new ids
 * from 201 answers.
 */

export const REF_KINDS = ['family', 'child', 'carer', 'activity'] as const;
export type RefKind = (typeof REF_KINDS)[number];
export type RefMaps = Record<RefKind, Record<string, string>>;

export const emptyRefMaps = (): RefMaps => ({ family: {}, child: {}, carer: {}, activity: {} });

/** A ref the sender has no id for (its creating record was rejected, or is later in the files). */
export class UnresolvedRef extends Error {
  constructor(
    readonly kind: RefKind,
    readonly ref: string,
  ) {
    super(`unresolved ${kind} ref ${ref}`);
  }
}

const isKind = (value: string): value is RefKind =>
  (REF_KINDS as readonly string[]).includes(value);

function idOf(maps: RefMaps, kind: RefKind, ref: string): string {
  const id = maps[kind][ref];
  if (id === undefined) throw new UnresolvedRef(kind, ref);
  return id;
}

/** `/families/{family:F123}/changes` → `/families/C01-ABC123/changes`. */
export function resolvePath(path: string, maps: RefMaps, encode = true): string {
  return path.replace(/\{([a-z]+):([^}]+)\}/g, (whole, kind: string, ref: string) => {
    if (!isKind(kind)) return whole;
    const id = idOf(maps, kind, ref);
    return encode ? encodeURIComponent(id) : id;
  });
}

/**
 * A copy of `body` with every `<kind>Ref` field replaced by `<kind>Id`, and every string
 * `{kind:ref}` (e.g. `"activityId": "{activity:C01-A1}"`) by the id.
 */
export function resolveBody(body: unknown, maps: RefMaps): unknown {
  if (typeof body === 'string' && /^\{[a-z]+:[^}]+\}$/.test(body))
    return resolvePath(body, maps, false);
  if (Array.isArray(body)) return body.map((item) => resolveBody(item, maps));
  if (typeof body !== 'object' || body === null) return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const m = /^([a-z]+)Ref$/.exec(key);
    if (m && isKind(m[1]) && typeof value === 'string') {
      out[`${m[1]}Id`] = idOf(maps, m[1], value);
    } else {
      out[key] = resolveBody(value, maps);
    }
  }
  return out;
}

/**
 * What a record creates, by ref: `{family, children[], carers[], activity}` (also accepted:
 * `familyRef`, `childRefs`, `carerRefs`, `activityRef`). Children and carers are in the order of
 * the body, as the 201 answer lists them.
 */
export interface CreatedRefs {
  family?: string;
  children?: string[];
  carers?: string[];
  activity?: string;
}

export function createdRefsOf(refs: unknown): CreatedRefs {
  if (typeof refs !== 'object' || refs === null) return {};
  const r = refs as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const list = (v: unknown): string[] | undefined =>
    Array.isArray(v) ? v.map((x) => String(x)) : undefined;
  const out: CreatedRefs = {};
  const family = str(r.family) ?? str(r.familyRef);
  const children = list(r.children) ?? list(r.childRefs);
  const carers = list(r.carers) ?? list(r.carerRefs);
  const activity = str(r.activity) ?? str(r.activityRef);
  if (family !== undefined) out.family = family;
  if (children) out.children = children;
  if (carers) out.carers = carers;
  if (activity !== undefined) out.activity = activity;
  return out;
}

/** Learns ids from an answer (a family's familyId, children[i].childId, carers[i].carerId; activityId). */
export function learnIds(created: CreatedRefs, answer: unknown, maps: RefMaps): void {
  if (typeof answer !== 'object' || answer === null) return;
  const a = answer as {
    familyId?: unknown;
    activityId?: unknown;
    children?: { childId?: unknown }[];
    carers?: { carerId?: unknown }[];
  };
  if (created.family && typeof a.familyId === 'string') maps.family[created.family] = a.familyId;
  if (created.activity && typeof a.activityId === 'string')
    maps.activity[created.activity] = a.activityId;
  created.children?.forEach((ref, i) => {
    const id = a.children?.[i]?.childId;
    if (typeof id === 'string') maps.child[ref] = id;
  });
  created.carers?.forEach((ref, i) => {
    const id = a.carers?.[i]?.carerId;
    if (typeof id === 'string') maps.carer[ref] = id;
  });
}

/** The centre a request acts for: `/centres/<id>/...`, or the centre part of a family id. */
export function centreOfPath(path: string): string | undefined {
  const centre = /^\/centres\/([^/]+)/.exec(path);
  if (centre) return decodeURIComponent(centre[1]);
  const family = /^\/families\/([^/]+)/.exec(path);
  if (family) {
    const m = /^(.+)-[0-9A-Z]{6}$/.exec(decodeURIComponent(family[1]));
    return m?.[1];
  }
  return undefined;
}
