import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { normalisePostcode, UK_POSTCODE } from '../postcode';

/**
 * The state of a birth as a feed states it: a notification gives it first, a correction gives
 * it again in full (never a diff). Only what is required today; anything else is "unknown".
 */
export class BirthStateDto {
  @ApiProperty({
    description: 'Date of birth, UK local date',
    example: '2026-11-02',
    format: 'date',
  })
  @IsISO8601(
    { strict: true, strictSeparator: true },
    { message: 'birthDate must be a date as YYYY-MM-DD' },
  )
  @Matches(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, { message: 'birthDate must be a date as YYYY-MM-DD' })
  birthDate!: string;

  @ApiProperty({
    description: 'Postcode of the usual address (ZZ99 pseudo-postcodes allowed)',
    example: 'QX1 4ZZ',
  })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? normalisePostcode(value) : value,
  )
  @IsString()
  @Matches(UK_POSTCODE, { message: 'postcode must be a UK postcode such as QX1 4ZZ' })
  postcode!: string;

  @ApiPropertyOptional({
    description: "Baby's given name, if registered (encrypted in events)",
    example: 'Tamsin',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  givenName?: string;

  @ApiPropertyOptional({
    description: "Baby's family name, if known (encrypted in events)",
    example: 'Quellbrook',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  familyName?: string;
}
