import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import type { AuditRecord } from './audit-record';

export const AUDIT_COLLECTION = 'audit_records';
const SUBJECT_INDEX = 'subjectId_at';

/**
 * The audit trail in the service's own database. Insert-only by construction: there is no
 * update or delete here, and nothing else in the code holds the collection.
 */
@Injectable()
export class AuditRepository implements OnModuleInit {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  private get collection(): Collection<AuditRecord> {
    return this.connection.collection<AuditRecord>(AUDIT_COLLECTION);
  }

  /** Creates the (subjectId, at) index and proves it exists ("who read this child, when"). */
  async onModuleInit(): Promise<void> {
    await this.collection.createIndex({ subjectId: 1, at: 1 }, { name: SUBJECT_INDEX });
    const indexes = (await this.collection.listIndexes().toArray()) as { name?: string }[];
    if (!indexes.some((i) => i.name === SUBJECT_INDEX)) {
      throw new Error(`index ${SUBJECT_INDEX} missing on ${AUDIT_COLLECTION}`);
    }
  }

  /** Acknowledged by the store (majority where there is one) before the read is served. */
  async insert(record: AuditRecord): Promise<void> {
    await this.collection.insertOne(record, { writeConcern: { w: 'majority' } });
  }
}
