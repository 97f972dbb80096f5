import { CurrentPrincipal, Roles, type Principal } from '@lib/auth';
import {
  CSV_TYPES,
  FILE_NAME_MAX,
  fileNameOf,
  ImportIdPipe,
  importView,
  ImportView,
  noSuchImport,
  refuseDeclaredTooLarge,
  rejectedRowsFile,
  requireCsv,
  UploadSource,
  uploadTooLarge,
} from '@lib/imports';
import {
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { BIRTH_IMPORTS_PATH } from './birth-import';
import { BirthImportsService } from './birth-imports.service';
import { LIVE_BIRTH_EXTRACT_COLUMNS } from './live-birth-extract';

const READERS = ['births-feed', 'admin'] as const;

@ApiTags('births')
@ApiBearerAuth()
@Controller('births/imports')
export class BirthImportsController {
  constructor(private readonly imports: BirthImportsService) {}

  @Post()
  @Roles('births-feed')
  @HttpCode(201)
  @ApiOperation({
    summary: "Import an LA's monthly live-birth extract (CSV, streamed)",
    description:
      `A UTF-8 CSV with a header row naming at least \`nhs_number\`, \`birth_date\` and \`postcode\`; ` +
      `the columns read are ${LIVE_BIRTH_EXTRACT_COLUMNS.map((c) => `\`${c}\``).join(', ')} ` +
      '(others are ignored). Each valid row is notified as `POST /births` would (a new birth ' +
      'is stored and published once; the same birth again is a duplicate; a different ' +
      'notification of a birth already held is rejected and kept for review). Bad rows are ' +
      'reported, never fatal. Answers when the whole file has been read, with the finished ' +
      'import; `GET` it meanwhile to follow its counts. Sending a file again is safe.',
  })
  @ApiConsumes(...CSV_TYPES)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiQuery({
    name: 'fileName',
    required: false,
    description: `The file's name, kept on the import (at most ${FILE_NAME_MAX} characters)`,
  })
  @ApiCreatedResponse({
    type: ImportView,
    description:
      'The import, finished: `completed`, or `failed` with `fileError` (no header, unreadable ' +
      'file, store failure); Location names it',
  })
  @ApiBadRequestResponse({ description: 'A bad fileName' })
  @ApiForbiddenResponse({ description: 'Not a births feed' })
  @ApiPayloadTooLargeResponse({
    description: 'Over the upload limit: rows before the limit were imported; the import failed',
  })
  @ApiUnsupportedMediaTypeResponse({ description: 'Not text/csv (or not UTF-8)' })
  async importExtract(
    @Req() req: Request,
    @Query('fileName') fileNameParam: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ImportView> {
    requireCsv(req.headers);
    const fileName = fileNameOf(fileNameParam);
    refuseDeclaredTooLarge(req.headers, this.imports.maxBytes);
    const upload = new UploadSource(req, this.imports.maxBytes);
    const done = await this.imports.importExtract(upload, fileName, principal);
    const view = importView(done, BIRTH_IMPORTS_PATH);
    res.location(view.links.self);
    if (upload.stopped?.kind === 'too-large') throw uploadTooLarge(view);
    return view;
  }

  @Get(':importId')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'An import: status, counts (updated after every batch while it runs), file error',
  })
  @ApiParam({ name: 'importId', format: 'uuid' })
  @ApiOkResponse({ type: ImportView, description: 'The import' })
  @ApiBadRequestResponse({ description: 'importId is not a UUID' })
  @ApiNotFoundResponse({ description: "No such import (or another organisation's)" })
  async findImport(
    @Param('importId', ImportIdPipe) importId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ImportView> {
    const doc = await this.imports.find(importId, principal);
    if (!doc) throw noSuchImport();
    return importView(doc, BIRTH_IMPORTS_PATH);
  }

  @Get(':importId/rejected-rows')
  @Roles(...READERS)
  @ApiOperation({
    summary: "An import's rejected rows as CSV: row (spreadsheet numbering), column, reason",
    description:
      'One line per problem, in row order (a row with several problems has several lines); ' +
      '`column` is empty for a row that could not be read as a whole.',
  })
  @ApiParam({ name: 'importId', format: 'uuid' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'text/csv attachment `row,column,reason`' })
  @ApiNotFoundResponse({ description: "No such import (or another organisation's)" })
  @ApiConflictResponse({ description: 'The import is still running' })
  async rejectedRows(
    @Param('importId', ImportIdPipe) importId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<StreamableFile> {
    const doc = await this.imports.find(importId, principal);
    if (!doc) throw noSuchImport();
    return rejectedRowsFile(doc, BIRTH_IMPORTS_PATH, this.imports.rowErrors(doc), 'birth-import');
  }
}
