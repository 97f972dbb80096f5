import {
  deterministicEventId,
  EventProducer,
  insertWithOutbox,
  OutboxRelays,
  pendingOutbox,
} from '@lib/kafka';
import type { GeographyVersionPublishedV1 } from '@lib/contracts';
import { runImport, type RowError } from '@lib/imports';
import { currentCorrelationId } from '@lib/logging';
import { KeyedSerializer } from '@lib/platform';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { MongoBulkWriteError, type Collection, type Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { createHash, randomUUID } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import {
  BoundaryContent,
  LoadProblem,
  reachAreaLsoasOutsideImd,
  validateBoundaries,
} from './boundary-validation';
import { isIsoDate } from './geography-codes';
import {
  COLLECTIONS,
  GEOGRAPHY_TOPIC,
  GeographyKind,
  LsoaDoc,
  partId,
  PostcodeDoc,
  PostcodeSummary,
  versionId,
  VersionHeader,
} from './geography-store';
import { POSTCODE_LOOKUP_ROWS, PostcodeRow } from './postcode-rows';
import { ReachAreaDirectory } from './reach-area-directory';

const DUPLICATE_KEY = 11000;
const PART_BATCH = 1000;
/** Kafka's default message limit is 1 MB; a boundary version must fit in one event. */
export const MAX_EVENT_BYTES = 900_000;
/** Row errors returned in one answer (the total is always given). */
export const MAX_LISTED_ROW_ERRORS = 500;

export interface PublishedVersion {
  kind: GeographyKind;
  version: number;
  versionId: string;
  effectiveFrom: string;
  eventId: string;
  /** false when the same content had been loaded before: that version is returned. */
  created: boolean;
}

export type LoadOutcome<T> = { ok: true; version: PublishedVersion } | { ok: false; refusal: T };

export interface BoundaryRefusal {
  problems: LoadProblem[];
}

export interface PostcodeRefusal {
  rowsRead: number;
  rejected: number;
  fileError?: string;
  /** Every bad row is counted; the first MAX_LISTED_ROW_ERRORS are listed. */
  errors: RowError[];
}

/**
 * Write side of the versioned geography loads. A load is validated as a whole; its parts are
 * inserted under a fresh random `partsId`, then the header (with its GeographyVersionPublished
 * event in the outbox) is inserted last, taking the next version number by its unique `_id`.
 * The version exists for readers and is published only once its header is written; a refused
 * or failed load leaves no header, so nothing of it is ever read or published, and published
 * version numbers have no gaps.
 */
@Injectable()
export class GeographyService implements OnApplicationBootstrap {
  // Loads of one kind run one at a time in this process; across processes the header's unique `_id` decides.
  private readonly perKind = new KeyedSerializer();
  private readonly versions: Collection<VersionHeader>;
  private readonly lsoas: Collection<LsoaDoc>;
  private readonly postcodes: Collection<PostcodeDoc>;

  constructor(
    @InjectConnection() connection: Connection,
    private readonly producer: EventProducer,
    private readonly relays: OutboxRelays,
    private readonly directory: ReachAreaDirectory,
  ) {
    this.versions = connection.collection<VersionHeader>(COLLECTIONS.versions);
    this.lsoas = connection.collection<LsoaDoc>(COLLECTIONS.lsoas);
    this.postcodes = connection.collection<PostcodeDoc>(COLLECTIONS.postcodes);
  }

  /** Publishes stored versions (their headers' outbox part) for the life of the app. */
  onApplicationBootstrap(): void {
    this.relays.start('geography-relay', {
      collections: [this.versions as unknown as Collection<Document>],
      // Reference data changes rarely; a version is a few events a year.
      pollMs: 1000,
    });
  }

  /** Validates and stores a boundary version; refused whole with every problem listed. */
  async loadBoundaries(body: unknown, loadedBy: string): Promise<LoadOutcome<BoundaryRefusal>> {
    return this.perKind.run('boundaries', async () => {
      const known = await this.knownToPostcodeLookup(reachAreaLsoasOutsideImd(body));
      const checked = validateBoundaries(body, known);
      if (!checked.ok) return { ok: false, refusal: { problems: checked.problems } };
      const content = checked.value;
      const contentHash = sha256(JSON.stringify(content));
      const again = await this.sameContent('boundaries', contentHash);
      if (again) return { ok: true, version: again };

      const facts = { boundaries: content };
      const size = Buffer.byteLength(JSON.stringify(facts));
      if (size > MAX_EVENT_BYTES) {
        const problem = {
          field: '',
          reason: `the version is ${size} bytes as an event, over ${MAX_EVENT_BYTES}: load IMD deciles for the LAs served only`,
        };
        return { ok: false, refusal: { problems: [problem] } };
      }
      const partsId = randomUUID();
      await this.insertParts(this.lsoas, lsoaDocs(partsId, content));
      const header = await this.insertHeader('boundaries', {
        effectiveFrom: content.effectiveFrom,
        partsId,
        contentHash,
        loadedBy,
        content: { boundaries: content },
      });
      return { ok: true, version: published(header, true) };
    });
  }

  /**
   * Streams an ONS-style postcode CSV into a new postcode version. "Nothing half-loaded": rows
   * are written under a fresh parts id as they stream (the file is never held in memory), but
   * the version is published only if every row was good (no malformed row, no repeated
   * postcode, a readable header). Otherwise the answer lists the row errors, no header is
   * written and the rows already written stay invisible (and are deleted, best effort).
   */
  async loadPostcodes(
    source: Readable,
    effectiveFrom: string | undefined,
    loadedBy: string,
  ): Promise<LoadOutcome<PostcodeRefusal>> {
    if (!isIsoDate(effectiveFrom)) {
      return {
        ok: false,
        refusal: {
          rowsRead: 0,
          rejected: 0,
          fileError: 'effectiveFrom (query) must be a date (YYYY-MM-DD)',
          errors: [],
        },
      };
    }
    return this.perKind.run('postcodes', async () => {
      const id = randomUUID();
      const hash = createHash('sha256');
      const hashing = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          done(null, chunk);
        },
      });
      source.on('error', (e) => hashing.destroy(e));
      const duplicateRows: RowError[] = [];
      const lsoasSeen = new Set<string>();
      const byLa = new Map<string, number>();
      const result = await runImport<PostcodeRow>(
        source.pipe(hashing),
        POSTCODE_LOOKUP_ROWS,
        {
          accept: async (rows) => {
            const docs = rows.map(({ value }) => ({
              _id: partId(id, value.postcode),
              partsId: id,
              ...value,
            }));
            const failed = await this.insertParts(this.postcodes, docs);
            for (const index of failed) {
              duplicateRows.push({
                row: rows[index].rowNumber,
                column: 'pcds',
                reason: 'repeats a postcode given earlier in the file',
              });
            }
            const failedSet = new Set(failed);
            rows.forEach(({ value }, i) => {
              if (failedSet.has(i)) return;
              lsoasSeen.add(value.lsoa);
              byLa.set(value.la, (byLa.get(value.la) ?? 0) + 1);
            });
            return { duplicates: failed.length };
          },
        },
        { batchSize: PART_BATCH },
      );
      const errors = [...result.errors, ...duplicateRows].sort((a, b) => a.row - b.row);
      if (result.status === 'failed' || errors.length > 0 || result.accepted === 0) {
        await this.postcodes.deleteMany({ partsId: { $eq: id } }).catch(() => undefined);
        return {
          ok: false,
          refusal: {
            rowsRead: result.rowsRead,
            rejected: result.rejected + duplicateRows.length,
            ...(result.fileError
              ? { fileError: result.fileError }
              : result.accepted === 0 && errors.length === 0
                ? { fileError: 'the file has no postcode rows' }
                : {}),
            errors: errors.slice(0, MAX_LISTED_ROW_ERRORS),
          },
        };
      }
      const contentHash = `${effectiveFrom}:${hash.digest('hex')}`;
      const again = await this.sameContent('postcodes', contentHash);
      if (again) {
        await this.postcodes.deleteMany({ partsId: { $eq: id } }).catch(() => undefined);
        return { ok: true, version: again };
      }
      const summary: PostcodeSummary = {
        postcodes: result.accepted,
        lsoas: lsoasSeen.size,
        byLa: [...byLa.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([la, postcodes]) => ({ la, postcodes })),
      };
      const header = await this.insertHeader('postcodes', {
        effectiveFrom,
        partsId: id,
        contentHash,
        loadedBy,
        content: { postcodes: summary },
      });
      return { ok: true, version: published(header, true) };
    });
  }

  /** A published version with its content (boundaries) or summary (postcodes), or null. */
  async readVersion(
    kind: GeographyKind,
    version: number,
  ): Promise<Omit<VersionHeader, 'outbox' | 'contentHash'> | null> {
    return this.versions.findOne<Omit<VersionHeader, 'outbox' | 'contentHash'>>(
      { _id: versionId(kind, version) },
      { projection: { outbox: 0, contentHash: 0 } },
    );
  }

  /** Versions of a kind, newest load first (no content). */
  async listVersions(
    kind: GeographyKind,
  ): Promise<Pick<VersionHeader, 'version' | 'effectiveFrom' | 'loadedAt'>[]> {
    return this.versions
      .find(
        { kind: { $eq: kind } },
        { projection: { _id: 0, version: 1, effectiveFrom: 1, loadedAt: 1 } },
      )
      .sort({ version: -1 })
      .toArray();
  }

  /**
   * Inserts the header as the kind's next version: the unique `_id` (`kind:N`) decides between
   * concurrent loads, and the loser takes the next number.
   */
  private async insertHeader(kind: GeographyKind, load: HeaderInput): Promise<VersionHeader> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const last = await this.versions.findOne(
        { kind: { $eq: kind } },
        { sort: { version: -1 }, projection: { version: 1 } },
      );
      const header = this.header(kind, (last?.version ?? 0) + 1, load);
      if (await insertWithOutbox(this.versions as never, header)) {
        this.directory.versionsChanged();
        return header;
      }
    }
    throw new Error(`could not take a ${kind} version number`);
  }

  /**
   * Inserts parts in batches, unordered; answers the indexes (within `docs`) refused as
   * duplicate keys. Any other write error fails the load.
   */
  private async insertParts<T extends { _id: string }>(
    collection: Collection<T>,
    docs: T[],
  ): Promise<number[]> {
    const duplicates: number[] = [];
    for (let start = 0; start < docs.length; start += PART_BATCH) {
      const batch = docs.slice(start, start + PART_BATCH);
      try {
        await collection.insertMany(batch as never[], { ordered: false });
      } catch (error) {
        if (!(error instanceof MongoBulkWriteError)) throw error;
        const writeErrors = (
          Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]
        ) as { code?: number; index: number }[];
        for (const e of writeErrors) {
          if (e.code !== DUPLICATE_KEY) throw error;
          duplicates.push(start + e.index);
        }
      }
    }
    return duplicates;
  }

  private async knownToPostcodeLookup(lsoas: string[]): Promise<Set<string>> {
    if (lsoas.length === 0) return new Set();
    const latest = await this.versions.findOne(
      { kind: { $eq: 'postcodes' } },
      { sort: { version: -1 }, projection: { partsId: 1 } },
    );
    if (!latest) return new Set();
    const known = new Set<string>();
    for (let i = 0; i < lsoas.length; i += 500) {
      const found = await this.postcodes
        .find(
          { partsId: { $eq: latest.partsId }, lsoa: { $in: lsoas.slice(i, i + 500) } },
          { projection: { _id: 0, lsoa: 1 } },
        )
        .toArray();
      for (const doc of found) known.add(doc.lsoa);
    }
    return known;
  }

  private async sameContent(
    kind: GeographyKind,
    contentHash: string,
  ): Promise<PublishedVersion | null> {
    const found = await this.versions.findOne(
      { kind: { $eq: kind }, contentHash: { $eq: contentHash } },
      { projection: { kind: 1, version: 1, effectiveFrom: 1, 'outbox.event.id': 1 } },
    );
    return found ? published(found, false) : null;
  }

  private header(kind: GeographyKind, version: number, load: HeaderInput): VersionHeader {
    const { effectiveFrom, partsId, contentHash, loadedBy, content } = load;
    const id = versionId(kind, version);
    const loadedAt = new Date();
    const eventId = deterministicEventId(`geography-version:${id}:${contentHash}`);
    const data: GeographyVersionPublishedV1 = {
      facts: { kind, version, versionId: id, effectiveFrom, ...content },
    };
    const event = this.producer.buildEvent({
      topic: GEOGRAPHY_TOPIC,
      key: kind,
      type: 'GeographyVersionPublished',
      id: eventId,
      subject: kind,
      time: loadedAt.toISOString(),
      recordedtime: loadedAt.toISOString(),
      subjectversion: version,
      correlationid: currentCorrelationId() ?? eventId,
      data,
    });
    // Refuse now what the relay could never publish.
    this.producer.assertValid(GEOGRAPHY_TOPIC, event);
    return {
      _id: id,
      kind,
      version,
      effectiveFrom,
      partsId,
      loadedAt,
      loadedBy,
      contentHash,
      ...content,
      outbox: pendingOutbox(
        GEOGRAPHY_TOPIC,
        kind,
        version,
        event,
        loadedAt,
        version > 1 ? versionId(kind, version - 1) : null,
      ),
    };
  }
}

