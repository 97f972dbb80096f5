import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNhsNumber } from '@lib/nhs-number';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { ageInYears } from '../birth-event-data';
import type {
  DeliveryMethod,
  EthnicCategory,
  InputProblem,
  SexAtBirth,
  SmokingAtDelivery,
} from '../birth-input';

const DELIVERY_METHODS: DeliveryMethod[] = [
  'spontaneous',
  'instrumental',
  'caesarean_elective',
  'caesarean_emergency',
  'unknown',
];
import { normalisePostcode, UK_POSTCODE } from '@lib/platform';

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

  @ApiPropertyOptional({ description: 'Time of birth, UK local time (HH:MM)', example: '07:45' })
  @IsOptional()
  @Matches(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { message: 'birthTime must be a time as HH:MM' })
  birthTime?: string;

  @ApiPropertyOptional({ enum: ['M', 'F', 'I', 'U'] })
  @IsOptional()
  @IsIn(['M', 'F', 'I', 'U'], { message: 'sex must be one of M, F, I, U' })
  sex?: SexAtBirth;

  @ApiPropertyOptional({ minimum: 200, maximum: 7000, example: 3350 })
  @IsOptional()
  @IsInt({ message: 'birthWeightGrams must be a whole number of grams' })
  @Min(200, { message: 'birthWeightGrams must be from 200 to 7000' })
  @Max(7000, { message: 'birthWeightGrams must be from 200 to 7000' })
  birthWeightGrams?: number;

  @ApiPropertyOptional({ minimum: 20, maximum: 45, example: 39 })
  @IsOptional()
  @IsInt({ message: 'gestationWeeks must be a whole number of weeks' })
  @Min(20, { message: 'gestationWeeks must be from 20 to 45' })
  @Max(45, { message: 'gestationWeeks must be from 20 to 45' })
  gestationWeeks?: number;

  @ApiPropertyOptional({ enum: DELIVERY_METHODS })
  @IsOptional()
  @IsIn(DELIVERY_METHODS, {
    message: `deliveryMethod must be one of ${DELIVERY_METHODS.join(', ')}`,
  })
  deliveryMethod?: DeliveryMethod;

  @ApiPropertyOptional({ minimum: 1, maximum: 10, description: '1 for a singleton' })
  @IsOptional()
  @IsInt({ message: 'multipleBirthOrder must be a whole number' })
  @Min(1, { message: 'multipleBirthOrder must be from 1 to 10' })
  @Max(10, { message: 'multipleBirthOrder must be from 1 to 10' })
  multipleBirthOrder?: number;

  @ApiPropertyOptional({
    description: "Baby's given name (encrypted in events)",
    example: 'Tamsin',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  givenName?: string;

  @ApiPropertyOptional({
    description: "Baby's family name (encrypted in events)",
    example: 'Quellbrook',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  familyName?: string;

  @ApiPropertyOptional({ description: 'NHS ethnic category: A-H, J-N, P, R, S, or Z (not stated)' })
  @IsOptional()
  @Matches(/^[A-HJ-NPRSZ]$/, {
    message: 'ethnicCategory must be an NHS code A-H, J-N, P, R, S or Z',
  })
  ethnicCategory?: EthnicCategory;

  @ApiPropertyOptional({ description: "Mother's NHS number (encrypted in events)" })
  @IsOptional()
  @IsNhsNumber()
  motherNhsNumber?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  motherGivenName?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  motherFamilyName?: string;

  @ApiPropertyOptional({
    format: 'date',
    description: "Mother's date of birth (10-65 at the birth)",
  })
  @IsOptional()
  @IsISO8601(
    { strict: true, strictSeparator: true },
    { message: 'motherBirthDate must be a date as YYYY-MM-DD' },
  )
  @Matches(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, {
    message: 'motherBirthDate must be a date as YYYY-MM-DD',
  })
  motherBirthDate?: string;

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

  @ApiPropertyOptional({ enum: ['Y', 'N', 'U'] })
  @IsOptional()
  @IsIn(['Y', 'N', 'U'], { message: 'smokingAtDelivery must be one of Y, N, U' })
  smokingAtDelivery?: SmokingAtDelivery;

  @ApiPropertyOptional({ description: 'The parent objected to sharing with children’s centres' })
  @IsOptional()
  @IsBoolean()
  sharingObjection?: boolean;

  @ApiPropertyOptional({ description: 'Flagged sensitive on the spine: no address leaves health' })
  @IsOptional()
  @IsBoolean()
  sensitive?: boolean;
}

/** Rules across fields: a birth not in the future, a mother aged 10 to 65 at the birth. */
export function birthStateProblems(state: BirthStateDto, today: string): InputProblem[] {
  const problems: InputProblem[] = [];
  if (state.birthDate > today) problems.push({ field: 'birthDate', reason: 'is in the future' });
  if (state.motherBirthDate) {
    const age = ageInYears(state.motherBirthDate, state.birthDate);
    if (age < 10 || age > 65) {
      const was = age < 0 ? 'born after the baby' : `${age} at the birth`;
      problems.push({
        field: 'motherBirthDate',
        reason: `makes the mother ${was}; expected 10 to 65`,
      });
    }
  }
  return problems;
}
