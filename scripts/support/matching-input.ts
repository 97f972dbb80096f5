/**
 * An independently built matching test set, read from JSON (format: see
 * scripts/eval-child-matching.ts), checked field by field, and evaluated with the pure matcher
 * as the registrations service runs it: for each registration, the births on every date the
 * children's dates of birth could be (candidateBirthDates), then matchFamily over all its
 * children together.
 */
import { readFileSync } from 'node:fs';
import {
  areMultipleBirthSiblings,
  candidateBirthDates,
  compactName,
  matchFamily,
  type KnownBirth,
  type MatchDecision,
  type MatchOptions,
  type RegisteredChild,
  type RegisteredMother,
} from '../../apps/registrations/src/matching';
import type { FalseLinkCause } from '../../apps/registrations/src/matching/evaluation/evaluate';
import type {
  FormError,
  RegisteredChildKind,
} from '../../apps/registrations/src/matching/evaluation/synthetic-area';
import {
  householdCause,
  reportFromOutcomes,
  type ChildOutcome,
  type EvaluatedChild,
} from './matching-evaluation';

export interface InputChild extends RegisteredChild {
  /** The NHS number of the child's own birth (one of `births`), or null when it has none. */
  expectedNhsNumber: string | null;
  /** For a child with no known birth: which hard case it is (default new-arrival). */
  kind?: Exclude<RegisteredChildKind, 'known'>;
  /** Labels of the errors the form was written with (counted on missed matches). */
  errors?: string[];
}

export interface InputRegistration {
  id?: string;
  children: InputChild[];
}

export interface MatchingInput {
  births: KnownBirth[];
  registrations: InputRegistration[];
}

