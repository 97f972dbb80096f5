import { CurrentPrincipal, Roles, type Principal } from '@lib/auth';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { actorOf } from '../access/actor';
import { CentreAccess } from '../access/centre-access';
import { CentreDirectory } from '../centres/centre-directory';
import { LinkingService } from '../linking/linking.service';
import { ROOT_LOGGER } from '@lib/logging';
import type { Logger } from 'pino';
import { FamiliesService } from './families.service';
import { centreOfFamilyId, childKey, factsOn, type FamilyState } from './family';
import { FamilyChangeDto, OutreachDto, RegisterFamilyDto, WithdrawalDto } from './family.dto';
import {
  assertSomeCriterion,
  CentreIdPipe,
  FamilyIdPipe,
  SearchFamiliesQuery,
} from './family-params';
import { ukToday } from '@lib/platform';

const DESK = ['centre-staff', 'centre-manager'] as const;

@ApiTags('families')
@ApiBearerAuth()
@Controller()
export class FamiliesController {
  constructor(
    private readonly families: FamiliesService,
    private readonly access: CentreAccess,
    private readonly centres: CentreDirectory,
    private readonly linking: LinkingService,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  @Post('centres/:centreId/families')
  @Roles(...DESK)
  @HttpCode(201)
  @ApiOperation({
    summary: 'Register a family at a centre: carers, children, address, consent',
    description:
      'Publishes FamilyRegistered (key `family:<familyId>`) and a ChildRegistered per child ' +
      '(key: the NHS number when given, else `local:<childId>`). Send an `Idempotency-Key` ' +
      'header: a retried request registers nothing new.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ description: 'The family as registered, with its family id' })
  @ApiBadRequestResponse({ description: 'Every problem with its field and reason' })
  @ApiForbiddenResponse({ description: 'Not staff of that centre (audited)' })
  @ApiNotFoundResponse({ description: 'No such centre in the geography' })
  async register(
    @Param('centreId', CentreIdPipe) centreId: string,
    @Body() dto: RegisterFamilyDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<FamilyView> {
    await this.access.assertServes(principal, centreId, req);
    if (!this.centres.centre(centreId)) {
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: `no centre ${centreId} in the geography (boundaries) loaded so far`,
      });
    }
    const registered = await this.families.register(centreId, dto, actorOf(principal, req));
    // The registration stands whatever the match does: a failed match stays pending (retried).
    await this.linking.matchFamily(registered._id).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'matching a registration failed; its children stay pending');
    });
    res.location(`/families/${registered._id}`);
    return this.view(this.families.get(registered._id) ?? registered);
  }

  @Get('centres/:centreId/families')
  @Roles(...DESK)
  @ApiOperation({
    summary: "Search the centre's families by surname, postcode, family id or address (paged)",
    description:
      'At least one criterion; all given must match. Needs an `x-purpose` header; every family ' +
      'listed is recorded in the audit trail.',
  })
  @ApiHeader({ name: 'x-purpose', required: true })
  @ApiOkResponse({ description: '{ items, page, pageSize, total }' })
  @ApiBadRequestResponse({ description: 'No criterion, a bad parameter, or an operator' })
  @ApiForbiddenResponse({ description: 'Not staff of that centre (audited)' })
  async search(
    @Param('centreId', CentreIdPipe) centreId: string,
    @Query() query: SearchFamiliesQuery,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<FamilySearchPage> {
    await this.access.assertServes(principal, centreId, req);
    assertSomeCriterion(query);
    this.access.purposeOf(req);
    const all = this.families.search(centreId, query);
    const start = (query.page - 1) * query.pageSize;
    const page = all.slice(start, start + query.pageSize);
    await this.access.recordRead(
      principal,
      req,
      page.map((f) => f._id),
    );
    return {
      items: page.map(familySummary),
      page: query.page,
      pageSize: query.pageSize,
      total: all.length,
    };
  }

  @Get('families/:familyId')
  @Roles(...DESK)
  @ApiOperation({ summary: 'A family of your centre, as registered and as it is today' })
  @ApiHeader({ name: 'x-purpose', required: true })
  @ApiOkResponse({ description: 'The family' })
  @ApiForbiddenResponse({ description: "Another centre's family (audited)" })
  @ApiNotFoundResponse({ description: 'No such family' })
  async find(
    @Param('familyId', FamilyIdPipe) familyId: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<FamilyView> {
    await this.access.assertServes(principal, centreOfFamilyId(familyId)!, req, familyId);
    this.access.purposeOf(req);
    const family = this.families.get(familyId);
    if (!family) {
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: 'no such family',
      });
    }
    await this.access.recordRead(principal, req, [familyId]);
    return this.view(family);
  }

  @Post('families/:familyId/changes')
  @Roles(...DESK)
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record facts that changed (lone parent, employment, address) from a date',
    description:
      'Effective-dated, never overwriting: figures for a past period use what was true then. ' +
      'Publishes FamilyDetailsChanged.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ description: 'The family, as it is today' })
  @ApiForbiddenResponse({ description: "Another centre's family (audited)" })
  async recordChange(
    @Param('familyId', FamilyIdPipe) familyId: string,
    @Body() dto: FamilyChangeDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<FamilyView> {
    await this.assertFamily(principal, familyId, req);
    const family = await this.families.recordChange(familyId, dto, actorOf(principal, req));
    return this.view(family);
  }

  @Post('families/:familyId/outreach')
  @Roles(...DESK)
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record an outreach contact: new-birth, move-in or support visit (counted apart)',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ description: '{ outreachId }' })
  @ApiForbiddenResponse({ description: "Another centre's family (audited)" })
  async recordOutreach(
    @Param('familyId', FamilyIdPipe) familyId: string,
    @Body() dto: OutreachDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<{ outreachId: string }> {
    await this.assertFamily(principal, familyId, req);
    return this.families.recordOutreach(familyId, dto, actorOf(principal, req));
  }

  @Post('families/:familyId/withdrawal')
  @Roles(...DESK)
  @HttpCode(200)
  @ApiOperation({
    summary: 'The family leaves, or asks for its details to be removed',
    description:
      "Publishes RegistrationWithdrawn and each child's ChildRegistrationWithdrawn; the family " +
      'is no longer listed or recorded against. Deletion everywhere follows from these events.',
  })
  @ApiOkResponse({ description: 'The family, withdrawn' })
  async withdraw(
    @Param('familyId', FamilyIdPipe) familyId: string,
    @Body() dto: WithdrawalDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<FamilyView> {
    await this.assertFamily(principal, familyId, req);
    return this.view(await this.families.withdraw(familyId, dto, actorOf(principal, req)));
  }

  /** The caller serves the family's centre (403, audited) and the family exists (404). */
  private async assertFamily(principal: Principal, familyId: string, req: Request): Promise<void> {
    await this.access.assertServes(principal, centreOfFamilyId(familyId)!, req, familyId);
    if (!this.families.get(familyId)) {
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: 'no such family',
      });
    }
  }

  /** The family for the desk, without NHS numbers health gave for children now under objection. */
  private async view(family: FamilyState): Promise<FamilyView> {
    return familyView(family, await this.linking.withheldLinks(family));
  }
}

