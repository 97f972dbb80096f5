import {
  CARER_RELATIONSHIPS,
  EMPLOYMENT_STATUSES,
  HEARD_VIA,
  OUTREACH_OUTCOMES,
  OUTREACH_VISIT_TYPES,
  WITHDRAWAL_REASONS,
  type CarerRelationship,
  type EmploymentStatus,
  type HeardVia,
  type KnownFlag,
  type OutreachOutcome,
  type OutreachVisitType,
  type WithdrawalReason,
} from '@lib/contracts';
import { IsNhsNumber } from '@lib/nhs-number';
import { normalisePostcode, UK_POSTCODE } from '@lib/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

export const KNOWN_FLAGS: readonly KnownFlag[] = ['yes', 'no', 'unknown'];
export const SEXES = ['M', 'F', 'I', 'U'] as const;
export const ETHNIC_CATEGORY = /^[A-HJ-NPRSZ]$/;
const ISO_DATE = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
const LANGUAGE = /^[a-z]{2,3}$/;
/** Letters of any script, spaces, hyphens, apostrophes and dots; 1-60 characters. */
const NAME = /^[\p{L}\p{M}][\p{L}\p{M} .'’-]{0,59}$/u;

export const MAX_CARERS = 6;
export const MAX_CHILDREN = 12;

const trimmed = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;

export class RelationshipDto {
  @ApiProperty({ description: 'Index of the child in `children` (0 = the first)', example: 0 })
  @IsInt({ message: 'childIndex must be a whole number' })
  @Min(0, { message: 'childIndex must be 0 or more' })
  @Max(MAX_CHILDREN - 1, { message: `childIndex must be below ${MAX_CHILDREN}` })
  childIndex!: number;

  @ApiProperty({ enum: CARER_RELATIONSHIPS })
  @IsIn(CARER_RELATIONSHIPS, {
    message: `relationship must be one of ${CARER_RELATIONSHIPS.join(', ')}`,
  })
  relationship!: CarerRelationship;
}

export class CarerDto {
  @ApiProperty({ example: 'Amira' })
  @Transform(trimmed)
  @IsString()
  @Matches(NAME, { message: 'givenName must be 1-60 letters (spaces, hyphens, apostrophes)' })
  givenName!: string;

  @ApiProperty({ example: 'Okafor-Lund' })
  @Transform(trimmed)
  @IsString()
  @Matches(NAME, { message: 'familyName must be 1-60 letters (spaces, hyphens, apostrophes)' })
  familyName!: string;

  @ApiPropertyOptional({ format: 'date', example: '1994-03-18' })
  @IsOptional()
  @Matches(ISO_DATE, { message: 'birthDate must be a date as YYYY-MM-DD' })
  birthDate?: string;

  @ApiProperty({
    type: [RelationshipDto],
    description: "The carer's relationship to each child of the family (one entry per child)",
  })
  @IsArray()
  @ArrayMinSize(1, { message: 'relationships must name each child' })
  @ArrayMaxSize(MAX_CHILDREN)
  @ValidateNested({ each: true })
  @Type(() => RelationshipDto)
  relationships!: RelationshipDto[];

  @ApiPropertyOptional({ description: 'NHS ethnic category (A-H, J-N, P, R, S; Z not stated)' })
  @IsOptional()
  @Matches(ETHNIC_CATEGORY, { message: 'ethnicCategory must be an NHS ethnic category code' })
  ethnicCategory?: string;

  @ApiProperty({ description: 'Languages spoken, ISO 639 codes', example: ['en', 'so'] })
  @IsArray()
  @ArrayMaxSize(10)
  @Matches(LANGUAGE, { each: true, message: 'languages must be ISO 639 codes such as en, so, pol' })
  languages: string[] = [];

  @ApiProperty({ enum: EMPLOYMENT_STATUSES })
  @IsIn(EMPLOYMENT_STATUSES, {
    message: `employmentStatus must be one of ${EMPLOYMENT_STATUSES.join(', ')}`,
  })
  employmentStatus: EmploymentStatus = 'unknown';

  @ApiProperty({ enum: KNOWN_FLAGS })
  @IsIn(KNOWN_FLAGS, { message: 'disability must be one of yes, no, unknown' })
  disability: KnownFlag = 'unknown';
}

export class ChildDto {
  @ApiPropertyOptional({ description: 'When the family gives it (10 digits, Modulus 11)' })
  @IsOptional()
  @IsNhsNumber()
  nhsNumber?: string;

  @ApiProperty({ example: 'Noor' })
  @Transform(trimmed)
  @IsString()
  @Matches(NAME, { message: 'givenName must be 1-60 letters (spaces, hyphens, apostrophes)' })
  givenName!: string;

  @ApiProperty({ example: 'Okafor-Lund' })
  @Transform(trimmed)
  @IsString()
  @Matches(NAME, { message: 'familyName must be 1-60 letters (spaces, hyphens, apostrophes)' })
  familyName!: string;

  @ApiProperty({ format: 'date', example: '2026-06-02' })
  @Matches(ISO_DATE, { message: 'birthDate must be a date as YYYY-MM-DD' })
  birthDate!: string;

  @ApiPropertyOptional({ enum: SEXES })
  @IsOptional()
  @IsIn(SEXES, { message: 'sex must be one of M, F, I, U' })
  sex?: (typeof SEXES)[number];

  @ApiPropertyOptional({ description: 'NHS ethnic category (A-H, J-N, P, R, S; Z not stated)' })
  @IsOptional()
  @Matches(ETHNIC_CATEGORY, { message: 'ethnicCategory must be an NHS ethnic category code' })
  ethnicCategory?: string;

  @ApiProperty({ enum: KNOWN_FLAGS, description: 'Disability or special educational needs' })
  @IsIn(KNOWN_FLAGS, { message: 'disabilityOrSen must be one of yes, no, unknown' })
  disabilityOrSen: KnownFlag = 'unknown';
}

export class AddressDto {
  @ApiProperty({ example: '12 Quillon Row' })
  @Transform(trimmed)
  @IsString()
  @Length(1, 100, { message: 'line1 must be 1-100 characters' })
  line1!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Length(1, 100, { message: 'line2 must be 1-100 characters' })
  line2?: string;

  @ApiPropertyOptional({ example: 'Eastmoor' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Length(1, 60, { message: 'town must be 1-60 characters' })
  town?: string;

  @ApiProperty({ example: 'QX1 4ZZ' })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? normalisePostcode(value) : value,
  )
  @IsString()
  @Matches(UK_POSTCODE, { message: 'postcode must be a UK postcode such as QX1 4ZZ' })
  postcode!: string;
}

/** A family registering at a centre: what the registration form asks, nothing more. */
export class RegisterFamilyDto {
  @ApiProperty({ type: [CarerDto] })
  @IsArray()
  @ArrayMinSize(1, { message: 'carers must name at least one carer' })
  @ArrayMaxSize(MAX_CARERS, { message: `carers must be at most ${MAX_CARERS}` })
  @ValidateNested({ each: true })
  @Type(() => CarerDto)
  carers!: CarerDto[];

  @ApiProperty({ type: [ChildDto] })
  @IsArray()
  @ArrayMinSize(1, { message: 'children must name at least one child' })
  @ArrayMaxSize(MAX_CHILDREN, { message: `children must be at most ${MAX_CHILDREN}` })
  @ValidateNested({ each: true })
  @Type(() => ChildDto)
  children!: ChildDto[];

  @ApiProperty({ type: AddressDto })
  @ValidateNested()
  @Type(() => AddressDto)
  address!: AddressDto;

  @ApiProperty({ enum: KNOWN_FLAGS })
  @IsIn(KNOWN_FLAGS, { message: 'loneParent must be one of yes, no, unknown' })
  loneParent: KnownFlag = 'unknown';

  @ApiProperty({ enum: HEARD_VIA, description: 'How the family heard of the centre' })
  @IsIn(HEARD_VIA, { message: `heardVia must be one of ${HEARD_VIA.join(', ')}` })
  heardVia: HeardVia = 'not_stated';

  @ApiProperty({
    description: 'The family agreed to the centre holding their details (required: true)',
  })
  @IsBoolean({ message: 'consentToHoldDetails must be true or false' })
  @Equals(true, {
    message: 'consentToHoldDetails must be true: a family is registered only with its consent',
  })
  consentToHoldDetails!: boolean;

  @ApiPropertyOptional({
    format: 'date',
    description: 'Date of the registration form (default: today); not in the future',
  })
  @IsOptional()
  @Matches(ISO_DATE, { message: 'registeredOn must be a date as YYYY-MM-DD' })
  registeredOn?: string;
}

export class EmploymentChangeDto {
  @ApiProperty({ format: 'uuid' })
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
    message: 'carerId must be a UUID',
  })
  carerId!: string;

  @ApiProperty({ enum: EMPLOYMENT_STATUSES })
  @IsIn(EMPLOYMENT_STATUSES, {
    message: `employmentStatus must be one of ${EMPLOYMENT_STATUSES.join(', ')}`,
  })
  employmentStatus!: EmploymentStatus;
}

