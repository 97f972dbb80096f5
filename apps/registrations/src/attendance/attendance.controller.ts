import { CurrentPrincipal, Roles, type Principal } from '@lib/auth';
import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CentreAccess } from '../access/centre-access';
import { actorOf } from '../access/actor';
import { CentreIdPipe } from '../families/family-params';
import { AttendanceService, type Session } from './attendance.service';
import { SessionRegisterDto } from './session.dto';

@ApiTags('attendance')
@ApiBearerAuth()
@Controller('centres/:centreId/sessions')
export class AttendanceController {
  constructor(
    private readonly attendance: AttendanceService,
    private readonly access: CentreAccess,
  ) {}

  @Post()
  @Roles('centre-staff', 'centre-manager')
  @HttpCode(201)
  @ApiOperation({
    summary: "Record a session's register: many children and carers at once",
    description:
      'Each child present is published as AttendanceRecorded on its key; each carer as ' +
      'CarerAttendanceRecorded on the family, with the relationship (fathers count as such).',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ description: 'The register: session id and who was marked present' })
  @ApiBadRequestResponse({ description: 'Every problem with its field and reason' })
  @ApiForbiddenResponse({
    description: "Not staff of that centre, or another centre's family (audited)",
  })
  async recordSession(
    @Param('centreId', CentreIdPipe) centreId: string,
    @Body() dto: SessionRegisterDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionView> {
    await this.access.assertServes(principal, centreId, req);
    const session = await this.attendance.recordSession(
      centreId,
      dto,
      actorOf(principal, req),
      (family) => this.access.assertServes(principal, family.centreId, req, family._id),
    );
    res.location(`/centres/${centreId}/sessions/${session._id}`);
    return sessionView(session);
  }
}

export interface SessionView {
  sessionId: string;
  activityId: string;
  date: string;
  counts: { children: number; carers: number; fathers: number };
  attendees: Session['attendees'];
}

function sessionView(session: Session): SessionView {
  const carers = session.attendees.filter((a) => a.carerId !== undefined);
  return {
    sessionId: session._id,
    activityId: session.activityId,
    date: session.date,
    counts: {
      children: session.attendees.length - carers.length,
      carers: carers.length,
      fathers: carers.filter((a) => a.relationship === 'father').length,
    },
    attendees: session.attendees,
  };
}
