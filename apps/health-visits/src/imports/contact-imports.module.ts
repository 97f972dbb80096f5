import { raiseRequestTimeoutForUploads } from '@lib/imports';
import { ROOT_LOGGER } from '@lib/logging';
import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Logger } from 'pino';
import { ContactsModule } from '../contacts/contacts.module';
import { ContactImportsController } from './contact-imports.controller';
import { ContactImportLimits, ContactImportsService } from './contact-imports.service';

/**
 * Imports of HV contact extracts (CSV) as a resource: `POST /contacts/imports` and its reads.
 * Rows are recorded through ContactsModule's ContactsService, as `POST /contacts` records one.
 */
@Module({
  imports: [ContactsModule],
  controllers: [ContactImportsController],
  providers: [ContactImportsService, ContactImportLimits],
})
export class ContactImportsModule implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly limits: ContactImportLimits,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** Extract uploads arrive as fast as they are imported: longer than Node's request timeout. */
  onApplicationBootstrap(): void {
    raiseRequestTimeoutForUploads(this.adapterHost, this.limits, this.logger);
  }
}
