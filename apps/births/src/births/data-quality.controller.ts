import { AuditedRead } from '@lib/audit';
import { CurrentPrincipal, type Principal, Roles } from '@lib/auth';
import { Controller, ForbiddenException, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataQualityService, UnplacedList } from './data-quality.service';
import { LaCodePipe } from './la-code.pipe';

@ApiTags('births')
@ApiBearerAuth()
@Controller('births/data-quality')
export class DataQualityController {
  constructor(private readonly dataQuality: DataQualityService) {}

  @Get(':la/unplaced')
  @Roles('la-analyst', 'admin')
  @AuditedRead({ resource: 'data-quality-list', subjectParam: 'la' })
  @ApiOperation({
    summary:
      "Children counted in the LA whose postcode places them in no centre's reach area " +
      '(unknown, ZZ99 pseudo-postcode, outside every area), with counts by reason',
  })
  @ApiOkResponse({ description: 'Counts by reason and the list, current versions only' })
  async unplaced(
    @Param('la', LaCodePipe) la: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UnplacedList> {
    // An LA analyst sees their own LA's list; an admin any.
    if (!principal.roles.includes('admin') && principal.la !== la) {
      throw new ForbiddenException(`this list is for analysts of ${la}`);
    }
    return this.dataQuality.unplacedChildren(la);
  }
}
