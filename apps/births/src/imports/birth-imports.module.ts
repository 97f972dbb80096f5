import { raiseRequestTimeoutForUploads } from '@lib/imports';
import { ROOT_LOGGER } from '@lib/logging';
import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Logger } from 'pino';
import { BirthsModule } from '../births/births.module';
import { BirthImportsController } from './birth-imports.controller';
import { BirthImportLimits, BirthImportsService } from './birth-imports.service';

/**
 * Imports of LA live-birth extracts (CSV) as a resource: `POST /births/imports` and its reads.
 * Rows are notified through BirthsModule's BirthsService, as `POST /births` notifies one birth.
 */
@Module({
  imports: [BirthsModule],
  controllers: [BirthImportsController],
  providers: [BirthImportsService, BirthImportLimits],
})
export class BirthImportsModule implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly limits: BirthImportLimits,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** Extract uploads arrive as fast as they are imported: longer than Node's request timeout. */
  onApplicationBootstrap(): void {
    raiseRequestTimeoutForUploads(this.adapterHost, this.limits, this.logger);
  }
}
