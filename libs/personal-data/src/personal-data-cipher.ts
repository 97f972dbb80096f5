import type { EncryptedPersonal } from '@lib/contracts';
import { gcmOpen, gcmSeal, IV_BYTES, TAG_BYTES } from './aes-gcm';
import type { SubjectKeySource } from './subject-key-store';

/** Why a `personal` block could not be read (the data is not erased: something is wrong). */
export type UnreadableReason =
  /** Not an `{alg: 'A256GCM', keyId, iv, ciphertext, tag}` object with the contract's sizes. */
  | 'malformed'
  /** The key store never had this key id (another key store, or a made-up id). */
  | 'unknown-key'
  /** The block's key id is not the key id of the subject the caller expected. */
  | 'wrong-subject'
  /** The tag does not verify: tampered, moved to another key id, or sealed with another key. */
  | 'authentication-failed'
  /** Decrypted, but not a JSON object. */
  | 'not-json';

export type OpenedPersonal<P = Record<string, unknown>> =
  | { status: 'ok'; personal: P }
  | { status: 'erased' }
  | { status: 'unreadable'; reason: UnreadableReason };

export interface OpenOptions {
  /** When set, the block must be sealed for this subject (its key id must be this subject's). */
  subjectId?: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Seals and opens the `personal` part of event data with the subject's key: AES-256-GCM, a
 * random 96-bit IV per seal, and the key id as additional authenticated data, so a block cannot
 * be relabelled to another subject's key id. A key store that cannot answer throws (retry it);
 * it is never reported as erased.
 */
export class PersonalDataCipher {
  constructor(private readonly keys: SubjectKeySource) {}

  /**
   * Makes the subjects' keys ready before a batch is sealed (created in bulk where the key source
   * can), so each `seal` that follows finds its key without a store round trip.
   */
  async prepareKeys(subjectIds: readonly string[]): Promise<void> {
    await this.keys.getOrCreateKeys?.(subjectIds);
  }

  /** The encrypted block, or null when the subject is erased (then publish no `personal`). */
  async seal(
    subjectId: string,
    personal: Record<string, unknown>,
  ): Promise<EncryptedPersonal | null> {
    if (typeof personal !== 'object' || personal === null || Array.isArray(personal)) {
      throw new TypeError('personal must be a JSON object');
    }
    const found = await this.keys.getOrCreateKey(subjectId);
    if (found.status === 'erased') return null;
    const sealed = gcmSeal(
      found.key,
      Buffer.from(JSON.stringify(personal), 'utf8'),
      Buffer.from(found.keyId, 'utf8'),
    );
    return {
      alg: 'A256GCM',
      keyId: found.keyId,
      iv: sealed.iv.toString('base64'),
      ciphertext: sealed.ciphertext.toString('base64'),
      tag: sealed.tag.toString('base64'),
    };
  }

  async open<P = Record<string, unknown>>(
    encrypted: EncryptedPersonal,
    options: OpenOptions = {},
  ): Promise<OpenedPersonal<P>> {
    const parts = parse(encrypted);
    if (!parts) return unreadable('malformed');
    if (options.subjectId !== undefined && this.keys.keyIdOf(options.subjectId) !== parts.keyId) {
      return unreadable('wrong-subject');
    }
    const found = await this.keys.findKey(parts.keyId);
    if (found.status === 'erased') return { status: 'erased' };
    if (found.status === 'missing') return unreadable('unknown-key');
    const plain = gcmOpen(found.key, parts, Buffer.from(parts.keyId, 'utf8'));
    if (!plain) return unreadable('authentication-failed');
    try {
      const personal: unknown = JSON.parse(plain.toString('utf8'));
      if (typeof personal !== 'object' || personal === null || Array.isArray(personal)) {
        return unreadable('not-json');
      }
      return { status: 'ok', personal: personal as P };
    } catch {
      return unreadable('not-json');
    }
  }
}

function unreadable(reason: UnreadableReason): { status: 'unreadable'; reason: UnreadableReason } {
  return { status: 'unreadable', reason };
}

function parse(
  value: unknown,
): { keyId: string; iv: Buffer; ciphertext: Buffer; tag: Buffer } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { alg, keyId, iv, ciphertext, tag } = value as Record<string, unknown>;
  if (alg !== 'A256GCM' || typeof keyId !== 'string' || keyId.length === 0) return undefined;
  if (typeof iv !== 'string' || typeof ciphertext !== 'string' || typeof tag !== 'string') {
    return undefined;
  }
  if (![iv, ciphertext, tag].every((part) => BASE64.test(part))) return undefined;
  const parts = {
    keyId,
    iv: Buffer.from(iv, 'base64'),
    ciphertext: Buffer.from(ciphertext, 'base64'),
    tag: Buffer.from(tag, 'base64'),
  };
  if (parts.iv.length !== IV_BYTES || parts.tag.length !== TAG_BYTES) return undefined;
  return parts;
}