/**
 * Facts that changed, with the date the change took effect (not overwritten: reach for a past
 * period uses what was true then). At least one of loneParent, carers, address.
 */
export class FamilyChangeDto {
  @ApiProperty({ format: 'date', description: 'The date the change took effect' })
  @Matches(ISO_DATE, { message: 'effectiveDate must be a date as YYYY-MM-DD' })
  effectiveDate!: string;

  @ApiPropertyOptional({ enum: KNOWN_FLAGS })
  @IsOptional()
  @IsIn(KNOWN_FLAGS, { message: 'loneParent must be one of yes, no, unknown' })
  loneParent?: KnownFlag;

  @ApiPropertyOptional({ type: [EmploymentChangeDto] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CARERS)
  @ValidateNested({ each: true })
  @Type(() => EmploymentChangeDto)
  carers?: EmploymentChangeDto[];

  @ApiPropertyOptional({ type: AddressDto, description: 'The new address (a move)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto;
}

export class OutreachDto {
  @ApiProperty({ enum: OUTREACH_VISIT_TYPES })
  @IsIn(OUTREACH_VISIT_TYPES, {
    message: `visitType must be one of ${OUTREACH_VISIT_TYPES.join(', ')}`,
  })
  visitType!: OutreachVisitType;

  @ApiProperty({ format: 'date' })
  @Matches(ISO_DATE, { message: 'date must be a date as YYYY-MM-DD' })
  date!: string;

  @ApiProperty({ enum: OUTREACH_OUTCOMES })
  @IsIn(OUTREACH_OUTCOMES, { message: `outcome must be one of ${OUTREACH_OUTCOMES.join(', ')}` })
  outcome!: OutreachOutcome;

  @ApiPropertyOptional({ description: 'The children the visit was about (ids); none: the family' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CHILDREN)
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
    each: true,
    message: 'childIds must be UUIDs',
  })
  childIds: string[] = [];
}

export class WithdrawalDto {
  @ApiProperty({
    enum: WITHDRAWAL_REASONS,
    description: 'left: the family left the centre; erasure_requested: remove its details',
  })
  @IsIn(WITHDRAWAL_REASONS, { message: `reason must be one of ${WITHDRAWAL_REASONS.join(', ')}` })
  reason!: WithdrawalReason;

  @ApiPropertyOptional({ format: 'date', description: 'Default: today' })
  @IsOptional()
  @Matches(ISO_DATE, { message: 'effectiveDate must be a date as YYYY-MM-DD' })
  effectiveDate?: string;
}
