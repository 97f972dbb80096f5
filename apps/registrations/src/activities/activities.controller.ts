import { CurrentPrincipal, Roles, type Principal } from '@lib/auth';
import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { CentreAccess } from '../access/centre-access';
import { actorOf } from '../access/actor';
import { CentreIdPipe } from '../families/family-params';
import { NewActivityDto, OUTREACH_TYPES, type Activity } from './activities';
import { ActivitiesService } from './activities.service';

interface ActivityView {
  activityId: string;
  name: string;
  category: string;
}

const view = (a: Activity): ActivityView => ({
  activityId: a._id,
  name: a.name,
  category: a.category,
});

@ApiTags('activities')
@ApiBearerAuth()
@Controller('centres/:centreId/activities')
export class ActivitiesController {
  constructor(
    private readonly activities: ActivitiesService,
    private readonly access: CentreAccess,
  ) {}

  @Get()
  @Roles('centre-staff', 'centre-manager')
  @ApiOperation({
    summary: "The centre's activities, and the outreach contact types (counted apart)",
  })
  @ApiOkResponse({ description: '{ activities, outreachTypes }' })
  @ApiForbiddenResponse({ description: 'Not staff of that centre (audited)' })
  async list(
    @Param('centreId', CentreIdPipe) centreId: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<{ activities: ActivityView[]; outreachTypes: readonly string[] }> {
    await this.access.assertServes(principal, centreId, req);
    return {
      activities: this.activities.ofCentre(centreId).map(view),
      outreachTypes: OUTREACH_TYPES,
    };
  }

  @Post()
  @Roles('centre-manager')
  @HttpCode(201)
  @ApiOperation({ summary: "Add an activity to the centre's catalogue (managers)" })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ description: 'The activity' })
  @ApiForbiddenResponse({ description: 'Not a manager of that centre (audited)' })
  async add(
    @Param('centreId', CentreIdPipe) centreId: string,
    @Body() dto: NewActivityDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<ActivityView> {
    await this.access.assertServes(principal, centreId, req);
    const activity = await this.activities.add(centreId, dto, actorOf(principal, req));
    return view(activity);
  }
}
