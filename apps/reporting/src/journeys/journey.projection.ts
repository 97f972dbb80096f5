import { CentreScope } from '@lib/auth';
import { BirthFactsV1, BirthNotifiedV1, objectionInForceOf } from '@lib/contracts';
import { PersonalDataReader, SUBJECT_ERASED } from '@lib/personal-data';
import { ConsumedEvent } from '@lib/kafka';
import { ensureIndexes } from '@lib/platform';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import { Connection, Model, trusted } from 'mongoose';
import { JourneyEntry } from './schemas/journey-entry.schema';

const DUPLICATE_KEY = 11000;
const BIRTH_EVENT_TYPES = ['BirthNotified', 'BirthCorrected'];
const SHARING_EVENT_TYPES = ['SharingObjectionRecorded', 'SharingObjectionWithdrawn'];
const LINK_EVENT_TYPES = ['ChildLinked', 'ChildUnlinked'];

export interface ChildJourney {
  nhsNumber: string;
  birth: {
    birthDate: string;
    postcodeDistrict: string | null;
    centreId: string | null;
    version: number | null;
    /** Postcode and names as the births feed gave them; null when none or erased. */
    identity: Record<string, unknown> | null;
    source: string;
    notifiedAt: string;
  } | null;
  events: {
    type: string;
    occurredAt: string;
    source: string;
    version: number | null;
    facts: Record<string, unknown>;
  }[];
}

/**
 * Keeps each child's joined journey from the events of every service: one insert-only entry an
 * event (its `_id` the event id), so a redelivered event changes nothing and no document ever
 * has two writers.
 */
@Injectable()
export class JourneyProjection implements OnModuleInit {
  private readonly erasedKeys: Collection<{ _id: string; at: Date }>;

