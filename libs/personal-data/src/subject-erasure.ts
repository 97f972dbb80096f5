import { ERASURE_REASONS, type ErasureReason, type SubjectErasedV1 } from '@lib/contracts';
import { deterministicEventId, type EventProducer } from '@lib/kafka';
import type { Logger } from 'pino';
import type { SubjectKeyStore } from './subject-key-store';

/** The topic of privacy events about a subject (contracts/asyncapi.yaml). */
export const PRIVACY_SUBJECT_TOPIC = 'privacy.subject.v1';
export const SUBJECT_ERASED = 'SubjectErased';

export interface ErasureResult {
  /** The erased key's id (the `keyId` of the subject's `personal` blocks). */
  subjectKeyId: string;
  /** ISO date-time of the first erasure. */
  erasedAt: string;
  /** The first erasure's reason. */
  reason: ErasureReason;
  /** Id of the SubjectErased event: the same every time this subject is erased. */
  eventId: string;
  /** True when the subject had been erased before; the event was published again. */
  alreadyErased: boolean;
}

/**
 * Erases a subject everywhere by crypto-shredding: tombstone, key deleted, then a SubjectErased
 * event on `privacy.subject.v1` (key and subject: the subject id; data: only the key id) so
 * projections drop the identities they hold. Idempotent: when publishing fails the key is already
 * gone (that is what erases), and calling again re-publishes the same event id and data.
 */
export class SubjectErasure {
  constructor(
    private readonly keys: SubjectKeyStore,
    private readonly producer: Pick<EventProducer, 'publish'>,
    private readonly logger?: Logger,
  ) {}

  async erase(subjectId: string, reason: ErasureReason): Promise<ErasureResult> {
    if (!(ERASURE_REASONS as readonly string[]).includes(reason)) {
      throw new TypeError(`erasure reason must be one of ${ERASURE_REASONS.join(', ')}`);
    }
    const tombstone = await this.keys.erase(subjectId, reason);
    const erasedAt = tombstone.erasedAt.toISOString();
    const eventId = deterministicEventId(`subject-erased:${tombstone.keyId}`);
    const data: SubjectErasedV1 = {
      facts: { subjectKeyId: tombstone.keyId, erasedAt, reason: tombstone.reason },
    };
    await this.producer.publish({
      topic: PRIVACY_SUBJECT_TOPIC,
      key: subjectId,
      type: SUBJECT_ERASED,
      id: eventId,
      subject: subjectId,
      time: erasedAt,
      data,
    });
    // The key id only: the subject id is an identifier and stays out of logs.
    this.logger?.info(
      { subjectKeyId: tombstone.keyId, reason: tombstone.reason, again: tombstone.alreadyErased },
      'subject erased',
    );
    return {
      subjectKeyId: tombstone.keyId,
      erasedAt,
      reason: tombstone.reason,
      eventId,
      alreadyErased: tombstone.alreadyErased,
    };
  }
}
