import { CurrentPrincipal, Roles, type Principal } from '@lib/auth';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Req,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { CentreAccess } from '../access/centre-access';
import { FamiliesService } from '../families/families.service';
import { centreOfFamilyId } from '../families/family';
import { CentreIdPipe, ChildIdPipe, FamilyIdPipe } from '../families/family-params';
import { ReviewDecisionDto, UnlinkDto } from './linking.dto';
import { LinkingService, type ChildMatchOutcome } from './linking.service';

/**
 * The review queue of uncertain matches (managers decide) and undoing a link. Candidates are
 * births known to health: shown to the centre's managers only, for children registered at their
 * centre, never under a sharing objection, and every showing is audited.
 */
@ApiTags('matching')
@ApiBearerAuth()
@Controller()
export class LinkingController {
  constructor(
    private readonly linking: LinkingService,
    private readonly families: FamiliesService,
    private readonly access: CentreAccess,
  ) {}

  @Get('centres/:centreId/match-reviews')
  @Roles('centre-manager')
  @ApiOperation({
    summary: "The centre's review queue: children with uncertain matches, candidates",
  })
  @ApiHeader({ name: 'x-purpose', required: true })
  @ApiOkResponse({ description: 'Open reviews, oldest first, each with its scored candidates' })
  @ApiForbiddenResponse({ description: 'Not a manager of that centre (audited)' })
  async reviews(
    @Param('centreId', CentreIdPipe) centreId: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<ReviewView[]> {
    await this.access.assertServes(principal, centreId, req);
    this.access.purposeOf(req);
    const views: ReviewView[] = [];
    for (const review of this.linking.reviewsOf(centreId)) {
      const family = this.families.get(review.familyId);
      const child = family?.children.find((c) => c.childId === review._id);
      if (!child) continue;
      const births = new Map(
        (await this.linking.candidatesOf(review)).map((b) => [b.nhsNumber, b]),
      );
      views.push({
        childId: review._id,
        familyId: review.familyId,
        child: {
          givenName: child.givenName,
          familyName: child.familyName,
          birthDate: child.birthDate,
        },
        reasons: review.reasons,
        // A candidate no longer offered (an objection since, a retraction) drops out of the list.
        candidates: review.candidates
          .filter((c) => births.has(c.nhsNumber))
          .map((c) => ({ ...c, birth: births.get(c.nhsNumber)! })),
      });
    }
    await this.access.recordRead(
      principal,
      req,
      views.flatMap((v) => [v.familyId, ...v.candidates.map((c) => c.nhsNumber)]),
    );
    return views;
  }

  @Post('centres/:centreId/match-reviews/:childId/decision')
  @Roles('centre-manager')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decide a review: link the child to a candidate, or to none' })
  @ApiOkResponse({ description: '{ outcome: linked | unmatched }' })
  @ApiNotFoundResponse({ description: 'No open review for that child at that centre' })
  @ApiConflictResponse({ description: 'Not a candidate of the review' })
  async decide(
    @Param('centreId', CentreIdPipe) centreId: string,
    @Param('childId', ChildIdPipe) childId: string,
    @Body() dto: ReviewDecisionDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<{ outcome: ChildMatchOutcome }> {
    await this.access.assertServes(principal, centreId, req);
    const review = this.linking.review(childId);
    if (!review || review.centreId !== centreId) {
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: 'no open review for that child',
      });
    }
    return { outcome: await this.linking.decide(childId, dto.nhsNumber, principal.subject) };
  }

  @Post('families/:familyId/children/:childId/unlink')
  @Roles('centre-manager')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Undo a child's link to an NHS number (ChildUnlinked); that number is not offered again",
  })
  @ApiOkResponse({ description: '{ unlinked: true }' })
  @ApiConflictResponse({ description: 'The child is not linked (or its number came on the form)' })
  async unlink(
    @Param('familyId', FamilyIdPipe) familyId: string,
    @Param('childId', ChildIdPipe) childId: string,
    @Body() dto: UnlinkDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<{ unlinked: true }> {
    await this.access.assertServes(principal, centreOfFamilyId(familyId)!, req, familyId);
    if (!this.families.get(familyId)) {
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: 'no such family',
      });
    }
    await this.linking.unlink(familyId, childId, dto.reason, principal.subject);
    return { unlinked: true };
  }
}

interface ReviewView {
  childId: string;
  familyId: string;
  child: { givenName: string; familyName: string; birthDate: string };
  reasons: string[];
  candidates: { nhsNumber: string; score: number; birth: object }[];
}
