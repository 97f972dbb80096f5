import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import { Connection } from 'mongoose';
import type { SefDocument } from './sef-types';

interface SubmissionDoc {
  _id: string;
  centreId: string;
  periodId: string;
  submittedAt: string;
  submittedBy: string;
  document: SefDocument;
}

export interface SubmissionSummary {
  snapshotId: string;
  centreId: string;
  periodId: string;
  submittedAt: string;
  submittedBy: string;
}

/**
 * Submitted SEF data sections: inserted once, never updated, so a submission fetched later is the
 * one the manager attached (late events change only the current figures). Aggregate and
 * disclosure-controlled: no child is identifiable here.
 */
@Injectable()
export class SefSubmissions {
  private readonly submissions: Collection<SubmissionDoc>;

  constructor(@InjectConnection() connection: Connection) {
    this.submissions = connection.collection<SubmissionDoc>('sef_submissions');
  }

  async submit(current: SefDocument, submittedBy: string, at: Date): Promise<SefDocument> {
    const snapshotId = `sef-${current.centre.id}-${at.toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
    const document: SefDocument = {
      ...current,
      kind: 'submitted',
      snapshotId,
      submittedAt: at.toISOString(),
      submittedBy,
    };
    await this.submissions.insertOne({
      _id: snapshotId,
      centreId: current.centre.id,
      periodId: current.period.id,
      submittedAt: document.submittedAt!,
      submittedBy,
      document,
    });
    return document;
  }

  async find(centreId: string, snapshotId: string): Promise<SefDocument | null> {
    const doc = await this.submissions.findOne({ _id: snapshotId });
    return doc && doc.centreId === centreId ? doc.document : null;
  }

  async list(centreId: string): Promise<SubmissionSummary[]> {
    const docs = await this.submissions
      .find({ centreId }, { projection: { document: 0 } })
      .toArray();
    return docs
      .map((d) => ({
        snapshotId: d._id,
        centreId: d.centreId,
        periodId: d.periodId,
        submittedAt: d.submittedAt,
        submittedBy: d.submittedBy,
      }))
      .sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
  }
}
