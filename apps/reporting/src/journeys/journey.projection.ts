import { BirthNotifiedV1 } from '@lib/contracts';
import { ConsumedEvent } from '@lib/kafka';
import { ensureIndexes } from '@lib/platform';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { JourneyEntry } from './schemas/journey-entry.schema';

const DUPLICATE_KEY = 11000;

export interface ChildJourney {
  nhsNumber: string;
  birth: {
    birthDate: string;
    postcodeDistrict: string | null;
    source: string;
    notifiedAt: string;
  } | null;
  events: { type: string; occurredAt: string; source: string; facts: Record<string, unknown> }[];
}

/** Keeps each child's joined journey from the events of every service. */
@Injectable()
export class JourneyProjection implements OnModuleInit {
  constructor(@InjectModel(JourneyEntry.name) private readonly entries: Model<JourneyEntry>) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.entries.collection, [
      { name: 'child_time', key: { nhsNumber: 1, occurredAt: 1 } },
    ]);
  }

  /** Idempotent: the same event twice leaves one entry. */
  async apply({ event, topic, partition, offset, key }: ConsumedEvent): Promise<void> {
    switch (event.type) {
      case 'BirthNotified': {
        const data = event.data as BirthNotifiedV1;
        await this.insertOnce({
          _id: event.id,
          nhsNumber: key ?? data.facts.nhsNumber,
          type: event.type,
          occurredAt: event.time,
          source: event.source,
          facts: { ...data.facts },
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

  async findChildJourney(nhsNumber: string): Promise<ChildJourney | null> {
    const entries = await this.entries
      .find({ nhsNumber: { $eq: nhsNumber } })
      .sort({ occurredAt: 1 })
      .lean<JourneyEntry[]>()
      .exec();
    if (entries.length === 0) return null;
    const birth = entries.find((e) => e.type === 'BirthNotified');
    return {
      nhsNumber,
      birth: birth
        ? {
            birthDate: String(birth.facts.birthDate),
            postcodeDistrict: (birth.facts.postcodeDistrict as string | null) ?? null,
            source: birth.source,
            notifiedAt: birth.occurredAt,
          }
        : null,
      events: entries.map((e) => ({
        type: e.type,
        occurredAt: e.occurredAt,
        source: e.source,
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
