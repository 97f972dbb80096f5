import type { GeographyCentreV1, GeographyVersionPublishedV1 } from '@lib/contracts';
import { EventConsumer, EventConsumerFactory, type ConsumedEvent } from '@lib/kafka';
import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';

/** The centres of one boundary version, as kept here (`_id` = the version id). */
interface CentreVersion {
  _id: string;
  version: number;
  effectiveFrom: string;
  centres: GeographyCentreV1[];
}

/**
 * The children's centres, from births' boundary versions on geography.reference.v1. A centre
 * stays known once any version named it (families registered there keep their id); the newest
 * version that names it gives its name, LA and cluster. Kept in `centre_versions` and in memory
 * (a few hundred centres at most).
 */
@Injectable()
export class CentreDirectory implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly versions: Collection<CentreVersion>;
  private readonly consumer: EventConsumer;
  private readonly centres = new Map<string, GeographyCentreV1 & { version: number }>();

  constructor(factory: EventConsumerFactory, @InjectConnection() connection: Connection) {
    this.versions = connection.collection<CentreVersion>('centre_versions');
    this.consumer = factory.create({
      groupId: 'registrations.geography',
      topics: ['geography.reference.v1'],
      handler: (consumed) => this.apply(consumed),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // A handful of documents: read whole once, before the consumer adds to them.
    for (const version of await this.versions.find({}).toArray()) this.remember(version);
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  /** The centre, when a boundary version has named it. */
  centre(centreId: string): (GeographyCentreV1 & { version: number }) | undefined {
    return this.centres.get(centreId);
  }

  private async apply({ event }: ConsumedEvent): Promise<void> {
    if (event.type !== 'GeographyVersionPublished') return;
    const { facts } = event.data as GeographyVersionPublishedV1;
    if (facts.kind !== 'boundaries' || !facts.boundaries) return;
    const version: CentreVersion = {
      _id: facts.versionId,
      version: facts.version,
      effectiveFrom: facts.effectiveFrom,
      centres: facts.boundaries.centres,
    };
    await this.versions.replaceOne({ _id: version._id }, version, { upsert: true });
    this.remember(version);
  }

  private remember(version: CentreVersion): void {
    for (const centre of version.centres) {
      const known = this.centres.get(centre.id);
      if (!known || known.version <= version.version) {
        this.centres.set(centre.id, { ...centre, version: version.version });
      }
    }
  }
}
