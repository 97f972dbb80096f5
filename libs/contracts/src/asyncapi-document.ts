import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { ASYNCAPI_FILE } from './contracts-dir';

export const DEAD_LETTER_SUFFIX = '.dlt';

/** A CloudEvents message of contracts/asyncapi.yaml: one event type in one version. */
export interface EventMessageEntry {
  /** Key of the message in its channel, e.g. `BirthNotifiedV1`. */
  messageId: string;
  /** CloudEvents `type` (= the message `name`). */
  type: string;
  /** CloudEvents `dataschema` (= the `$id` of the data schema file). */
  dataschema: string;
  /** `$ref` of the envelope schema file, relative to the contracts folder. */
  envelopeRef: string;
  /** `$ref` of the data schema file, relative to the contracts folder. */
  dataRef: string;
}

export interface ChannelEntry {
  id: string;
  topic: string;
  partitions: number;
  deadLetter: boolean;
  /** Event messages; empty for dead-letter channels (their values are the rejected originals). */
  messages: EventMessageEntry[];
}

type Json = { [key: string]: unknown };

/**
 * Reads the channels and event messages of contracts/asyncapi.yaml without the AsyncAPI parser
 * (a dev dependency, and asynchronous). Only local `$ref`s are followed; the schema files named by
 * external `$ref`s are loaded by the caller. Throws on anything the registry cannot rely on.
 */
export function readAsyncApi(contractsDir: string): ChannelEntry[] {
  const doc = record(
    loadYaml(readFileSync(join(contractsDir, ASYNCAPI_FILE), 'utf8')),
    ASYNCAPI_FILE,
  );
  if (doc.asyncapi !== '3.0.0') throw new Error(`${ASYNCAPI_FILE}: expected asyncapi: 3.0.0`);
  const channels = record(doc.channels, 'channels');
  const entries = Object.entries(channels).map(([id, raw]) =>
    readChannel(doc, id, record(deref(doc, raw), `channels.${id}`)),
  );
  const topics = new Set(entries.map((entry) => entry.topic));
  if (topics.size !== entries.length)
    throw new Error(`${ASYNCAPI_FILE}: a topic is declared twice`);
  for (const entry of entries) {
    if (!entry.deadLetter && !topics.has(entry.topic + DEAD_LETTER_SUFFIX)) {
      throw new Error(`channels.${entry.id}: no dead-letter channel ${entry.topic}.dlt`);
    }
  }
  return entries;
}

function readChannel(doc: Json, id: string, channel: Json): ChannelEntry {
  const where = `channels.${id}`;
  const topic = channel.address;
  if (typeof topic !== 'string' || topic === '') throw new Error(`${where}: no address`);
  const kafka = record(
    record(channel.bindings, `${where}.bindings`).kafka,
    `${where}.bindings.kafka`,
  );
  if (kafka.topic !== undefined && kafka.topic !== topic) {
    throw new Error(
      `${where}: bindings.kafka.topic ${JSON.stringify(kafka.topic)} differs from the address`,
    );
  }
  const partitions = kafka.partitions;
  if (typeof partitions !== 'number' || !Number.isInteger(partitions) || partitions < 1) {
    throw new Error(`${where}: bindings.kafka.partitions must be a positive integer`);
  }
  const deadLetter = topic.endsWith(DEAD_LETTER_SUFFIX);
  const messages = deadLetter
    ? []
    : Object.entries(record(channel.messages ?? {}, `${where}.messages`)).map(([key, raw]) =>
        readEventMessage(doc, key, raw, `${where}.messages.${key}`),
      );
  return { id, topic, partitions, deadLetter, messages };
}

/**
 * An event message's payload is `allOf: [ {$ref: envelope}, {properties: {type: {const},
 * dataschema: {const}, data: {$ref: data schema file}}} ]`.
 */
function readEventMessage(
  doc: Json,
  messageId: string,
  raw: unknown,
  where: string,
): EventMessageEntry {
  const message = record(deref(doc, raw), where);
  const allOf = record(message.payload, `${where}.payload`).allOf;
  if (!Array.isArray(allOf)) throw new Error(`${where}.payload: expected allOf [envelope, event]`);
  let envelopeRef: string | undefined;
  let event: Json | undefined;
  for (const part of allOf.map((item, i) => record(item, `${where}.payload.allOf.${i}`))) {
    if (typeof part.$ref === 'string') envelopeRef = part.$ref;
    else if (part.properties !== undefined) event = record(part.properties, `${where}.payload`);
  }
  const type = constOf(event?.type);
  const dataschema = constOf(event?.dataschema);
  const dataRef = event?.data !== undefined ? record(event.data, where).$ref : undefined;
  if (!envelopeRef || !type || !dataschema || typeof dataRef !== 'string') {
    throw new Error(
      `${where}: payload must be allOf [{$ref: envelope}, {properties: {type: {const}, dataschema: {const}, data: {$ref}}}]`,
    );
  }
  if (message.name !== type) {
    throw new Error(`${where}: name "${String(message.name)}" differs from type const "${type}"`);
  }
  return { messageId, type, dataschema, envelopeRef, dataRef };
}

function constOf(schema: unknown): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const value = (schema as Json).const;
  return typeof value === 'string' ? value : undefined;
}

/** Follows a local `$ref` (`#/components/...`); external ones are left to the caller. */
function deref(doc: Json, value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const ref = (value as Json).$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return value;
  if (depth > 10) throw new Error(`${ASYNCAPI_FILE}: $ref loop at ${ref}`);
  let target: unknown = doc;
  for (const segment of ref.slice(2).split('/')) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    target = typeof target === 'object' && target !== null ? (target as Json)[key] : undefined;
  }
  if (target === undefined) throw new Error(`${ASYNCAPI_FILE}: $ref ${ref} resolves to nothing`);
  return deref(doc, target, depth + 1);
}

function record(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${ASYNCAPI_FILE}: ${where} must be an object`);
  }
  return value as Json;
}
