import { mapConcurrently } from '@lib/concurrency';
import type { Collection } from 'mongodb';

interface ProcessedEvent {
  _id: string;
  groupId: string;
  eventId: string;
  at: Date;
}

const DUPLICATE_KEY = 11000;
const LOOKUP_CONCURRENCY = 8;

/**
 * Which events a consumer group has applied, one insert-only document an event. Consulted before
 * a handler runs so that redelivered events (a restarted relay re-sends, a crash replays the
 * uncommitted tail) are dropped by id. Marked after the handler's effects are durable; a crash
 * between the two replays the event once more, so handlers stay idempotent as well.
 */
export class ProcessedEventStore {
  constructor(private readonly collection: Collection<ProcessedEvent>) {}

  async has(groupId: string, eventId: string): Promise<boolean> {
    return (await this.collection.findOne({ _id: key(groupId, eventId) })) !== null;
  }

  /**
   * The ids among `eventIds` this group already applied: one `_id` lookup each, a few at a time
   * (the store answers `_id` lookups by index but scans the whole collection for an `$in`).
   */
  async appliedAmong(groupId: string, eventIds: string[]): Promise<Set<string>> {
    const applied = await mapConcurrently(eventIds, LOOKUP_CONCURRENCY, (id) =>
      this.has(groupId, id),
    );
    return new Set(eventIds.filter((_, i) => applied[i]));
  }

  /** Marks many at once; ones already marked (a replay) are fine. */
  async markAll(groupId: string, eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    const at = new Date();
    try {
      await this.collection.insertMany(
        eventIds.map((eventId) => ({ _id: key(groupId, eventId), groupId, eventId, at })),
        { ordered: false },
      );
    } catch (error) {
      const writeErrors = (error as { writeErrors?: { code?: number }[] }).writeErrors;
      const onlyDuplicates =
        (error as { code?: number }).code === DUPLICATE_KEY ||
        (Array.isArray(writeErrors) && writeErrors.every((e) => e.code === DUPLICATE_KEY));
      if (!onlyDuplicates) throw error;
    }
  }

  async mark(groupId: string, eventId: string): Promise<void> {
    try {
      await this.collection.insertOne({
        _id: key(groupId, eventId),
        groupId,
        eventId,
        at: new Date(),
      });
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    }
  }
}

function key(groupId: string, eventId: string): string {
  return `${groupId}|${eventId}`;
}
