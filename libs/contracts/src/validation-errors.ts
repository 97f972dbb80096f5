import type { ErrorObject } from 'ajv';

/**
 * Ajv errors as `field/path: message` lines, e.g. `data/facts/nhsNumber: must match pattern
 * "^[0-9]{10}$"` or `subject: is required`. Messages quote the schema, never the rejected value
 * (it may be personal data).
 */
export function formatErrors(errors: ErrorObject[] | null | undefined, root: string): string[] {
  const lines = (errors ?? []).map((error) => formatError(error, root));
  return [...new Set(lines)];
}

function formatError(error: ErrorObject, root: string): string {
  const path = [root, ...pointerSegments(error.instancePath)].filter(Boolean);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${[...path, String(params.missingProperty)].join('/')}: is required`;
    case 'additionalProperties':
      return `${[...path, String(params.additionalProperty)].join('/')}: is not allowed`;
    case 'const':
      return `${label(path)}: must be ${JSON.stringify(params.allowedValue)}`;
    case 'enum':
      return `${label(path)}: must be one of ${(params.allowedValues as unknown[])
        .map((value) => JSON.stringify(value))
        .join(', ')}`;
    default:
      return `${label(path)}: ${error.message ?? error.keyword}`;
  }
}

function label(path: string[]): string {
  return path.length > 0 ? path.join('/') : 'value';
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}