/** A file that does not hold a valid set: every problem found, each with where it is. */
export class MatchingInputError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    const shown = problems.slice(0, 25);
    const more = problems.length > shown.length ? `\n  … and ${problems.length - 25} more` : '';
    super(
      `${file}: not a valid matching set (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        shown.map((p) => `  ${p}`).join('\n') +
        more,
    );
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const SEXES = ['M', 'F', 'I', 'U'];
const WITHOUT_KINDS = ['sibling-born-another-year', 'neighbour', 'same-surname', 'new-arrival'];

const BIRTH_FIELDS = [
  'nhsNumber',
  'givenName',
  'familyName',
  'birthDate',
  'sex',
  'postcode',
  'motherGivenName',
  'motherFamilyName',
  'motherBirthDate',
  'multipleBirthOrder',
];
const CHILD_FIELDS = [
  'givenName',
  'familyName',
  'birthDate',
  'sex',
  'postcode',
  'mother',
  'expectedNhsNumber',
  'kind',
  'errors',
];
const MOTHER_FIELDS = ['givenName', 'familyName', 'birthDate'];

function isRealDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** Checks what was read and answers it typed, or every problem found. */
export function validateMatchingInput(data: unknown): MatchingInput | string[] {
  const problems: string[] = [];
  const problem = (at: string, reason: string): void => {
    problems.push(`${at}: ${reason}`);
  };
  if (!isObject(data))
    return ['(top level): must be an object { "births": [...], "registrations": [...] }'];
  for (const key of Object.keys(data)) {
    if (key !== 'births' && key !== 'registrations') problem(key, 'is not a field of the set');
  }
  const unknownFields = (value: Record<string, unknown>, allowed: string[], at: string): void => {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        problem(`${at}.${key}`, `is not a field here (fields: ${allowed.join(', ')})`);
      }
    }
  };
  const text = (
    value: Record<string, unknown>,
    key: string,
    at: string,
    required: boolean,
  ): string | undefined => {
    const v = value[key];
    if (v === undefined) {
      if (required) problem(`${at}.${key}`, 'is required');
      return undefined;
    }
    if (typeof v !== 'string' || v.trim() === '') {
      problem(`${at}.${key}`, `must be a non-empty string, not ${describe(v)}`);
      return undefined;
    }
    return v;
  };
  const date = (
    value: Record<string, unknown>,
    key: string,
    at: string,
    options: { required: boolean; real: boolean },
  ): string | undefined => {
    const v = text(value, key, at, options.required);
    if (v === undefined) return undefined;
    if (!DATE.test(v)) problem(`${at}.${key}`, `must be a date as YYYY-MM-DD, not ${describe(v)}`);
    else if (options.real && !isRealDate(v)) problem(`${at}.${key}`, `${v} is not a real date`);
    return v;
  };
  const sex = (value: Record<string, unknown>, at: string): void => {
    if (value.sex !== undefined && !SEXES.includes(value.sex as string)) {
      problem(`${at}.sex`, `must be one of ${SEXES.join(', ')}, not ${describe(value.sex)}`);
    }
  };

  const births: KnownBirth[] = [];
  const nhsNumbers = new Set<string>();
  if (!Array.isArray(data.births)) {
    problem('births', 'must be a list of known births');
  } else {
    data.births.forEach((birth: unknown, i) => {
      const at = `births[${i}]`;
      if (!isObject(birth)) {
        problem(at, 'must be an object');
        return;
      }
      const before = problems.length;
      unknownFields(birth, BIRTH_FIELDS, at);
      const nhs = text(birth, 'nhsNumber', at, true);
      if (nhs !== undefined) {
        if (nhsNumbers.has(nhs)) problem(`${at}.nhsNumber`, `repeats ${nhs}`);
        nhsNumbers.add(nhs);
      }
      date(birth, 'birthDate', at, { required: true, real: true });
      for (const key of [
        'givenName',
        'familyName',
        'postcode',
        'motherGivenName',
        'motherFamilyName',
      ]) {
        text(birth, key, at, false);
      }
      date(birth, 'motherBirthDate', at, { required: false, real: true });
      sex(birth, at);
      const order = birth.multipleBirthOrder;
      if (order !== undefined && (!Number.isInteger(order) || (order as number) < 1)) {
        problem(
          `${at}.multipleBirthOrder`,
          `must be a whole number from 1, not ${describe(order)}`,
        );
      }
      if (problems.length === before) births.push(birth as unknown as KnownBirth);
    });
  }

  const registrations: InputRegistration[] = [];
  const ids = new Set<string>();
  if (!Array.isArray(data.registrations)) {
    problem('registrations', 'must be a list of registrations');
  } else {
    data.registrations.forEach((registration: unknown, r) => {
      const at = `registrations[${r}]`;
      if (!isObject(registration)) {
        problem(at, 'must be an object { "children": [...] }');
        return;
      }
      const before = problems.length;
      unknownFields(registration, ['id', 'children'], at);
      const id = text(registration, 'id', at, false);
      if (id !== undefined) {
        if (ids.has(id)) problem(`${at}.id`, `repeats registration ${id}`);
        ids.add(id);
      }
      const children = registration.children;
      if (!Array.isArray(children) || children.length === 0) {
        problem(`${at}.children`, 'must be a non-empty list of registered children');
        return;
      }
      children.forEach((child: unknown, c) => {
        const cat = `${at}.children[${c}]`;
        if (!isObject(child)) {
          problem(cat, 'must be an object');
          return;
        }
        unknownFields(child, CHILD_FIELDS, cat);
        text(child, 'givenName', cat, true);
        text(child, 'familyName', cat, true);
        // As written on a form: the shape of a date, not necessarily a real one (2021-15-03).
        date(child, 'birthDate', cat, { required: true, real: false });
        sex(child, cat);
        text(child, 'postcode', cat, false);
        if (child.mother !== undefined) {
          if (!isObject(child.mother)) problem(`${cat}.mother`, 'must be an object');
          else {
            unknownFields(child.mother, MOTHER_FIELDS, `${cat}.mother`);
            text(child.mother, 'givenName', `${cat}.mother`, false);
            text(child.mother, 'familyName', `${cat}.mother`, false);
            date(child.mother, 'birthDate', `${cat}.mother`, { required: false, real: false });
          }
        }
        if (!('expectedNhsNumber' in child)) {
          problem(`${cat}.expectedNhsNumber`, 'is required (the NHS number of its birth, or null)');
        } else if (child.expectedNhsNumber !== null) {
          const expected = text(child, 'expectedNhsNumber', cat, true);
          if (expected !== undefined && !nhsNumbers.has(expected)) {
            problem(`${cat}.expectedNhsNumber`, `${expected} is not the NHS number of any birth`);
          }
          if (child.kind !== undefined) {
            problem(
              `${cat}.kind`,
              'is only for a child with no known birth (expectedNhsNumber null)',
            );
          }
        }
        if (
          child.errors !== undefined &&
          (!Array.isArray(child.errors) ||
            child.errors.some((e) => typeof e !== 'string' || e.trim() === ''))
        ) {
          problem(`${cat}.errors`, 'must be a list of non-empty labels');
        }
        if (child.kind !== undefined && !WITHOUT_KINDS.includes(child.kind as string)) {
          problem(
            `${cat}.kind`,
            `must be one of ${WITHOUT_KINDS.join(', ')}, not ${describe(child.kind)}`,
          );
        }
      });
      if (problems.length === before) {
        registrations.push({
          ...(id !== undefined ? { id } : {}),
          children: children as InputChild[],
        });
      }
    });
  }
  // An NHS number expected for two children is a mistake in the set (one birth, one child).
  const expectedBy = new Map<string, string>();
  registrations.forEach((registration, r) => {
    registration.children.forEach((child, c) => {
      if (child.expectedNhsNumber === null) return;
      const at = `registrations[${r}].children[${c}]`;
      const earlier = expectedBy.get(child.expectedNhsNumber);
      if (earlier) {
        problem(
          `${at}.expectedNhsNumber`,
          `${child.expectedNhsNumber} is expected for ${earlier} too`,
        );
      } else {
        expectedBy.set(child.expectedNhsNumber, at);
      }
    });
  });
  return problems.length > 0 ? problems : { births, registrations };
}

/** Reads and checks a set; throws MatchingInputError naming every problem. */
export function readMatchingInput(file: string): MatchingInput {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e: unknown) {
    throw new Error(`${file}: cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e: unknown) {
    throw new MatchingInputError(file, [
      `is not JSON: ${e instanceof Error ? e.message : String(e)}`,
    ]);
  }
  const checked = validateMatchingInput(data);
  if (Array.isArray(checked)) throw new MatchingInputError(file, checked);
  return checked;
}

