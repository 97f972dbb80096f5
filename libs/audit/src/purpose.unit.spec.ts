import { BadRequestException } from '@nestjs/common';
import { purposeProblem, requirePurpose } from './purpose';

describe('purpose (x-purpose header)', () => {
  it('should accept a stated reason of 3 to 200 characters, trimmed', () => {
    expect(purposeProblem('home visit follow-up')).toBeUndefined();
    expect(requirePurpose('  NBV  ')).toBe('NBV');
    expect(purposeProblem('x'.repeat(200))).toBeUndefined();
  });

  it('should refuse a missing, short, long, repeated or control-character purpose', () => {
    expect(purposeProblem(undefined)).toMatch(/x-purpose header is required/);
    expect(purposeProblem('')).toMatch(/required/);
    expect(purposeProblem('ab')).toMatch(/3 to 200/);
    expect(purposeProblem('x'.repeat(201))).toMatch(/3 to 200/);
    expect(purposeProblem(['a reason', 'another'])).toMatch(/one x-purpose header/);
    expect(purposeProblem('why\u0007not')).toMatch(/control characters/);
  });

  it('should answer 400 naming the header', () => {
    try {
      requirePurpose(undefined);
      throw new Error('expected a 400');
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestException);
      expect((error as BadRequestException).getResponse()).toMatchObject({
        statusCode: 400,
        problems: [{ field: 'x-purpose' }],
      });
    }
  });
});
