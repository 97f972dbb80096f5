import { CurrentPrincipal, Principal, Roles } from '@lib/auth';
import { ukToday } from '@lib/platform';
import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { EnglandReferenceService } from '../england-reference/england-reference.service';
import { allowArea } from '../figures/area-access';
import { FigureRequestError } from '../figures/figures';
import { FiguresService } from '../figures/figures.service';
import { parsePeriod, PeriodError, quarterOf } from '../figures/periods';
import { buildSef } from './sef-builder';
import { renderSefCsv, renderSefHtml } from './sef-render';
import { SefSubmissions, SubmissionSummary } from './sef-submissions';
import type { SefDocument } from './sef-types';

const SUSTAINED_CONTACT_THRESHOLD = 3;
const FORMATS = ['json', 'csv', 'html'] as const;
type Format = (typeof FORMATS)[number];

/**
 * The SEF data section of a centre (disclosure-controlled: it leaves the identifiable boundary
 * attached to the SEF): current figures in JSON, CSV or print HTML, and submitted snapshots that
 * never change. Managers submit; the centre's staff and the LA's analysts read.
 */
@ApiTags('sef')
@ApiBearerAuth()
@Controller('sef')
export class SefController {
  constructor(
    private readonly figures: FiguresService,
    private readonly england: EnglandReferenceService,
    private readonly submissions: SefSubmissions,
  ) {}

  @Get(':centreId')
  @Roles('centre-manager', 'centre-staff', 'la-analyst')
  @ApiOperation({ summary: "A centre's SEF data section for a period, as the figures stand now" })
  @ApiQuery({ name: 'period', example: 'year:2026-27' })
  @ApiQuery({ name: 'format', required: false, enum: FORMATS })
  @ApiQuery({ name: 'boundaries', required: false, example: 'boundaries:1' })
  async current(
    @CurrentPrincipal() principal: Principal,
    @Param('centreId') centreId: string,
    @Res() res: Response,
    @Query('period') period?: string,
    @Query('format') format?: string,
    @Query('boundaries') boundaries?: string,
  ): Promise<void> {
    const chosen = formatOf(format);
    send(res, await this.build(principal, centreId, period, boundaries), chosen);
  }

  @Post(':centreId/submissions')
  @Roles('centre-manager')
  @HttpCode(201)
  @ApiOperation({ summary: 'Submit: keep the current SEF data section as a snapshot' })
  @ApiQuery({ name: 'period', example: 'year:2026-27' })
  async submit(
    @CurrentPrincipal() principal: Principal,
    @Param('centreId') centreId: string,
    @Query('period') period?: string,
    @Query('boundaries') boundaries?: string,
  ): Promise<SefDocument> {
    const current = await this.build(principal, centreId, period, boundaries);
    return this.submissions.submit(current, principal.subject, new Date());
  }

  @Get(':centreId/submissions')
  @Roles('centre-manager', 'centre-staff', 'la-analyst')
  @ApiOperation({ summary: "A centre's submitted SEF snapshots, newest first" })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Param('centreId') centreId: string,
  ): Promise<SubmissionSummary[]> {
    this.allowCentre(principal, centreId);
    return this.submissions.list(centreId);
  }

  @Get(':centreId/submissions/:snapshotId')
  @Roles('centre-manager', 'centre-staff', 'la-analyst')
  @ApiOperation({ summary: 'A submitted SEF snapshot, exactly as it was submitted' })
  @ApiQuery({ name: 'format', required: false, enum: FORMATS })
  async snapshot(
    @CurrentPrincipal() principal: Principal,
    @Param('centreId') centreId: string,
    @Param('snapshotId') snapshotId: string,
    @Res() res: Response,
    @Query('format') format?: string,
  ): Promise<void> {
    const chosen = formatOf(format);
    this.allowCentre(principal, centreId);
    const document = await this.submissions.find(centreId, snapshotId);
    if (!document) throw new NotFoundException(`no submitted SEF ${snapshotId} for ${centreId}`);
    send(res, document, chosen);
  }

  private async build(
    principal: Principal,
    centreId: string,
    periodId: string | undefined,
    boundaries: string | undefined,
  ): Promise<SefDocument> {
    if (!periodId) throw new BadRequestException('period: required, e.g. year:2026-27');
    if (!this.figures.caughtUp) {
      throw new ServiceUnavailableException('figures are being rebuilt from the event log; try again shortly'); // prettier-ignore
    }
    const today = ukToday();
    try {
      const map = this.figures.calculator.boundaryVersion(boundaries, today);
      const scope = map.resolve(`centre:${centreId}`);
      allowArea(principal, `centre:${centreId}`, scope.la);
      const period = parsePeriod(periodId);
      const quarter = quarterOf(period.end < today ? period.end : today);
      return buildSef(this.figures.calculator, map, {
        centreId,
        periodId,
        sustainedThreshold: SUSTAINED_CONTACT_THRESHOLD,
        england: await this.england.valuesFor(quarter),
        today,
        generatedAt: new Date().toISOString(),
      });
    } catch (error) {
      if (error instanceof PeriodError || error instanceof FigureRequestError)
        throw new BadRequestException(error.message);
      throw error;
    }
  }

  /** Snapshots carry their centre: the same access as the centre's current figures. */
  private allowCentre(principal: Principal, centreId: string): void {
    if (principal.roles.includes('la-analyst') && principal.la) {
      const map = this.figures.calculator.boundaryVersion(undefined, ukToday());
      if (map.centres.get(centreId)?.la === principal.la) return;
    }
    if (principal.centres.includes(centreId)) return;
    throw new ForbiddenException(`centre ${centreId}: not one of your centres or your LA`);
  }
}

function formatOf(format: string | undefined): Format {
  const chosen = format ?? 'json';
  if (!(FORMATS as readonly string[]).includes(chosen)) {
    throw new BadRequestException(`format: one of ${FORMATS.join(', ')}`);
  }
  return chosen as Format;
}

function send(res: Response, document: SefDocument, format: Format): void {
  const name = `sef-${document.centre.id}-${document.period.id.replace(/:/g, '-')}${document.snapshotId ? `-${document.snapshotId}` : ''}`;
  res.setHeader('cache-control', 'no-store');
  switch (format) {
    case 'json':
      res.json(document);
      return;
    case 'csv':
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="${name}.csv"`);
      res.send(renderSefCsv(document));
      return;
    case 'html':
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.send(renderSefHtml(document));
      return;
  }
}
