import { deterministicEventId } from '@lib/kafka';
import { currentCorrelationId } from '@lib/logging';
import { ensureIndexes } from '@lib/platform';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { NotifyBirthDto } from './dto/notify-birth.dto';
import { BirthNotification } from './schemas/birth-notification.schema';

export interface NotifyBirthResult {
  eventId: string;
  /** false when this exact notification had been received before (a re-send). */
  created: boolean;
}

const DUPLICATE_KEY = 11000;

@Injectable()
export class BirthsService implements OnModuleInit {
  constructor(
    @InjectModel(BirthNotification.name) private readonly notifications: Model<BirthNotification>,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.notifications.collection, [
      { name: 'nhsNumber', key: { nhsNumber: 1 } },
      { name: 'pending', key: { publishedAt: 1, receivedAt: 1 } },
    ]);
  }

  /**
   * Stores the notification; the relay publishes it. Answering only after this insert means an
   * acknowledged notification survives a Kafka outage or a crash.
   */
  async notifyBirth(dto: NotifyBirthDto, receivedAt: Date): Promise<NotifyBirthResult> {
    // One notification per child; corrections arrive as their own versions (a later issue).
    const idempotencyKey = `birth-notified:${dto.nhsNumber}`;
    const eventId = deterministicEventId(idempotencyKey, 1);
    try {
      await this.notifications.collection.insertOne({
        _id: eventId as never,
        nhsNumber: dto.nhsNumber,
        birthDate: dto.birthDate,
        postcode: dto.postcode,
        eventId,
        receivedAt,
        correlationId: currentCorrelationId() ?? eventId,
        publishedAt: null,
      });
      return { eventId, created: true };
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return { eventId, created: false };
      throw error;
    }
  }

  async findBirth(nhsNumber: string): Promise<BirthNotification | null> {
    return this.notifications
      .findOne({ nhsNumber: { $eq: nhsNumber } })
      .lean<BirthNotification>()
      .exec();
  }
}
