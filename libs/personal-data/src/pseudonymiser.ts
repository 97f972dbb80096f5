import { createHmac } from 'node:crypto';

/**
 * Keyed pseudonyms (HMAC-SHA256 with PSEUDONYM_SECRET, hex) for analytics and published figures:
 * the same input gives the same pseudonym in every service that shares the secret, and without
 * the secret a pseudonym cannot be recomputed from an NHS number.
 *
 * Key ids of the key store are keyed hashes with the same secret but a different input prefix
 * (`subjectKeyId`), so an analytics pseudonym never equals the key id that events carry next to
 * the NHS number.
 */
export class Pseudonymiser {
  private readonly secret: Buffer;

  constructor(secret: string | Buffer) {
    this.secret = Buffer.from(secret);
    if (this.secret.length === 0) throw new Error('Pseudonymiser: empty secret');
  }

  /** 64 hex characters. */
  pseudonym(value: string): string {
    return createHmac('sha256', this.secret).update(value, 'utf8').digest('hex');
  }
}

/** The key store's id for a subject's key: `_id` in `subject_keys`, `keyId` in events. */
export function subjectKeyId(secret: string | Buffer, subjectId: string): string {
  return createHmac('sha256', Buffer.from(secret))
    .update(`subject-key:${subjectId}`, 'utf8')
    .digest('hex');
}
