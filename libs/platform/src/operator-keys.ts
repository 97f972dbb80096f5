import { BadRequestException, CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';

const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
export const OPERATOR_KEY_REASON = 'operator-like keys are not allowed';

/**
 * The dotted path of the first key that could act as a query operator or reach an object's
 * prototype (`$…`, `__proto__`, `constructor`, `prototype`), at any depth, or undefined.
 * Keys are split on `.`, `[` and `]` too, so `a[$ne]` and `a.$ne` count. Own keys only
 * (`Object.keys` sees the own `__proto__` key JSON.parse creates); iterative, so a deeply nested
 * body cannot overflow the stack.
 */
export function findOperatorKey(value: unknown, root = ''): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value, path: root }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    const entries: [string, unknown][] = Array.isArray(current)
      ? current.map((v, i) => [String(i), v])
      : Object.keys(current).map((k) => [k, (current as Record<string, unknown>)[k]]);
    for (const [key, child] of entries) {
      const segments = key.split(/[.[\]]/).filter((s) => s.length > 0);
      const childPath = [path, ...(segments.length > 0 ? segments : [key])]
        .filter((s) => s.length > 0)
        .join('.');
      if (segments.some((s) => s.startsWith('$') || FORBIDDEN_NAMES.has(s))) return childPath;
      stack.push({ value: child, path: childPath });
    }
  }
  return undefined;
}

/**
 * Global guard: a request whose JSON body, query or route parameters hold an operator-like key
 * is refused with 400 naming the path, before validation and before any query is built.
 */
@Injectable()
export class OperatorKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    for (const [where, value] of [
      ['params', req.params],
      ['query', req.query],
      ['body', req.body as unknown],
    ] as const) {
      const field = findOperatorKey(value);
      if (field !== undefined) {
        throw new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: 'request validation failed',
          problems: [{ field, in: where, reason: OPERATOR_KEY_REASON }],
        });
      }
    }
    return true;
  }
}
