import type { OutboxFields } from '@lib/kafka';
import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { StatedResidence, UnplacedReason } from '../child-state';

/** What a child record version says happened (one event each, on births.child.v1). */
export const CHILD_RECORD_KINDS = [
  'notified',
  'corrected',
  'retracted',
  'residence-changed',
  'died',
  'death-retracted',
  'residence-retracted',
  'objection-recorded',
  'objection-withdrawn',
] as const;
export type ChildRecordKind = (typeof CHILD_RECORD_KINDS)[number];

/** Kinds that state the birth itself (their event data is a full BirthNotified state). */
export const BIRTH_STATE_KINDS: readonly ChildRecordKind[] = ['notified', 'corrected'];

/** A parent's sharing choice as stated, effective from a date (the latest effective date wins). */
export interface SharingChoice {
  objects: boolean;
  effectiveDate: string;
}

/**
 * One version of what this service knows about a child (the notification, a correction, a move,
 * a death, a sharing choice...): insert-only, `_id` = the event id derived from the input's
 * idempotency key, a unique (nhsNumber, version) index so two concurrent changes can never take
 * one version. The event it causes is stored in the same insert (`outbox`); the relay publishes
 * it. Each version also carries the child's current state after it (residence, sharing status,
 * death, retraction), so the highest version alone answers "what holds now" and who may read it.
 */
@Schema({ collection: 'child_versions', versionKey: false })
export class BirthRecord {
  /** `<nhsNumber>:<version>`: inserting it claims the version. */
  @Prop({ type: String, required: true })
  _id!: string;

  /** The event this version causes (derived from the input's idempotency key; unique). */
  @Prop({ type: String, required: true })
  eventId!: string;

  @Prop({ required: true })
  idempotencyKey!: string;

  @Prop({ required: true })
  nhsNumber!: string;

  @Prop({ required: true })
  version!: number;

  @Prop({ type: String, required: true, enum: CHILD_RECORD_KINDS })
  kind!: ChildRecordKind;

  @Prop({ required: true })
  birthDate!: string;

  /** Outward code of the current residence; the full postcode and names are kept encrypted. */
  @Prop({ type: String, default: null })
  postcodeDistrict!: string | null;

  /** LSOA of the current residence (null when unknown, pseudo-postcode or sensitive). */
  @Prop({ type: String, default: null })
  lsoa!: string | null;

  /** Children's centre whose reach area holds the current residence; null when none does. */
  @Prop({ type: String, default: null })
  centreId!: string | null;

  /** The LA of the current residence; null while unassigned or sensitive. */
  @Prop({ type: String, default: null })
  la!: string | null;

  /** The date the current residence applies from (the birth date, or a move's date). */
  @Prop({ type: String, default: null })
  residenceFrom!: string | null;

  /**
   * Why the current residence is in no centre's reach area (unknown or pseudo-postcode, outside
   * every area, no boundaries loaded); null when placed or not stated (moved out).
   */
  @Prop({ type: String, default: null })
  unplaced!: UnplacedReason | null;

  /** The current residence was stated by a move, not by the birth's own address. */
  @Prop({ type: Boolean, default: false })
  residenceByMove!: boolean;

  /** Flagged sensitive on the spine (from the latest birth state). */
  @Prop({ type: Boolean, default: false })
  sensitive!: boolean;

  /** The version whose sealed personal part holds the current address. */
  @Prop({ type: String, default: null })
  addressRecordId!: string | null;

  /** Every residence still stated after this version (see ChildState.residences). */
  @Prop({ type: [Object], default: undefined })
  residences?: StatedResidence[];

  /** The sharing choice this version states, if any (a birth's flag, or an objection event). */
  @Prop({ type: Object, default: null })
  choice!: SharingChoice | null;

  /** Every sharing choice stated up to this version (the latest effective date wins). */
  @Prop({ type: [Object], default: [] })
  choices!: (SharingChoice & { version: number })[];

  /** The version holding the birth's latest notified or corrected state; null if none. */
  @Prop({ type: String, default: null })
  birthRecordId!: string | null;

  /** Whether a sharing objection is in force after this version. */
  @Prop({ type: Boolean, default: false })
  sharingObjection!: boolean;

  @Prop({ type: String, default: null })
  dateOfDeath!: string | null;

  /** How many death notifications of this child were withdrawn so far. */
  @Prop({ type: Number, default: 0 })
  deathsRetracted!: number;

  /** The notification was withdrawn by its source: figures and worklists drop the child. */
  @Prop({ type: Boolean, default: false })
  retracted!: boolean;

  @Prop({ required: true })
  receivedAt!: Date;

  /** Digest of the input, so the same message sent again is told apart from a different one. */
  @Prop({ type: String, required: true })
  contentHash!: string;

  @Prop({ type: String, required: true })
  correlationId!: string;

  @Prop({ type: Object, required: true })
  outbox!: OutboxFields;
}

export const BirthRecordSchema = SchemaFactory.createForClass(BirthRecord);
