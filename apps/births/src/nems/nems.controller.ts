import { CurrentPrincipal, type Principal, Roles } from '@lib/auth';
import { Body, Controller, Headers, HttpException, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { ChildEventChannel } from '@lib/contracts';
import type { BirthInput } from '../births/birth-input';
import { BirthsService, Submitter, submitterOf } from '../births/births.service';
import { ChildEventResult, ChildEventsService } from '../births/child-events.service';
import { parseNemsMessage } from './nems-message';
import type { OperationOutcome } from './operation-outcome';

const XML_TYPES = ['application/fhir+xml', 'application/xml', 'text/xml'];
const CHANNEL: ChildEventChannel = 'nems';

/**
 * NHS NEMS event messages (FHIR STU3), as NEMS sends them (XML) or as FHIR JSON. A birth
 * notification `new` becomes the same stored birth and event as the JSON API or an extract row
 * would give; `update` is a correction keyed by the message's bundle id and `delete` retracts the
 * notification. A change of address is a move (a child born elsewhere becomes known by it), a
 * death notification a death; their `update` corrects them (the same move date with the new
 * address; the new date of death) and their `delete` withdraws them (ResidenceChangeRetracted,
 * DeathRetracted).
 */
@ApiTags('births')
@ApiBearerAuth()
@Controller('births/nems')
export class NemsController {
  constructor(
    private readonly births: BirthsService,
    private readonly children: ChildEventsService,
  ) {}

  @Post()
  @Roles('births-feed')
  @ApiConsumes('application/fhir+xml', 'application/fhir+json', 'application/json')
  @ApiOperation({ summary: 'Receive a NEMS birth notification (FHIR STU3 message, XML or JSON)' })
  async receive(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ) {
    const submitter = submitterOf(principal);
    const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
    const format = XML_TYPES.includes(type) ? 'xml' : 'json';
    const text = typeof body === 'string' ? body : JSON.stringify(body ?? null);
    const parsed = parseNemsMessage(text, format);
    if (!parsed.ok) throw fhirError(HttpStatus.BAD_REQUEST, parsed.outcome);
    const { envelope, birth, changeOfAddress, death, warnings } = parsed;
    const receivedAt = new Date();
    let result: { nhsNumber: string; eventId: string; version: number; created: boolean };
    if (birth && envelope.messageType === 'delete') {
      result = await this.answer(birth.nhsNumber, () =>
        this.children.retractBirth(birth.nhsNumber, CHANNEL, receivedAt),
      );
    } else if (birth) {
      const update = envelope.messageType === 'update';
      result = await this.applyBirth(birth, update, envelope.bundleId, receivedAt, submitter);
    } else if (changeOfAddress) {
      // A delete repeats the change it withdraws; an update states the corrected change, which
      // (same date) replaces it.
      result = await this.answer(changeOfAddress.nhsNumber, () =>
        envelope.messageType === 'delete'
          ? this.children.retractMove(changeOfAddress, CHANNEL, receivedAt)
          : this.children.recordMove(changeOfAddress, CHANNEL, receivedAt, submitter),
      );
    } else if (death) {
      const { nhsNumber, dateOfDeath } = death;
      result = await this.answer(nhsNumber, () =>
        envelope.messageType === 'delete'
          ? this.children.retractDeath(nhsNumber, dateOfDeath, CHANNEL, receivedAt)
          : this.children.recordDeath(
              nhsNumber,
              dateOfDeath,
              CHANNEL,
              receivedAt,
              envelope.messageType === 'update' ? 'correction' : 'notification',
            ),
      );
    } else {
      throw fhirError(HttpStatus.BAD_REQUEST, {
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'error',
            code: 'not-supported',
            diagnostics: `${envelope.eventCode} carries nothing this service applies`,
          },
        ],
      });
    }
    res.status(result.created ? HttpStatus.CREATED : HttpStatus.OK);
    return { ...result, warnings };
  }

  private async applyBirth(
    birth: BirthInput,
    update: boolean,
    bundleId: string,
    receivedAt: Date,
    submitter: Submitter,
  ) {
    const result = update
      ? await this.births.correctBirth(birth, `nems:${bundleId}`, receivedAt, submitter)
      : await this.births.notifyBirth(birth, receivedAt, submitter);
    if (result.conflictId) {
      throw fhirError(HttpStatus.CONFLICT, {
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'error',
            code: 'conflict',
            diagnostics:
              'a different notification of this birth is already held; nothing changed ' +
              `(kept for review as ${result.conflictId}); send an update to change it`,
          },
        ],
      });
    }
    return { nhsNumber: birth.nhsNumber, ...result };
  }

  /** Runs a change, answering refusals as FHIR OperationOutcomes like every other NEMS answer. */
  private async answer(
    nhsNumber: string,
    change: () => Promise<ChildEventResult>,
  ): Promise<{ nhsNumber: string } & ChildEventResult> {
    try {
      const { eventId, version, created } = await change();
      return { nhsNumber, eventId, version, created };
    } catch (error) {
      if (error instanceof HttpException) {
        const body = error.getResponse();
        const diagnostics =
          typeof body === 'object' && body !== null && 'problems' in body
            ? JSON.stringify(body.problems)
            : error.message;
        throw fhirError(error.getStatus(), {
          resourceType: 'OperationOutcome',
          issue: [
            {
              severity: 'error',
              code:
                error.getStatus() === 404
                  ? 'not-found'
                  : error.getStatus() === 409
                    ? 'conflict'
                    : 'invalid',
              diagnostics,
            },
          ],
        });
      }
      throw error;
    }
  }
}

function fhirError(status: HttpStatus, outcome: OperationOutcome): HttpException {
  return new HttpException(outcome, status);
}
