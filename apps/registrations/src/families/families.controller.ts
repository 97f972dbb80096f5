import { CurrentPrincipal, Roles, type Principal } from '@lib/auth';
import {
  Body,
  Controller,
  Get,
  HttpCode,
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
import { CentreAccess } from '../access/centre-access';
import { CentreDirectory } from '../centres/centre-directory';
import { FamiliesService } from './families.service';
import { centreOfFamilyId, childKey, factsOn, type FamilyState } from './family';
import { RegisterFamilyDto } from './family.dto';
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
    const family = await this.families.register(centreId, dto, {
      subject: principal.subject,
      ...idempotencyKeyOf(req),
    });
    res.location(`/families/${family._id}`);
    return familyView(family);
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
    return familyView(family);
  }
}

export function idempotencyKeyOf(req: Request): { idempotencyKey?: string } {
  const key = req.headers['idempotency-key'];
  return typeof key === 'string' && key !== '' ? { idempotencyKey: key } : {};
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
export function familyView(family: FamilyState) {
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
      key: childKey(c),
      nhsNumber: c.nhsNumber ?? c.link?.nhsNumber ?? null,
      nhsNumberFrom: c.nhsNumber ? 'form' : c.link ? `${c.link.method}-link` : null,
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
