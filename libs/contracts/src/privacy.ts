/** Why a subject was erased (contracts/schemas/privacy/SubjectErased.v1.json, `facts.reason`). */
export const ERASURE_REASONS = ['withdrawal', 'retention_expiry', 'erasure_request'] as const;
export type ErasureReason = (typeof ERASURE_REASONS)[number];

/** In-clear facts of an erasure: no identifier, only the pseudonymous id of the erased key. */
export interface SubjectErasedFactsV1 {
  /** The erased key's id (64 hex): the `keyId` of the subject's `personal` blocks. */
  subjectKeyId: string;
  /** ISO date-time of the tombstone (a repeated erasure keeps the first). */
  erasedAt: string;
  reason: ErasureReason;
}

/** `data` of a `SubjectErased` v1 event on `privacy.subject.v1` (key: the subject id). */
export interface SubjectErasedV1 {
  facts: SubjectErasedFactsV1;
}
