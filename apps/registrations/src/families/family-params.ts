import { problemsException } from '@lib/platform';
import { Injectable, type PipeTransform } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { FAMILY_ID } from './family';

const CENTRE_ID = /^[A-Za-z0-9_-]{1,40}$/;
export const MAX_PAGE_SIZE = 50;

/** A centre id route parameter, or 400 naming it. */
@Injectable()
export class CentreIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value === 'string' && CENTRE_ID.test(value)) return value;
    throw problemsException([
      { field: 'centreId', reason: 'centreId must be 1-40 letters, digits, - or _' },
    ]);
  }
}

/** A family id route parameter (`<centreId>-<6 characters>`), or 400 naming it. */
@Injectable()
export class FamilyIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    const found =
      typeof value === 'string'
        ? FAMILY_ID.exec(value.replace(/-([^-]*)$/, (m) => m.toUpperCase()))
        : null;
    if (found) return found[0];
    throw problemsException([
      { field: 'familyId', reason: 'familyId must be a centre id, a dash and 6 characters' },
    ]);
  }
}

/** A child id route parameter (a UUID), or 400 naming it. */
@Injectable()
export class ChildIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value === 'string' && UUID.test(value)) return value.toLowerCase();
    throw problemsException([{ field: 'childId', reason: 'childId must be a UUID' }]);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^[0-9]{1,6}$/.test(value) ? Number(value) : value;

/**
 * The desk's family search. Every parameter is a plain string (`surname[$ne]=` is refused by
 * the operator guard, `surname[]=` by the type check): nothing here reaches the store as a query.
 */
export class SearchFamiliesQuery {
  @ApiPropertyOptional({ description: 'Start of a family name (any carer or child)' })
  @IsOptional()
  @IsString({ message: 'surname must be given once, as text' })
  @Length(2, 60, { message: 'surname must be 2-60 characters' })
  surname?: string;

  @ApiPropertyOptional({ description: 'Start of the postcode (a district finds its families)' })
  @IsOptional()
  @IsString({ message: 'postcode must be given once, as text' })
  @Matches(/^[A-Za-z0-9 ]{2,8}$/, { message: 'postcode must be 2-8 letters, digits or spaces' })
  postcode?: string;

  @ApiPropertyOptional({ description: 'The family id, exactly' })
  @IsOptional()
  @IsString({ message: 'familyId must be given once, as text' })
  @Matches(/^[A-Za-z0-9_-]{1,40}-[A-Za-z0-9]{6}$/, {
    message: 'familyId must be a centre id, a dash and 6 characters',
  })
  familyId?: string;

  @ApiPropertyOptional({ description: 'Words of the address lines, in order' })
  @IsOptional()
  @IsString({ message: 'address must be given once, as text' })
  @Length(3, 100, { message: 'address must be 3-100 characters' })
  address?: string;

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @Transform(toInt)
  @IsInt({ message: 'page must be a whole number from 1' })
  @Min(1, { message: 'page must be a whole number from 1' })
  page: number = 1;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: MAX_PAGE_SIZE })
  @Transform(toInt)
  @IsInt({ message: `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
  @Min(1, { message: `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
  @Max(MAX_PAGE_SIZE, { message: `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
  pageSize: number = 20;
}

/** Listing a whole centre is not a search: at least one criterion, or 400. */
export function assertSomeCriterion(query: SearchFamiliesQuery): void {
  if (query.surname || query.postcode || query.familyId || query.address) return;
  throw problemsException([
    { field: 'query', reason: 'give at least one of surname, postcode, familyId, address' },
  ]);
}
