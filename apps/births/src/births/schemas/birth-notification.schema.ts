import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A birth notification as received: insert-only, `_id` derived from its idempotency key, so a
 * re-sent notification cannot create a second record.
 */
@Schema({ collection: 'birth_notifications', versionKey: false, strict: 'throw' })
export class BirthNotification {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  nhsNumber!: string;

  @Prop({ required: true })
  birthDate!: string;

  @Prop({ required: true })
  postcode!: string;

  @Prop({ required: true })
  eventId!: string;

  @Prop({ required: true })
  receivedAt!: Date;

  /** The request's correlation id, so the event published later carries it on. */
  @Prop({ type: String, required: true })
  correlationId!: string;

  /** Written only by the relay, once the broker acknowledged the event. */
  @Prop({ type: Date, default: null })
  publishedAt!: Date | null;
}

export const BirthNotificationSchema = SchemaFactory.createForClass(BirthNotification);
