import { CurrentPrincipal, Principal, Roles } from '@lib/auth';
import { BadRequestException, Controller, Get, Header, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { EnglandReferenceService } from '../england-reference/england-reference.service';
import type { IndicatorFigures, ReachFigures } from './figure-types';
import { allowArea } from './area-access';
import { answerFigureRequest } from './figure-request';
import { AreaMap } from './figures';
import { FiguresService } from './figures.service';

const SUSTAINED_CONTACT_THRESHOLD = 3;

/**
 * Reach and indicator figures for the people inside the identifiable boundary: a centre's own
 * staff and managers for their centres, the LA's analysts for any area of their LA. Counts are
 * exact (no disclosure control: that applies to what leaves the boundary).
 */
@ApiTags('figures')
@ApiBearerAuth()
@Controller('figures')
export class FiguresController {
  constructor(
    private readonly figures: FiguresService,
    private readonly england: EnglandReferenceService,
  ) {}

  @Get('status')
  @Roles('la-analyst', 'centre-manager', 'centre-staff', 'admin')
  @ApiOperation({ summary: 'Whether the figures have caught up with every topic since start' })
  status(): ReturnType<FiguresService['status']> {
    return this.figures.status();
  }

  @Get('reach')
  @Roles('la-analyst', 'centre-manager', 'centre-staff')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Reach of a centre, cluster or LA for a period (docs/figures.md)' })
  @ApiQuery({ name: 'area', example: 'centre:C01' })
  @ApiQuery({ name: 'period', example: 'quarter:2026-27-Q1' })
  @ApiQuery({ name: 'boundaries', required: false, example: 'boundaries:1' })
  reach(
    @CurrentPrincipal() principal: Principal,
    @Query('area') area?: string,
    @Query('period') period?: string,
    @Query('boundaries') boundaries?: string,
  ): Promise<ReachFigures> {
    return this.compute(principal, area, period, boundaries, (map, a, p) =>
      this.figures.calculator.reach(map, a, p, {
        sustainedThreshold: SUSTAINED_CONTACT_THRESHOLD,
      }),
    );
  }

  @Get('indicators')
  @Roles('la-analyst', 'centre-manager', 'centre-staff')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Health indicators of an area for a financial quarter' })
  @ApiQuery({ name: 'area', example: 'centre:C01' })
  @ApiQuery({ name: 'period', example: 'quarter:2026-27-Q1' })
  @ApiQuery({ name: 'boundaries', required: false, example: 'boundaries:1' })
  async indicators(
    @CurrentPrincipal() principal: Principal,
    @Query('area') area?: string,
    @Query('period') period?: string,
    @Query('boundaries') boundaries?: string,
  ): Promise<IndicatorFigures> {
    // England's values for the quarter, from the analyst's latest reference upload.
    const englandValues = period ? await this.england.valuesFor(period) : {};
    return this.compute(principal, area, period, boundaries, (map, a, p) =>
      this.figures.calculator.indicators(map, a, p, englandValues),
    );
  }

  private compute<T>(
    principal: Principal,
    area: string | undefined,
    period: string | undefined,
    boundaries: string | undefined,
    figure: (map: AreaMap, area: string, period: string) => T,
  ): Promise<T> {
    if (!area) throw new BadRequestException('area: required, e.g. centre:C01, cluster:CL1 or la:E06099001'); // prettier-ignore
    if (!period) throw new BadRequestException('period: required, e.g. quarter:2026-27-Q1');
    return answerFigureRequest(this.figures, boundaries, (map) => {
      allowArea(principal, area, map.resolve(area).la);
      return figure(map, area, period);
    });
  }
}
