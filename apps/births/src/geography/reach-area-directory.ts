import { ensureIndexes } from '@lib/platform';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { ukToday } from '@lib/platform';
import { isPseudoPostcode, normalisePostcode } from './geography-codes';
import {
  COLLECTIONS,
  GeographyKind,
  LsoaDoc,
  partId,
  PostcodeDoc,
  versionId,
  VersionHeader,
} from './geography-store';

/** A manual assignment kept from before versioned loads (tests' "given", legacy reference data). */
export interface PostcodeAssignment {
  _id: string; // the postcode, normalised ("QX1 4ZZ")
  lsoa: string;
  centreId: string;
  la: string;
}

/** The postcode is in a reach area under the boundary version in force on the date asked. */
export interface Assigned {
  status: 'assigned';
  postcode: string;
  lsoa: string;
  centreId: string;
  cluster: string | null;
  la: string;
  /** null only for a manual (pre-versioned) assignment. */
  boundaryVersion: number | null;
  postcodeVersion: number | null;
  imdDecile: number | null;
}

/**
 * Not in any centre's reach area. Kept, never dropped: counted at LA level (when the LA is
 * known) and listed for data quality, with the reason.
 */
export interface Unassigned {
  status: 'unassigned';
  reason: 'unknown_postcode' | 'pseudo_postcode' | 'outside_reach_areas' | 'no_boundary_version';
  postcode: string;
  /** Known when the postcode lookup knows the postcode. */
  lsoa: string | null;
  centreId: null;
  cluster: null;
  /** The LA of the postcode (lookup `ladcd`) when known: the child counts in that LA's totals. */
  la: string | null;
  boundaryVersion: number | null;
  postcodeVersion: number | null;
  imdDecile: number | null;
}

export type GeographyAssignment = Assigned | Unassigned;

/** Where an LSOA sits under one boundary version (what figures use). */
export interface LsoaPlacement {
  lsoa: string;
  boundaryVersion: number;
  /** null when the LSOA is in no reach area of that version. */
  centreId: string | null;
  cluster: string | null;
  la: string | null;
  imdDecile: number | null;
}

/**
 * How long an in-force answer is reused: a version loaded by another births process is seen
 * this much later at most (loads in this process are seen at once).
 */
const IN_FORCE_CACHE_MS = 5_000;
const MAX_CACHED = 100_000;

async function cachedPart<T>(
  cache: Map<string, T | null>,
  id: string,
  read: (id: string) => Promise<T | null>,
): Promise<T | null> {
  if (cache.has(id)) return cache.get(id) ?? null;
  const found = await read(id);
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(id, found);
  return found;
}

type HeaderRef = Pick<VersionHeader, '_id' | 'kind' | 'version' | 'effectiveFrom' | 'partsId'>;

/**
 * Read side of the geography births owns: postcode → LSOA (postcode version in force on the
 * date) → centre, cluster and LA (boundary version in force on the date). Only versions whose
 * header exists are read, so a load that is still being written, failed or was refused is never
 * seen. "In force on D": of the versions with `effectiveFrom ≤ D`, the latest effective date,
 * and on the same date the later load.
 *
 * Only the database connection is injected, so any module (births, geography) can provide it.
 */
@Injectable()
export class ReachAreaDirectory implements OnModuleInit {
  /** Manual assignments from before versioned loads; read only for postcodes no version knows. */
  static readonly COLLECTION = 'postcode_assignments';
  private readonly manual: Collection<PostcodeAssignment>;
  private readonly versions: Collection<VersionHeader>;
  private readonly lsoas: Collection<LsoaDoc>;
  private readonly postcodes: Collection<PostcodeDoc>;
  /** In-force answers by kind and date, briefly: every assignment of an import batch asks. */
  private readonly inForceCache = new Map<string, { at: number; header: HeaderRef | null }>();
  /** Parts of published versions never change: cached by part id (bounded). */
  private readonly postcodeParts = new Map<string, PostcodeDoc | null>();
  private readonly lsoaParts = new Map<string, LsoaDoc | null>();

