import type { Collection, Db } from 'mongodb';
import { idempotencyRecordId } from './idempotency-key';
import {
  assessRecord,
  type IdempotencyRecord,
  type IdempotencyTiming,
  type StoredAnswer,
} from './idempotency-record';

const DUPLICATE_KEY = 11000;
const NAMESPACE_EXISTS = 48;
/** Generations a key may go through (each crash, slow failure or 24 h expiry adds one). */
export const MAX_GENERATIONS = 32;
/** Claim attempts per request, counting re-tries of a generation freed under our feet. */
const MAX_ATTEMPTS = MAX_GENERATIONS + 8;

/** A record this request inserted: only this request ever writes it again. */
export interface IdempotencyClaim {
  id: string;
  createdAt: Date;
}

export type ClaimOutcome =
  | { kind: 'claimed'; claim: IdempotencyClaim }
  | { kind: 'replay'; answer: StoredAnswer }
  | { kind: 'in-progress' }
  | { kind: 'mismatch' }
  /** Every generation is used up: the caller must choose a new key. */
  | { kind: 'exhausted' };

/**
 * The records of Idempotency-Key requests, written so that the store cannot lose them:
 *
 * - Every read, update and delete is by `_id` alone (the only lookup the store answers from an
 *   index); a claim is an insert with a unique `_id`, so of two concurrent requests exactly one
 *   gets it (the other sees duplicate key 11000).
 * - One writer per document: a record is written after its insert only by the request that
 *   inserted it (its answer, or its release). No two processes ever update one document.
 * - Taking over is moving on, never overwriting: a key's records are generations
 *   `<scope hash>.0`, `.1`, … A record that is dead (in progress for longer than
 *   `staleAfterMs`, so its process is presumed gone; older than `expireAfterMs`; or released)
 *   is passed over, and the next generation is claimed by insert. Two requests taking over at
 *   once race for that insert, and one loses: no delete-then-insert window.
 * - Releasing (so a retry runs the handler again) deletes the record while it is young (less
 *   than half of `staleAfterMs` old: nobody can have passed over it yet, allowing for clock skew
 *   between hosts up to that half); an older one is marked `released` instead, because a later
 *   generation may exist and a deleted earlier one would let a retry claim it again.
 *
 * The walk from generation 0 costs one `_id` lookup per dead generation; a key goes through at
 * most MAX_GENERATIONS. There is no TTL: FerretDB 1.x has no TTL indexes (FerretDB#2415; they
 * came with 2.0), so expired records are ignored rather than removed, and stay until a retention
 * job deletes them.
 */
export class IdempotencyStore {
  readonly collection: Collection<IdempotencyRecord>;

  constructor(
    private readonly db: Db,
    collectionName: string,
    private readonly timing: IdempotencyTiming,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.collection = db.collection<IdempotencyRecord>(collectionName);
  }

  /** Creates the collection up front, so that the first claims do not race to create it. */
  async ensureCollection(): Promise<void> {
    try {
      await this.db.createCollection(this.collection.collectionName);
    } catch (error) {
      if ((error as { code?: number }).code !== NAMESPACE_EXISTS) throw error;
    }
  }

  /**
   * Claims the key for this request, or says what the request that holds it decided: its answer
   * (same fingerprint), a different request (mismatch), or still running.
   */
  async claim(scopeHash: string, fingerprint: string): Promise<ClaimOutcome> {
    let generation = 0;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (generation >= MAX_GENERATIONS) return { kind: 'exhausted' };
      const id = idempotencyRecordId(scopeHash, generation);
      const createdAt = this.clock();
      if (await this.tryInsert({ _id: id, state: 'in-progress', fingerprint, createdAt })) {
        return { kind: 'claimed', claim: { id, createdAt } };
      }
      const held = await this.collection.findOne({ _id: id });
      // Released by deletion between our insert and our read: try this generation again.
      if (!held) continue;
      const assessment = assessRecord(held, fingerprint, this.clock(), this.timing);
      switch (assessment.kind) {
        case 'dead':
          generation++;
          break;
        case 'replay':
          return { kind: 'replay', answer: assessment.answer };
        case 'in-progress':
        case 'mismatch':
          return { kind: assessment.kind };
      }
    }
    // Only a generation freed and re-taken again and again ends here: a busy key.
    return { kind: 'in-progress' };
  }

  /** Stores the answer to replay (the claimant is the record's only writer). */
  async complete(claim: IdempotencyClaim, answer: StoredAnswer): Promise<void> {
    await this.collection.updateOne(
      { _id: claim.id },
      { $set: { state: 'done', completedAt: this.clock(), answer } },
    );
  }

  /** Gives the key up so that a retry runs the handler again. */
  async release(claim: IdempotencyClaim): Promise<void> {
    const age = this.clock().getTime() - claim.createdAt.getTime();
    if (age < this.timing.staleAfterMs / 2) {
      await this.collection.deleteOne({ _id: claim.id });
    } else {
      await this.collection.updateOne({ _id: claim.id }, { $set: { state: 'released' } });
    }
  }

  private async tryInsert(record: IdempotencyRecord): Promise<boolean> {
    try {
      await this.collection.insertOne(record);
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
      throw error;
    }
  }
}
