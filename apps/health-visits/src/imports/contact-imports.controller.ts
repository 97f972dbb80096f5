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
  ForbiddenException,
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
import { CONTACT_EXTRACT_COLUMNS } from './contact-extract';
import { CONTACT_IMPORTS_PATH, ContactImportsService } from './contact-imports.service';

/**
 * A readers' view of an import holds counts and row-level reasons, no contact content: an HV
 * system may follow its own organisation's imports (it still reads no child's data).
 */
const READERS = ['hv-system', 'admin'] as const;

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('contacts/imports')
export class ContactImportsController {
  constructor(private readonly imports: ContactImportsService) {}

  @Post()
  @Roles('hv-system')
  @HttpCode(201)
  @ApiOperation({
    summary: "Import a health-visitor system's contact extract (CSV, streamed)",
    description:
      `A UTF-8 CSV with a header row; the columns read are ${CONTACT_EXTRACT_COLUMNS.map((c) => `\`${c}\``).join(', ')} ` +
      '(others are ignored; `organisation_code` may be left empty, meaning the uploader’s). ' +
      'Each valid row is recorded as `POST /contacts` records one contact, with the same ' +
      'idempotency key (source_system, organisation_code, source_contact_id): a new contact is ' +
      'recorded, the same contact again is a duplicate, different content is an amendment ' +
      '(counted as accepted). Bad rows are reported, never fatal. Answers when the whole file ' +
      'has been read, with the finished import; `GET` it meanwhile to follow its counts. ' +
      'Sending a file again is safe.',
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
  @ApiForbiddenResponse({ description: 'Not an HV system, or a token without an organisation' })
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
    const org = principal.org;
    if (org === undefined) {
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        message: 'an hv-system token without an organisation cannot import contacts',
      });
    }
    requireCsv(req.headers);
    const fileName = fileNameOf(fileNameParam);
    refuseDeclaredTooLarge(req.headers, this.imports.maxBytes);
    const upload = new UploadSource(req, this.imports.maxBytes);
    const done = await this.imports.importExtract(upload, fileName, { ...principal, org });
    const view = importView(done, CONTACT_IMPORTS_PATH);
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
    return importView(doc, CONTACT_IMPORTS_PATH);
  }

  @Get(':importId/rejected-rows')
  @Roles(...READERS)
  @ApiOperation({
    summary: "An import's rejected rows as CSV: row (spreadsheet numbering), column, reason",
    description:
      'One line per problem, in row order (a row with several problems has several lines); ' +
      '`column` is empty for a row that could not be read as a whole. Reasons name the rule ' +
      '(and a date where the rule is about it), never an NHS number or a name.',
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
    return rejectedRowsFile(
      doc,
      CONTACT_IMPORTS_PATH,
      this.imports.rowErrors(doc),
      'contact-import',
    );
  }
}
