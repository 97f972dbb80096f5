import { CurrentPrincipal, type Principal, Roles } from '@lib/auth';
import { problemsException } from '@lib/platform';
import { Body, Controller, ForbiddenException, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { parseContact, type ContactKey } from './contact';
import { ContactRefused, ContactsService, type ContactResult } from './contacts.service';

/**
 * The JSON API for health-visitor record systems (role `hv-system`): they write and amend their
 * own organisation's contacts and read nothing back.
 */
@ApiTags('contacts')
@ApiBearerAuth()
@Controller('contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Post()
  @Roles('hv-system')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Record a contact, or amend it: the idempotency key is (sourceSystem, organisationCode, ' +
      'sourceContactId), the same on the inbound topic and in extracts',
  })
  @ApiBody({
    description: 'A contact (see contracts/schemas/health-visits/ContactRecorded.v1.json)',
  })
  @ApiCreatedResponse({ description: 'Recorded (first time this key is seen): ContactRecorded' })
  @ApiOkResponse({ description: 'Amended (ContactAmended) or unchanged (same content: no event)' })
  @ApiBadRequestResponse({ description: 'Every problem with its field and reason' })
  @ApiForbiddenResponse({ description: "Another organisation's contact" })
  @ApiConflictResponse({ description: 'The contact was cancelled' })
  async recordContact(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ContactResult> {
    const parsed = parseContact(body);
    if (parsed.problems) throw problemsException(parsed.problems);
    assertOwnOrganisation(principal, parsed.contact);
    try {
      const result = await this.contacts.recordContact(parsed.contact, 'hv-api', new Date());
      if (result.outcome === 'recorded') res.status(201);
      return result;
    } catch (error) {
      if (error instanceof ContactRefused) throw problemsException(error.problems);
      throw error;
    }
  }

  @Post('cancellation')
  @Roles('hv-system')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a contact sent in error (ContactCancelled); again: no change' })
  @ApiOkResponse({ description: 'Cancelled, or already cancelled (outcome unchanged)' })
  @ApiNotFoundResponse({ description: 'No such contact' })
  async cancelContact(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ContactResult> {
    const key = parseKey(body);
    assertOwnOrganisation(principal, key);
    return this.contacts.cancelContact(key, 'hv-api', new Date());
  }
}

function assertOwnOrganisation(principal: Principal, key: ContactKey): void {
  if (principal.org === undefined || principal.org !== key.organisationCode) {
    throw new ForbiddenException({
      statusCode: 403,
      error: 'Forbidden',
      message: `an hv-system token writes only its own organisation's contacts (token organisation: ${principal.org ?? 'none'})`,
    });
  }
}

/** The idempotency key of a cancellation body: the three fields, nothing else. */
function parseKey(body: unknown): ContactKey {
  const fields = ['sourceSystem', 'organisationCode', 'sourceContactId'] as const;
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const problems = [
    ...Object.keys(input)
      .filter((k) => !(fields as readonly string[]).includes(k))
      .map((field) => ({ field, reason: `${field} is not a field of a cancellation` })),
    ...fields
      .filter((f) => typeof input[f] !== 'string' || input[f] === '')
      .map((field) => ({ field, reason: `${field} is required (a string)` })),
  ];
  if (problems.length > 0) throw problemsException(problems);
  return {
    sourceSystem: input.sourceSystem as string,
    organisationCode: input.organisationCode as string,
    sourceContactId: input.sourceContactId as string,
  };
}
