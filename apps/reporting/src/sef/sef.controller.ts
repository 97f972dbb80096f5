import { CurrentPrincipal, Principal, Roles } from '@lib/auth';
import { ukToday } from '@lib/platform';
import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { EnglandReferenceService } from '../england-reference/england-reference.service';
import { allowArea } from '../figures/area-access';
import { answerFigureRequest } from '../figures/figure-request';
import { FiguresService } from '../figures/figures.service';
import { parsePeriod, quarterOf } from '../figures/periods';
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
    return answerFigureRequest(this.figures, boundaries, async (map, today) => {
      allowArea(principal, `centre:${centreId}`, map.resolve(`centre:${centreId}`).la);
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
    });
  }

  /** Snapshots carry their centre: the same access as the centre's current figures. */
  private allowCentre(principal: Principal, centreId: string): void {
    // The centre's LA from the boundaries in force (none loaded yet: only the centre's own roles).
    const versions = [...this.figures.ledger.boundaryVersions.values()];
    const la = versions.length
      ? this.figures.calculator.boundaryVersion(undefined, ukToday()).centres.get(centreId)?.la
      : undefined;
    allowArea(principal, `centre:${centreId}`, la ?? '');
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
