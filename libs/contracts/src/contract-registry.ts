import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readAsyncApi, DEAD_LETTER_SUFFIX, type EventMessageEntry } from './asyncapi-document';
import type { CloudEvent, ContractCheck, TopicContract } from './cloud-event';
import { findContractsDir } from './contracts-dir';
import {
  ENVELOPE_SCHEMA_ID,
  eventSchemaName,
  listSchemaFiles,
  readSchemaFile,
  type SchemaFile,
} from './schema-files';
import { formatErrors } from './validation-errors';

/** The Ajv setup every contract schema is compiled with (JSON Schema 2020-12, strict). */
export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
}

interface TopicEntry {
  contract: TopicContract;
  /** type → dataschema ids published on this topic. */
  dataschemas: Map<string, Set<string>>;
}

/**
 * The event contracts of contracts/ (asyncapi.yaml and schemas/), loaded once and compiled once.
 * Producers check before publishing, consumers after receiving (what fails goes to `<topic>.dlt`).
 */
export class ContractRegistry {
  private constructor(
    private readonly topicEntries: Map<string, TopicEntry>,
    /** type → version → dataschema id. */
    private readonly versions: Map<string, Map<number, string>>,
    private readonly validators: Map<string, ValidateFunction>,
  ) {}

  /**
   * Reads and compiles the contracts (synchronously). `contractsDir` defaults to env CONTRACTS_DIR,
   * else the `contracts/` folder found walking up from this file. Throws if they are inconsistent.
   */
  static load(contractsDir?: string): ContractRegistry {
    const dir = contractsDir ?? findContractsDir();
    const channels = readAsyncApi(dir);
    const ajv = createAjv();
    const files = new Map<string, SchemaFile>();
    const add = (ref: string): SchemaFile => {
      const schemaFile = readSchemaFile(dir, ref);
      const known = files.get(schemaFile.id);
      if (known && known.file !== schemaFile.file) {
        throw new Error(`$id ${schemaFile.id} is used by ${known.file} and ${schemaFile.file}`);
      }
      if (!known) {
        files.set(schemaFile.id, schemaFile);
        ajv.addSchema(schemaFile.schema);
      }
      return schemaFile;
    };
    // Envelope-level schemas (schemas/<name>.v<N>.json) first, so events can $ref them.
    for (const file of listSchemaFiles(dir).filter((f) => !eventSchemaName(f))) add(file);
    if (!files.has(ENVELOPE_SCHEMA_ID)) throw new Error(`no schema with $id ${ENVELOPE_SCHEMA_ID}`);

    const versions = new Map<string, Map<number, string>>();
    const topicEntries = new Map<string, TopicEntry>();
    for (const channel of channels) {
      const dataschemas = new Map<string, Set<string>>();
      for (const message of channel.messages) {
        const dataFile = add(message.dataRef);
        checkMessage(message, add(message.envelopeRef), dataFile);
        const name = eventSchemaName(dataFile.file);
        if (!name) throw new Error(`${message.messageId}: ${dataFile.file} is not an event schema`);
        const byVersion = versions.get(message.type) ?? new Map<number, string>();
        const sameVersion = byVersion.get(name.version);
        if (sameVersion !== undefined && sameVersion !== dataFile.id) {
          throw new Error(
            `${message.type} v${name.version} is both ${sameVersion} and ${dataFile.id}`,
          );
        }
        versions.set(message.type, byVersion.set(name.version, dataFile.id));
        dataschemas.set(
          message.type,
          (dataschemas.get(message.type) ?? new Set<string>()).add(dataFile.id),
        );
      }
      if (channel.deadLetter) continue;
      topicEntries.set(channel.topic, {
        contract: {
          name: channel.topic,
          deadLetterTopic: channel.topic + DEAD_LETTER_SUFFIX,
          partitions: channel.partitions,
          eventTypes: [...dataschemas.keys()],
        },
        dataschemas,
      });
    }
    const validators = new Map<string, ValidateFunction>();
    for (const id of files.keys()) {
      const validate = ajv.getSchema(id);
      if (!validate) throw new Error(`schema ${id} did not compile`);
      validators.set(id, validate);
    }
    return new ContractRegistry(topicEntries, versions, validators);
  }

  /** The event topics (not their dead-letter topics), in the order of asyncapi.yaml. */
  topics(): TopicContract[] {
    return [...this.topicEntries.values()].map(({ contract }) => ({
      ...contract,
      eventTypes: [...contract.eventTypes],
    }));
  }

  /** The `dataschema` a producer puts in an event of this type and version. */
  dataSchemaId(type: string, version: number): string {
    const id = this.versionsOf(type).get(version);
    if (!id) {
      throw new Error(
        `event type "${type}" has no version ${version} (known: ${[...this.versionsOf(type).keys()].join(', ')})`,
      );
    }
    return id;
  }

  latestVersion(type: string): number {
    return Math.max(...this.versionsOf(type).keys());
  }

  /**
   * Checks a message value read from or bound for `topic`: the envelope, that the type is
   * published on that topic, that `dataschema` is a known version of that type, and `data`
   * against it. Accepts the parsed value, or its JSON as a string or Buffer.
   */
  check(topic: string, value: unknown): ContractCheck {
    const entry = this.topicEntries.get(topic);
    if (!entry) {
      return invalid(
        topic.endsWith(DEAD_LETTER_SUFFIX)
          ? `topic ${topic} is a dead-letter topic: its values are the rejected originals`
          : `topic ${topic} is not declared in contracts/asyncapi.yaml`,
      );
    }
    const parsed = parseValue(value);
    if (!parsed.ok) return invalid(parsed.error);
    const envelope = this.validators.get(ENVELOPE_SCHEMA_ID)!;
    if (!envelope(parsed.value)) return { valid: false, errors: formatErrors(envelope.errors, '') };
    const event = parsed.value as CloudEvent;
    const published = entry.dataschemas.get(event.type);
    if (!published) return invalid(`type "${event.type}" is not published on ${topic}`);
    if (!published.has(event.dataschema)) {
      const known = [...(this.versions.get(event.type)?.values() ?? [])];
      return invalid(
        known.includes(event.dataschema)
          ? `dataschema: "${event.dataschema}" is not published on ${topic}`
          : `dataschema: "${event.dataschema}" is not a known schema of type "${event.type}" (known: ${known.join(', ')})`,
      );
    }
    const data = this.validators.get(event.dataschema)!;
    if (!data(event.data)) return { valid: false, errors: formatErrors(data.errors, 'data') };
    return { valid: true, event };
  }

  private versionsOf(type: string): Map<number, string> {
    const byVersion = this.versions.get(type);
    if (!byVersion) throw new Error(`unknown event type "${type}"`);
    return byVersion;
  }
}

function checkMessage(message: EventMessageEntry, envelope: SchemaFile, data: SchemaFile): void {
  if (envelope.id !== ENVELOPE_SCHEMA_ID) {
    throw new Error(
      `${message.messageId}: envelope must be ${ENVELOPE_SCHEMA_ID}, is ${envelope.id}`,
    );
  }
  if (data.id !== message.dataschema) {
    throw new Error(
      `${message.messageId}: dataschema const "${message.dataschema}" differs from the $id of ${data.file} ("${data.id}")`,
    );
  }
  if (eventSchemaName(data.file)?.type !== message.type) {
    throw new Error(`${message.messageId}: type "${message.type}" differs from ${data.file}`);
  }
}

function invalid(error: string): ContractCheck {
  return { valid: false, errors: [error] };
}

function parseValue(value: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) return { ok: true, value };
  const text = typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: 'value: is not valid JSON' };
  }
}
