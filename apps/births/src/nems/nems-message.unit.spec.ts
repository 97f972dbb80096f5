import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { isValidNhsNumber } from '@lib/nhs-number';
import type { BirthInput } from '../births/birth-input';
import { contentHash } from '../births/births.service';
import { LIVE_BIRTH_EXTRACT_COLUMNS, mapLiveBirthRow } from '../imports/live-birth-extract';
import { parseNemsMessage } from './nems-message';
import type { NemsParsed, OperationOutcome } from './nems-message';

// NHS Digital's published examples, untouched (shared/ sits beside the repository), and our copies
// with test-range NHS numbers, as XML and as FHIR JSON (fixtures/README.md).
// The unmodified published examples stay in the team's shared/ folder (their NHS numbers are not
// from the 999 test range, so they are not copied into the repository); CI has shared/ beside
// the clone. Elsewhere those few tests are skipped, and say so.
const SHARED =
  process.env.NEMS_FIXTURES_DIR ?? join(__dirname, '../../../../../shared/fixtures/nems');
const haveShared = existsSync(SHARED);
const itWithShared = haveShared ? it : it.skip;
if (!haveShared)
  process.stderr.write(`[nems] ${SHARED} not found: unmodified-fixture tests skipped\n`);
const shared = (name: string): string => readFileSync(join(SHARED, `${name}.xml`), 'utf8');
const copy = (name: string, format: 'xml' | 'json'): string =>
  readFileSync(join(__dirname, 'fixtures', `${name}.${format}`), 'utf8');

const BABY = '9995000016';
const MOTHER = '9995000083';

function accepted(parsed: NemsParsed): Extract<NemsParsed, { ok: true }> {
  if (!parsed.ok) throw new Error(`rejected: ${JSON.stringify(parsed.outcome)}`);
  return parsed;
}

function rejected(parsed: NemsParsed): OperationOutcome {
  if (parsed.ok) throw new Error('accepted a message that should be rejected');
  expect(parsed.outcome.resourceType).toBe('OperationOutcome');
  for (const issue of parsed.outcome.issue) expect(issue.severity).toBe('error');
  return parsed.outcome;
}

/** Just enough of FHIR JSON's shape to edit the fixtures in a test. */
interface JsonCoding {
  system?: string;
  code?: string;
}
interface JsonResource {
  resourceType: string;
  identifier?: { value?: string }[];
  code?: { coding?: JsonCoding[] };
  meta?: { security?: JsonCoding[] };
  extension?: unknown[];
  birthDate?: string;
  _birthDate?: unknown;
  address?: { postalCode?: string }[];
  valueQuantity?: { value: number; unit?: string; code?: string };
}
interface JsonBundle {
  entry: { resource: JsonResource }[];
}

/**
 * The NHS numbers a published example carries, in document order, read from the file itself:
 * they are not from the 999 test range, so the repository does not spell them out.
 */