interface HeaderInput {
  effectiveFrom: string;
  partsId: string;
  contentHash: string;
  loadedBy: string;
  content: { boundaries: BoundaryContent } | { postcodes: PostcodeSummary };
}

function published(
  header: Pick<VersionHeader, 'kind' | 'version' | 'effectiveFrom'> & {
    outbox?: { event?: { id?: string } };
  },
  created: boolean,
): PublishedVersion {
  return {
    kind: header.kind,
    version: header.version,
    versionId: versionId(header.kind, header.version),
    effectiveFrom: header.effectiveFrom,
    eventId: header.outbox?.event?.id ?? '',
    created,
  };
}

/** One document per LSOA the version knows: reach-area LSOAs (with their centre) and IMD LSOAs. */
function lsoaDocs(partsId: string, content: BoundaryContent): LsoaDoc[] {
  const centres = new Map(content.centres.map((c) => [c.id, c]));
  const decile = new Map(content.imdDeciles.map((d) => [d.lsoa, d.decile]));
  const docs = new Map<string, LsoaDoc>();
  for (const area of content.reachAreas) {
    const centre = centres.get(area.centreId);
    for (const lsoa of area.lsoas) {
      docs.set(lsoa, {
        _id: partId(partsId, lsoa),
        partsId,
        lsoa,
        centreId: area.centreId,
        cluster: centre?.cluster ?? null,
        la: centre?.la ?? null,
        imdDecile: decile.get(lsoa) ?? null,
      });
    }
  }
  for (const { lsoa, decile: d } of content.imdDeciles) {
    if (!docs.has(lsoa)) {
      docs.set(lsoa, {
        _id: partId(partsId, lsoa),
        partsId,
        lsoa,
        centreId: null,
        cluster: null,
        la: null,
        imdDecile: d,
      });
    }
  }
  return [...docs.values()];
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
