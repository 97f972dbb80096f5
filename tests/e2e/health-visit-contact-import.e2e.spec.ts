import type { ImportDoc } from '@lib/imports';
import { NhsNumberGenerator } from '@lib/nhs-number';
import { getConnectionToken } from '@nestjs/mongoose';
import { parse } from 'csv-parse/sync';
import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { BirthsAppModule } from '../../apps/births/src/births-app.module';
import { KnownBirths } from '../../apps/health-visits/src/contacts/known-births';
import { HealthVisitsAppModule } from '../../apps/health-visits/src/health-visits-app.module';
import {
  CONTACT_EXTRACT_COLUMNS,
  type ContactExtractColumn,
} from '../../apps/health-visits/src/imports/contact-extract';
import { ContactImportLimits } from '../../apps/health-visits/src/imports/contact-imports.service';
import { readTopicToEnd } from '../../scripts/support/read-topic';
import { tokenFor } from '../support/given';
import { eventually, startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(180_000);

const TOPIC = 'health-visits.contact.v1';
const brokers = (): string[] => (process.env.KAFKA_BROKERS ?? '').split(',');
/** New contacts generated for the file (then the hand-written rows below). */
const NEW_CONTACTS = 240;
const TYPES = ['new_birth_visit', 'review_6_8_week', 'review_12_month', 'other', 'antenatal'];

type Row = Partial<Record<ContactExtractColumn, string>>;

interface ImportBody {
  importId: string;
  status: string;
  fileName: string | null;
  counts: { rowsRead: number; accepted: number; duplicates: number; rejected: number };
  errorCount: number;
  fileError?: string;
  uploadedBy: { subject: string; org: string | null };
  links: { self: string; rejectedRows: string };
}

interface PublishedContact {
  type: string;
  key: string;
  sourceContactId: string;
  channel: string;
  feedingStatus?: string;
}

// A health-visitor system's monthly contact extract, imported through the import machinery
// shared with births: counts, progress, row-level errors, the same idempotency key as the API
// (one contact however it arrives), and a safe re-send. Real Kafka and the store.
describe('health-visits: importing a contact extract (POST /contacts/imports)', () => {
  const nhsNumbers = new NhsNumberGenerator('test', 5150);
  let hv: TestApp;
  let births: TestApp;
  let system: string;
  let limits: ContactImportLimits;

  beforeAll(async () => {
    hv = await startTestApp(HealthVisitsAppModule, 'health-visits');
    births = await startTestApp(BirthsAppModule, 'births');
    system = await tokenFor('hv-system', { org: 'RYX' });
    limits = hv.app.get(ContactImportLimits);
    limits.batchSize = 40; // several progress updates to observe
  });

  afterAll(async () => {
    await hv?.close();
    await births?.close();
  });

  const server = () => hv.app.getHttpServer();
  const store = () => hv.app.get<Connection>(getConnectionToken());
  const postCsv = (body: string, token = system, query = '') =>
    request(server())
      .post(`/contacts/imports${query}`)
      .auth(token, { type: 'bearer' })
      .set('content-type', 'text/csv')
      .send(body);
  const getImport = (id: string, token = system) =>
    request(server()).get(`/contacts/imports/${id}`).auth(token, { type: 'bearer' });

  function aRow(extra: Row = {}): Row {
    return {
      source_system: 'hv-records-east',
      organisation_code: 'RYX',
      source_contact_id: `X-${randomUUID()}`,
      nhs_number: nhsNumbers.next(),
      contact_type: 'new_birth_visit',
      contact_date: '2026-05-02',
      location: 'home',
      outcome: 'completed',
      feeding_status: 'totally_breastfed',
      ...extra,
    };
  }

  const toApi = (row: Row) => ({
    sourceSystem: row.source_system,
    organisationCode: row.organisation_code,
    sourceContactId: row.source_contact_id,
    nhsNumber: row.nhs_number,
    contactType: row.contact_type,
    contactDate: row.contact_date,
    location: row.location,
    outcome: row.outcome,
    ...(row.feeding_status ? { feedingStatus: row.feeding_status } : {}),
  });

  const csvOf = (rows: Row[]): string =>
    [
      CONTACT_EXTRACT_COLUMNS.join(','),
      ...rows.map((r) => CONTACT_EXTRACT_COLUMNS.map((c) => r[c] ?? '').join(',')),
    ].join('\n') + '\n';

  /** The contacts the upload published (by its correlation id), read to the topic's end. */
  async function publishedBy(correlationId: string): Promise<PublishedContact[]> {
    const found: PublishedContact[] = [];
    await readTopicToEnd(brokers(), TOPIC, (m) => {
      if (m.correlationId !== correlationId || !m.type?.startsWith('Contact')) return;
      const event = JSON.parse(m.message.value!.toString()) as {
        data: { facts: { sourceContactId: string; channel: string; feedingStatus?: string } };
      };
      const { sourceContactId, channel, feedingStatus } = event.data.facts;
      found.push({ type: m.type, key: m.key!, sourceContactId, channel, feedingStatus });
    });
    return found;
  }

  describe('a month of contacts with bad rows, repeats, an amendment and contacts already held', () => {
    const fresh: Row[] = [];
    let knownChild: string;
    let viaApi: Row;
    let cancelled: Row;
    let amendedFirst: Row;
    let amendedAgain: Row;
    let file: string;
    /** The spreadsheet row number (header = 1) of each hand-written row, by name. */
    const at: Record<string, number> = {};
    let first: ImportBody;
    const correlation = randomUUID();

    beforeAll(async () => {
      // A birth known to health-visits: a review impossible at its age is refused.
      knownChild = nhsNumbers.next();
      const feed = await tokenFor('births-feed', { org: 'RX1' });
      await request(births.app.getHttpServer())
        .post('/births')
        .auth(feed, { type: 'bearer' })
        .send({ nhsNumber: knownChild, birthDate: '2026-02-10', postcode: 'QN1 1AA' })
        .expect(201);
      await eventually(() => hv.app.get(KnownBirths).birthDateOf(knownChild), 60_000);

      // Held already: one sent through the API with the same content, one cancelled there.
      viaApi = aRow({ feeding_status: 'partially_breastfed' });
      await request(server())
        .post('/contacts')
        .auth(system, { type: 'bearer' })
        .send(toApi(viaApi))
        .expect(201);
      cancelled = aRow();
      await request(server())
        .post('/contacts')
        .auth(system, { type: 'bearer' })
        .send(toApi(cancelled))
        .expect(201);
      await request(server())
        .post('/contacts/cancellation')
        .auth(system, { type: 'bearer' })
        .send({
          sourceSystem: cancelled.source_system,
          organisationCode: cancelled.organisation_code,
          sourceContactId: cancelled.source_contact_id,
        })
        .expect(200);

      for (let i = 0; i < NEW_CONTACTS; i++) {
        const type = TYPES[i % TYPES.length];
        fresh.push(
          aRow({
            contact_type: type,
            contact_date: `2026-0${1 + (i % 5)}-${String(1 + (i % 27)).padStart(2, '0')}`,
            location: i % 3 === 0 ? 'clinic' : 'home',
            // Feeding status only where the review has one; some rows leave the organisation to
            // the uploader's.
            feeding_status:
              type === 'new_birth_visit' || type === 'review_6_8_week' ? 'unknown' : '',
            organisation_code: i % 10 === 0 ? '' : 'RYX',
            maternal_smoking: i % 4 === 0 ? 'smoker' : '',
            referred_to_centre: i % 7 === 0 ? 'Y' : '',
          }),
        );
      }
      amendedFirst = aRow({ feeding_status: 'totally_breastfed' });
      amendedAgain = { ...amendedFirst, feeding_status: 'not_breastfed' };
      const named: [string, Row][] = [
        ['viaApi', viaApi],
        ['amendedFirst', amendedFirst],
        ['badNhs', aRow({ nhs_number: '1234567890' })],
        ['badType', aRow({ contact_type: 'review_3_year', feeding_status: '' })],
        ['future', aRow({ contact_date: '2999-01-01' })],
        ['feedingAt12m', aRow({ contact_type: 'review_12_month', feeding_status: 'unknown' })],
        [
          'tooYoung',
          aRow({
            nhs_number: knownChild,
            contact_type: 'review_2_2_5_year',
            contact_date: '2026-05-01',
            feeding_status: '',
          }),
        ],
        [
          'knownChildOk',
          aRow({
            nhs_number: knownChild,
            contact_type: 'review_6_8_week',
            contact_date: '2026-04-01',
          }),
        ],
        ['otherOrg', aRow({ organisation_code: 'RZZ' })],
        ['badFlag', aRow({ referred_to_centre: 'maybe' })],
        ['noId', aRow({ source_contact_id: '' })],
        ['notADate', aRow({ contact_date: '2026-02-30' })],
        ['cancelled', { ...cancelled, outcome: 'declined' }],
        ['repeat', fresh[5]],
        ['amendedAgain', amendedAgain],
      ];
      const rows: Row[] = [...fresh.slice(0, 100)];
      for (const [name, row] of named) {
        rows.push(row);
        at[name] = rows.length + 1;
      }
      rows.push(...fresh.slice(100));
      file = csvOf(rows);
    });

    const rejectedNames = [
      'badNhs',
      'badType',
      'future',
      'feedingAt12m',
      'tooYoung',
      'otherOrg',
      'badFlag',
      'noId',
      'notADate',
      'cancelled',
      'amendedAgain',
    ];

    it('should import it: exact counts, progress visible while it runs, 201 with Location', async () => {
      const snapshots: ImportDoc[] = [];
      let watching = true;
      const watcher = (async () => {
        const imports = store().collection<ImportDoc>('contact_imports');
        while (watching) {
          snapshots.push(...(await imports.find({ fileName: 'contacts-2026-05.csv' }).toArray()));
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const res = await postCsv(file, system, '?fileName=contacts-2026-05.csv')
        .set('x-correlation-id', correlation)
        .expect(201);
      watching = false;
      await watcher;
      first = res.body as ImportBody;

      const rowsRead = NEW_CONTACTS + 15;
      expect(first).toMatchObject({
        status: 'completed',
        fileName: 'contacts-2026-05.csv',
        uploadedBy: { subject: 'test-hv-system', org: 'RYX' },
        counts: {
          rowsRead,
          // New contacts, the known child's review, and the first row of the twice-sent contact.
          accepted: NEW_CONTACTS + 2,
          // The contact sent through the API before, and a row repeated in the file.
          duplicates: 2,
          rejected: rejectedNames.length,
        },
        links: {
          self: `/contacts/imports/${first.importId}`,
          rejectedRows: `/contacts/imports/${first.importId}/rejected-rows`,
        },
      });
      expect(first.fileError).toBeUndefined();
      expect(res.headers.location).toBe(`/contacts/imports/${first.importId}`);

      const running = snapshots.filter((s) => s.status === 'running' && s.counts.rowsRead > 0);
      expect(running.length).toBeGreaterThan(0);
      for (const { counts: c } of snapshots) {
        expect(c.rowsRead).toBe(c.accepted + c.duplicates + c.rejected);
      }
      const seen = snapshots.map((s) => s.counts.rowsRead);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));

      const got = await getImport(first.importId).expect(200);
      expect(got.body).toEqual({
        ...first,
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
      });
    });

    it('should list every rejected row with its row number, column and reason', async () => {
      const res = await request(server())
        .get(`/contacts/imports/${first.importId}/rejected-rows`)
        .auth(system, { type: 'bearer' })
        .expect(200);
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="contact-import-${first.importId}-rejected-rows.csv"`,
      );
      const lines = parse<{ row: string; column: string; reason: string }>(res.text, {
        columns: true,
      });
      expect(lines).toEqual([
        {
          row: String(at.badNhs),
          column: 'nhs_number',
          reason: 'is not a valid NHS number (no Modulus 11 check digit exists)',
        },
        {
          row: String(at.badType),
          column: 'contact_type',
          reason:
            'must be one of antenatal, new_birth_visit, review_6_8_week, review_12_month, review_2_2_5_year, other',
        },
        {
          row: String(at.future),
          column: 'contact_date',
          reason: expect.stringMatching(
            /^2999-01-01 is in the future \(today is 20\d\d-\d\d-\d\d\)$/,
          ),
        },
        {
          row: String(at.feedingAt12m),
          column: 'feeding_status',
          reason:
            'a review_12_month has no feeding status (recorded only at the new-birth visit and the 6-8 week review)',
        },
        {
          row: String(at.tooYoung),
          column: 'contact_type',
          reason:
            'a review_2_2_5_year is not possible for a child 2 months old on 2026-05-01 ' +
            '(possible from 17 months to 4.0 years)',
        },
        {
          row: String(at.otherOrg),
          column: 'organisation_code',
          reason:
            "is not the uploading organisation (RYX): an extract holds only its own organisation's contacts",
        },
        {
          row: String(at.badFlag),
          column: 'referred_to_centre',
          reason: 'must be Y or N (yes/no, true/false)',
        },
        { row: String(at.noId), column: 'source_contact_id', reason: 'is required' },
        {
          row: String(at.notADate),
          column: 'contact_date',
          reason: 'must be a real date, YYYY-MM-DD',
        },
        {
          row: String(at.cancelled),
          column: 'source_contact_id',
          reason: 'this contact was cancelled by its source system; it is not amended again',
        },
        {
          row: String(at.amendedAgain),
          column: 'source_contact_id',
          reason:
            `the same contact (source_system, organisation_code, source_contact_id) is on row ` +
            `${at.amendedFirst} with different content: one row per contact in an extract (an ` +
            'amendment goes in a later extract or through the API)',
        },
      ]);
      expect(lines.map((l) => Number(l.row))).toEqual(rejectedNames.map((n) => at[n]));
      expect(first.errorCount).toBe(lines.length);
      // Reasons name rules, never the NHS numbers of the rows.
      expect(res.text).not.toMatch(/\d{10}/);
    });

    it('should publish exactly one event per change, keyed on the child, channel hv-extract', async () => {
      const expected = NEW_CONTACTS + 2;
      let published: PublishedContact[] = [];
      await eventually(async () => {
        published = await publishedBy(correlation);
        return published.length >= expected ? true : undefined;
      }, 90_000);
      // A moment more: any extra event would show now.
      await new Promise((r) => setTimeout(r, 1500));
      published = await publishedBy(correlation);
      expect(published).toHaveLength(expected);
      expect(published.every((p) => p.channel === 'hv-extract')).toBe(true);

      const bySource = new Map<string, PublishedContact[]>();
      for (const p of published)
        bySource.set(p.sourceContactId, [...(bySource.get(p.sourceContactId) ?? []), p]);
      for (const row of fresh) {
        const events = bySource.get(row.source_contact_id!) ?? [];
        const key = row.contact_type === 'antenatal' ? `mother:${row.nhs_number}` : row.nhs_number;
        expect({ row: row.source_contact_id, events: events.map((e) => [e.type, e.key]) }).toEqual({
          row: row.source_contact_id,
          events: [['ContactRecorded', key]],
        });
      }
      // The contact on two rows: the first row only.
      expect(
        bySource.get(amendedFirst.source_contact_id!)?.map((e) => [e.type, e.feedingStatus]),
      ).toEqual([['ContactRecorded', 'totally_breastfed']]);
      // Held already with the same content: no event from the extract.
      expect(bySource.has(viaApi.source_contact_id!)).toBe(false);
      expect(bySource.has(cancelled.source_contact_id!)).toBe(false);
    });

    it('should take the same file again as duplicates and rejections, publishing nothing', async () => {
      const again = randomUUID();
      const res = await postCsv(file).set('x-correlation-id', again).expect(201);
      expect((res.body as ImportBody).counts).toEqual({
        rowsRead: NEW_CONTACTS + 15,
        accepted: 0,
        duplicates: NEW_CONTACTS + 15 - rejectedNames.length,
        rejected: rejectedNames.length,
      });
      await new Promise((r) => setTimeout(r, 3000));
      expect(await publishedBy(again)).toEqual([]);
    });

    it("should amend a contact from a later month's extract, once", async () => {
      const later = randomUUID();
      const res = await postCsv(csvOf([amendedAgain, fresh[0]]))
        .set('x-correlation-id', later)
        .expect(201);
      expect((res.body as ImportBody).counts).toEqual({
        rowsRead: 2,
        accepted: 1,
        duplicates: 1,
        rejected: 0,
      });
      await eventually(
        async () => ((await publishedBy(later)).length > 0 ? true : undefined),
        60_000,
      );
      await new Promise((r) => setTimeout(r, 1500));
      expect(
        (await publishedBy(later)).map((p) => [p.type, p.sourceContactId, p.feedingStatus]),
      ).toEqual([['ContactAmended', amendedFirst.source_contact_id, 'not_breastfed']]);
    });
  });

  describe('who may import and read imports', () => {
    it('should answer 403 to other roles and to an hv-system token without an organisation', async () => {
      const csv = csvOf([aRow()]);
      await postCsv(csv, await tokenFor('births-feed', { org: 'RYX' })).expect(403);
      const noOrg = await postCsv(csv, await tokenFor('hv-system')).expect(403);
      expect(noOrg.body.message).toBe(
        'an hv-system token without an organisation cannot import contacts',
      );
    });

    it("should not show one organisation's import to another (404), and show it to an admin", async () => {
      const res = await postCsv(csvOf([aRow()])).expect(201);
      const id = (res.body as ImportBody).importId;
      await getImport(id, await tokenFor('hv-system', { org: 'RZZ' })).expect(404);
      await getImport(id, await tokenFor('admin')).expect(200);
      await getImport(id, await tokenFor('centre-staff', { centres: ['C-1'] })).expect(403);
    });

    it('should refuse another content type with 415 and a file without a header as failed', async () => {
      const json = await request(server())
        .post('/contacts/imports')
        .auth(system, { type: 'bearer' })
        .send({ rows: [] })
        .expect(415);
      expect(json.body.message).toBe(
        'send the extract as text/csv or application/csv (got application/json)',
      );
      const empty = await postCsv('').expect(201);
      expect(empty.body).toMatchObject({ status: 'failed', counts: { rowsRead: 0 } });
      expect((empty.body as ImportBody).fileError).toEqual(expect.any(String));
    });
  });
});
