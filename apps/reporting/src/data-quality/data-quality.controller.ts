import { AuditedRead } from '@lib/audit';
import { CurrentPrincipal, Principal, Roles } from '@lib/auth';
import { ServiceConfig } from '@lib/config';
import { BadRequestException, Controller, Get, Header, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { allowLa } from '../figures/area-access';
import { answerFigureRequest, wholeNumberParam } from '../figures/figure-request';
import { FiguresService } from '../figures/figures.service';
import { ReportingConfig } from '../reporting.config';
import {
  lateRecords,
  laScope,
  missingFeedingStatus,
  unassignedResidents,
  unmatchedRegistrations,
} from './data-quality-lists';

export const DATA_QUALITY_LISTS = [
  'unassigned-postcodes',
  'unmatched-registrations',
  'missing-feeding-status',
  'late-records',
] as const;
export type DataQualityListName = (typeof DATA_QUALITY_LISTS)[number];

const MAX_PAGE = 5000;

interface ListHeader {
  la: string;
  asOf: string;
  boundaryVersion: string;
}

/**
 * Reporting's data-quality lists for an LA's analysts: pseudonymised (no NHS number, name or full
 * date of birth), computed live from the figures' projection, each access audited.
 */
@ApiTags('data quality')
@ApiBearerAuth()
@Controller('figures/data-quality')
export class DataQualityController {
  constructor(
    private readonly figures: FiguresService,
    private readonly config: ServiceConfig,
  ) {}

  @Get(':la')
  @Roles('la-analyst', 'admin')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'How many records each data-quality list holds for the LA (counts only)',
  })
  @ApiQuery({ name: 'boundaries', required: false, example: 'boundaries:1' })
  summary(
    @CurrentPrincipal() principal: Principal,
    @Param('la') la: string,
    @Query('boundaries') boundaries?: string,
  ): Promise<ListHeader & { lateAfterDays: number; lists: Record<DataQualityListName, number> }> {
    allowLa(principal, la);
    const lateAfterDays = (this.config as ReportingConfig).LATE_RECORD_DAYS;
    return answerFigureRequest(this.figures, boundaries, (map, asOf) => {
      const scope = laScope(map, la);
      const { ledger, calculator } = this.figures;
      const children = calculator.children();
      return {
        la,
        asOf,
        boundaryVersion: map.version.versionId,
        lateAfterDays,
        lists: {
          'unassigned-postcodes': unassignedResidents(children, scope, asOf).counts.total,
          'unmatched-registrations': unmatchedRegistrations(ledger, children, scope, asOf).counts
            .total,
          'missing-feeding-status': missingFeedingStatus(ledger, children, scope).counts.total,
          'late-records': lateRecords(ledger, children, scope, lateAfterDays).counts.total,
        },
      };
    });
  }

  @Get(':la/:list')
  @Roles('la-analyst', 'admin')
  @AuditedRead({ resource: 'data-quality-list', subjectParam: 'la' })
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary:
      'One data-quality list of the LA, pseudonymised: children placed in no reach area, ' +
      'registrations no birth matches, NBV/6-8 week contacts without feeding status, or ' +
      'records that arrived late (docs/figures.md)',
  })
  @ApiParam({ name: 'list', enum: DATA_QUALITY_LISTS })
  @ApiQuery({ name: 'boundaries', required: false, example: 'boundaries:1' })
  @ApiQuery({ name: 'lateAfterDays', required: false, example: 30 })
  @ApiQuery({ name: 'offset', required: false, example: 0 })
  @ApiQuery({ name: 'limit', required: false, example: 500 })
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('la') la: string,
    @Param('list') list: string,
    @Query('boundaries') boundaries?: string,
    @Query('lateAfterDays') lateAfterDaysParam?: string,
    @Query('offset') offsetParam?: string,
    @Query('limit') limitParam?: string,
  ): Promise<object> {
    allowLa(principal, la);
    if (!(DATA_QUALITY_LISTS as readonly string[]).includes(list)) {
      throw new BadRequestException(`list: one of ${DATA_QUALITY_LISTS.join(', ')}`);
    }
    const lateAfterDays = wholeNumberParam(
      'lateAfterDays',
      lateAfterDaysParam,
      (this.config as ReportingConfig).LATE_RECORD_DAYS,
      1826,
    );
    const offset = wholeNumberParam('offset', offsetParam, 0, Number.MAX_SAFE_INTEGER);
    const limit = wholeNumberParam('limit', limitParam, 500, MAX_PAGE);
    return answerFigureRequest(this.figures, boundaries, (map, asOf) => {
      const scope = laScope(map, la);
      const { ledger, calculator } = this.figures;
      const children = calculator.children();
      const header = { la, list, asOf, boundaryVersion: map.version.versionId };
      const computed = ((): { entries: unknown[] } => {
        switch (list as DataQualityListName) {
          case 'unassigned-postcodes':
            return unassignedResidents(children, scope, asOf);
          case 'unmatched-registrations':
            return unmatchedRegistrations(ledger, children, scope, asOf);
          case 'missing-feeding-status':
            return missingFeedingStatus(ledger, children, scope);
          case 'late-records':
            return lateRecords(ledger, children, scope, lateAfterDays);
        }
      })();
      const { entries, ...rest } = computed;
      return {
        ...header,
        ...rest,
        page: { offset, limit, total: entries.length },
        entries: entries.slice(offset, offset + limit),
      };
    });
  }
}
