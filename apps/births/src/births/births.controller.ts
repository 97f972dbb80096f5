import {
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { BirthsService } from './births.service';
import { NotifyBirthDto } from './dto/notify-birth.dto';
import { NhsNumberPipe } from '@lib/platform';

@ApiTags('births')
@Controller('births')
export class BirthsController {
  constructor(private readonly births: BirthsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Notify a live birth (stored before the answer; published to births.child.v1)',
  })
  @ApiCreatedResponse({
    description: 'Stored; a re-send of the same notification answers 200 with the same eventId',
  })
  @ApiBadRequestResponse({ description: 'A field is missing or invalid; every problem is listed' })
  @ApiPayloadTooLargeResponse({ description: 'Body over the configured limit' })
  async notifyBirth(
    @Body() dto: NotifyBirthDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ nhsNumber: string; eventId: string; created: boolean }> {
    const result = await this.births.notifyBirth(dto, new Date());
    if (!result.created) res.status(200);
    res.location(`/births/${dto.nhsNumber}`);
    return { nhsNumber: dto.nhsNumber, ...result };
  }

  @Get(':nhsNumber')
  @ApiOperation({ summary: 'Read a birth notification by NHS number' })
  @ApiOkResponse({ description: 'The notification as stored' })
  async findBirth(@Param('nhsNumber', NhsNumberPipe) nhsNumber: string) {
    const birth = await this.births.findBirth(nhsNumber);
    if (!birth) throw new NotFoundException('no birth notified for that NHS number');
    return {
      nhsNumber: birth.nhsNumber,
      birthDate: birth.birthDate,
      postcode: birth.postcode,
      eventId: birth.eventId,
      receivedAt: birth.receivedAt,
      published: birth.publishedAt !== null,
    };
  }
}
