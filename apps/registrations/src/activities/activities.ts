import { ACTIVITY_CATEGORIES, OUTREACH_VISIT_TYPES, type ActivityCategory } from '@lib/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, Length } from 'class-validator';

/**
 * The outreach contact types, kept apart from the catalogue of sessions: staff asked for new
 * birth visits, move-in visits and support visits to be counted separately.
 */
export const OUTREACH_TYPES = OUTREACH_VISIT_TYPES;

/** One activity of a centre's catalogue (collection `activities`, `_id` = the activity id). */
export interface Activity {
  _id: string;
  centreId: string;
  name: string;
  category: ActivityCategory;
  createdAt: Date;
  createdBy: string;
}

export class NewActivityDto {
  @ApiProperty({ example: 'Tuesday stay and play' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(2, 80, { message: 'name must be 2-80 characters' })
  name!: string;

  @ApiProperty({ enum: ACTIVITY_CATEGORIES })
  @IsIn(ACTIVITY_CATEGORIES, {
    message: `category must be one of ${ACTIVITY_CATEGORIES.join(', ')}`,
  })
  category!: ActivityCategory;
}
