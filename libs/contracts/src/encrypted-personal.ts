/**
 * The `personal` part of an event's data: identifying details, JSON-encoded and encrypted with
 * the subject's key (AES-256-GCM). Erasing the key makes every copy unreadable.
 */
export interface EncryptedPersonal {
  alg: 'A256GCM';
  /** Id of the subject's key in the key store. */
  keyId: string;
  /** 96-bit IV, base64. */
  iv: string;
  /** Base64. */
  ciphertext: string;
  /** 128-bit authentication tag, base64. */
  tag: string;
}
