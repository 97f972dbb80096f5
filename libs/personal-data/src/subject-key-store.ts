import type { ErasureReason } from '@lib/contracts';
import type { Collection, Db } from 'mongodb';
import { createHmac, randomBytes } from 'node:crypto';
import { gcmOpen, gcmSeal, KEY_BYTES } from './aes-gcm';
import { KeyCache } from './key-cache';
import { subjectKeyId } from './pseudonymiser';

/** A key for sealing: the subject's key, or the news that the subject is erased. */
export type SealingKey =
  { status: 'ok'; keyId: string; key: Buffer } | { status: 'erased'; keyId: string };

/** A key for opening: as for sealing, or `missing` when this key store never had that key id. */
export type OpeningKey = SealingKey | { status: 'missing'; keyId: string };

/** What the cipher needs from a key store (the real one, or an in-memory one in unit tests). */
export interface SubjectKeySource {
  keyIdOf(subjectId: string): string;
  /** The subject's key, created on first use; never creates one for an erased subject. */
  getOrCreateKey(subjectId: string): Promise<SealingKey>;
  /**
   * Optional bulk form for a batch (an import): the same answers, with the missing keys created
   * in one insert instead of one round trip each.
   */
  getOrCreateKeys?(subjectIds: readonly string[]): Promise<Map<string, SealingKey>>;
  /** The key with this id; never creates one. Throws when the store cannot answer. */
  findKey(keyId: string): Promise<OpeningKey>;
  /** Marks a key id erased in this process's cache (a SubjectErased event was seen). */
  forgetCached(keyId: string): void;
}

export interface Tombstone {
  keyId: string;
  erasedAt: Date;
  reason: ErasureReason;
  /** True when the subject had been erased before (the stored tombstone is returned). */
  alreadyErased: boolean;
}

export interface SubjectKeyStoreOptions {
  /** 32 bytes: the key-encryption key that wraps every subject key. */
  masterKey: Buffer;
  /** Secret of the keyed hash that turns a subject id into its key id. */
  pseudonymSecret: string | Buffer;
  /** How long an unwrapped key stays in memory; 0 turns the key cache off. Default 60 s. */
  cacheTtlMs?: number;
  /** Keys (and erasure markers) kept at most; least recently used go first. Default 10,000. */
  cacheMaxEntries?: number;
  now?: () => number;
}

export const SUBJECT_KEYS = 'subject_keys';
export const ERASED_SUBJECTS = 'erased_subjects';
export const KEYSTORE_META = 'keystore_meta';

const DUPLICATE_KEY = 11000;
const MAX_SUBJECT_ID_LENGTH = 200;
const WRAP_ALG = 'A256GCM';

/** A subject's key as stored: wrapped with the master key; the AAD binds it to its `_id`. */
interface SubjectKeyDocument {
  _id: string;
  alg: typeof WRAP_ALG;
  /** Fingerprint of the master key that wrapped it (for rotation and for clear errors). */
  kek: string;
  iv: string;
  wrapped: string;
  tag: string;
  createdAt: Date;
}

interface TombstoneDocument {
  _id: string;
  erasedAt: Date;
  reason: ErasureReason;
}

interface MetaDocument {
  _id: string;
  kek: string;
  pseudonym: string;
  createdAt: Date;
}

/**
 * The one key store of crypto-shredding (ARCHITECTURE.md, Personal data): a random 256-bit key
 * per subject in a database every service shares. Documents are keyed by a keyed hash of the
 * subject id, so the store lists no NHS numbers; keys are wrapped with the master key.
 *
 * Only inserts and deletes of whole documents with deterministic `_id`s, which stay correct with
 * concurrent writers on FerretDB (PITFALLS.md): creating a key is an insert that at most one
 * process wins; erasing writes a tombstone first, then deletes the key, and creators re-check
 * the tombstone after their insert, so an erased subject never gets a key again.
 */
export class SubjectKeyStore implements SubjectKeySource {
  private readonly keys: Collection<SubjectKeyDocument>;
  private readonly tombstones: Collection<TombstoneDocument>;
  private readonly meta: Collection<MetaDocument>;
  private readonly cache: KeyCache;
  private readonly masterKey: Buffer;
  private readonly pseudonymSecret: Buffer;
  private readonly kekFingerprint: string;

