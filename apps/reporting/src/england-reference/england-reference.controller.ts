import { CurrentPrincipal, Roles, type Principal } from '@lib/auth';
import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Put,
  Req,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { readCsvBody } from './csv-body';
import { englandReferenceId } from './england-reference-store';
import {
  EnglandReferenceRefusal,
  EnglandReferenceUploaded,
  EnglandReferenceView,
} from './england-reference.dto';
import { SOURCE_MAX_LENGTH } from './england-reference.parser';
import { EnglandReferenceService } from './england-reference.service';

/** Reference files are a few dozen rows a year; this is far beyond any real one. */
export const MAX_UPLOAD_BYTES = 512 * 1024;
/** Errors listed in one refusal (all are counted), as the geography loads do. */
export const MAX_LISTED_ERRORS = 500;

/** The LA's analysts keep the file; admins manage reference data (as geography's loads). */
const UPLOADERS = ['la-analyst', 'admin'] as const;
const READERS = ['la-analyst', 'centre-manager', 'centre-staff', 'admin'] as const;

const EXAMPLE = [
  'indicator,period,value,source',
  'smoking_at_delivery,quarter:2026-27-Q1,0.074,NHS Digital SATOD 2026-27 Q1',
  'breastfeeding_nbv,quarter:2026-27-Q1,48.2%,OHID Fingertips',
].join('\n');

/**
 * England's value of each health indicator per financial quarter: the benchmark the indicators
 * are compared with (docs/figures.md). Reference data, nothing personal.
 */
@ApiTags('figures')
@ApiBearerAuth()
@Controller('figures/england-reference')
export class EnglandReferenceController {
  constructor(private readonly reference: EnglandReferenceService) {}

  @Put()
  @Roles(...UPLOADERS)
  @HttpCode(200)
  @ApiOperation({
    summary: "Upload England's indicator values (CSV) as the next version",
    description:
      'CSV with a header naming `indicator`, `period`, `value` and optionally `source` (any ' +
      'case, any order, no other columns). `indicator`: an indicator id; `period`: a financial ' +
      'quarter such as `quarter:2026-27-Q1`; `value`: a proportion between 0 and 1 (`0.125`) or ' +
      `a percentage (\`12.5%\`); \`source\`: free text of at most ${SOURCE_MAX_LENGTH} characters. ` +
      'Each indicator and quarter at most once. The file is accepted whole, as a new version ' +
      'that replaces the previous one for every comparison, or refused whole with every error ' +
      'listed by line (the header is line 1).',
  })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: EXAMPLE } })
  @ApiOkResponse({ type: EnglandReferenceUploaded, description: 'Stored as the next version' })
  @ApiBadRequestResponse({
    type: EnglandReferenceRefusal,
    description: 'Refused whole: every error listed, nothing stored',
  })
  @ApiForbiddenResponse({ description: 'Not an LA analyst (or admin)' })
  @ApiPayloadTooLargeResponse({ description: `Larger than ${MAX_UPLOAD_BYTES} bytes` })
  @ApiUnsupportedMediaTypeResponse({ description: 'Not text/csv (or not UTF-8)' })
  async upload(
    @Req() req: Request,
    @CurrentPrincipal() principal: Principal,
  ): Promise<EnglandReferenceUploaded> {
    const csv = await readCsvBody(req, MAX_UPLOAD_BYTES);
    const outcome = await this.reference.upload(csv, principal.subject);
    if (!outcome.ok) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message:
          'England reference file refused: nothing was stored; fix the errors and upload the whole file again',
        errorCount: outcome.errors.length,
        errors: outcome.errors.slice(0, MAX_LISTED_ERRORS),
      } satisfies EnglandReferenceRefusal & { error: string });
    }
    return { version: outcome.version, rowCount: outcome.rowCount };
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: "The latest version of England's indicator values (reference data)" })
  @ApiOkResponse({ type: EnglandReferenceView })
  @ApiNotFoundResponse({ description: 'Nothing uploaded yet' })
  async latest(): Promise<EnglandReferenceView> {
    const latest = await this.reference.latest();
    if (!latest) throw new NotFoundException('no England reference values have been uploaded');
    // Who uploaded it is left out: readers get the reference data only.
    const { version, uploadedAt, rowCount, rows } = latest;
    return { version, versionId: englandReferenceId(version), uploadedAt, rowCount, rows };
  }
}
