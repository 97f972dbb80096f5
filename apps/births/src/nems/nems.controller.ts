import { Roles } from '@lib/auth';
import { Body, Controller, Headers, HttpException, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { BirthsService } from '../births/births.service';
import { parseNemsMessage } from './nems-message';
import type { OperationOutcome } from './operation-outcome';

const XML_TYPES = ['application/fhir+xml', 'application/xml', 'text/xml'];

/**
 * NHS NEMS event messages (FHIR STU3), as NEMS sends them (XML) or as FHIR JSON. A birth
 * notification `new` becomes the same stored birth and event as the JSON API or an extract row
 * would give; `update` is a correction keyed by the message's bundle id. Deletes (retractions),
 * changes of address and deaths are parsed but not yet applied: they answer 501, so a sender
 * knows to retry them rather than believe them done.
 */
@ApiTags('births')
@ApiBearerAuth()
@Controller('births/nems')
export class NemsController {
  constructor(private readonly births: BirthsService) {}

  @Post()
  @Roles('births-feed')
  @ApiConsumes('application/fhir+xml', 'application/fhir+json', 'application/json')
  @ApiOperation({ summary: 'Receive a NEMS birth notification (FHIR STU3 message, XML or JSON)' })
  async receive(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
    const format = XML_TYPES.includes(type) ? 'xml' : 'json';
    const text = typeof body === 'string' ? body : JSON.stringify(body ?? null);
    const parsed = parseNemsMessage(text, format);
    if (!parsed.ok) throw fhirError(HttpStatus.BAD_REQUEST, parsed.outcome);
    const { envelope, birth, warnings } = parsed;
    if (!birth || envelope.messageType === 'delete') {
      throw fhirError(HttpStatus.NOT_IMPLEMENTED, {
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'error',
            code: 'not-supported',
            diagnostics: `${envelope.eventCode} ${envelope.messageType} is understood but not applied yet`,
          },
        ],
      });
    }
    const result =
      envelope.messageType === 'update'
        ? await this.births.correctBirth(birth, `nems:${envelope.bundleId}`, new Date())
        : await this.births.notifyBirth(birth, new Date());
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
    res.status(result.created ? HttpStatus.CREATED : HttpStatus.OK);
    return { nhsNumber: birth.nhsNumber, ...result, warnings };
  }
}

function fhirError(status: HttpStatus, outcome: OperationOutcome): HttpException {
  return new HttpException(outcome, status);
}
