import type { CloudEvent, EncryptedPersonal, SubjectErasedV1 } from '@lib/contracts';
import type { OpenedPersonal, PersonalDataCipher, UnreadableReason } from './personal-data-cipher';
import { SUBJECT_ERASED } from './subject-erasure';
import type { SubjectKeySource } from './subject-key-store';

/** What a projection gets from an event's `data`: the facts always, identities only when allowed. */
export type ReadData<F, P> =
  /** `personal` opened: keep these identities, with `keyId` so SubjectErased can find them. */
  | { facts: F; identity: 'present'; personal: P; keyId: string }
  /** The event carried no `personal` (none given, or sealed after the subject was erased). */
  | { facts: F; identity: 'absent'; personal: null }
  /** The subject was erased: keep the facts, store no identity (and drop any held for keyId). */
  | { facts: F; identity: 'erased'; personal: null; keyId: string }
  /** Something is wrong with the block: keep the facts, store no identity, log the reason. */
  | { facts: F; identity: 'unreadable'; personal: null; keyId?: string; reason: UnreadableReason };

export interface EventDataWithPersonal<F> {
  facts: F;
  personal?: EncryptedPersonal;
}

/**
 * The consumer side of crypto-shredding, for projections (see README.md):
 *
 * - `openPersonal(data)` for every event: store `facts` always; store identities only when
 *   `identity === 'present'`, next to their `keyId`.
 * - `subjectErased(event)` for events of `privacy.subject.v1`: returns the key id whose
 *   identities the projection must delete (after this process has dropped its cached key), or
 *   undefined for other event types.
 *
 * Both throw when the key store cannot answer: let the consumer retry, never treat it as erased
 * or unreadable (that would drop identities, or keep them, by accident).
 */
export class PersonalDataReader {
  constructor(
    private readonly cipher: PersonalDataCipher,
    private readonly keys: SubjectKeySource,
  ) {}

  async openPersonal<F, P = Record<string, unknown>>(
    data: EventDataWithPersonal<F>,
    options: { subjectId?: string } = {},
  ): Promise<ReadData<F, P>> {
    const { facts, personal } = data;
    if (personal === undefined) return { facts, identity: 'absent', personal: null };
    const opened: OpenedPersonal<P> = await this.cipher.open<P>(personal, options);
    const keyId = typeof personal.keyId === 'string' ? personal.keyId : undefined;
    switch (opened.status) {
      case 'ok':
        return { facts, identity: 'present', personal: opened.personal, keyId: keyId! };
      case 'erased':
        return { facts, identity: 'erased', personal: null, keyId: keyId! };
      case 'unreadable':
        return { facts, identity: 'unreadable', personal: null, keyId, reason: opened.reason };
    }
  }

  /**
   * For a SubjectErased event: marks its key id erased in this process (no cached key opens it
   * again here) and returns it, so the caller deletes the identities it holds for it. Undefined
   * for any other event type.
   */
  subjectErased(event: CloudEvent): string | undefined {
    if (event.type !== SUBJECT_ERASED) return undefined;
    const keyId = (event.data as SubjectErasedV1).facts.subjectKeyId;
    this.keys.forgetCached(keyId);
    return keyId;
  }

  /**
   * The whole recipe for one consumed event: on SubjectErased, `forget(keyId)` deletes what the
   * projection holds for that key id (it must be idempotent). Returns true when it handled one.
   */
  async applySubjectErased(
    event: CloudEvent,
    forget: (keyId: string) => Promise<void>,
  ): Promise<boolean> {
    const keyId = this.subjectErased(event);
    if (keyId === undefined) return false;
    await forget(keyId);
    return true;
  }
}
