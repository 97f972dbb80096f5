import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsUUID,
  Matches,
  ValidateNested,
} from 'class-validator';

export const MAX_ATTENDEES = 200;

/** One person on a session register: a child, or a carer, of a family. */
export class AttendeeDto {
  @ApiProperty({ example: 'C-EAST-7K2M9Q' })
  @Matches(/^[A-Za-z0-9_-]{1,40}-[0-9A-HJKMNP-TV-Z]{6}$/, {
    message: 'familyId must be a centre id, a dash and 6 characters',
  })
  familyId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A child of the family (or carerId)' })
  @IsOptional()
  @IsUUID('all', { message: 'childId must be a UUID' })
  childId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A carer of the family (or childId)' })
  @IsOptional()
  @IsUUID('all', { message: 'carerId must be a UUID' })
  carerId?: string;
}

/** A session's register: who came, children and carers, many at once. */
export class SessionRegisterDto {
  @ApiProperty({ format: 'uuid', description: "An activity of the centre's catalogue" })
  @IsUUID('all', { message: 'activityId must be a UUID' })
  activityId!: string;

  @ApiProperty({ format: 'date', example: '2026-11-17' })
  @Matches(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, { message: 'date must be a date as YYYY-MM-DD' })
  date!: string;

  @ApiProperty({ type: [AttendeeDto] })
  @IsArray()
  @ArrayMinSize(1, { message: 'attendees must name at least one person' })
  @ArrayMaxSize(MAX_ATTENDEES, { message: `attendees must be at most ${MAX_ATTENDEES}` })
  @ValidateNested({ each: true })
  @Type(() => AttendeeDto)
  attendees!: AttendeeDto[];
}
