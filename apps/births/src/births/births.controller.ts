import {
  BadRequestException,
  ConflictException,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Put,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { BirthsService, BirthView, submitterOf } from './births.service';
import type { BirthInput } from './birth-input';
import { BirthStateDto, birthStateProblems } from './dto/birth-state.dto';
import { ukToday, problemsException } from '@lib/platform';
import { NotifyBirthDto } from './dto/notify-birth.dto';
import { NhsNumberPipe } from '@lib/platform';
import {
  CentreScope,
  CurrentCentreScope,
  CurrentPrincipal,
  type Principal,
  Roles,
} from '@lib/auth';
import { AuditedRead } from '@lib/audit';

@ApiTags('births')
@ApiBearerAuth()
@Controller('births')
export class BirthsController {
  constructor(private readonly births: BirthsService) {}

  @Post()
  @Roles('births-feed')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Notify a live birth (stored before the answer; published to births.child.v1)',
  })
  @ApiCreatedResponse({
    description: 'Stored; a re-send of the same notification answers 200 with the same eventId',
  })
  @ApiBadRequestResponse({ description: 'A field is missing or invalid; every problem is listed' })
  @ApiPayloadTooLargeResponse({ description: 'Body over the configured limit' })
  @ApiConflictResponse({ description: 'A different notification of this birth is already held' })
  async notifyBirth(
    @Body() dto: NotifyBirthDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<BirthRecordedResponse> {
    const { nhsNumber, ...state } = dto;
    const result = await this.births.notifyBirth(
      toBirthInput(nhsNumber, state),
      new Date(),
      submitterOf(principal),
    );
    res.location(`/births/${nhsNumber}`);
    if (result.conflictId) {
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        message:
          'a different notification of this birth is already held; nothing changed. ' +
          'Send a correction (PUT) to change it; this one is kept for review.',
        conflictId: result.conflictId,
        eventId: result.eventId,
      });
    }
    if (!result.created) res.status(200);
    return { nhsNumber, ...result };
  }

  @Put(':nhsNumber')
  @Roles('births-feed')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Correct a birth: the full new state, kept as the next version (old versions kept)',
  })
  @ApiHeader({
    name: 'idempotency-key',
    required: true,
    description: "The feed's id for this correction; a re-send with the same key changes nothing",
  })
  @ApiCreatedResponse({ description: 'Stored as a new version; a re-send answers 200' })
  @ApiNotFoundResponse({ description: 'No birth notified for that NHS number' })
  async correctBirth(
    @Param('nhsNumber', NhsNumberPipe) nhsNumber: string,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() state: BirthStateDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<BirthRecordedResponse> {
    const sourceCorrectionId = requireIdempotencyKey(idempotencyKey);
    const result = await this.births.correctBirth(
      toBirthInput(nhsNumber, state),
      sourceCorrectionId,
      new Date(),
      submitterOf(principal),
    );
    if (!result.created) res.status(200);
    return { nhsNumber, ...result };
  }

  @Get(':nhsNumber')
  @Roles('centre-staff', 'centre-manager')
  @AuditedRead({ resource: 'birth', subjectParam: 'nhsNumber' })
  @ApiOperation({ summary: "Read a birth's current state (its latest version) by NHS number" })
  @ApiOkResponse({ description: 'The current state as stored' })
  async findBirth(
    @Param('nhsNumber', NhsNumberPipe) nhsNumber: string,
    @CurrentCentreScope() scope: CentreScope,
  ): Promise<BirthView> {
    const birth = await this.births.readCurrentBirth(scope, nhsNumber);
    if (!birth) throw new NotFoundException('no birth notified for that NHS number');
    return birth;
  }
}

interface BirthRecordedResponse {
  nhsNumber: string;
  eventId: string;
  version: number;
  created: boolean;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,100}$/;

function requireIdempotencyKey(value: string | undefined): string {
  if (value && IDEMPOTENCY_KEY.test(value)) return value;
  throw new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: 'request validation failed',
    problems: [
      {
        field: 'idempotency-key',
        reason: value
          ? 'must be 1-100 letters, digits, dot, colon, dash or underscore'
          : 'header is required',
      },
    ],
  });
}

/** The channel-neutral input, after the rules that span fields (400 naming each problem). */
function toBirthInput(nhsNumber: string, state: BirthStateDto): BirthInput {
  const problems = birthStateProblems(state, ukToday());
  if (problems.length > 0) {
    throw problemsException(problems);
  }
  const defined = Object.entries(state).filter(([, v]) => v !== undefined);
  return { ...(Object.fromEntries(defined) as Omit<BirthInput, 'nhsNumber'>), nhsNumber };
}
