import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const ASYNCAPI_FILE = 'asyncapi.yaml';

/**
 * The `contracts/` folder: env CONTRACTS_DIR if set, else the first `contracts/` holding
 * asyncapi.yaml found walking up from `start` (works from libs/contracts/src and from
 * dist/libs/contracts/src).
 */
export function findContractsDir(start: string = __dirname): string {
  const fromEnv = process.env.CONTRACTS_DIR;
  if (fromEnv) {
    const dir = resolve(fromEnv);
    if (!existsSync(join(dir, ASYNCAPI_FILE))) {
      throw new Error(`CONTRACTS_DIR=${fromEnv} does not contain ${ASYNCAPI_FILE}`);
    }
    return dir;
  }
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const candidate = join(dir, 'contracts');
    if (existsSync(join(candidate, ASYNCAPI_FILE))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(
    `no contracts/${ASYNCAPI_FILE} found above ${start}; set CONTRACTS_DIR to the contracts folder`,
  );
}
