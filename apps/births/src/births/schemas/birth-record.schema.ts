import type { OutboxFields } from '@lib/kafka';
import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One version of a birth as received (the notification is version 1, each correction the next):
 * insert-only, `_id` = the event id derived from the input's idempotency key, a unique
 * (nhsNumber, version) index so two concurrent corrections can never take one version.
 * The event it causes is stored in the same insert (`outbox`); the relay publishes it.
 */
@Schema({ collection: 'birth_records', versionKey: false })
export class BirthRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  idempotencyKey!: string;

  @Prop({ required: true })
  nhsNumber!: string;

  @Prop({ required: true })
  version!: number;

  @Prop({ type: String, required: true, enum: ['notified', 'corrected'] })
  kind!: 'notified' | 'corrected';

  @Prop({ required: true })
  birthDate!: string;

  /** Outward code only: the full postcode and names are kept encrypted, in `outbox.event.data.personal`. */
  @Prop({ type: String, default: null })
  postcodeDistrict!: string | null;

  /** Children's centre whose reach area holds the postcode; null until geography assigns one. */
  @Prop({ type: String, default: null })
  centreId!: string | null;

  /** The LA of that centre; null while unassigned. */
  @Prop({ type: String, default: null })
  la!: string | null;

  @Prop({ required: true })
  receivedAt!: Date;

  /** Digest of the input, so the same birth sent again is told apart from a different one. */
  @Prop({ type: String, required: true })
  contentHash!: string;

  @Prop({ type: String, required: true })
  correlationId!: string;

  @Prop({ type: Object, required: true })
  outbox!: OutboxFields;
}

export const BirthRecordSchema = SchemaFactory.createForClass(BirthRecord);
