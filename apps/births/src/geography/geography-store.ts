import type { OutboxFields } from '@lib/kafka';
import type { BoundaryContent } from './boundary-validation';

/** The two kinds of versioned geography load. */
export type GeographyKind = 'boundaries' | 'postcodes';
export const GEOGRAPHY_KINDS: readonly GeographyKind[] = ['boundaries', 'postcodes'];

export const GEOGRAPHY_TOPIC = 'geography.reference.v1';

/**
 * Collections (insert-only):
 * - `geography_lsoas` / `geography_postcodes`: a load's parts, written first under the load's
 *   random `partsId` (`_id` `<partsId>:<code>`).
 * - `geography_versions`: the version header (`_id` `boundaries:3`), inserted last, naming its
 *   `partsId` and carrying the outbox event. Its unique `_id` takes the version number: two
 *   concurrent loads cannot both become version N (the loser takes N+1). A version exists for
 *   readers only once its header does; parts no header names (a load refused, failed or still
 *   running) are never read.
 */
export const COLLECTIONS = {
  versions: 'geography_versions',
  lsoas: 'geography_lsoas',
  postcodes: 'geography_postcodes',
} as const;

export function versionId(kind: GeographyKind, version: number): string {
  return `${kind}:${version}`;
}

/** Counts and a summary of a postcode version (the directory itself stays in births' store). */
export interface PostcodeSummary {
  postcodes: number;
  lsoas: number;
  /** Postcodes per local authority code (`ladcd`). */
  byLa: { la: string; postcodes: number }[];
}

export interface VersionHeader {
  _id: string;
  kind: GeographyKind;
  version: number;
  effectiveFrom: string;
  /** The load's parts (`geography_lsoas` / `geography_postcodes`) carry this id. */
  partsId: string;
  loadedAt: Date;
  /** Subject of the admin token that loaded it. */
  loadedBy: string;
  /** SHA-256 of the content: the same content loaded again is the same version. */
  contentHash: string;
  boundaries?: BoundaryContent;
  postcodes?: PostcodeSummary;
  outbox: OutboxFields;
}

/** Where one LSOA sits under one boundary version. */
export interface LsoaDoc {
  _id: string;
  partsId: string;
  lsoa: string;
  centreId: string | null;
  cluster: string | null;
  la: string | null;
  imdDecile: number | null;
}

/** One postcode of one postcode version. */
export interface PostcodeDoc {
  _id: string;
  partsId: string;
  postcode: string;
  lsoa: string;
  msoa: string | null;
  la: string;
}

export function partId(id: string, code: string): string {
  return `${id}:${code}`;
}
