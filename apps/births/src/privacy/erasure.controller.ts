import { Roles } from '@lib/auth';
import { ERASURE_REASONS, type ErasureReason } from '@lib/contracts';
import { SubjectErasure } from '@lib/personal-data';
import { NhsNumberPipe } from '@lib/platform';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn } from 'class-validator';

export class EraseSubjectDto {
  @ApiProperty({ enum: ERASURE_REASONS, example: 'erasure_request' })
  @IsIn(ERASURE_REASONS, { message: `reason must be one of ${ERASURE_REASONS.join(', ')}` })
  reason!: ErasureReason;
}

/**
 * Erasure of a child's identifying details everywhere: the subject's key is deleted (so every
 * encrypted copy, in stores, topics and dead letters, becomes unreadable) and SubjectErased is
 * published so projections drop what they opened. Facts stay and keep counting.
 */
@ApiTags('privacy')
@ApiBearerAuth()
@Controller('subjects')
export class ErasureController {
  constructor(private readonly erasure: SubjectErasure) {}

  @Post(':nhsNumber/erasure')
  @Roles('admin')
  @HttpCode(202)
  @ApiOperation({ summary: "Erase a child's identifying details everywhere (idempotent)" })
  @ApiAcceptedResponse({ description: 'Key deleted and SubjectErased published' })
  async erase(@Param('nhsNumber', NhsNumberPipe) nhsNumber: string, @Body() dto: EraseSubjectDto) {
    const result = await this.erasure.erase(nhsNumber, dto.reason);
    return {
      subjectKeyId: result.subjectKeyId,
      erasedAt: result.erasedAt,
      reason: result.reason,
      eventId: result.eventId,
      alreadyErased: result.alreadyErased,
    };
  }
}
