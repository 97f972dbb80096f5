import { createHash } from 'node:crypto';
import { problemsException } from '../validation';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * The key of an `Idempotency-Key` header, or the 400 every input check answers with, naming the
 * header. The key is opaque: 1 to 255 printable ASCII characters (a UUID is the usual choice).
 * Node joins a header sent twice with ", ": that is still one key.
 */
export function parseIdempotencyKey(value: string | readonly string[]): string {
  const key = typeof value === 'string' ? value : value.join(', ');
  const reason =
    key.length === 0
      ? 'must not be empty'
      : key.length > MAX_IDEMPOTENCY_KEY_LENGTH
        ? `must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`
        : !PRINTABLE_ASCII.test(key)
          ? 'must be printable ASCII characters only'
          : undefined;
  if (reason) throw problemsException([{ field: IDEMPOTENCY_KEY_HEADER, reason }]);
  return key;
}

/** Whose key it is and for which route: two callers' (or two routes') keys never meet. */
export interface IdempotencyScope {
  /** The verified caller's subject. */
  subject: string;
  method: string;
  /** The request path without its query string. */
  path: string;
  key: string;
}

/** sha256 (hex) of the scope: the stored records carry this, never the subject or the key. */
export function idempotencyScopeHash(scope: IdempotencyScope): string {
  // A JSON array: no separator inside a value can make two scopes hash the same input.
  const input = JSON.stringify([scope.subject, scope.method.toUpperCase(), scope.path, scope.key]);
  return createHash('sha256').update(input).digest('hex');
}

/** `_id` of a scope's record of one generation (see IdempotencyStore). */
export function idempotencyRecordId(scopeHash: string, generation: number): string {
  return `${scopeHash}.${generation}`;
}

/**
 * sha256 (hex) of what makes two requests "the same": the body as canonical JSON (object keys
 * sorted at every depth, so key order does not matter) and the query string (parameters sorted
 * by name). A missing body counts as JSON null.
 */
export function requestFingerprint(body: unknown, query: string): string {
  return createHash('sha256')
    .update(canonicalJson(body ?? null))
    .update('\n') // canonical JSON never holds a raw newline
    .update(canonicalQuery(query))
    .digest('hex');
}

/** Query parameters sorted by name (the order of a repeated parameter's values is kept). */
export function canonicalQuery(query: string): string {
  const params = new URLSearchParams(query);
  params.sort();
  return params.toString();
}

type Task = { text: string } | { value: unknown };

/**
 * JSON.stringify with object keys sorted at every depth. Iterative: a deeply nested body (which
 * JSON.parse accepts) cannot overflow the stack. Values JSON has no form for follow
 * JSON.stringify (undefined members are left out, in arrays they are null; toJSON is used).
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  const tasks: Task[] = [{ value }];
  const pushInOrder = (next: Task[]): void => {
    for (let i = next.length - 1; i >= 0; i--) tasks.push(next[i]);
  };
  while (tasks.length > 0) {
    const task = tasks.pop()!;
    if ('text' in task) {
      parts.push(task.text);
      continue;
    }
    let current = task.value;
    if (typeof current === 'object' && current !== null && hasToJson(current)) {
      current = current.toJSON();
    }
    if (Array.isArray(current)) {
      const next: Task[] = [{ text: '[' }];
      current.forEach((item: unknown, i) => {
        if (i > 0) next.push({ text: ',' });
        next.push(isOmitted(item) ? { text: 'null' } : { value: item });
      });
      next.push({ text: ']' });
      pushInOrder(next);
    } else if (typeof current === 'object' && current !== null) {
      const entries = Object.entries(current)
        .filter(([, v]) => !isOmitted(v))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const next: Task[] = [{ text: '{' }];
      entries.forEach(([k, v], i) => {
        next.push({ text: `${i > 0 ? ',' : ''}${JSON.stringify(k)}:` }, { value: v });
      });
      next.push({ text: '}' });
      pushInOrder(next);
    } else if (typeof current === 'bigint') {
      parts.push(`${current.toString()}n`);
    } else {
      parts.push(isOmitted(current) ? 'null' : (JSON.stringify(current) ?? 'null'));
    }
  }
  return parts.join('');
}

function hasToJson(value: object): value is { toJSON: () => unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
