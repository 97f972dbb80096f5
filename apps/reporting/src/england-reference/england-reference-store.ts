import type { EnglandReferenceRow } from './england-reference.parser';

/**
 * `england_reference_versions` (insert-only): one document per accepted upload, never changed.
 * Its `_id` (`england-reference:3`) takes the version number, so two concurrent uploads cannot
 * both become version N (the loser takes N+1), and every read is by `_id` (the store indexes
 * `_id` filters well, little else).
 */
export const ENGLAND_REFERENCE_COLLECTION = 'england_reference_versions';

export interface EnglandReferenceVersionDoc {
  _id: string;
  version: number;
  uploadedAt: Date;
  /** Subject of the token that uploaded it. */
  uploadedBy: string;
  rowCount: number;
  rows: EnglandReferenceRow[];
}

export function englandReferenceId(version: number): string {
  return `england-reference:${version}`;
}
