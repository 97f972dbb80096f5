import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { applyDecorators } from '@nestjs/common';
import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { normalisePostcode, UK_POSTCODE } from '@lib/platform';

/** A real calendar date as YYYY-MM-DD (UK local date); "not in the future" is checked after. */
function IsCalendarDate(field: string): PropertyDecorator {
  const message = `${field} must be a date as YYYY-MM-DD`;
  return applyDecorators(
    IsISO8601({ strict: true, strictSeparator: true }, { message }),
    Matches(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, { message }),
  );
}

const toPostcode = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' ? normalisePostcode(value) : value,
);

/** A move of the child's usual residence, as the births feed states it. */
export class RecordMoveDto {
  @ApiProperty({
    enum: ['in', 'out', 'within'],
    description: 'Into the local authority, out of it, or within it',
  })
  @IsIn(['in', 'out', 'within'], { message: 'direction must be one of in, out, within' })
  direction!: 'in' | 'out' | 'within';

  @ApiProperty({ description: 'The date the family moved (UK local date)', format: 'date' })
  @IsCalendarDate('effectiveDate')
  effectiveDate!: string;

  @ApiPropertyOptional({
    description: 'Postcode of the new address; required unless moving out',
    example: 'QX4 2AB',
  })
  @IsOptional()
  @toPostcode
  @IsString()
  @Matches(UK_POSTCODE, { message: 'postcode must be a UK postcode such as QX1 4ZZ' })
  postcode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  addressLine1?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  addressLine2?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  town?: string;

  @ApiPropertyOptional({
    description: 'Required when the child is not known here yet (born elsewhere, moving in)',
    format: 'date',
  })
  @IsOptional()
  @IsCalendarDate('birthDate')
  birthDate?: string;

  @ApiPropertyOptional({ description: 'Only kept when this move introduces the child' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  givenName?: string;

  @ApiPropertyOptional({ description: 'Only kept when this move introduces the child' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  familyName?: string;
}

export class RecordDeathDto {
  @ApiProperty({ description: 'Date of death (UK local date)', format: 'date' })
  @IsCalendarDate('dateOfDeath')
  dateOfDeath!: string;
}

/** Which recorded move is withdrawn: its date and the postcode it stated (none: moved out). */
export class RetractMoveDto extends PickType(RecordMoveDto, [
  'effectiveDate',
  'postcode',
] as const) {}

/** A parent's sharing choice: an objection, or its withdrawal, from a date. */
export class SharingChoiceDto {
  @ApiProperty({
    description: 'The date from which the choice applies; the latest effective date wins',
    format: 'date',
  })
  @IsCalendarDate('effectiveDate')
  effectiveDate!: string;

  @ApiPropertyOptional({
    description: 'ODS code of the organisation that recorded the choice',
    example: 'RX1',
  })
  @IsOptional()
  @Matches(/^[A-Z0-9]{3,10}$/, { message: 'organisationCode must be an ODS code (A-Z, 0-9)' })
  organisationCode?: string;
}
