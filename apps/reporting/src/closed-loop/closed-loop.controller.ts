import { CurrentPrincipal, Principal, Roles } from '@lib/auth';
import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Get,
  Header,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DISCLOSURE_RULES } from '../disclosure/disclosure';
import { answerFigureRequest } from '../figures/figure-request';
import { FiguresService } from '../figures/figures.service';
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
  ): Promise<ClosedLoopFigures> {
    if (!period) throw new BadRequestException('period: required, e.g. quarter:2026-27-Q1');
    return answerFigureRequest(this.figures, boundaries, (map, today) => {
      const las = map.version.boundaries.las.map((l) => l.code);
      if (principal.roles.includes('la-analyst') && !las.includes(principal.la ?? '')) {
        throw new ForbiddenException('these figures are for the analysts of their LA');
      }
      return {
        ...closedLoop(this.figures.calculator.children(), map, period, today),
        disclosureControl: DISCLOSURE_RULES,
      };
    });
  }
}
