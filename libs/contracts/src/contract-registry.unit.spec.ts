import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContractRegistry, type BirthNotifiedV1, type CloudEvent } from '@lib/contracts';
import { findContractsDir } from './contracts-dir';

const contractsDir = findContractsDir();
const BIRTHS = 'births.child.v1';
const BIRTH_SCHEMA = 'urn:early-years:contracts:births:BirthNotified:v1';

function example(): CloudEvent<BirthNotifiedV1> {
  const text = readFileSync(join(contractsDir, 'examples/births/BirthNotified.v1.json'), 'utf8');
  return JSON.parse(text) as CloudEvent<BirthNotifiedV1>;
}

function errorsOf(check: ReturnType<ContractRegistry['check']>): string[] {
  return check.valid ? [] : check.errors;
}

describe(ContractRegistry, () => {
  const sut = ContractRegistry.load();

  describe('load', () => {
    it('should find contracts/ walking up from the compiled output too', () => {
      const root = join(contractsDir, '..');
      expect(findContractsDir(join(root, 'dist/libs/contracts/src'))).toBe(contractsDir);
    });

    it('should take CONTRACTS_DIR when set', () => {
      const saved = process.env.CONTRACTS_DIR;
      process.env.CONTRACTS_DIR = contractsDir;
      try {
        expect(findContractsDir('/')).toBe(contractsDir);
      } finally {
        if (saved === undefined) delete process.env.CONTRACTS_DIR;
        else process.env.CONTRACTS_DIR = saved;
      }
    });

    it('should refuse contracts whose dataschema and schema $id disagree', () => {
      const copy = mkdtempSync(join(tmpdir(), 'contracts-'));
      try {
        cpSync(contractsDir, copy, { recursive: true });
        const yaml = join(copy, 'asyncapi.yaml');
        writeFileSync(
          yaml,
          readFileSync(yaml, 'utf8').replace(
            `const: ${BIRTH_SCHEMA}`,
            'const: urn:early-years:contracts:births:BirthNotified:v9',
          ),
        );
        expect(() => ContractRegistry.load(copy)).toThrow(/differs from the \$id/);
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    });
  });

  describe('topics', () => {
    it('should list the seven event topics with their dead-letter topics and 12 partitions', () => {
      const topics = sut.topics();
      expect(topics.map((t) => t.name)).toEqual([
        'births.child.v1',
        'health-visits.contact.v1',
        'health-visits.inbound.v1',
        'registrations.child.v1',
        'registrations.family.v1',
        'geography.reference.v1',
        'privacy.subject.v1',
      ]);
      for (const topic of topics) {
        expect(topic.deadLetterTopic).toBe(`${topic.name}.dlt`);
        expect(topic.partitions).toBe(12);
      }
      expect(topics[0].eventTypes).toEqual([
        'BirthNotified',
        'BirthCorrected',
        'BirthRetracted',
        'ResidenceChanged',
        'DeathNotified',
        'DeathRetracted',
        'ResidenceChangeRetracted',
        'SharingObjectionRecorded',
        'SharingObjectionWithdrawn',
      ]);
    });
  });

  describe('dataSchemaId and latestVersion', () => {
    it('should name the schema of a known type and version', () => {
      expect(sut.dataSchemaId('BirthNotified', 1)).toBe(BIRTH_SCHEMA);
      expect(sut.latestVersion('BirthNotified')).toBe(1);
    });

    it('should throw for an unknown type or version', () => {
      expect(() => sut.dataSchemaId('BirthNotified', 99)).toThrow(/no version 99/);
      expect(() => sut.dataSchemaId('Foo', 1)).toThrow(/unknown event type "Foo"/);
      expect(() => sut.latestVersion('Foo')).toThrow(/unknown event type "Foo"/);
    });
  });

  describe('check', () => {
    it('should accept the example event, parsed or as JSON text or bytes', () => {
      const event = example();
      expect(sut.check(BIRTHS, event)).toEqual({ valid: true, event });
      expect(sut.check(BIRTHS, JSON.stringify(event)).valid).toBe(true);
      expect(sut.check(BIRTHS, Buffer.from(JSON.stringify(event))).valid).toBe(true);
    });

    it('should accept an event without the optional envelope and data fields', () => {
      const event = example();
      delete event.datacontenttype;
      delete event.recordedtime;
      delete event.correlationid;
      delete event.sourceorg;
      delete event.subjectversion;
      event.data = {
        facts: { nhsNumber: event.subject, birthDate: '2025-03-12', postcodeDistrict: null },
      };
      expect(errorsOf(sut.check(BIRTHS, event))).toEqual([]);
    });

    it('should name the field when the NHS number does not match its pattern', () => {
      const event = example();
      event.data.facts.nhsNumber = '999 537 1049';
      expect(errorsOf(sut.check(BIRTHS, event))).toEqual([
        'data/facts/nhsNumber: must match pattern "^[0-9]{10}$"',
      ]);
    });

    it('should name a missing facts.birthDate', () => {
      const event = example();
      delete (event.data.facts as Partial<BirthNotifiedV1['facts']>).birthDate;
      expect(errorsOf(sut.check(BIRTHS, event))).toEqual(['data/facts/birthDate: is required']);
    });

    it('should name every bad data field at once', () => {
      const event = example();
      Object.assign(event.data.facts, { sex: 'X', birthWeightGrams: 12, nickname: 'x' });
      expect(errorsOf(sut.check(BIRTHS, event)).sort()).toEqual([
        'data/facts/birthWeightGrams: must be >= 200',
        'data/facts/nickname: is not allowed',
        'data/facts/sex: must be one of "M", "F", "I", "U"',
      ]);
    });

    it('should refuse a type not published on the topic', () => {
      const event = example();
      event.type = 'Foo';
      expect(errorsOf(sut.check(BIRTHS, event))).toEqual([
        'type "Foo" is not published on births.child.v1',
      ]);
      expect(errorsOf(sut.check('registrations.child.v1', example()))).toEqual([
        'type "BirthNotified" is not published on registrations.child.v1',
      ]);
    });

    it('should refuse an unknown dataschema, naming the field', () => {
      const event = example();
      event.dataschema = 'urn:early-years:contracts:births:BirthNotified:v7';
      expect(errorsOf(sut.check(BIRTHS, event))).toEqual([
        `dataschema: "urn:early-years:contracts:births:BirthNotified:v7" is not a known schema of type "BirthNotified" (known: ${BIRTH_SCHEMA})`,
      ]);
    });

    it('should refuse an envelope missing subject', () => {
      const event: Partial<CloudEvent> = example();
      delete event.subject;
      expect(errorsOf(sut.check(BIRTHS, event))).toEqual(['subject: is required']);
    });

    it('should refuse extension attributes it does not name, and bad envelope values', () => {
      const event = { ...example(), partitionkey: 'x', specversion: '0.3', time: 'yesterday' };
      expect(errorsOf(sut.check(BIRTHS, event)).sort()).toEqual([
        'partitionkey: is not allowed',
        'specversion: must be "1.0"',
        'time: must match format "date-time"',
      ]);
    });

    it('should refuse values that are not an event', () => {
      expect(errorsOf(sut.check(BIRTHS, '{not json'))).toEqual(['value: is not valid JSON']);
      expect(errorsOf(sut.check(BIRTHS, 42))).toEqual(['value: must be object']);
    });

    it('should refuse unknown and dead-letter topics', () => {
      expect(errorsOf(sut.check('births.child.v2', example()))).toEqual([
        'topic births.child.v2 is not declared in contracts/asyncapi.yaml',
      ]);
      expect(errorsOf(sut.check('births.child.v1.dlt', example()))[0]).toMatch(/dead-letter/);
    });
  });
});
