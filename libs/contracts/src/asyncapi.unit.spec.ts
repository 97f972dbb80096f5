import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser, type AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { ContractRegistry, DEAD_LETTER_HEADERS } from '@lib/contracts';
import { readAsyncApi } from './asyncapi-document';
import { createAjv } from './contract-registry';
import { ASYNCAPI_FILE, findContractsDir } from './contracts-dir';
import { eventSchemaName, listSchemaFiles, readSchemaFile } from './schema-files';

const contractsDir = findContractsDir();
const asyncapiPath = join(contractsDir, ASYNCAPI_FILE);
const ERROR = 0; // DiagnosticSeverity.Error of @stoplight/types

/** Modulus 11 check of DOMAIN.md (Identity). */
function isValidNhsNumber(nhs: string): boolean {
  if (!/^[0-9]{10}$/.test(nhs)) return false;
  const sum = [...nhs.slice(0, 9)].reduce((acc, digit, i) => acc + Number(digit) * (10 - i), 0);
  const check = 11 - (sum % 11);
  return check !== 10 && (check === 11 ? 0 : check) === Number(nhs[9]);
}

interface KafkaMessageBinding {
  key: { pattern: string };
}

/** The NHS numbers an example holds: 10-digit strings, bare or as `mother:<nhs>`, at any depth. */
function nhsNumbersIn(value: unknown): string[] {
  if (typeof value === 'string') return /^(mother:)?([0-9]{10})$/.exec(value)?.slice(2) ?? [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(nhsNumbersIn);
}

describe('contracts/asyncapi.yaml', () => {
  let document: AsyncAPIDocumentInterface;

  beforeAll(async () => {
    const parser = new Parser();
    const parsed = await parser.parse(readFileSync(asyncapiPath, 'utf8'), { source: asyncapiPath });
    const errors = parsed.diagnostics
      .filter((d) => Number(d.severity) === ERROR)
      .map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(errors).toEqual([]);
    expect(parsed.document).toBeDefined();
    document = parsed.document!;
  }, 60_000);

  it('should declare every topic, each with a dead-letter channel, as Kafka channels', () => {
    const addresses = document
      .allChannels()
      .all()
      .map((channel) => channel.address());
    for (const topic of [
      'births.child.v1',
      'health-visits.contact.v1',
      'health-visits.inbound.v1',
      'registrations.child.v1',
      'registrations.family.v1',
      'geography.reference.v1',
    ]) {
      expect(addresses).toEqual(expect.arrayContaining([topic, `${topic}.dlt`]));
    }
    for (const channel of document.allChannels().all()) {
      const kafka = channel.bindings().get('kafka')?.value() as Record<string, unknown>;
      expect(kafka).toMatchObject({ topic: channel.address(), partitions: 12 });
    }
  });

  it('should resolve every event message to a data schema file with a matching $id that compiles', () => {
    const ajv = createAjv();
    const messages = readAsyncApi(contractsDir).flatMap((channel) => channel.messages);
    expect(messages.map((m) => m.messageId)).toContain('BirthNotifiedV1');
    for (const message of messages) {
      const envelope = readSchemaFile(contractsDir, message.envelopeRef);
      const data = readSchemaFile(contractsDir, message.dataRef); // throws if missing
      expect({ message: message.messageId, $id: data.id }).toEqual({
        message: message.messageId,
        $id: message.dataschema,
      });
      expect(eventSchemaName(data.file)?.type).toBe(message.type);
      expect(() => ajv.getSchema(envelope.id) ?? ajv.compile(envelope.schema)).not.toThrow();
      expect(() => ajv.getSchema(data.id) ?? ajv.compile(data.schema)).not.toThrow();

      // The parser's view agrees: the message named by type carries that schema as `data`.
      const parsed = document.allMessages().get(message.messageId);
      expect(parsed?.name()).toBe(message.type);
      const [, event] = parsed?.payload()?.allOf() ?? [];
      expect(event?.properties()?.data?.id()).toBe(message.dataschema);
    }
  });

  it('should give every message a schema file that exists, matches its $id and compiles', () => {
    const ajv = createAjv();
    const referenced = new Set<string>();
    for (const message of document.allMessages().all()) {
      for (const schema of [message.payload(), message.headers()]) {
        const id = schema?.id();
        if (id?.startsWith('urn:early-years:contracts:')) referenced.add(id);
        for (const part of schema?.allOf() ?? []) {
          for (const nested of [part, ...Object.values(part.properties() ?? {})]) {
            const nestedId = nested.id();
            if (nestedId.startsWith('urn:early-years:contracts:')) referenced.add(nestedId);
          }
        }
      }
    }
    const files = listSchemaFiles(contractsDir).map((file) => readSchemaFile(contractsDir, file));
    for (const file of files) ajv.addSchema(file.schema);
    for (const file of files) expect(() => ajv.getSchema(file.id)).not.toThrow();
    // Every schema file is used by a message, and every message's schemas are files.
    expect([...referenced].sort()).toEqual(files.map((file) => file.id).sort());
  });

  it('should describe the dead-letter headers the library exports', () => {
    const deadLetter = document.allMessages().get('DeadLetter');
    expect(deadLetter?.headers()?.required()).toEqual(Object.values(DEAD_LETTER_HEADERS));
    for (const channel of document.allChannels().all()) {
      const ids = channel
        .messages()
        .all()
        .map((message) => message.id());
      if (channel.address()?.endsWith('.dlt')) expect(ids).toEqual(['DeadLetter']);
      else expect(ids).not.toContain('DeadLetter');
    }
  });

  it('should carry message examples that pass the contract check, with a synthetic NHS number', () => {
    const registry = ContractRegistry.load(contractsDir);
    for (const channel of document.allChannels().all()) {
      for (const message of channel.messages().all()) {
        if (message.id() === 'DeadLetter') continue;
        const examples = message.examples().all();
        expect(examples.length).toBeGreaterThan(0);
        for (const example of examples) {
          const value = example.payload() as { subject: string };
          expect(registry.check(channel.address()!, value)).toMatchObject({ valid: true });
          // The subject is the Kafka key: it fits the message's key binding.
          const kafka = message.bindings().get('kafka')?.value() as KafkaMessageBinding;
          expect(value.subject).toMatch(new RegExp(kafka.key.pattern));
          // Every NHS number in it (subject, facts, child keys) is a valid one of the test range.
          for (const nhs of nhsNumbersIn(value)) {
            expect({ nhs, synthetic: /^999/.test(nhs) && isValidNhsNumber(nhs) }).toEqual({
              nhs,
              synthetic: true,
            });
          }
          // Reference data is keyed by its own ids (e.g. `boundaries`), not by a person.
          if (channel.address()!.startsWith('geography.')) continue;
          // A person's events: an NHS number (also `mother:<nhs>`), `family:<id>` or `local:<uuid>`.
          expect(value.subject).toMatch(/^(mother:)?[0-9]{10}$|^family:|^local:/);
        }
      }
    }
  });
});
