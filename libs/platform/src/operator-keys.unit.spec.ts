import { findOperatorKey } from './operator-keys';

describe('findOperatorKey', () => {
  it('should find operator keys at any depth and name their path', () => {
    expect(findOperatorKey({ nhsNumber: { $ne: null } })).toBe('nhsNumber.$ne');
    expect(findOperatorKey({ a: [{ b: 1 }, { c: { $where: 'x' } }] })).toBe('a.1.c.$where');
    expect(findOperatorKey({ $or: [] })).toBe('$or');
  });

  it('should find bracket and dot notation in flat query keys', () => {
    expect(findOperatorKey({ 'nhsNumber[$ne]': 'x' })).toBe('nhsNumber.$ne');
    expect(findOperatorKey({ 'a.$gt': '1' })).toBe('a.$gt');
  });

  it('should find prototype keys, including the own __proto__ JSON.parse creates', () => {
    expect(findOperatorKey(JSON.parse('{"a":{"__proto__":{"admin":true}}}'))).toBe('a.__proto__');
    expect(findOperatorKey({ constructor: { prototype: {} } })).toBe('constructor');
    expect(findOperatorKey({ x: { prototype: 1 } })).toBe('x.prototype');
  });

  it('should pass ordinary data, including $ in values', () => {
    expect(findOperatorKey({ nhsNumber: '9990000026', note: '$ne', list: ['$x'] })).toBeUndefined();
    expect(findOperatorKey(undefined)).toBeUndefined();
    expect(findOperatorKey('$ne')).toBeUndefined();
    expect(findOperatorKey({ cost$: 1, constructorName: 'x' })).toBeUndefined();
  });

  it('should survive very deep nesting without overflowing the stack', () => {
    let deep: Record<string, unknown> = { $ne: 1 };
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(findOperatorKey(deep)?.endsWith('a.$ne')).toBe(true);
  });
});
