import { problemsException } from '@lib/platform';
import { CurrentPrincipal, Roles, type Principal } from '@lib/auth';
import { rowErrorsCsvStream } from '@lib/imports';
import {
  BadRequestException,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  Injectable,
  NotFoundException,
  Param,
  PayloadTooLargeException,
  PipeTransform,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
  UnsupportedMediaTypeException,
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
import { BirthImportView, importPath, importView } from './birth-import';
import { BirthImportsService } from './birth-imports.service';
import { LIVE_BIRTH_EXTRACT_COLUMNS } from './live-birth-extract';
import { describeBytes, UploadSource } from './upload-source';

const CSV_TYPES = ['text/csv', 'application/csv'];
const READERS = ['births-feed', 'admin'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const FILE_NAME_MAX = 255;

function invalid(field: string, reason: string): BadRequestException {
  return problemsException([{ field, reason }]);
}

/** An import id route parameter: a UUID, or 400 naming the parameter. */
@Injectable()
export class ImportIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value === 'string' && UUID.test(value)) return value.toLowerCase();
    throw invalid('importId', 'importId must be a UUID');
  }
}

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
    type: BirthImportView,
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
  ): Promise<BirthImportView> {
    requireCsv(req.headers['content-type']);
    const fileName = fileNameOf(fileNameParam);
    const maxBytes = this.imports.maxBytes;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      throw new PayloadTooLargeException({
        statusCode: 413,
        error: 'Payload Too Large',
        message: `the upload (${declared} bytes) is larger than the limit of ${describeBytes(maxBytes)}: nothing was imported; split the file and send the parts`,
      });
    }

    const upload = new UploadSource(req, maxBytes);
    const done = await this.imports.importExtract(upload, fileName, principal);
    const view = importView(done);
    res.location(importPath(done._id));
    if (upload.stopped?.kind === 'too-large') {
      throw new PayloadTooLargeException({
        statusCode: 413,
        error: 'Payload Too Large',
        message: done.fileError,
        import: view,
      });
    }
    return view;
  }

  @Get(':importId')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'An import: status, counts (updated after every batch while it runs), file error',
  })
  @ApiParam({ name: 'importId', format: 'uuid' })
  @ApiOkResponse({ type: BirthImportView, description: 'The import' })
  @ApiBadRequestResponse({ description: 'importId is not a UUID' })
  @ApiNotFoundResponse({ description: "No such import (or another organisation's)" })
  async findImport(
    @Param('importId', ImportIdPipe) importId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<BirthImportView> {
    const doc = await this.imports.find(importId, principal);
    if (!doc) throw new NotFoundException(noSuchImport());
    return importView(doc);
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
    if (!doc) throw new NotFoundException(noSuchImport());
    if (doc.status === 'running') {
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        message: `the import is still running; its rejected rows are listed once it has finished (GET ${importPath(importId)})`,
      });
    }
    return new StreamableFile(rowErrorsCsvStream(this.imports.rowErrors(doc)), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="birth-import-${importId}-rejected-rows.csv"`,
    });
  }
}

function noSuchImport(): object {
  return { statusCode: 404, error: 'Not Found', message: 'no such import' };
}

/** text/csv or application/csv, in UTF-8 (the default when no charset is named); else 415. */
function requireCsv(contentType: string | undefined): void {
  const [type = '', ...params] = (contentType ?? '').split(';').map((p) => p.trim());
  const charset = params
    .map((p) => /^charset\s*=\s*"?([^"]*)"?$/i.exec(p)?.[1])
    .find((c) => c !== undefined);
  const problem = !CSV_TYPES.includes(type.toLowerCase())
    ? `send the extract as text/csv or application/csv (got ${type ? type.slice(0, 100) : 'no content type'})`
    : charset !== undefined && !/^utf-?8$/i.test(charset)
      ? `send the extract in UTF-8 (charset=${charset.slice(0, 40)} is not read)`
      : undefined;
  if (problem) {
    throw new UnsupportedMediaTypeException({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: problem,
    });
  }
}

function fileNameOf(value: unknown): string | null {
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string') throw invalid('fileName', 'fileName must be given once');
  // eslint-disable-next-line no-control-regex
  if (value.length > FILE_NAME_MAX || /[\u0000-\u001f\u007f]/.test(value)) {
    throw invalid(
      'fileName',
      `fileName must be at most ${FILE_NAME_MAX} characters, without control characters`,
    );
  }
  return value;
}