  constructor(@InjectConnection() connection: Connection) {
    this.manual = connection.collection<PostcodeAssignment>(ReachAreaDirectory.COLLECTION);
    this.versions = connection.collection<VersionHeader>(COLLECTIONS.versions);
    this.lsoas = connection.collection<LsoaDoc>(COLLECTIONS.lsoas);
    this.postcodes = connection.collection<PostcodeDoc>(COLLECTIONS.postcodes);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.manual, [{ name: 'centre', key: { centreId: 1 } }]);
    await ensureIndexes(this.versions, [
      { name: 'in_force', key: { kind: 1, effectiveFrom: 1, version: 1 } },
      { name: 'kind_version', key: { kind: 1, version: 1 }, unique: true },
      { name: 'content', key: { kind: 1, contentHash: 1 } },
    ]);
    await ensureIndexes(this.postcodes, [{ name: 'version_lsoa', key: { partsId: 1, lsoa: 1 } }]);
    await ensureIndexes(this.lsoas, [{ name: 'version_centre', key: { partsId: 1, centreId: 1 } }]);
  }

  /** Where the postcode is today (UK date). Kept for callers of the pre-versioned directory. */
  async assign(postcode: string): Promise<GeographyAssignment> {
    return this.assignAt(postcode, ukToday());
  }

  /** Where the postcode was on `date` (YYYY-MM-DD), under the versions then in force. */
  async assignAt(rawPostcode: string, date: string): Promise<GeographyAssignment> {
    const postcode = normalisePostcode(rawPostcode);
    const unassigned = (
      reason: Unassigned['reason'],
      extra: Partial<Unassigned> = {},
    ): Unassigned => ({
      status: 'unassigned',
      reason,
      postcode,
      lsoa: null,
      centreId: null,
      cluster: null,
      la: null,
      boundaryVersion: null,
      postcodeVersion: null,
      imdDecile: null,
      ...extra,
    });
    if (isPseudoPostcode(postcode)) return unassigned('pseudo_postcode');

    const postcodeVersion = await this.inForce('postcodes', date);
    // Plain string `_id` filters throughout: the store looks up only those by index.
    const row = postcodeVersion
      ? await cachedPart(this.postcodeParts, partId(postcodeVersion.partsId, postcode), (id) =>
          this.postcodes.findOne({ _id: id }),
        )
      : null;
    if (!row) {
      const manual = await this.manual.findOne({ _id: postcode });
      if (manual) {
        return {
          status: 'assigned',
          postcode,
          lsoa: manual.lsoa,
          centreId: manual.centreId,
          cluster: null,
          la: manual.la,
          boundaryVersion: null,
          postcodeVersion: null,
          imdDecile: null,
        };
      }
      return unassigned('unknown_postcode', { postcodeVersion: postcodeVersion?.version ?? null });
    }

    const known = { lsoa: row.lsoa, la: row.la, postcodeVersion: postcodeVersion!.version };
    const boundary = await this.inForce('boundaries', date);
    if (!boundary) return unassigned('no_boundary_version', known);
    const placed = await cachedPart(this.lsoaParts, partId(boundary.partsId, row.lsoa), (id) =>
      this.lsoas.findOne({ _id: id }),
    );
    if (!placed?.centreId) {
      return unassigned('outside_reach_areas', {
        ...known,
        boundaryVersion: boundary.version,
        imdDecile: placed?.imdDecile ?? null,
      });
    }
    return {
      status: 'assigned',
      postcode,
      lsoa: row.lsoa,
      centreId: placed.centreId,
      cluster: placed.cluster,
      // The centre's LA under this boundary version (equals the postcode's in a coherent load).
      la: placed.la ?? row.la,
      boundaryVersion: boundary.version,
      postcodeVersion: postcodeVersion!.version,
      imdDecile: placed.imdDecile,
    };
  }

  /**
   * Which centre an LSOA maps to under a boundary version (default: the one in force today).
   * null when that version does not exist (or none is in force).
   */
  async centreFor(lsoa: string, boundaryVersion?: number): Promise<LsoaPlacement | null> {
    const header =
      boundaryVersion === undefined
        ? await this.inForce('boundaries', ukToday())
        : await this.header('boundaries', boundaryVersion);
    if (!header) return null;
    const placed = await this.lsoas.findOne({ _id: partId(header.partsId, lsoa) });
    return {
      lsoa,
      boundaryVersion: header.version,
      centreId: placed?.centreId ?? null,
      cluster: placed?.cluster ?? null,
      la: placed?.la ?? null,
      imdDecile: placed?.imdDecile ?? null,
    };
  }

  /** The version of `kind` in force on `date`, or null. */
  async inForce(kind: GeographyKind, date: string): Promise<HeaderRef | null> {
    const key = `${kind}|${date}`;
    const cached = this.inForceCache.get(key);
    if (cached && Date.now() - cached.at < IN_FORCE_CACHE_MS) return cached.header;
    const header = await this.findInForce(kind, date);
    if (this.inForceCache.size >= MAX_CACHED) this.inForceCache.clear();
    this.inForceCache.set(key, { at: Date.now(), header });
    return header;
  }

  /** A load in this process published a version: answer from the store again at once. */
  versionsChanged(): void {
    this.inForceCache.clear();
  }

  private async findInForce(kind: GeographyKind, date: string): Promise<HeaderRef | null> {
    return this.versions.findOne<HeaderRef>(
      { kind: { $eq: kind }, effectiveFrom: { $lte: date } },
      {
        sort: { effectiveFrom: -1, version: -1 },
        projection: { _id: 1, kind: 1, version: 1, effectiveFrom: 1, partsId: 1 },
      },
    );
  }

  /** A published version's header (without its outbox part), or null. */
  async header(kind: GeographyKind, version: number): Promise<HeaderRef | null> {
    return this.versions.findOne<HeaderRef>(
      { _id: versionId(kind, version) },
      { projection: { _id: 1, kind: 1, version: 1, effectiveFrom: 1, partsId: 1 } },
    );
  }
}
