import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ACTIVITY_CATEGORIES,
  CARER_RELATIONSHIPS,
  ContractRegistry,
  EMPLOYMENT_STATUSES,
  HEARD_VIA,
  OUTREACH_OUTCOMES,
  OUTREACH_VISIT_TYPES,
  UNLINK_REASONS,
  WITHDRAWAL_REASONS,
  type ChildLinkedV1,
  type CloudEvent,
  type FamilyDetailsChangedV1,
  type FamilyRegisteredV1,
} from '@lib/contracts';
import { findContractsDir } from './contracts-dir';
import { listSchemaFiles, readSchemaFile } from './schema-files';

const contractsDir = findContractsDir();
const CHILD = 'registrations.child.v1';
const FAMILY = 'registrations.family.v1';
const KNOWN_FLAG = ['yes', 'no', 'unknown'];

/** The enum each property of that name must carry: the consts of registrations.ts. */
const ENUMS: Record<string, readonly string[]> = {
  relationship: CARER_RELATIONSHIPS,
  employmentStatus: EMPLOYMENT_STATUSES,
  heardVia: HEARD_VIA,
  activityCategory: ACTIVITY_CATEGORIES,
  visitType: OUTREACH_VISIT_TYPES,
  outcome: OUTREACH_OUTCOMES,
  reason: WITHDRAWAL_REASONS,
  loneParent: KNOWN_FLAG,
  worklessHousehold: KNOWN_FLAG,
  disability: KNOWN_FLAG,
  disabilityOrSen: KNOWN_FLAG,
};

function example<T>(type: string): CloudEvent<T> {
  const text = readFileSync(join(contractsDir, `examples/registrations/${type}.v1.json`), 'utf8');
  return JSON.parse(text) as CloudEvent<T>;
}

/** Every `{ name, enum }` of a property with an enum, at any depth of a schema. */
function propertyEnums(schema: unknown): { name: string; values: unknown[] }[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const found: { name: string; values: unknown[] }[] = [];
  const { properties } = schema as { properties?: Record<string, { enum?: unknown[] }> };
  for (const [name, property] of Object.entries(properties ?? {})) {
    if (Array.isArray(property.enum)) found.push({ name, values: property.enum });
  }
  return [...found, ...Object.values(schema).flatMap(propertyEnums)];
}

describe('registrations contracts', () => {
  const registry = ContractRegistry.load(contractsDir);
  const errorsOf = (topic: string, event: unknown): string[] => {
    const check = registry.check(topic, event);
    return check.valid ? [] : check.errors;
  };

  it('should publish the family events on registrations.family.v1 and the child events on registrations.child.v1', () => {
    const eventTypes = new Map(registry.topics().map((t) => [t.name, t.eventTypes]));
    expect(eventTypes.get(FAMILY)).toEqual([
      'FamilyRegistered',
      'FamilyDetailsChanged',
      'CarerAttendanceRecorded',
      'OutreachContactRecorded',
      'RegistrationWithdrawn',
    ]);
    expect(eventTypes.get(CHILD)).toEqual([
      'ChildRegistered',
      'ChildLinked',
      'ChildUnlinked',
      'AttendanceRecorded',
      'ChildRegistrationWithdrawn',
    ]);
  });

  it('should carry the enums of registrations.ts in every schema', () => {
    const files = listSchemaFiles(contractsDir).filter((f) =>
      f.startsWith('schemas/registrations/'),
    );
    expect(files).toHaveLength(10);
    const seen = new Set<string>();
    for (const file of files) {
      for (const { name, values } of propertyEnums(readSchemaFile(contractsDir, file).schema)) {
        if (!(name in ENUMS)) continue;
        seen.add(name);
        // A withdrawal's reason and an unlink's reason are different codes.
        const expected =
          file.includes('ChildUnlinked') && name === 'reason' ? UNLINK_REASONS : ENUMS[name];
        expect({ file, name, values }).toEqual({ file, name, values: [...expected] });
      }
    }
    expect([...seen].sort()).toEqual(Object.keys(ENUMS).sort());
  });

  it('should refuse a family id that is not `<centre>-<6 Crockford base32 characters>`', () => {
    const event = example<FamilyRegisteredV1>('FamilyRegistered');
    event.data.facts.familyId = 'C1-7K3QXU';
    expect(errorsOf(FAMILY, event)).toEqual([
      'data/facts/familyId: must match pattern "^[A-Za-z0-9_-]{1,40}-[0-9A-HJKMNP-TV-Z]{6}$"',
    ]);
  });

  it('should ask for the household workless state with a change of employment', () => {
    const event = example<FamilyDetailsChangedV1>('FamilyDetailsChanged');
    delete event.data.facts.worklessHousehold;
    expect(errorsOf(FAMILY, event)).toEqual([
      'data/facts: must have property worklessHousehold when property carers is present',
    ]);
  });

  it('should take an automatic link only from the matcher, with its score', () => {
    const event = example<ChildLinkedV1>('ChildLinked');
    expect(errorsOf(CHILD, event)).toEqual([]);
    delete event.data.facts.score;
    event.data.facts.linkedBy = 'staff-4f2a9c';
    expect(errorsOf(CHILD, event).sort()).toEqual([
      'data/facts/linkedBy: must be "matcher"',
      'data/facts/score: is required',
      'data/facts: must match "then" schema',
    ]);
    event.data.facts.method = 'manual';
    expect(errorsOf(CHILD, event)).toEqual([]);
  });

  it('should re-state the registration of a linked child with its NHS number', () => {
    const event = example<ChildLinkedV1>('ChildLinked');
    delete event.data.facts.registration.nhsNumber;
    expect(errorsOf(CHILD, event)).toEqual(['data/facts/registration/nhsNumber: is required']);
  });
});
