import { AuditedRead } from '@lib/audit';
import { CentreScope, CurrentCentreScope, Roles } from '@lib/auth';
import { NhsNumberPipe } from '@lib/platform';
import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ChildJourney, JourneyProjection } from './journey.projection';

@ApiTags('journeys')
@ApiBearerAuth()
@Controller('journeys')
export class JourneysController {
  constructor(private readonly journeys: JourneyProjection) {}

  @Get(':nhsNumber')
  @Roles('centre-staff', 'centre-manager')
  @AuditedRead({ resource: 'journey', subjectParam: 'nhsNumber' })
  @ApiOperation({ summary: "A child's joined journey across services, oldest first" })
  @ApiOkResponse({ description: 'The journey' })
  @ApiNotFoundResponse({ description: 'Nothing known about that child in your centres' })
  async findChildJourney(
    @Param('nhsNumber', NhsNumberPipe) nhsNumber: string,
    @CurrentCentreScope() scope: CentreScope,
  ): Promise<ChildJourney> {
    const journey = await this.journeys.findChildJourney(scope, nhsNumber);
    if (!journey) throw new NotFoundException('no journey for that NHS number');
    return journey;
  }
}
