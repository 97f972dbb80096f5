import { CentreScope } from '@lib/auth';
import { BirthNotifiedV1 } from '@lib/contracts';
import { ConsumedEvent } from '@lib/kafka';
import { ensureIndexes } from '@lib/platform';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { JourneyEntry } from './schemas/journey-entry.schema';

const DUPLICATE_KEY = 11000;
const BIRTH_EVENT_TYPES = ['BirthNotified', 'BirthCorrected'];

export interface ChildJourney {
  nhsNumber: string;
  birth: {
    birthDate: string;
    postcodeDistrict: string | null;
    centreId: string | null;
    version: number | null;
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
  constructor(@InjectModel(JourneyEntry.name) private readonly entries: Model<JourneyEntry>) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.entries.collection, [
      { name: 'child_time', key: { nhsNumber: 1, occurredAt: 1 } },
      { name: 'child_type_version', key: { nhsNumber: 1, type: 1, subjectVersion: 1 } },
    ]);
  }

  async apply({ event, topic, partition, offset, key }: ConsumedEvent): Promise<void> {
    switch (event.type) {
      case 'BirthNotified':
      case 'BirthCorrected': {
        const { facts } = event.data as BirthNotifiedV1;
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
          receivedAt: new Date(),
          topic,
          partition,
          offset,
        });
        return;
      }
      default:
        // A type this projection does not use yet: nothing to keep.
        return;
    }
  }

  /**
   * A child's journey for a centre caller: only when the child's current birth record (its
   * highest version) assigns it to one of the caller's centres.
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
    const entries = await this.entries
      .find({ nhsNumber })
      .sort({ occurredAt: 1, subjectVersion: 1 })
      .lean<JourneyEntry[]>()
      .exec();
    return {
      nhsNumber,
      birth: {
        birthDate: String(birthInScope.facts.birthDate),
        postcodeDistrict: (birthInScope.facts.postcodeDistrict as string | null) ?? null,
        centreId: birthInScope.centreId,
        version: birthInScope.subjectVersion,
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

  private async insertOnce(entry: JourneyEntry): Promise<void> {
    try {
      await this.entries.collection.insertOne(entry as never);
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    }
  }
}