  constructor(
    @InjectModel(JourneyEntry.name) private readonly entries: Model<JourneyEntry>,
    @InjectConnection() connection: Connection,
    private readonly reader: PersonalDataReader,
  ) {
    this.erasedKeys = connection.collection('journey_erased_keys');
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.entries.collection, [
      { name: 'child_time', key: { nhsNumber: 1, occurredAt: 1 } },
      { name: 'child_type_version', key: { nhsNumber: 1, type: 1, subjectVersion: 1 } },
      { name: 'personal_key', key: { personalKeyId: 1 } },
      { name: 'registered_child', key: { childId: 1 } },
    ]);
  }

  async apply(consumed: ConsumedEvent): Promise<void> {
    const { event, topic, partition, offset, key } = consumed;
    switch (event.type) {
      case 'BirthNotified':
      case 'BirthCorrected': {
        const read = await this.reader.openPersonal<BirthFactsV1>(event.data as BirthNotifiedV1, {
          subjectId: key ?? undefined,
        });
        const { facts } = read;
        const personalKeyId = read.identity === 'absent' ? null : (read.keyId ?? null);
        await this.insertOnce({
          _id: event.id,
          nhsNumber: key ?? facts.nhsNumber,
          type: event.type,
          occurredAt: event.time,
          source: event.source,
          facts: { ...facts },
          subjectVersion: event.subjectversion ?? null,
          centreId: facts.centreId ?? null,
          la: null,
          childId: null,
          recordedAt: event.recordedtime ?? null,
          identity: read.identity === 'present' ? read.personal : null,
          personalKeyId,
          receivedAt: new Date(),
          topic,
          partition,
          offset,
        });
        // An erasure handled meanwhile (by another consumer of the privacy topic) wins.
        if (read.identity === 'present' && (await this.isErased(read.keyId))) {
          await this.forgetIdentities(read.keyId);
        }
        return;
      }
      case 'ContactRecorded':
      case 'ContactAmended':
      case 'ContactCancelled':
      case 'SharingObjectionRecorded':
      case 'SharingObjectionWithdrawn':
      case 'ResidenceChanged':
      case 'DeathNotified':
      case 'DeathRetracted':
      case 'ResidenceChangeRetracted':
      case 'BirthRetracted': {
        // Later events about the child from births and health visiting: facts only (no
        // identities). Antenatal contacts are the mother's, not the child's.
        if (key?.startsWith('mother:')) return;
        const { facts } = event.data as { facts: Record<string, unknown> & { nhsNumber: string } };
        await this.insertOnce(factsOnlyEntry(consumed, key ?? facts.nhsNumber, { ...facts }, null));
        return;
      }
      case 'ChildRegistered':
      case 'ChildLinked':
      case 'ChildUnlinked':
      case 'ChildRegistrationWithdrawn':
      case 'AttendanceRecorded': {
        // The registration desk's events about a child (keyed on its NHS number, or
        // `local:<childId>` until one is known): facts only; the desk's own identities stay
        // with registrations. Which journey they join is decided when it is read (links change).
        const { facts } = event.data as { facts: Record<string, unknown> & { childId: string } };
        const nhsNumber =
          typeof facts.nhsNumber === 'string' ? facts.nhsNumber : (key ?? event.subject);
        await this.insertOnce(
          factsOnlyEntry(consumed, nhsNumber, withoutRegistrationCopy(facts), facts.childId),
        );
        return;
      }
      case SUBJECT_ERASED: {
        const keyId = this.reader.subjectErased(event);
        if (keyId) {
          await this.markErased(keyId);
          await this.forgetIdentities(keyId);
        }
        return;
      }
      default:
        // A type this projection does not use yet: nothing to keep.
        return;
    }
  }

  /**
   * A child's journey for a centre caller: only when the child's current birth record (its
   * highest version) assigns it to one of the caller's centres, and no sharing objection is in
   * force (then the centre cannot tell the child exists: null, a 404, as for any other child).
   */
  async findChildJourney(scope: CentreScope, nhsNumber: string): Promise<ChildJourney | null> {
    const birthInScope = await this.entries
      .findOne(
        scope.filter({ nhsNumber, type: trusted({ $in: BIRTH_EVENT_TYPES }) }, { laField: null }),
      )
      .sort({ subjectVersion: -1 })
      .lean<JourneyEntry>()
      .exec();
    if (!birthInScope) return null;
    const newer = await this.entries.countDocuments({
      nhsNumber,
      type: trusted({ $in: BIRTH_EVENT_TYPES }),
      subjectVersion: trusted({ $gt: birthInScope.subjectVersion ?? 0 }),
    });
    if (newer > 0) return null;
    const entries = await this.journeyEntries(nhsNumber);
    if (objectionInForce(entries)) return null;
    return {
      nhsNumber,
      birth: {
        birthDate: String(birthInScope.facts.birthDate),
        postcodeDistrict: (birthInScope.facts.postcodeDistrict as string | null) ?? null,
        centreId: birthInScope.centreId,
        version: birthInScope.subjectVersion,
        identity: birthInScope.identity ?? null,
        source: birthInScope.source,
        notifiedAt: birthInScope.occurredAt,
      },
      events: entries.map((e) => ({
        type: e.type,
        occurredAt: e.occurredAt,
        source: e.source,
        version: e.subjectVersion,
        facts: e.facts,
      })),
    };
  }

  /**
   * Everything about the child: entries under its NHS number, and the registration desk's entries
   * of every registered child linked to that number now (the latest link decision, or the NHS
   * number the form gave when no decision was made), including those sent before the link under
   * `local:<childId>`. Entries of a registered child whose link was removed leave the journey.
   */
  private async journeyEntries(nhsNumber: string): Promise<JourneyEntry[]> {
    const own = await this.entries.find({ nhsNumber }).lean<JourneyEntry[]>().exec();
    const candidates = [...new Set(own.flatMap((e) => (e.childId ? [e.childId] : [])))];
    let linked = new Set<string>();
    let desk: JourneyEntry[] = [];
    if (candidates.length > 0) {
      desk = await this.entries
        .find({ childId: trusted({ $in: candidates }) })
        .lean<JourneyEntry[]>()
        .exec();
      linked = new Set(candidates.filter((c) => linkOf(c, desk) === nhsNumber));
    }
    const byId = new Map<string, JourneyEntry>();
    for (const e of [...own, ...desk]) {
      if (e.childId !== null && e.childId !== undefined && !linked.has(e.childId)) continue;
      byId.set(e._id, e);
    }
    return [...byId.values()].sort(
      (a, b) =>
        a.occurredAt.localeCompare(b.occurredAt) ||
        (a.subjectVersion ?? 0) - (b.subjectVersion ?? 0) ||
        a._id.localeCompare(b._id),
    );
  }

  /** Idempotent: marker first, then every identity held for that key is dropped; facts stay. */
  private async markErased(keyId: string): Promise<void> {
    try {
      await this.erasedKeys.insertOne({ _id: keyId, at: new Date() });
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    }
  }

  private async isErased(keyId: string): Promise<boolean> {
    return (await this.erasedKeys.countDocuments({ _id: keyId }, { limit: 1 })) > 0;
  }

  private async forgetIdentities(keyId: string): Promise<void> {
    await this.entries.collection.updateMany(
      { personalKeyId: keyId },
      { $set: { identity: null } },
    );
  }

  private async insertOnce(entry: JourneyEntry): Promise<void> {
    try {
      await this.entries.collection.insertOne(entry as never);
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    }
  }
}

