import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export type JsonSchema = boolean | { [keyword: string]: unknown };

export const SCHEMAS_DIR = 'schemas';
export const ID_PREFIX = 'urn:early-years:contracts:';
/** $id of the CloudEvents envelope every event value is checked against first. */
export const ENVELOPE_SCHEMA_ID = `${ID_PREFIX}cloudevent:v1`;

export interface SchemaFile {
  /** Path relative to the contracts folder, with `/`. */
  file: string;
  id: string;
  schema: { [keyword: string]: unknown };
}

/** Where an event's data schema lives: `schemas/<service>/<Type>.v<N>.json`. */
export interface EventSchemaName {
  service: string;
  type: string;
  version: number;
}

const EVENT_FILE = /^schemas\/([a-z][a-z0-9-]*)\/([A-Z][A-Za-z0-9]*)\.v([1-9][0-9]*)\.json$/;
const ENVELOPE_FILE = /^schemas\/([a-z][a-z0-9-]*)\.v([1-9][0-9]*)\.json$/;

export function readSchemaFile(contractsDir: string, file: string): SchemaFile {
  const rel = relative(contractsDir, join(contractsDir, file)).split(sep).join('/');
  let schema: unknown;
  try {
    schema = JSON.parse(readFileSync(join(contractsDir, rel), 'utf8'));
  } catch (err) {
    throw new Error(`contracts/${rel}: ${(err as Error).message}`);
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new Error(`contracts/${rel}: a schema file must hold a JSON object`);
  }
  const record = schema as { [keyword: string]: unknown };
  const id = record.$id;
  if (typeof id !== 'string') throw new Error(`contracts/${rel}: no $id`);
  const expected = expectedId(rel);
  if (id !== expected) {
    throw new Error(`contracts/${rel}: $id is "${id}", its file name says "${expected}"`);
  }
  return { file: rel, id, schema: record };
}

/** The $id a schema file must have, from its path: the file name encodes type and version. */
export function expectedId(file: string): string {
  const event = EVENT_FILE.exec(file);
  if (event) return `${ID_PREFIX}${event[1]}:${event[2]}:v${event[3]}`;
  const envelope = ENVELOPE_FILE.exec(file);
  if (envelope) return `${ID_PREFIX}${envelope[1]}:v${envelope[2]}`;
  throw new Error(
    `contracts/${file}: schema files are schemas/<service>/<Type>.v<N>.json (event data) or schemas/<name>.v<N>.json (envelopes)`,
  );
}

/** Service, type and version of an event data schema file; undefined for envelope files. */
export function eventSchemaName(file: string): EventSchemaName | undefined {
  const match = EVENT_FILE.exec(file);
  return match ? { service: match[1], type: match[2], version: Number(match[3]) } : undefined;
}

/** Every schema file under contracts/schemas, relative to the contracts folder, sorted. */
export function listSchemaFiles(contractsDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(contractsDir, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.json')) found.push(rel);
    }
  };
  walk(SCHEMAS_DIR);
  return found.sort();
}
