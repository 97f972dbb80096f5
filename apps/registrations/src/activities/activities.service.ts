import { deterministicEventId } from '@lib/kafka';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../families/families.service';
import type { Activity, NewActivityDto } from './activities';

/**
 * Each centre's catalogue of activities. A few dozen per centre: held in memory, loaded whole at
 * start, each new one stored (insert-only) before it is listed.
 */
@Injectable()
export class ActivitiesService implements OnApplicationBootstrap {
  private readonly activities: Collection<Activity>;
  private readonly byId = new Map<string, Activity>();

  constructor(@InjectConnection() connection: Connection) {
    this.activities = connection.collection<Activity>('activities');
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const activity of await this.activities.find({}).toArray()) {
      this.byId.set(activity._id, activity);
    }
  }

  get(activityId: string): Activity | undefined {
    return this.byId.get(activityId);
  }

  ofCentre(centreId: string): Activity[] {
    return [...this.byId.values()]
      .filter((a) => a.centreId === centreId)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async add(centreId: string, dto: NewActivityDto, actor: Actor): Promise<Activity> {
    const id = actor.idempotencyKey
      ? deterministicEventId(`registrations-activity:${actor.subject}|${actor.idempotencyKey}`)
      : randomUUID();
    const held = this.byId.get(id) ?? (await this.activities.findOne({ _id: id }));
    if (held) return held;
    const activity: Activity = {
      _id: id,
      centreId,
      name: dto.name,
      category: dto.category,
      createdAt: new Date(),
      createdBy: actor.subject,
    };
    await this.activities.insertOne(activity);
    this.byId.set(id, activity);
    return activity;
  }
}
