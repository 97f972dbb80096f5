export type CachedKey = { erased: false; key: Buffer } | { erased: true };

interface Entry {
  value: CachedKey;
  expiresAt: number;
}

/**
 * A small LRU of unwrapped subject keys by key id. Keys expire after `ttlMs`; erasure markers
 * never expire (an erasure is permanent) and are never overwritten by a key, so a lookup that
 * raced an erasure in this process cannot put the key back.
 */
export class KeyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(keyId: string): CachedKey | undefined {
    const entry = this.entries.get(keyId);
    if (!entry) return undefined;
    this.entries.delete(keyId);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(keyId, entry); // most recently used last
    return entry.value;
  }

  setKey(keyId: string, key: Buffer): void {
    if (this.ttlMs <= 0 || this.entries.get(keyId)?.value.erased) return;
    this.put(keyId, { erased: false, key }, this.now() + this.ttlMs);
  }

  setErased(keyId: string): void {
    this.put(keyId, { erased: true }, Number.POSITIVE_INFINITY);
  }

  get size(): number {
    return this.entries.size;
  }

  private put(keyId: string, value: CachedKey, expiresAt: number): void {
    this.entries.delete(keyId);
    this.entries.set(keyId, { value, expiresAt });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}