export interface FamilySummary {
  familyId: string;
  carers: { givenName: string; familyName: string }[];
  children: { givenName: string; familyName: string; birthDate: string }[];
  addressLine1: string;
  postcode: string;
}

export interface FamilySearchPage {
  items: FamilySummary[];
  page: number;
  pageSize: number;
  total: number;
}

function familySummary(family: FamilyState): FamilySummary {
  const { address } = factsOn(family, ukToday());
  return {
    familyId: family._id,
    carers: family.carers.map(({ givenName, familyName }) => ({ givenName, familyName })),
    children: family.children.map(({ givenName, familyName, birthDate }) => ({
      givenName,
      familyName,
      birthDate,
    })),
    addressLine1: address.line1,
    postcode: address.postcode,
  };
}

export type FamilyView = ReturnType<typeof familyView>;

/** The family for the desk: what was given, today's facts, and each child's key and NHS number. */
export function familyView(family: FamilyState, withheld: ReadonlySet<string> = new Set()) {
  const today = factsOn(family, ukToday());
  return {
    familyId: family._id,
    centreId: family.centreId,
    registeredOn: family.registeredOn,
    heardVia: family.heardVia,
    loneParent: today.loneParent,
    address: today.address,
    carers: family.carers.map((c) => ({
      ...c,
      employmentStatus: today.employment.get(c.carerId) ?? c.employmentStatus,
    })),
    children: family.children.map((c) => ({
      childId: c.childId,
      ...(withheld.has(c.childId)
        ? // Linked from health, now under a sharing objection: nothing from health is shown.
          { key: null, nhsNumber: null, nhsNumberFrom: 'withheld' }
        : {
            key: childKey(c),
            nhsNumber: c.nhsNumber ?? c.link?.nhsNumber ?? null,
            nhsNumberFrom: c.nhsNumber ? 'form' : c.link ? `${c.link.method}-link` : null,
          }),
      // Finding the NHS number of a child registered without one.
      ...(c.match ? { match: c.match } : {}),
      givenName: c.givenName,
      familyName: c.familyName,
      birthDate: c.birthDate,
      ...(c.sex ? { sex: c.sex } : {}),
      ...(c.ethnicCategory ? { ethnicCategory: c.ethnicCategory } : {}),
      disabilityOrSen: c.disabilityOrSen,
    })),
    changes: family.changes.map(({ changeId, effectiveDate, loneParent, carers, address }) => ({
      changeId,
      effectiveDate,
      ...(loneParent ? { loneParent } : {}),
      ...(carers ? { carers } : {}),
      ...(address ? { address } : {}),
    })),
    ...(family.withdrawal
      ? {
          withdrawal: {
            effectiveDate: family.withdrawal.effectiveDate,
            reason: family.withdrawal.reason,
          },
        }
      : {}),
  };
}