/**
 * The parent's choices as births and health visiting recorded them, weighed by births' rule (the
 * latest effective date wins; on one date, the later statement): a choice at the notification
 * is effective from the birth date.
 */
function objectionInForce(entries: readonly JourneyEntry[]): boolean {
  const choices = entries.flatMap((e) => {
    const order = Date.parse(e.occurredAt) || 0;
    if (SHARING_EVENT_TYPES.includes(e.type)) {
      const objects = e.type === 'SharingObjectionRecorded';
      return [{ objects, effectiveDate: String(e.facts.effectiveDate), order }];
    }
    if (BIRTH_EVENT_TYPES.includes(e.type) && typeof e.facts.sharingObjection === 'boolean') {
      const effectiveDate = String(e.facts.birthDate);
      return [{ objects: e.facts.sharingObjection, effectiveDate, order }];
    }
    return [];
  });
  return objectionInForceOf(choices);
}

/**
 * The NHS number a registered child is linked to now: the latest link decision (recorded time,
 * then version, as registrations orders them), else the number its registration form gave.
 */
function linkOf(childId: string, entries: readonly JourneyEntry[]): string | null {
  let latest: JourneyEntry | undefined;
  let form: string | null = null;
  for (const e of entries) {
    if (e.childId !== childId) continue;
    if (e.type === 'ChildRegistered' && typeof e.facts.nhsNumber === 'string')
      form = e.facts.nhsNumber;
    if (!LINK_EVENT_TYPES.includes(e.type)) continue;
    const at = e.recordedAt ?? e.occurredAt;
    const latestAt = latest ? (latest.recordedAt ?? latest.occurredAt) : '';
    if (
      !latest ||
      at > latestAt ||
      (at === latestAt && (e.subjectVersion ?? 0) > (latest.subjectVersion ?? 0))
    )
      latest = e;
  }
  if (latest) return latest.type === 'ChildLinked' ? String(latest.facts.nhsNumber) : null;
  return form;
}

/** A link carries a copy of the registration (already its own entry): kept once. */
function withoutRegistrationCopy(facts: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...facts };
  delete rest.registration;
  return rest;
}

/** An entry of facts only (no identity): later events from births, HV and the desk. */
function factsOnlyEntry(
  { event, topic, partition, offset }: ConsumedEvent,
  nhsNumber: string,
  facts: Record<string, unknown>,
  childId: string | null,
): JourneyEntry {
  return {
    _id: event.id,
    nhsNumber,
    type: event.type,
    occurredAt: event.time,
    source: event.source,
    facts,
    subjectVersion: event.subjectversion ?? null,
    centreId: null,
    la: null,
    childId,
    recordedAt: event.recordedtime ?? event.time,
    identity: null,
    personalKeyId: null,
    receivedAt: new Date(),
    topic,
    partition,
    offset,
  };
}
