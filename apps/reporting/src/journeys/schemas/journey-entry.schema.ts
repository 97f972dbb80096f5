import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One fact in a child's journey, one document an event: `_id` is the event id, so a redelivered
 * event is dropped by the insert itself and no document ever has two writers.
 */
@Schema({ collection: 'journey_entries', versionKey: false })
export class JourneyEntry {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  nhsNumber!: string;

  @Prop({ required: true })
  type!: string;

  /** When it happened at the source. */
  @Prop({ required: true })
  occurredAt!: string;

  /** The service that published it. */
  @Prop({ required: true })
  source!: string;

  @Prop({ type: Object, required: true })
  facts!: Record<string, unknown>;

  /** The subject's version at the source (a birth's notification is 1, corrections follow). */
  @Prop({ type: Number, default: null })
  subjectVersion!: number | null;

  /** Centre the child was assigned to by this event (births); scopes who may read the journey. */
  @Prop({ type: String, default: null })
  centreId!: string | null;

  @Prop({ type: String, default: null })
  la!: string | null;

  /**
   * Registration-desk events: the desk's child id. Such an entry belongs to the journey of the
   * NHS number the child is linked to now (a link can be removed), whatever key it came under.
   */
  @Prop({ type: String, default: null })
  childId!: string | null;

  /** When the source recorded it (orders link decisions, as registrations does). */
  @Prop({ type: String, default: null })
  recordedAt!: string | null;

  /** Identifying details opened from the event's `personal` (null when none, or erased). */
  @Prop({ type: Object, default: null })
  identity!: Record<string, unknown> | null;

  /** The key those details were sealed with: a SubjectErased for it removes them. */
  @Prop({ type: String, default: null })
  personalKeyId!: string | null;

  @Prop({ required: true })
  receivedAt!: Date;

  @Prop({ required: true })
  topic!: string;

  @Prop({ required: true })
  partition!: number;

  @Prop({ required: true })
  offset!: string;
}

export const JourneyEntrySchema = SchemaFactory.createForClass(JourneyEntry);