  constructor(db: Db, options: SubjectKeyStoreOptions) {
    if (options.masterKey.length !== KEY_BYTES) throw new Error('master key must be 32 bytes');
    this.masterKey = Buffer.from(options.masterKey);
    this.pseudonymSecret = Buffer.from(options.pseudonymSecret);
    this.kekFingerprint = fingerprint(this.masterKey, 'kek');
    this.keys = db.collection<SubjectKeyDocument>(SUBJECT_KEYS);
    this.tombstones = db.collection<TombstoneDocument>(ERASED_SUBJECTS);
    this.meta = db.collection<MetaDocument>(KEYSTORE_META);
    this.cache = new KeyCache(
      options.cacheTtlMs ?? 60_000,
      options.cacheMaxEntries ?? 10_000,
      options.now,
    );
  }

  /**
   * Proves this process holds the same master key and pseudonym secret as every other user of
   * the store (the first one records fingerprints of both): a service with another secret would
   * create second keys under other ids, and erasure would miss them. Call once at start-up.
   */
  async init(): Promise<void> {
    const mine: MetaDocument = {
      _id: 'fingerprints',
      kek: this.kekFingerprint,
      pseudonym: fingerprint(this.pseudonymSecret, 'pseudonym'),
      createdAt: new Date(),
    };
    const stored = await insertOrRead(this.meta, mine);
    const differ = [
      stored.kek === mine.kek ? undefined : 'KEYSTORE_MASTER_KEY',
      stored.pseudonym === mine.pseudonym ? undefined : 'PSEUDONYM_SECRET',
    ].filter(Boolean);
    if (differ.length > 0) {
      throw new Error(
        `key store "${this.meta.dbName}": ${differ.join(' and ')} differ from the ones it was created with`,
      );
    }
  }

  keyIdOf(subjectId: string): string {
    if (typeof subjectId !== 'string' || subjectId.length === 0) {
      throw new TypeError('subject id must be a non-empty string');
    }
    if (subjectId.length > MAX_SUBJECT_ID_LENGTH) {
      throw new TypeError(`subject id must be at most ${MAX_SUBJECT_ID_LENGTH} characters`);
    }
    return subjectKeyId(this.pseudonymSecret, subjectId);
  }

  async getOrCreateKey(subjectId: string): Promise<SealingKey> {
    const keyId = this.keyIdOf(subjectId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const known = await this.findKey(keyId);
      if (known.status !== 'missing') return known;
      const key = randomBytes(KEY_BYTES);
      try {
        await this.keys.insertOne(this.wrap(keyId, key));
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        continue; // another process created it first: read the winner's key
      }
      // An erasure may have written its tombstone between our read and our insert, and then
      // deleted nothing: undo our insert. (If the tombstone comes later, its delete removes it.)
      if (await this.tombstones.findOne({ _id: keyId })) {
        await this.keys.deleteOne({ _id: keyId });
        this.cache.setErased(keyId);
        return { status: 'erased', keyId };
      }
      this.cache.setKey(keyId, key);
      return { status: 'ok', keyId, key };
    }
    throw new Error(`key store: key ${keyId} neither readable nor creatable after 3 attempts`);
  }

  /**
   * Keys for many subjects (an import batch): subjects already cached or holding a key are read
   * as `getOrCreateKey` reads them; the rest get fresh keys in one unordered insert, then one
   * read of the (small) tombstone collection undoes any created for a subject erased meanwhile.
   * A key another process created first (duplicate `_id`) is read one by one.
   */
  async getOrCreateKeys(subjectIds: readonly string[]): Promise<Map<string, SealingKey>> {
    const found = new Map<string, SealingKey>();
    const fresh = new Map<string, { subjectId: string; key: Buffer }>();
    for (const subjectId of new Set(subjectIds)) {
      const keyId = this.keyIdOf(subjectId);
      const cached = this.cache.get(keyId);
      if (cached) {
        found.set(
          subjectId,
          cached.erased ? { status: 'erased', keyId } : { status: 'ok', keyId, key: cached.key },
        );
      } else fresh.set(keyId, { subjectId, key: randomBytes(KEY_BYTES) });
    }
    if (fresh.size === 0) return found;
    const entries = [...fresh.entries()];
    const taken = new Set<number>();
    try {
      await this.keys.insertMany(
        entries.map(([keyId, { key }]) => this.wrap(keyId, key)),
        { ordered: false },
      );
    } catch (error) {
      const writeErrors = (error as { writeErrors?: { index: number; code?: number }[] })
        .writeErrors;
      if (!writeErrors || writeErrors.some((e) => e.code !== DUPLICATE_KEY)) throw error;
      for (const e of writeErrors) taken.add(e.index);
    }
    const created = entries.filter((_, i) => !taken.has(i)).map(([keyId]) => keyId);
    const erased = new Set(
      created.length === 0
        ? []
        : (
            await this.tombstones
              .find({ _id: { $in: created } }, { projection: { _id: 1 } })
              .toArray()
          ).map((t) => t._id),
    );
    for (const [i, [keyId, { subjectId, key }]] of entries.entries()) {
      if (taken.has(i)) {
        found.set(subjectId, await this.getOrCreateKey(subjectId));
      } else if (erased.has(keyId)) {
        await this.keys.deleteOne({ _id: keyId });
        this.cache.setErased(keyId);
        found.set(subjectId, { status: 'erased', keyId });
      } else {
        this.cache.setKey(keyId, key);
        found.set(subjectId, { status: 'ok', keyId, key });
      }
    }
    return found;
  }

