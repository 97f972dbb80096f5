import { randomBytes } from 'node:crypto';
import { KEY_BYTES } from './aes-gcm';
import { subjectKeyId } from './pseudonymiser';
import type { OpeningKey, SealingKey, SubjectKeySource } from './subject-key-store';

/**
 * A key source in memory, for unit tests of code that seals or opens personal data (no store,
 * no wrapping, one process). Behaves like SubjectKeyStore: erased subjects get no key again.
 */
export class InMemorySubjectKeys implements SubjectKeySource {
  private readonly keys = new Map<string, Buffer>();
  private readonly erased = new Set<string>();

  constructor(private readonly secret: string = 'in-memory key source secret, tests only') {}

  keyIdOf(subjectId: string): string {
    return subjectKeyId(this.secret, subjectId);
  }

  getOrCreateKey(subjectId: string): Promise<SealingKey> {
    const keyId = this.keyIdOf(subjectId);
    if (this.erased.has(keyId)) return Promise.resolve({ status: 'erased', keyId });
    let key = this.keys.get(keyId);
    if (!key) this.keys.set(keyId, (key = randomBytes(KEY_BYTES)));
    return Promise.resolve({ status: 'ok', keyId, key });
  }

  findKey(keyId: string): Promise<OpeningKey> {
    if (this.erased.has(keyId)) return Promise.resolve({ status: 'erased', keyId });
    const key = this.keys.get(keyId);
    return Promise.resolve(key ? { status: 'ok', keyId, key } : { status: 'missing', keyId });
  }

  forgetCached(keyId: string): void {
    this.erase(keyId);
  }

  /** Erases by key id. */
  erase(keyId: string): void {
    this.erased.add(keyId);
    this.keys.delete(keyId);
  }
}