function publishedNhsNumbers(name: string): string[] {
  const identifiers = shared(name).matchAll(/Id\/nhs-number"\s*\/>\s*<value value="([0-9]{10})"/g);
  return [...identifiers].map((m) => m[1]);
}

const diagnostics = (outcome: OperationOutcome): string =>
  outcome.issue.map((i) => i.diagnostics).join('\n');

describe('parseNemsMessage: the published NEMS examples, as NEMS sends them (XML)', () => {
  itWithShared(
    'reads a birth notification with the mother, dropping her invalid NHS number with a warning',
    () => {
      const parsed = accepted(parseNemsMessage(shared('BirthNotificationWithMother'), 'xml'));
      expect(parsed.envelope).toEqual({
        bundleId: '85b9d933-b3e2-41a7-a8f2-f5ee7be4ee82',
        messageHeaderId: '7165ecd5-4abb-4dbe-922b-7c7db71accd4',
        eventCode: 'pds-birth-notification-1',
        messageType: 'new',
        versionId: '1',
        lastUpdated: '2017-11-01T15:00:33+00:00',
        sender: 'urn:nhs:addressing:asid:477121000323',
      });
      // The example carries two numbers: the baby's passes Modulus 11, the mother's does not.
      const [valid, invalid] = [
        publishedNhsNumbers('BirthNotificationWithMother').filter((n) => isValidNhsNumber(n)),
        publishedNhsNumbers('BirthNotificationWithMother').filter((n) => !isValidNhsNumber(n)),
      ];
      expect(invalid.length).toBeGreaterThan(0);
      expect(parsed.birth?.nhsNumber).toBe(valid[0]);
      expect(parsed.birth).not.toHaveProperty('motherNhsNumber');
      expect(parsed.birth?.motherFamilyName).toBe('DAWKINS');
      expect(parsed.warnings).toEqual([
        {
          field: 'motherNhsNumber',
          reason: 'fails the Modulus 11 check digit; mother link dropped',
        },
      ]);
    },
  );

  itWithShared('reads a birth notification whose mother has no NHS number', () => {
    const parsed = accepted(parseNemsMessage(shared('BirthNotificationWithoutMother'), 'xml'));
    expect(parsed.birth).toMatchObject({
      nhsNumber: publishedNhsNumbers('BirthNotificationWithoutMother')[0],
      birthDate: '2020-01-13',
      postcode: 'EX2 5SE',
      givenName: 'NEMS DAFFODILS',
      ethnicCategory: 'C',
      motherGivenName: 'ROSA LOTUS',
      motherBirthDate: '1990-09-09',
    });
    expect(parsed.birth).not.toHaveProperty('motherNhsNumber');
    expect(parsed.warnings).toEqual([]);
  });

  itWithShared(
    'reads a change of address: the current home address, effective from its period start',
    () => {
      const parsed = accepted(parseNemsMessage(shared('PDS-Change-Of-Address-ems-example'), 'xml'));
      expect(parsed.envelope.eventCode).toBe('pds-change-of-address-1');
      expect(parsed.changeOfAddress).toEqual({
        nhsNumber: publishedNhsNumbers('PDS-Change-Of-Address-ems-example')[0],
        birthDate: '2019-10-02',
        givenName: expect.any(String),
        familyName: expect.any(String),
        effectiveDate: '2019-11-01',
        postcode: 'LS17 7DF',
        addressLine1: '4 SANDMOOR DRIVE',
        addressLine2: 'LEEDS',
      });
      expect(parsed.birth).toBeUndefined();
    },
  );

  itWithShared(
    'rejects an event the births service does not consume (professional contacts)',
    () => {
      const outcome = rejected(parseNemsMessage(shared('Professional-Contacts-1-new'), 'xml'));
      expect(diagnostics(outcome)).toMatch(
        /event\.code: unknown event code "professional-contacts-1"/,
      );
    },
  );
});

describe('parseNemsMessage: copies with test-range NHS numbers', () => {
  it('maps everything the birth notification carries onto BirthInput', () => {
    const parsed = accepted(parseNemsMessage(copy('birth-with-mother', 'xml'), 'xml'));
    const expected: BirthInput = {
      nhsNumber: BABY,
      birthDate: '2017-10-02',
      // 20:12+00:00 on 2 October is 21:12 British Summer Time.
      birthTime: '21:12',
      postcode: 'LS17 7DF',
      sex: 'M',
      birthWeightGrams: 3980,
      gestationWeeks: 39,
      multipleBirthOrder: 1,
      givenName: 'Jack',
      familyName: 'DAWKINS',
      ethnicCategory: 'A',
      motherNhsNumber: MOTHER,
      motherGivenName: 'Sally',
      motherFamilyName: 'DAWKINS',
      motherBirthDate: '1987-10-02',
      addressLine1: '4 Sandmoor Drive',
      addressLine2: 'LEEDS',
    };
    expect(parsed.birth).toEqual(expected);
    expect(parsed.warnings).toEqual([]);
  });

  it('gives the same birth as the equivalent row of an LA live-birth extract', () => {
    const header = LIVE_BIRTH_EXTRACT_COLUMNS;
    const row = [BABY, '2017-10-02', '21:12', 'M', '3980', '39', '', '1', 'Jack', 'DAWKINS', 'A']
      .concat([MOTHER, 'Sally', 'DAWKINS', '1987-10-02', '4 Sandmoor Drive', 'LEEDS', ''])
      .concat(['LS17 7DF', '', '']);
    const record = Object.fromEntries(header.map((column, i) => [column, row[i]]));
    const fromCsv = mapLiveBirthRow(record, '2026-11-21');
    expect(fromCsv.ok).toBe(true);
    for (const format of ['xml', 'json'] as const) {
      const fromNems = accepted(parseNemsMessage(copy('birth-with-mother', format), format));
      expect(fromCsv).toEqual({ ok: true, value: fromNems.birth });
      // The same input gives the same stored content, so one is a re-send of the other.
      expect(contentHash(fromNems.birth!)).toBe(
        contentHash((fromCsv as { value: BirthInput }).value),
      );
    }
  });

  it.each(['birth-with-mother', 'birth-without-mother', 'change-of-address', 'death-notification'])(
    '%s: XML and FHIR JSON give the same result, with no warnings',
    (name) => {
      const fromXml = accepted(parseNemsMessage(copy(name, 'xml'), 'xml'));
      const fromJson = accepted(parseNemsMessage(copy(name, 'json'), 'json'));
      expect(fromJson).toEqual(fromXml);
      expect(fromXml.warnings).toEqual([]);
    },
  );

  it('reads the (synthetic) death notification, dating the death in UK local time', () => {
    const parsed = accepted(parseNemsMessage(copy('death-notification', 'xml'), 'xml'));
    expect(parsed.envelope).toMatchObject({
      eventCode: 'pds-death-notification-1',
      versionId: '2',
    });
    // 23:30+00:00 on 4 June is 00:30 on 5 June in the UK.
    expect(parsed.death).toEqual({ nhsNumber: '9995000229', dateOfDeath: '2024-06-05' });
  });
});

describe('parseNemsMessage: what the births service rejects or tidies', () => {
  const birthXml = copy('birth-with-mother', 'xml');
  const birthJson = (): JsonBundle => JSON.parse(copy('birth-with-mother', 'json')) as JsonBundle;
  const entryWith = (json: JsonBundle, test: (r: JsonResource) => boolean): JsonResource => {
    const found = json.entry.find((e) => test(e.resource));
    if (!found) throw new Error('no such entry in the fixture');
    return found.resource;
  };
  const babyIn = (json: JsonBundle): JsonResource =>
    entryWith(json, (r) => r.identifier?.[0]?.value === BABY);

  it('rejects a baby NHS number that fails Modulus 11, naming the identifier', () => {
    const outcome = rejected(parseNemsMessage(birthXml.replace(BABY, '9995000017'), 'xml'));
    expect(outcome.issue[0]).toMatchObject({ code: 'value' });
    expect(diagnostics(outcome)).toMatch(
      /Bundle\.entry\[4\]\.resource\.identifier\[0\]\.value: NHS number fails the Modulus 11 check digit/,
    );
  });

  it('rejects a baby with no NHS number', () => {
    const json = birthJson();
    delete babyIn(json).identifier;
    const outcome = rejected(parseNemsMessage(JSON.stringify(json), 'json'));
    expect(outcome.issue[0]?.code).toBe('required');
    expect(diagnostics(outcome)).toMatch(/resource\.identifier: an identifier with system/);
  });

  it('rejects malformed XML and malformed JSON', () => {
    const xml = rejected(parseNemsMessage(birthXml.replace('</Patient>', ''), 'xml'));
    expect(xml.issue[0]?.code).toBe('structure');
    expect(diagnostics(xml)).toMatch(/^Bundle: XML is not well formed: .*line \d+/);
    const json = rejected(parseNemsMessage('{"resourceType": "Bundle",', 'json'));
    expect(diagnostics(json)).toMatch(/^Bundle: JSON is not well formed/);
  });

  it('rejects XML carrying a DTD (entity expansion)', () => {
    const withDtd = `<?xml version="1.0"?><!DOCTYPE Bundle [<!ENTITY a "aaaa">]>${birthXml}`;
    expect(diagnostics(rejected(parseNemsMessage(withDtd, 'xml')))).toMatch(/DTD/);
  });

  it('rejects a Bundle that is not a message, and a message whose first entry is not a MessageHeader', () => {
    const notMessage = birthXml.replace('<type value="message"/>', '<type value="collection"/>');
    expect(diagnostics(rejected(parseNemsMessage(notMessage, 'xml')))).toBe(
      'Bundle.type: must be "message"',
    );
    const json = birthJson();
    json.entry.reverse();
    expect(diagnostics(rejected(parseNemsMessage(JSON.stringify(json), 'json')))).toBe(
      'Bundle.entry[0].resource: must be a MessageHeader',
    );
  });

  it('rejects an unknown event code, naming MessageHeader.event.code', () => {
    const wrong = birthXml.replace('pds-birth-notification-1', 'pds-birth-notification-9');
    const outcome = rejected(parseNemsMessage(wrong, 'xml'));
    expect(outcome.issue[0]?.expression).toEqual(['Bundle.entry[0].resource.event.code']);
    expect(diagnostics(outcome)).toMatch(/unknown event code "pds-birth-notification-9"/);
  });

  it('rejects a message with no new/update/delete', () => {
    const json = birthJson();
    json.entry[0].resource.extension = [];
    expect(diagnostics(rejected(parseNemsMessage(JSON.stringify(json), 'json')))).toMatch(
      /Extension-MessageEventType-1'\): new\/update\/delete is required/,
    );
  });

  it('reads update and delete', () => {
    const update = birthXml.replace('<code value="new"/>', '<code value="update"/>');
    expect(accepted(parseNemsMessage(update, 'xml')).envelope.messageType).toBe('update');
    const deletion = birthXml.replace('<code value="new"/>', '<code value="delete"/>');
    expect(accepted(parseNemsMessage(deletion, 'xml')).envelope.messageType).toBe('delete');
  });

  it('rejects a missing birth date and a missing postcode together, naming both elements', () => {
    const json = birthJson();
    delete babyIn(json).birthDate;
    delete babyIn(json)._birthDate;
    delete babyIn(json).address?.[0]?.postalCode;
    const outcome = rejected(parseNemsMessage(JSON.stringify(json), 'json'));
    expect(outcome.issue.map((i) => i.code)).toEqual(['required', 'required']);
    expect(diagnostics(outcome)).toBe(
      'Bundle.entry[4].resource.birthDate: is required\n' +
        'Bundle.entry[4].resource.address[0].postalCode: is required',
    );
  });

  it('rejects a birth date that does not exist or is in the future', () => {
    const unreal = birthXml.replace(
      '<birthDate value="2017-10-02">',
      '<birthDate value="2017-02-29">',
    );
    expect(diagnostics(rejected(parseNemsMessage(unreal, 'xml')))).toMatch(
      /resource\.birthDate: "2017-02-29" is not a real full date/,
    );
    const beforeBirth = new Date('2017-10-01T12:00:00Z');
    expect(diagnostics(rejected(parseNemsMessage(birthXml, 'xml', beforeBirth)))).toMatch(
      /resource\.birthDate: "2017-10-02" is in the future/,
    );
  });

  it('normalises the postcode and accepts ZZ99 pseudo-postcodes; rejects what is not a postcode', () => {
    const zz99 = birthXml.replace('LS17 7DF', 'zz993cz');
    expect(accepted(parseNemsMessage(zz99, 'xml')).birth?.postcode).toBe('ZZ99 3CZ');
    const junk = birthXml.replace('LS17 7DF', 'LEEDS');
    expect(diagnostics(rejected(parseNemsMessage(junk, 'xml')))).toMatch(
      /address\[0\]\.postalCode: "LEEDS" is not a UK postcode/,
    );
  });

  it('converts a birth weight in kg to grams', () => {
    const json = birthJson();
    const weight = entryWith(json, (r) => r.code?.coding?.[0]?.code === '29463-7');
    weight.valueQuantity = { value: 3.98, unit: 'kilogram', code: 'kg' };
    expect(accepted(parseNemsMessage(JSON.stringify(json), 'json')).birth?.birthWeightGrams).toBe(
      3980,
    );
  });

  it('marks a PDS-restricted (sensitive) patient', () => {
    const json = birthJson();
    babyIn(json).meta = {
      security: [{ system: 'http://hl7.org/fhir/v3/Confidentiality', code: 'R' }],
    };
    expect(accepted(parseNemsMessage(JSON.stringify(json), 'json')).birth?.sensitive).toBe(true);
  });

  it('drops an unusable mother birth date with a warning instead of rejecting the birth', () => {
    const json = birthJson();
    const mother = entryWith(json, (r) => r.identifier?.[0]?.value === MOTHER);
    mother.birthDate = '1987-13-40';
    const parsed = accepted(parseNemsMessage(JSON.stringify(json), 'json'));
    expect(parsed.birth).not.toHaveProperty('motherBirthDate');
    expect(parsed.birth?.motherNhsNumber).toBe(MOTHER);
    expect(parsed.warnings).toEqual([
      {
        field: 'motherBirthDate',
        reason: 'Bundle.entry[2].resource.birthDate: "1987-13-40" is not a real full date; dropped',
      },
    ]);
  });
});
