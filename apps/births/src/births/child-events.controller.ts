import { CurrentPrincipal, type Principal, Roles } from '@lib/auth';
import type { ChildEventChannel } from '@lib/contracts';
import { NhsNumberPipe, problemsException } from '@lib/platform';
import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ukToday } from '@lib/platform';
import { submitterOf } from './births.service';
import { ChildEventResult, ChildEventsService } from './child-events.service';
import {
  RecordDeathDto,
  RecordMoveDto,
  RetractMoveDto,
  SharingChoiceDto,
} from './dto/child-events.dto';

const CHANNEL: ChildEventChannel = 'births-api';

/**
 * What the births feed reports about a child after the birth. Each change is stored before the
 * answer (201; the same change again answers 200 and changes nothing) and published on
 * births.child.v1 in the child's version order.
 */
@ApiTags('births')
@ApiBearerAuth()
@Controller('births/:nhsNumber')
@ApiBadRequestResponse({ description: 'A field is missing or invalid; every problem is listed' })
@ApiNotFoundResponse({ description: 'No birth or move in known for that NHS number' })
export class ChildEventsController {
  constructor(private readonly children: ChildEventsService) {}

  @Post('moves')
  @Roles('births-feed')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a move in, out or within the area (ResidenceChanged)' })
  @ApiCreatedResponse({ description: 'Stored; a re-send answers 200' })
  @ApiConflictResponse({ description: 'The notification of this birth was retracted' })
  async recordMove(
    @Param('nhsNumber', NhsNumberPipe) nhsNumber: string,
    @Body() move: RecordMoveDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChildEventResult & { nhsNumber: string }> {
    const problems = [
      ...notInFuture('effectiveDate', move.effectiveDate),
      ...notInFuture('birthDate', move.birthDate),
      ...(move.direction !== 'out' && !move.postcode
        ? [{ field: 'postcode', reason: 'is required unless moving out' }]
        : []),
    ];
    refuseIfAny(problems);
    const result = await this.children.recordMove(
      { ...move, nhsNumber },
      CHANNEL,
      new Date(),
      submitterOf(principal),
    );
    return answer(res, nhsNumber, result);
  }

  @Post('death')
  @Roles('births-feed')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a death (DeathNotified): outreach and worklists stop at once' })
  @ApiCreatedResponse({ description: 'Stored; the same death again answers 200' })
  @ApiConflictResponse({ description: 'A death on another date is already recorded' })
  async recordDeath(
    @Param('nhsNumber', NhsNumberPipe) nhsNumber: string,
    @Body() death: RecordDeathDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChildEventResult & { nhsNumber: string }> {
    return this.death(nhsNumber, death, 'notification', res);
  }

  @Post('moves/retraction')
  @Roles('births-feed')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Withdraw a recorded move (ResidenceChangeRetracted): the residence reverts to the latest-dated move left, else the birth address',
  })
  @ApiCreatedResponse({ description: 'Stored; a re-send answers 200' })
  async retractMove(
    @Param('nhsNumber', NhsNumberPipe) nhsNumber: string,
    @Body() move: RetractMoveDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChildEventResult & { nhsNumber: string }> {
    const result = await this.children.retractMove({ ...move, nhsNumber }, CHANNEL, new Date());
    return answer(res, nhsNumber, result);
  }

  @Post('death/correction')
  @Roles('births-feed')
  @HttpCode(201)
  @ApiOperation({ summary: 'Correct the date of death (a new DeathNotified with that date)' })
  @ApiCreatedResponse({ description: 'Stored; the date already held answers 200' })
  async correctDeath(
    @Param('nhsNumber', NhsNumberPipe) nhsNumber: string,
    @Body() death: RecordDeathDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChildEventResult & { nhsNumber: string }> {
    return this.death(nhsNumber, death, 'correction', res);
  }

  @Post('death/retraction')
  @Roles('births-feed')
  @HttpCode(201)
  @ApiOperation({ summary: 'Withdraw a death notified in error (DeathRetracted)' })
  @ApiCreatedResponse({ description: 'Stored; a re-send answers 200' })
  @ApiConflictResponse({ description: 'The death recorded is on another date' })
  async retractDeath(
    @Param('nhsNumber', NhsNumberPipe) nhsNumber: string,
    @Body() death: RecordDeathDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChildEventResult & { nhsNumber: string }> {
    const result = await this.children.retractDeath(
      nhsNumber,
      death.dateOfDeath,
      CHANNEL,
      new Date(),
    );
    return answer(res, nhsNumber, result);
  }

  @Post('retraction')
  @Roles('births-feed')
  @HttpCode(201)
  @ApiOperation({ summary: 'Retract the birth notification (BirthRetracted): sent in error' })
  @ApiCreatedResponse({ description: 'Stored; a re-send answers 200' })
  async retractBirth(
    @Param('nhsNumber', NhsNumberPipe) nhsNumber: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChildEventResult & { nhsNumber: string }> {
    const result = await this.children.retractBirth(nhsNumber, CHANNEL, new Date());
    return answer(res, nhsNumber, result);
  }

  @Post('sharing-objection')
  @Roles('births-feed')
  @HttpCode(201)
  @ApiOperation({
    summary: "Record the parent's objection to sharing with children's centres, from a date",
  })
  @ApiCreatedResponse({ description: 'Stored; says whether an objection is now in force' })
  async recordObjection(
    @Param('nhsNumber', NhsNumberPipe) nhsNumber: string,
    @Body() choice: SharingChoiceDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.sharingChoice(nhsNumber, true, choice, principal, res);
  }

  @Post('sharing-objection/withdrawal')
  @Roles('births-feed')
  @HttpCode(201)
  @ApiOperation({ summary: "Record the withdrawal of the parent's sharing objection, from a date" })
  @ApiCreatedResponse({ description: 'Stored; says whether an objection is still in force' })
  async withdrawObjection(
    @Param('nhsNumber', NhsNumberPipe) nhsNumber: string,
    @Body() choice: SharingChoiceDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.sharingChoice(nhsNumber, false, choice, principal, res);
  }

  private async death(
    nhsNumber: string,
    death: RecordDeathDto,
    as: 'notification' | 'correction',
    res: Response,
  ): Promise<ChildEventResult & { nhsNumber: string }> {
    refuseIfAny(notInFuture('dateOfDeath', death.dateOfDeath));
    const result = await this.children.recordDeath(
      nhsNumber,
      death.dateOfDeath,
      CHANNEL,
      new Date(),
      as,
    );
    return answer(res, nhsNumber, result);
  }

  private async sharingChoice(
    nhsNumber: string,
    objects: boolean,
    choice: SharingChoiceDto,
    principal: Principal,
    res: Response,
  ): Promise<ChildEventResult & { nhsNumber: string; objectionInForce?: boolean }> {
    refuseIfAny(notInFuture('effectiveDate', choice.effectiveDate));
    const organisationCode = choice.organisationCode ?? principal.org;
    const result = await this.children.recordSharingChoice(
      {
        nhsNumber,
        objects,
        effectiveDate: choice.effectiveDate,
        channel: CHANNEL,
        ...(organisationCode ? { organisationCode } : {}),
      },
      new Date(),
    );
    return answer(res, nhsNumber, result);
  }
}

/** The answer: what was stored (never the stored record itself); 200 for a re-send. */
function answer<R extends ChildEventResult>(
  res: Response,
  nhsNumber: string,
  result: R,
): ChildEventResult & { nhsNumber: string; objectionInForce?: boolean } {
  if (!result.created) res.status(200);
  const { eventId, version, created } = result;
  const inForce = (result as { objectionInForce?: boolean }).objectionInForce;
  return {
    nhsNumber,
    eventId,
    version,
    created,
    ...(inForce === undefined ? {} : { objectionInForce: inForce }),
  };
}

function notInFuture(field: string, date: string | undefined): { field: string; reason: string }[] {
  return date !== undefined && date > ukToday() ? [{ field, reason: 'is in the future' }] : [];
}

function refuseIfAny(problems: { field: string; reason: string }[]): void {
  if (problems.length === 0) return;
  throw problemsException(problems);
}