  async findKey(keyId: string): Promise<OpeningKey> {
    const cached = this.cache.get(keyId);
    if (cached)
      return cached.erased ? { status: 'erased', keyId } : { status: 'ok', keyId, key: cached.key };
    const [tombstone, stored] = await Promise.all([
      this.tombstones.findOne({ _id: keyId }),
      this.keys.findOne({ _id: keyId }),
    ]);
    if (tombstone) {
      // A key next to its tombstone is an erasure that stopped half-way: finish it.
      if (stored) await this.keys.deleteOne({ _id: keyId });
      this.cache.setErased(keyId);
      return { status: 'erased', keyId };
    }
    if (!stored) return { status: 'missing', keyId };
    const key = this.unwrap(stored);
    this.cache.setKey(keyId, key);
    return { status: 'ok', keyId, key };
  }

  /** True once the subject with this key id was erased. */
  async isErased(keyId: string): Promise<boolean> {
    if (this.cache.get(keyId)?.erased) return true;
    return (await this.tombstones.findOne({ _id: keyId })) !== null;
  }

  /**
   * Erases a subject: tombstone first (so no one creates a key again), then the key. This
   * process forgets the key at once; other processes may still hold it in their cache for up to
   * the cache TTL. Idempotent: erasing again returns the first tombstone.
   */
  async erase(subjectId: string, reason: ErasureReason, at: Date = new Date()): Promise<Tombstone> {
    const keyId = this.keyIdOf(subjectId);
    this.cache.setErased(keyId);
    const mine: TombstoneDocument = { _id: keyId, erasedAt: at, reason };
    const stored = await insertOrRead(this.tombstones, mine);
    await this.keys.deleteOne({ _id: keyId });
    return {
      keyId,
      erasedAt: new Date(stored.erasedAt),
      reason: stored.reason,
      alreadyErased: stored !== mine,
    };
  }

  forgetCached(keyId: string): void {
    this.cache.setErased(keyId);
  }

  private wrap(keyId: string, key: Buffer): SubjectKeyDocument {
    const sealed = gcmSeal(this.masterKey, key, wrapAad(keyId));
    return {
      _id: keyId,
      alg: WRAP_ALG,
      kek: this.kekFingerprint,
      iv: sealed.iv.toString('base64'),
      wrapped: sealed.ciphertext.toString('base64'),
      tag: sealed.tag.toString('base64'),
      createdAt: new Date(),
    };
  }

  private unwrap(stored: SubjectKeyDocument): Buffer {
    const key =
      stored.alg === WRAP_ALG
        ? gcmOpen(
            this.masterKey,
            {
              iv: Buffer.from(stored.iv, 'base64'),
              ciphertext: Buffer.from(stored.wrapped, 'base64'),
              tag: Buffer.from(stored.tag, 'base64'),
            },
            wrapAad(stored._id),
          )
        : undefined;
    if (!key || key.length !== KEY_BYTES) {
      // Not "unreadable data": a store or configuration fault that must not pass as erasure.
      throw new Error(
        `key store: key ${stored._id} does not unwrap${stored.kek !== this.kekFingerprint ? ' (wrapped with another master key)' : ''}`,
      );
    }
    return key;
  }
}

function wrapAad(keyId: string): Buffer {
  return Buffer.from(`subject-key:${keyId}`, 'utf8');
}

/** A short public fingerprint of a secret: tells secrets apart, reveals nothing of them. */
function fingerprint(secret: Buffer, purpose: string): string {
  return createHmac('sha256', secret).update(`fingerprint:${purpose}`).digest('hex').slice(0, 16);
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number } | null)?.code === DUPLICATE_KEY;
}

/** Inserts the document, or returns the one already stored under its `_id` (insert-only). */
async function insertOrRead<T extends { _id: string }>(
  collection: Collection<T>,
  doc: T,
): Promise<T> {
  try {
    await collection.insertOne(doc as never);
    return doc;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const stored = await collection.findOne({ _id: doc._id } as never);
    if (!stored)
      throw new Error(`${collection.collectionName}: ${doc._id} vanished after a duplicate key`);
    return stored as unknown as T;
  }
}
