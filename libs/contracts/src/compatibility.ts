import type { JsonSchema } from './schema-files';

type SchemaObject = { [keyword: string]: unknown };

/** Keywords that never change which instances are valid. */
const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  '$comment',
  'title',
  'description',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
  'contentEncoding',
  'contentMediaType',
]);
const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'];
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'];
const CHECKED = new Set([
  ...ANNOTATIONS,
  ...LOWER_BOUNDS,
  ...UPPER_BOUNDS,
  'type',
  'enum',
  'const',
  'pattern',
  'format',
  'multipleOf',
  'uniqueItems',
  'properties',
  'required',
  'additionalProperties',
  'items',
]);

/**
 * Structural check that `newSchema` accepts every instance `oldSchema` accepts (the rule for a
 * new version of an event within one topic version: additive and optional only). Returns the
 * incompatibilities, each naming its path; empty = compatible. Keywords it cannot reason about
 * (allOf, $ref, if, ...) must stay identical.
 */
export function isBackwardCompatible(oldSchema: JsonSchema, newSchema: JsonSchema): string[] {
  const problems: string[] = [];
  compare(oldSchema, newSchema, '', problems);
  return problems;
}

function compare(oldSchema: JsonSchema, newSchema: JsonSchema, path: string, out: string[]): void {
  const at = path || '(root)';
  if (isTrivial(newSchema) || oldSchema === false) return;
  if (newSchema === false) {
    out.push(`${at}: now rejects every value`);
    return;
  }
  const old: SchemaObject = oldSchema === true ? {} : oldSchema;
  const neu: SchemaObject = newSchema as SchemaObject;

  compareTypes(old, neu, at, out);
  compareValues(old, neu, at, out);
  for (const keyword of ['pattern', 'format']) {
    if (neu[keyword] !== undefined && neu[keyword] !== old[keyword]) {
      out.push(
        `${at}: ${keyword} ${old[keyword] === undefined ? 'added' : 'changed'} (${JSON.stringify(old[keyword])} → ${JSON.stringify(neu[keyword])})`,
      );
    }
  }
  for (const keyword of LOWER_BOUNDS) {
    const [was, now] = [old[keyword], neu[keyword]];
    if (typeof now === 'number' && (typeof was !== 'number' || now > was)) {
      out.push(`${at}: ${keyword} narrowed (${String(was)} → ${now})`);
    }
  }
  for (const keyword of UPPER_BOUNDS) {
    const [was, now] = [old[keyword], neu[keyword]];
    if (typeof now === 'number' && (typeof was !== 'number' || now < was)) {
      out.push(`${at}: ${keyword} narrowed (${String(was)} → ${now})`);
    }
  }
  const [wasMultiple, nowMultiple] = [old.multipleOf, neu.multipleOf];
  if (
    typeof nowMultiple === 'number' &&
    (typeof wasMultiple !== 'number' || wasMultiple % nowMultiple !== 0)
  ) {
    out.push(`${at}: multipleOf narrowed (${String(wasMultiple)} → ${nowMultiple})`);
  }
  if (neu.uniqueItems === true && old.uniqueItems !== true) out.push(`${at}: uniqueItems added`);

  compareObjects(old, neu, path, out);
  if (neu.items !== undefined) {
    compare(asSchema(old.items ?? true), asSchema(neu.items), `${path}[]`, out);
  }
  for (const keyword of new Set([...Object.keys(old), ...Object.keys(neu)])) {
    if (!CHECKED.has(keyword) && !deepEqual(old[keyword], neu[keyword])) {
      out.push(`${at}: "${keyword}" changed, which this check cannot compare: keep it identical`);
    }
  }
}

function compareTypes(old: SchemaObject, neu: SchemaObject, at: string, out: string[]): void {
  const now = typeSet(neu.type);
  if (!now) return;
  const was = typeSet(old.type) ?? typesOfValues(allowedValues(old));
  if (!was) {
    out.push(`${at}: type restricted to ${[...now].join(', ')} (was any)`);
    return;
  }
  for (const type of was) {
    const allowed = now.has(type) || (type === 'integer' && now.has('number'));
    if (!allowed) out.push(`${at}: type no longer allows ${type}`);
  }
}

function compareValues(old: SchemaObject, neu: SchemaObject, at: string, out: string[]): void {
  const now = allowedValues(neu);
  if (!now) return;
  const was = allowedValues(old);
  if (!was) {
    out.push(`${at}: enum added (was any value)`);
    return;
  }
  for (const value of was) {
    if (!now.some((candidate) => deepEqual(candidate, value))) {
      out.push(`${at}: enum narrowed: no longer allows ${JSON.stringify(value)}`);
    }
  }
}

function compareObjects(old: SchemaObject, neu: SchemaObject, path: string, out: string[]): void {
  const at = path || '(root)';
  const child = (name: string): string => (path ? `${path}/${name}` : name);
  const wasRequired = new Set(stringArray(old.required));
  for (const name of stringArray(neu.required)) {
    if (!wasRequired.has(name)) out.push(`${child(name)}: newly required`);
  }
  const oldProperties = schemaMap(old.properties);
  const newProperties = schemaMap(neu.properties);
  const oldAdditional = asSchema(old.additionalProperties ?? true);
  for (const [name, schema] of Object.entries(oldProperties)) {
    if (!(name in newProperties)) out.push(`${child(name)}: property removed`);
    else compare(schema, newProperties[name], child(name), out);
  }
  for (const [name, schema] of Object.entries(newProperties)) {
    if (name in oldProperties) continue;
    // An added property must accept whatever the old schema let through under that name.
    if (isTrivial(oldAdditional) && !isTrivial(schema)) {
      out.push(
        `${child(name)}: added where the old schema accepted any value (additionalProperties); only a schema with additionalProperties: false can gain typed properties`,
      );
    } else {
      compare(oldAdditional, schema, child(name), out);
    }
  }
  const newAdditional = asSchema(neu.additionalProperties ?? true);
  if (isTrivial(newAdditional) || oldAdditional === false) return;
  if (newAdditional === false) {
    out.push(`${at}: additionalProperties tightened (was ${describe(oldAdditional)}, now false)`);
    return;
  }
  compare(oldAdditional, newAdditional, child('additionalProperties'), out);
}

function allowedValues(schema: SchemaObject): unknown[] | undefined {
  if (schema.const !== undefined) return [schema.const];
  return Array.isArray(schema.enum) ? schema.enum : undefined;
}

function typeSet(type: unknown): Set<string> | undefined {
  if (typeof type === 'string') return new Set([type]);
  return Array.isArray(type) ? new Set(type.map(String)) : undefined;
}

function typesOfValues(values: unknown[] | undefined): Set<string> | undefined {
  if (!values) return undefined;
  return new Set(
    values.map((value) => {
      if (value === null) return 'null';
      if (Array.isArray(value)) return 'array';
      if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
      return typeof value;
    }),
  );
}

function isTrivial(schema: JsonSchema): boolean {
  return (
    schema === true || (schema !== false && Object.keys(schema).every((k) => ANNOTATIONS.has(k)))
  );
}

function asSchema(value: unknown): JsonSchema {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return value as SchemaObject;
  }
  // Tuple-form `items` and other shapes are compared as opaque values.
  return { __opaque: value };
}

function schemaMap(value: unknown): Record<string, JsonSchema> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, asSchema(v)]),
  );
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function describe(schema: JsonSchema): string {
  return typeof schema === 'boolean' ? String(schema) : 'a schema';
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return (
    keysA.length === keysB.length &&
    keysA.every((key) =>
      deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
    )
  );
}
