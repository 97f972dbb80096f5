import { CurrentPrincipal, Principal, Roles } from '@lib/auth';
import { ukToday } from '@lib/platform';
import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Get,
  Header,
  Query,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DISCLOSURE_RULES } from '../disclosure/disclosure';
import { FigureRequestError } from '../figures/figures';
import { FiguresService } from '../figures/figures.service';
import { PeriodError } from '../figures/periods';
import { closedLoop, ClosedLoopFigures } from './closed-loop';

/**
 * Closed-loop figures back to health: aggregate and disclosure-controlled, so the health-visiting
 * system and the LA's analysts may read them for every centre.
 */
@ApiTags('figures')
@ApiBearerAuth()
@Controller('figures')
export class ClosedLoopController {
  constructor(private readonly figures: FiguresService) {}

  @Get('closed-loop')
  @Roles('hv-system', 'la-analyst')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary:
      'Per birth month and centre: families a centre registered or contacted, and how many ' +
      'days after the new-birth visit (suppressed)',
  })
  @ApiQuery({ name: 'period', example: 'quarter:2026-27-Q1' })
  @ApiQuery({ name: 'boundaries', required: false, example: 'boundaries:1' })
  closedLoop(
    @CurrentPrincipal() principal: Principal,
    @Query('period') period?: string,
    @Query('boundaries') boundaries?: string,
  ): ClosedLoopFigures {
    if (!period) throw new BadRequestException('period: required, e.g. quarter:2026-27-Q1');
    if (!this.figures.caughtUp) {
      throw new ServiceUnavailableException('figures are being rebuilt from the event log; try again shortly'); // prettier-ignore
    }
    const today = ukToday();
    try {
      const map = this.figures.calculator.boundaryVersion(boundaries, today);
      const las = map.version.boundaries.las.map((l) => l.code);
      if (principal.roles.includes('la-analyst') && !las.includes(principal.la ?? '')) {
        throw new ForbiddenException('these figures are for the analysts of their LA');
      }
      return {
        ...closedLoop(this.figures.calculator.children(), map, period, today),
        disclosureControl: DISCLOSURE_RULES,
      };
    } catch (error) {
      if (error instanceof PeriodError || error instanceof FigureRequestError)
        throw new BadRequestException(error.message);
      throw error;
    }
  }
}
