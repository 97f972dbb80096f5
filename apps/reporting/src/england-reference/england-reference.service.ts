import { ROOT_LOGGER } from '@lib/logging';
import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { IndicatorId } from '../figures/figure-types';
import {
  ENGLAND_REFERENCE_COLLECTION,
  englandReferenceId,
  EnglandReferenceVersionDoc,
} from './england-reference-store';
import {
  parseEnglandReferenceCsv,
  type EnglandReferenceError,
  type EnglandReferenceRow,
} from './england-reference.parser';

const DUPLICATE_KEY = 11000;
/** Version numbers tried by one upload before giving up (each try loses to another upload). */
const MAX_INSERT_ATTEMPTS = 100;
/**
 * How long the cached latest version is used before the store is asked (by `_id`) whether a
 * newer one exists: an upload through another instance of the service is seen within this.
 */
export const REFRESH_AFTER_MS = 60_000;

/** A stored version without its store-only fields. */
export interface EnglandReferenceVersion {
  version: number;
  uploadedAt: Date;
  uploadedBy: string;
  rowCount: number;
  rows: EnglandReferenceRow[];
}

export type EnglandReferenceUpload =
  { ok: true; version: number; rowCount: number } | { ok: false; errors: EnglandReferenceError[] };

type EnglandValues = Partial<Record<IndicatorId, number>>;

/** The latest version as read, indexed by quarter. */
interface Snapshot {
  latest: EnglandReferenceVersionDoc | null;
  byQuarter: ReadonlyMap<string, EnglandValues>;
  checkedAt: number;
}

/**
 * England's indicator values, the benchmark of every area's indicators. Each accepted upload is
 * a new immutable version (`england_reference_versions`); readers use the latest, cached in
 * memory: loaded on first use, replaced after an upload, and checked for a newer version (an
 * upload through another instance) at most every REFRESH_AFTER_MS.
 */
@Injectable()
export class EnglandReferenceService {
  private readonly versions: Collection<EnglandReferenceVersionDoc>;
  private snapshot: Snapshot | undefined;
  private refreshing: Promise<Snapshot> | undefined;

  constructor(
    @InjectConnection() connection: Connection,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.versions = connection.collection<EnglandReferenceVersionDoc>(ENGLAND_REFERENCE_COLLECTION);
  }

  /**
   * Parses an uploaded CSV and, if every row is good, stores it as the next version. Any error
   * refuses the whole file: nothing is stored and every error is returned.
   */
  async upload(csv: string, uploadedBy: string): Promise<EnglandReferenceUpload> {
    const { rows, errors } = parseEnglandReferenceCsv(csv);
    if (errors.length > 0) return { ok: false, errors };
    const stored = await this.store(rows, uploadedBy);
    return { ok: true, version: stored.version, rowCount: stored.rowCount };
  }

  /**
   * Stores rows as the next version: one more than the latest known, or, when another upload
   * took that number first (the `_id` is taken), the next free one.
   */
  async store(rows: EnglandReferenceRow[], uploadedBy: string): Promise<EnglandReferenceVersion> {
    const known = await this.refresh();
    let version = (known.latest?.version ?? 0) + 1;
    for (let attempt = 0; attempt < MAX_INSERT_ATTEMPTS; attempt++, version++) {
      const doc: EnglandReferenceVersionDoc = {
        _id: englandReferenceId(version),
        version,
        uploadedAt: new Date(),
        uploadedBy,
        rowCount: rows.length,
        rows: rows.map(({ indicator, period, value, source }) => ({
          indicator,
          period,
          value,
          ...(source !== undefined ? { source } : {}),
        })),
      };
      try {
        await this.versions.insertOne(doc);
      } catch (error) {
        if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
        continue;
      }
      this.adopt(doc, Date.now());
      return withoutId(doc);
    }
    throw new Error('could not take an England reference version number');
  }

  /** England's value of each indicator for a quarter (`quarter:2026-27-Q1`) in the latest version. */
  async valuesFor(quarter: string): Promise<EnglandValues> {
    const { byQuarter } = await this.current();
    return { ...byQuarter.get(quarter) };
  }

  /** The latest version with its rows, or null before the first upload. */
  async latest(): Promise<EnglandReferenceVersion | null> {
    const { latest } = await this.current();
    return latest ? withoutId(latest) : null;
  }

  /** The cached snapshot, refreshed when it is older than REFRESH_AFTER_MS. */
  private async current(): Promise<Snapshot> {
    const cached = this.snapshot;
    if (cached && Date.now() - cached.checkedAt < REFRESH_AFTER_MS) return cached;
    try {
      return await this.refresh();
    } catch (error) {
      if (!cached) throw error;
      // Reference data changes a few times a year: keep answering from the cached version.
      this.logger.warn(
        { err: error, version: cached.latest?.version ?? null },
        'England reference values could not be refreshed; the cached version is used',
      );
      this.snapshot = { ...cached, checkedAt: Date.now() };
      return this.snapshot;
    }
  }

  /** Reads the latest version now (one read at a time: callers meanwhile share it). */
  private refresh(): Promise<Snapshot> {
    this.refreshing ??= this.readLatest().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /**
   * The newest version by `_id`: from the cached one (or, on first use, the highest number
   * stored), ask for the next number until there is none.
   */
  private async readLatest(): Promise<Snapshot> {
    const checkedAt = Date.now();
    let latest = this.snapshot?.latest ?? null;
    if (!this.snapshot) {
      const highest = await this.highestVersion();
      latest = highest > 0 ? await this.byVersion(highest) : null;
    }
    for (;;) {
      const next = await this.byVersion((latest?.version ?? 0) + 1);
      if (!next) break;
      latest = next;
    }
    return this.adopt(latest, checkedAt);
  }

  /** Caches a version as the latest unless a newer one is already cached. */
  private adopt(doc: EnglandReferenceVersionDoc | null, checkedAt: number): Snapshot {
    const cached = this.snapshot;
    if (cached?.latest && (!doc || doc.version < cached.latest.version)) {
      this.snapshot = { ...cached, checkedAt: Math.max(cached.checkedAt, checkedAt) };
    } else {
      this.snapshot = { latest: doc, byQuarter: indexByQuarter(doc), checkedAt };
    }
    return this.snapshot;
  }

  private async byVersion(version: number): Promise<EnglandReferenceVersionDoc | null> {
    return this.versions.findOne({ _id: englandReferenceId(version) });
  }

  /** Versions are few (a handful a year): their numbers are read whole, without an index. */
  private async highestVersion(): Promise<number> {
    const numbers = await this.versions.find({}, { projection: { _id: 0, version: 1 } }).toArray();
    return numbers.reduce((max, { version }) => (version > max ? version : max), 0);
  }
}

function indexByQuarter(doc: EnglandReferenceVersionDoc | null): Map<string, EnglandValues> {
  const byQuarter = new Map<string, EnglandValues>();
  for (const { indicator, period, value } of doc?.rows ?? []) {
    const values = byQuarter.get(period) ?? {};
    values[indicator] = value;
    byQuarter.set(period, values);
  }
  return byQuarter;
}

function withoutId(doc: EnglandReferenceVersionDoc): EnglandReferenceVersion {
  const { version, uploadedAt, uploadedBy, rowCount, rows } = doc;
  return { version, uploadedAt, uploadedBy, rowCount, rows };
}
