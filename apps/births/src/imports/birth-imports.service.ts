import type { Principal } from '@lib/auth';
import {
  ImportLimits,
  ImportResources,
  type ImportDoc,
  type RowError,
  type UploadSource,
} from '@lib/imports';
import { ROOT_LOGGER } from '@lib/logging';
import { ukToday } from '@lib/platform';
import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { BirthsService, submitterOf } from '../births/births.service';
import { BIRTH_IMPORT_COLLECTIONS } from './birth-import';
import { liveBirthExtractSpec } from './live-birth-extract';

/** Limits of a live-birth extract import (a provider of its own, so that a test can lower them). */
@Injectable()
export class BirthImportLimits extends ImportLimits {}

/**
 * Imports of an LA's live-birth extract as a resource: each batch of valid rows is notified
 * through the births service (stored with its BirthNotified event, published by the outbox
 * relay) as `POST /births` notifies one birth.
 */
@Injectable()
export class BirthImportsService {
  private readonly resources: ImportResources;

  constructor(
    @InjectConnection() connection: Connection,
    private readonly births: BirthsService,
    private readonly limits: BirthImportLimits,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.resources = new ImportResources(
      connection,
      { collections: BIRTH_IMPORT_COLLECTIONS, rowsAre: 'births', label: 'birth extract import' },
      logger,
    );
  }

  get maxBytes(): number {
    return this.limits.maxBytes;
  }

  /** Reads the upload to its end (or its limit); answers the finished import. */
  async importExtract(
    upload: UploadSource,
    fileName: string | null,
    principal: Principal,
  ): Promise<ImportDoc> {
    const submitter = submitterOf(principal);
    return this.resources.run(
      upload,
      liveBirthExtractSpec({ today: ukToday() }),
      {
        accept: (rows) =>
          this.births.notifyBirths(
            rows.map(({ rowNumber, value }) => ({ rowNumber, input: value })),
            new Date(),
            submitter,
          ),
      },
      { fileName, principal, batchSize: this.limits.batchSize },
    );
  }

  find(importId: string, principal: Principal): Promise<ImportDoc | null> {
    return this.resources.find(importId, principal);
  }

  rowErrors(doc: ImportDoc): AsyncGenerator<RowError> {
    return this.resources.rowErrors(doc);
  }
}
