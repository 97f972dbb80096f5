import { BadRequestException } from '@nestjs/common';

/** The stated reason for reading identifiable data, sent with every such request. */
export const PURPOSE_HEADER = 'x-purpose';
export const PURPOSE_MIN_LENGTH = 3;
export const PURPOSE_MAX_LENGTH = 200;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Why a purpose header is not acceptable, or undefined when it is. */
export function purposeProblem(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') {
    return `the ${PURPOSE_HEADER} header is required: state why you are reading this record`;
  }
  if (typeof value !== 'string') return `send one ${PURPOSE_HEADER} header`;
  const trimmed = value.trim();
  if (trimmed.length < PURPOSE_MIN_LENGTH || trimmed.length > PURPOSE_MAX_LENGTH) {
    return `the ${PURPOSE_HEADER} header must be ${PURPOSE_MIN_LENGTH} to ${PURPOSE_MAX_LENGTH} characters`;
  }
  if (CONTROL_CHARACTERS.test(trimmed)) {
    return `the ${PURPOSE_HEADER} header must not contain control characters`;
  }
  return undefined;
}

/** The trimmed purpose, or a 400 naming the header. */
export function requirePurpose(value: unknown): string {
  const problem = purposeProblem(value);
  if (problem) {
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: problem,
      problems: [{ field: PURPOSE_HEADER, reason: problem }],
    });
  }
  return (value as string).trim();
}