function sameMother(
  a: { motherGivenName?: string; motherFamilyName?: string; motherBirthDate?: string },
  b: { motherGivenName?: string; motherFamilyName?: string; motherBirthDate?: string },
): boolean {
  if (a.motherBirthDate !== undefined && a.motherBirthDate === b.motherBirthDate) return true;
  const same = (x?: string, y?: string): boolean =>
    x !== undefined &&
    y !== undefined &&
    compactName(x) !== '' &&
    compactName(x) === compactName(y);
  return same(a.motherGivenName, b.motherGivenName) && same(a.motherFamilyName, b.motherFamilyName);
}

function motherOf(mother: RegisteredMother | undefined) {
  return {
    motherGivenName: mother?.givenName,
    motherFamilyName: mother?.familyName,
    motherBirthDate: mother?.birthDate,
  };
}

function toRegisteredChild(child: InputChild): RegisteredChild {
  const registered: RegisteredChild = {
    givenName: child.givenName,
    familyName: child.familyName,
    birthDate: child.birthDate,
  };
  if (child.sex !== undefined) registered.sex = child.sex;
  if (child.postcode !== undefined) registered.postcode = child.postcode;
  if (child.mother !== undefined) registered.mother = child.mother;
  return registered;
}

/**
 * The pure matcher over a set read from a file, with the figures of formatReport. The set names
 * no families, so a false link's cause is read from the records: the expected birth's twin or
 * triplet (areMultipleBirthSiblings), a brother or sister (same mother: her date of birth, or
 * both her names), the same family name, the same postcode, else unrelated.
 */
export function evaluateInput(input: MatchingInput, options?: MatchOptions) {
  const births = new Map(input.births.map((b) => [b.nhsNumber, b]));
  const byDate = new Map<string, KnownBirth[]>();
  for (const b of input.births) byDate.set(b.birthDate, [...(byDate.get(b.birthDate) ?? []), b]);
  const isMultiple = (birth: KnownBirth): boolean =>
    (byDate.get(birth.birthDate) ?? []).some((other) => areMultipleBirthSiblings(birth, other));

  const children: { child: EvaluatedChild; outcome: ChildOutcome }[] = [];
  const registered = new Map<EvaluatedChild, InputChild>();
  let candidatesLookedUp = 0;
  input.registrations.forEach((registration, r) => {
    const id = registration.id ?? `#${r + 1}`;
    const dates = new Set(registration.children.flatMap((c) => candidateBirthDates(c.birthDate)));
    const candidates = [...dates].flatMap((d) => byDate.get(d) ?? []);
    candidatesLookedUp += candidates.length;
    const found = new Set(candidates.map((c) => c.nhsNumber));
    const decisions: MatchDecision[] = matchFamily(
      registration.children.map(toRegisteredChild),
      candidates,
      options,
    );
    registration.children.forEach((child, i) => {
      const truth = child.expectedNhsNumber;
      const own = truth === null ? undefined : births.get(truth);
      const evaluated: EvaluatedChild = {
        registrationId: id,
        truth,
        kind: truth === null ? (child.kind ?? 'new-arrival') : 'known',
        errors: (child.errors ?? []) as FormError[],
        multipleBirth: own !== undefined && isMultiple(own),
        registeredWithCoSibling:
          own !== undefined &&
          registration.children.some((other) => {
            const theirs =
              other === child || other.expectedNhsNumber === null
                ? undefined
                : births.get(other.expectedNhsNumber);
            return theirs !== undefined && areMultipleBirthSiblings(own, theirs);
          }),
        ...(truth === null ? {} : { truthLookedUp: found.has(truth) }),
      };
      registered.set(evaluated, child);
      const decision = decisions[i];
      const outcome: ChildOutcome =
        decision.decision === 'link'
          ? { decision: 'link', nhsNumber: decision.nhsNumber, score: decision.score }
          : decision.decision === 'review'
            ? {
                decision: 'review',
                reasons: decision.reasons,
                candidates: decision.candidates.map((c) => c.nhsNumber),
              }
            : { decision: 'none' };
      children.push({ child: evaluated, outcome });
    });
  });

  const causeOf = (evaluated: EvaluatedChild, linkedNhs: string): FalseLinkCause => {
    const child = registered.get(evaluated)!;
    const linked = births.get(linkedNhs);
    if (!linked) return 'unrelated';
    const own = evaluated.truth === null ? undefined : births.get(evaluated.truth);
    if (own && areMultipleBirthSiblings(own, linked)) return 'multiple-birth-sibling';
    if (sameMother(own ?? motherOf(child.mother), linked)) return 'sibling';
    return householdCause(child, linked);
  };

  return reportFromOutcomes({
    seed: Number.NaN,
    knownBirths: input.births.length,
    registrations: input.registrations.length,
    candidatesLookedUp,
    children,
    causeOf,
  });
}
