import { ROOT_LOGGER } from '@lib/logging';
import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
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

  /**
   * An extract upload arrives as fast as it is imported: the births app's HTTP server gets a
   * request timeout long enough for the largest one (Node's default of 5 minutes would answer
   * 408 mid-import). The header timeout (60 s) and the JSON body limit are unchanged.
   */
  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    const wanted = this.limits.uploadTimeoutMs;
    if (!server || server.requestTimeout === 0 || server.requestTimeout >= wanted) return;
    this.logger.info(
      { requestTimeoutMs: wanted, was: server.requestTimeout },
      'HTTP request timeout raised for extract uploads',
    );
    server.requestTimeout = wanted;
  }
}
