import { CurrentPrincipal, Roles, type Principal } from '@lib/auth';
import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Req,
  Res,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ukToday } from '@lib/platform';
import { GeographyService, MAX_LISTED_ROW_ERRORS, PublishedVersion } from './geography.service';
import { ReachAreaDirectory } from './reach-area-directory';

const READERS = ['admin', 'la-analyst', 'centre-manager', 'centre-staff'] as const;

@ApiTags('geography')
@ApiBearerAuth()
@Controller('geography')
export class GeographyController {
  constructor(
    private readonly geography: GeographyService,
    private readonly directory: ReachAreaDirectory,
  ) {}

  @Post('boundaries')
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Load a boundary version (LAs, clusters, centres, reach areas, IMD deciles), validated whole',
    description:
      'Body: `{effectiveFrom, las:[{code,name}], clusters:[{id,name,la}], centres:[{id,name,la,cluster}], reachAreas:[{centreId,lsoas:[...]}], imdDeciles:[{lsoa,decile}]}`. Stored as the next version and published on geography.reference.v1; the same content again answers 200 with the existing version.',
  })
  @ApiBody({ schema: { type: 'object' } })
  @ApiCreatedResponse({ description: 'Stored as a new version (published once stored)' })
  @ApiBadRequestResponse({ description: 'Refused whole: every problem is listed, nothing stored' })
  @ApiForbiddenResponse({ description: 'Not an admin' })
  async loadBoundaries(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PublishedVersion> {
    const outcome = await this.geography.loadBoundaries(body, principal.subject);
    if (!outcome.ok) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'boundary version refused: nothing was loaded',
        problems: outcome.refusal.problems,
      });
    }
    return this.answer(outcome.version, res);
  }

  @Post('postcodes')
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Load a postcode lookup version from an ONS-style CSV (streamed)',
    description: `CSV with a header row holding at least \`pcds\`, \`lsoa21cd\`, \`msoa21cd\`, \`ladcd\` (other columns are ignored). The whole file is one version: if any row is bad, nothing is published and the row errors are returned (at most ${MAX_LISTED_ROW_ERRORS} listed, all counted).`,
  })
  @ApiConsumes('text/csv')
  @ApiQuery({ name: 'effectiveFrom', required: true, description: 'YYYY-MM-DD' })
  @ApiCreatedResponse({ description: 'Stored as a new version (published once stored)' })
  @ApiBadRequestResponse({ description: 'Refused whole: row errors listed, nothing published' })
  @ApiForbiddenResponse({ description: 'Not an admin' })
  async loadPostcodes(
    @Req() req: Request,
    @Query('effectiveFrom') effectiveFrom: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PublishedVersion> {
    if (!req.is('text/csv')) {
      throw new UnsupportedMediaTypeException('send the postcode lookup as text/csv');
    }
    const outcome = await this.geography.loadPostcodes(req, effectiveFrom, principal.subject);
    if (!outcome.ok) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'postcode lookup refused: nothing was loaded',
        ...outcome.refusal,
      });
    }
    return this.answer(outcome.version, res);
  }

  @Get('boundaries/current')
  @Roles(...READERS)
  @ApiOperation({ summary: 'The boundary version in force today (reference data)' })
  @ApiOkResponse({ description: 'The version with its full content' })
  @ApiNotFoundResponse({ description: 'No boundary version in force' })
  async currentBoundaries(): Promise<object> {
    const current = await this.directory.inForce('boundaries', ukToday());
    if (!current) throw new NotFoundException('no boundary version is in force');
    return this.boundaries(current.version);
  }

  @Get('boundaries/:version')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One boundary version (reference data)' })
  @ApiOkResponse({ description: 'The version with its full content' })
  @ApiNotFoundResponse({ description: 'No such version' })
  async boundaries(@Param('version', ParseIntPipe) version: number): Promise<object> {
    const found = await this.geography.readVersion('boundaries', version);
    if (!found) throw new NotFoundException('no such boundary version');
    const { kind, effectiveFrom, loadedAt, boundaries } = found;
    return {
      kind,
      version,
      versionId: `boundaries:${version}`,
      effectiveFrom,
      loadedAt,
      ...boundaries,
    };
  }

  private answer(version: PublishedVersion, res: Response): PublishedVersion {
    if (!version.created) res.status(200);
    res.location(`/geography/${version.kind}/${version.version}`);
    return version;
  }
}
