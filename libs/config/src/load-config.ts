import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

/** Thrown at start-up with every bad variable at once, so an operator fixes them in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type ConfigClass<T> = new () => T;

/**
 * Validates the environment once against a class of class-validator rules and returns a typed,
 * frozen config object. Values are never echoed back: a variable may hold a secret.
 */
export function loadConfig<T extends object>(
  schema: ConfigClass<T>,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<T> {
  const config = plainToInstance(schema, { ...env }, { enableImplicitConversion: true });
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigError(errors.map(describe));
  }
  return Object.freeze(config);
}

/** One line a variable: missing ones say so plainly, others give every rule they break. */
function describe(error: ValidationError): string {
  if (error.value === undefined || error.value === '') return `${error.property}: is required`;
  return `${error.property}: ${Object.values(error.constraints ?? {}).join('; ')}`;
}
