import type { Principal } from '@lib/auth';
import { mapConcurrently } from '@lib/concurrency';
import {
  ImportLimits,
  ImportResources,
  type AcceptedRow,
  type ImportDoc,
  type RowError,
  type SinkOutcome,
  type UploadSource,
} from '@lib/imports';
import { ROOT_LOGGER } from '@lib/logging';
import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { ContactInput } from '../contacts/contact';
import { contactIdOf, ContactRefused, ContactsService } from '../contacts/contacts.service';
import { contactExtractSpec, rowProblemOf } from './contact-extract';

export const CONTACT_IMPORT_COLLECTIONS = {
  imports: 'contact_imports',
  errors: 'contact_import_errors',
} as const;

export const CONTACT_IMPORTS_PATH = '/contacts/imports';

/** Contacts recorded at once: the store answers a few concurrent requests faster than one. */
const CONCURRENT_CONTACTS = 8;

/** Limits of a contact extract import (a provider of its own, so that a test can lower them). */
@Injectable()
export class ContactImportLimits extends ImportLimits {}

/**
 * Imports of a health-visitor contact extract as a resource (the births extract machinery of
 * @lib/imports): each valid row is recorded through the contacts service exactly as the API
 * records one contact (channel `hv-extract`), so the same contact sent by API, topic or extract
 * is one contact. Rows of one contact in a batch are recorded in file order; different contacts
 * concurrently.
 */
@Injectable()
export class ContactImportsService {
  private readonly resources: ImportResources;

  constructor(
    @InjectConnection() connection: Connection,
    private readonly contacts: ContactsService,
    private readonly limits: ContactImportLimits,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.resources = new ImportResources(
      connection,
      {
        collections: CONTACT_IMPORT_COLLECTIONS,
        rowsAre: 'contacts',
        label: 'contact extract import',
      },
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
    principal: Principal & { org: string },
  ): Promise<ImportDoc> {
    const seenInFile = new Map<string, { row: number; content: string }>();
    return this.resources.run(
      upload,
      contactExtractSpec({ organisationCode: principal.org }),
      { accept: (rows) => this.recordRows(rows, seenInFile, new Date()) },
      { fileName, principal, batchSize: this.limits.batchSize },
    );
  }

  find(importId: string, principal: Principal): Promise<ImportDoc | null> {
    return this.resources.find(importId, principal);
  }

  rowErrors(doc: ImportDoc): AsyncGenerator<RowError> {
    return this.resources.rowErrors(doc);
  }

  /**
   * Records a batch: a row whose contact is held as it is counts as a duplicate; one the rules
   * refuse (future date, review impossible at the child's age, a cancelled contact) is refused
   * with its reasons. A contact on several rows of one file is taken once: the same content
   * again is a duplicate, different content is refused (which row is right is not known, and
   * applying both would amend the contact back and forth on every re-send). Anything else
   * failing (the store) fails the batch, and so the import.
   */
  private async recordRows(
    rows: AcceptedRow<ContactInput>[],
    seenInFile: Map<string, { row: number; content: string }>,
    receivedAt: Date,
  ): Promise<SinkOutcome> {
    const byContact = new Map<string, AcceptedRow<ContactInput>[]>();
    for (const row of rows) {
      const id = contactIdOf(row.value);
      const same = byContact.get(id);
      if (same) same.push(row);
      else byContact.set(id, [row]);
    }
    let duplicates = 0;
    const refused: RowError[] = [];
    const entries = [...byContact.entries()];
    await mapConcurrently(entries, CONCURRENT_CONTACTS, async ([contactId, sameContact]) => {
      for (const { rowNumber, value } of sameContact) {
        const content = contentOf(value);
        const earlier = seenInFile.get(contactId);
        if (earlier) {
          if (earlier.content === content) duplicates++;
          else
            refused.push({
              row: rowNumber,
              column: 'source_contact_id',
              reason: onTwoRows(earlier.row),
            });
          continue;
        }
        try {
          const result = await this.contacts.recordContact(value, 'hv-extract', receivedAt);
          seenInFile.set(contactId, { row: rowNumber, content });
          if (result.outcome === 'unchanged') duplicates++;
        } catch (error) {
          if (error instanceof ContactRefused) {
            for (const { field, reason } of error.problems) {
              refused.push({ row: rowNumber, ...rowProblemOf(field, reason) });
            }
          } else if (error instanceof ConflictException) {
            refused.push({
              row: rowNumber,
              column: 'source_contact_id',
              reason: 'this contact was cancelled by its source system; it is not amended again',
            });
          } else {
            throw error;
          }
        }
      }
    });
    refused.sort((a, b) => a.row - b.row);
    return { duplicates, refused };
  }
}

/** A digest of a row's content, to tell a repeated row from a different one with the same key. */
function contentOf(contact: ContactInput): string {
  const canonical = JSON.stringify(Object.entries(contact).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(canonical).digest('base64');
}

function onTwoRows(earlierRow: number): string {
  return (
    `the same contact (source_system, organisation_code, source_contact_id) is on row ` +
    `${earlierRow} with different content: one row per contact in an extract (an amendment ` +
    'goes in a later extract or through the API)'
  );
}
