import { AuditedRead } from '@lib/audit';
import { CurrentPrincipal, Principal, Roles } from '@lib/auth';
import { ServiceConfig } from '@lib/config';
import { Controller, ForbiddenException, Get, Header, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { answerFigureRequest, wholeNumberParam } from '../figures/figure-request';
import { FiguresService } from '../figures/figures.service';
import { ReportingConfig } from '../reporting.config';
import { outreachWorklist, WorklistEntry } from './outreach-worklist';
import { WorklistIdentities } from './worklist-identities';

export interface OutreachWorklist {
  centreId: string;
  asOf: string;
  afterDays: number;
  boundaryVersion: string;
  count: number;
  children: WorklistEntry[];
}

@ApiTags('worklists')
@ApiBearerAuth()
@Controller('worklists')
export class WorklistController {
  constructor(
    private readonly figures: FiguresService,
    private readonly identities: WorklistIdentities,
    private readonly config: ServiceConfig,
  ) {}

  @Get('outreach/:centreId')
  @Roles('centre-staff', 'centre-manager')
  @AuditedRead({ resource: 'worklist', subjectParam: 'centreId' })
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary:
      'Children in the centre’s reach area, born or moved in, that no centre has registered or ' +
      'contacted after the given days; oldest first. Never objected, sensitive or died.',
  })
  @ApiQuery({ name: 'afterDays', required: false, example: 14 })
  outreach(
    @CurrentPrincipal() principal: Principal,
    @Param('centreId') centreId: string,
    @Query('afterDays') afterDaysParam?: string,
  ): Promise<OutreachWorklist> {
    if (!principal.centres.includes(centreId)) {
      throw new ForbiddenException(`centre ${centreId}: not one of your centres`);
    }
    const afterDays = wholeNumberParam(
      'afterDays',
      afterDaysParam,
      (this.config as ReportingConfig).WORKLIST_AFTER_DAYS,
      1826,
    );
    return answerFigureRequest(this.figures, undefined, (map, asOf) => {
      map.resolve(`centre:${centreId}`);
      const children = outreachWorklist(
        this.figures.calculator.children(),
        (p) => this.identities.nhsNumberOf(p),
        map,
        centreId,
        asOf,
        afterDays,
      );
      return {
        centreId,
        asOf,
        afterDays,
        boundaryVersion: map.version.versionId,
        count: children.length,
        children,
      };
    });
  }
}
