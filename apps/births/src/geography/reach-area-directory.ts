import { ensureIndexes } from '@lib/platform';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';

/** Where a postcode sits: its LSOA and the centre whose reach area holds that LSOA. */
export interface PostcodeAssignment {
  _id: string; // the postcode, normalised ("QX1 4ZZ")
  lsoa: string;
  centreId: string;
  la: string;
}

/**
 * Read side of the geography births owns: postcode → LSOA → children's centre. The versioned,
 * validated loads of the ONS lookup and reach areas arrive with the geography work; until then
 * the collection is filled by reference-data loads (and by tests as their "given"). A postcode
 * that is unknown (or a ZZ99 pseudo-postcode) has no assignment: the child stays unassigned and
 * is visible to no centre.
 */
@Injectable()
export class ReachAreaDirectory implements OnModuleInit {
  static readonly COLLECTION = 'postcode_assignments';
  private readonly assignments: Collection<PostcodeAssignment>;

  constructor(@InjectConnection() connection: Connection) {
    this.assignments = connection.collection<PostcodeAssignment>(ReachAreaDirectory.COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.assignments, [{ name: 'centre', key: { centreId: 1 } }]);
  }

  async assign(postcode: string): Promise<PostcodeAssignment | null> {
    return this.assignments.findOne({ _id: { $eq: postcode } });
  }
}
