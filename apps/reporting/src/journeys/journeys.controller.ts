import { NhsNumberPipe } from '@lib/platform';
import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChildJourney, JourneyProjection } from './journey.projection';

@ApiTags('journeys')
@Controller('journeys')
export class JourneysController {
  constructor(private readonly journeys: JourneyProjection) {}

  @Get(':nhsNumber')
  @ApiOperation({ summary: "A child's joined journey across services, oldest first" })
  @ApiOkResponse({ description: 'The journey' })
  @ApiNotFoundResponse({ description: 'Nothing known about that child' })
  async findChildJourney(
    @Param('nhsNumber', NhsNumberPipe) nhsNumber: string,
  ): Promise<ChildJourney> {
    const journey = await this.journeys.findChildJourney(nhsNumber);
    if (!journey) throw new NotFoundException('no journey for that NHS number');
    return journey;
  }
}
