import { isBackwardCompatible, type JsonSchema } from '@lib/contracts';
import { findContractsDir } from './contracts-dir';
import { eventSchemaName, listSchemaFiles, readSchemaFile } from './schema-files';

const contractsDir = findContractsDir();

/** Every event data schema under contracts/schemas, grouped by service/type, oldest first. */
function schemaHistories(): Map<string, { version: number; file: string; schema: JsonSchema }[]> {
  const histories = new Map<string, { version: number; file: string; schema: JsonSchema }[]>();
  for (const file of listSchemaFiles(contractsDir)) {
    const name = eventSchemaName(file);
    if (!name) continue;
    const key = `${name.service}/${name.type}`;
    const { schema } = readSchemaFile(contractsDir, file);
    histories.set(key, [...(histories.get(key) ?? []), { version: name.version, file, schema }]);
  }
  for (const history of histories.values()) history.sort((a, b) => a.version - b.version);
  return histories;
}

describe('event schema versions in contracts/schemas', () => {
  const histories = schemaHistories();

  it('should find the event schemas', () => {
    expect([...histories.keys()]).toContain('births/BirthNotified');
  });

  it('should number the versions of each type 1..N without gaps', () => {
    for (const [key, history] of histories) {
      expect({ key, versions: history.map((h) => h.version) }).toEqual({
        key,
        versions: history.map((_, i) => i + 1),
      });
    }
  });

  it('should keep each version backward compatible with the previous one', () => {
    const problems: string[] = [];
    for (const history of histories.values()) {
      for (let i = 1; i < history.length; i++) {
        const [previous, next] = [history[i - 1], history[i]];
        for (const problem of isBackwardCompatible(previous.schema, next.schema)) {
          problems.push(`${next.file} vs ${previous.file}: ${problem}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

interface PropertySchema {
  type?: string | string[];
  enum?: string[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  description?: string;
  items?: PropertySchema;
}
interface ObjectSchema {
  type: 'object';
  required: string[];
  properties: Record<string, PropertySchema>;
  additionalProperties: false;
}

describe(isBackwardCompatible, () => {
  const facts: ObjectSchema = {
    type: 'object',
    required: ['nhsNumber'],
    properties: {
      nhsNumber: { type: 'string', pattern: '^[0-9]{10}$' },
      sex: { enum: ['M', 'F', 'I', 'U'] },
      weight: { type: 'integer', minimum: 200, maximum: 7000 },
      tags: { type: 'array', items: { enum: ['a', 'b'] } },
    },
    additionalProperties: false,
  };
  const eventSchema = (factsSchema: ObjectSchema): JsonSchema => ({
    type: 'object',
    required: ['facts'],
    properties: { facts: factsSchema },
    additionalProperties: false,
  });
  const v1 = eventSchema(facts);

  /** v1 with `change` applied to (a copy of) its facts schema. */
  function v2(change: (facts: ObjectSchema) => void): JsonSchema {
    const copy = structuredClone(facts);
    change(copy);
    return eventSchema(copy);
  }

  it('should pass an identical schema', () => {
    expect(isBackwardCompatible(v1, structuredClone(v1))).toEqual([]);
  });

  it('should pass an added optional property and widened ranges and enums', () => {
    const next = v2((facts) => {
      facts.properties.gestationWeeks = { type: 'integer', minimum: 20, maximum: 45 };
      facts.properties.sex.enum?.push('X');
      facts.properties.weight.minimum = 100;
      delete facts.properties.weight.maximum;
      facts.properties.tags.items?.enum?.push('c');
      facts.properties.nhsNumber.description = 'annotations do not matter';
    });
    expect(isBackwardCompatible(v1, next)).toEqual([]);
  });

  it('should catch a removed property', () => {
    const next = v2((facts) => {
      delete facts.properties.sex;
    });
    expect(isBackwardCompatible(v1, next)).toEqual(['facts/sex: property removed']);
  });

  it('should catch a new required field, even one that was optional', () => {
    const next = v2((facts) => {
      facts.properties.birthDate = { type: 'string', format: 'date' };
      facts.required.push('birthDate', 'sex');
    });
    expect(isBackwardCompatible(v1, next)).toEqual([
      'facts/birthDate: newly required',
      'facts/sex: newly required',
    ]);
  });

  it('should catch a narrowed enum, also inside array items', () => {
    const next = v2((facts) => {
      facts.properties.sex.enum = ['M', 'F'];
      facts.properties.tags.items = { enum: ['a'] };
    });
    expect(isBackwardCompatible(v1, next)).toEqual([
      'facts/sex: enum narrowed: no longer allows "I"',
      'facts/sex: enum narrowed: no longer allows "U"',
      'facts/tags[]: enum narrowed: no longer allows "b"',
    ]);
  });

  it('should catch a changed pattern, narrowed ranges and a changed type', () => {
    const next = v2((facts) => {
      facts.properties.nhsNumber.pattern = '^999[0-9]{7}$';
      facts.properties.weight = { type: 'string', minimum: 300, maximum: 6000 };
    });
    expect(isBackwardCompatible(v1, next)).toEqual([
      'facts/nhsNumber: pattern changed ("^[0-9]{10}$" → "^999[0-9]{7}$")',
      'facts/weight: type no longer allows integer',
      'facts/weight: minimum narrowed (200 → 300)',
      'facts/weight: maximum narrowed (7000 → 6000)',
    ]);
  });

  it('should catch tightened additionalProperties, and typed properties added to an open object', () => {
    const open: JsonSchema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(isBackwardCompatible(open, { ...open, additionalProperties: false })).toEqual([
      '(root): additionalProperties tightened (was true, now false)',
    ]);
    const added = { ...open, properties: { a: { type: 'string' }, b: { type: 'integer' } } };
    expect(isBackwardCompatible(open, added)).toEqual([
      'b: added where the old schema accepted any value (additionalProperties); only a schema with additionalProperties: false can gain typed properties',
    ]);
  });

  it('should treat null as a type of its own', () => {
    const nullable: JsonSchema = { type: ['string', 'null'] };
    expect(isBackwardCompatible(nullable, { type: 'string' })).toEqual([
      '(root): type no longer allows null',
    ]);
    expect(isBackwardCompatible({ type: 'string' }, nullable)).toEqual([]);
  });

  it('should ask for keywords it cannot reason about to stay identical', () => {
    expect(
      isBackwardCompatible({ anyOf: [{ type: 'string' }] }, { anyOf: [{ type: 'integer' }] }),
    ).toEqual(['(root): "anyOf" changed, which this check cannot compare: keep it identical']);
  });
});
