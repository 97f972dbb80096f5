import { Injectable } from '@nestjs/common';
import { trusted } from 'mongoose';
import { ChildRecords } from './child-records';
import type { UnplacedReason } from './child-state';
import type { BirthRecord } from './schemas/birth-record.schema';

export interface UnplacedChild {
  nhsNumber: string;
  reason: UnplacedReason;
  birthDate: string;
  /** Outward code; null for pseudo-postcodes. */
  postcodeDistrict: string | null;
  version: number;
  receivedAt: Date;
}

export interface UnplacedList {
  la: string;
  /** Children whose current residence is in no reach area, by reason. */
  counts: Record<UnplacedReason, number> & { total: number };
  children: UnplacedChild[];
}

const REASONS: readonly UnplacedReason[] = [
  'unknown_postcode',
  'pseudo_postcode',
  'outside_reach_areas',
  'no_boundary_version',
];

/**
 * Children counted in an LA whose residence no centre's reach area holds (unknown postcode, ZZ99
 * pseudo-postcode, outside every area, no boundaries loaded): kept, counted at LA level, and
 * listed here so someone can find the right address. Current versions only, retracted excluded.
 */
@Injectable()
export class DataQualityService {
  constructor(private readonly records: ChildRecords) {}

  async unplacedChildren(la: string): Promise<UnplacedList> {
    const candidates = await this.records.model
      .find(
        { la, unplaced: trusted({ $ne: null }), retracted: trusted({ $ne: true }) },
        { nhsNumber: 1, version: 1 },
      )
      .lean<Pick<BirthRecord, 'nhsNumber' | 'version'>[]>()
      .exec();
    const nhsNumbers = [...new Set(candidates.map((c) => c.nhsNumber))];
    // A later version (a move, a correction, a retraction) may have placed the child since.
    const versions = await this.records.model
      .find({ nhsNumber: trusted({ $in: nhsNumbers }) })
      .sort({ nhsNumber: 1, version: -1 })
      .lean<BirthRecord[]>()
      .exec();
    const current = new Map<string, BirthRecord>();
    for (const v of versions) if (!current.has(v.nhsNumber)) current.set(v.nhsNumber, v);
    const children = [...current.values()]
      .filter((r) => r.la === la && r.unplaced !== null && !r.retracted)
      .map((r): UnplacedChild => ({
        nhsNumber: r.nhsNumber,
        reason: r.unplaced!,
        birthDate: r.birthDate,
        postcodeDistrict: r.postcodeDistrict,
        version: r.version,
        receivedAt: r.receivedAt,
      }))
      .sort((a, b) => a.reason.localeCompare(b.reason) || a.nhsNumber.localeCompare(b.nhsNumber));
    const counts = Object.fromEntries(REASONS.map((r) => [r, 0])) as UnplacedList['counts'];
    for (const c of children) counts[c.reason]++;
    counts.total = children.length;
    return { la, counts, children };
  }
}
