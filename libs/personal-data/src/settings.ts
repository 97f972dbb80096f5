import { createHash } from 'node:crypto';

/** The ServiceConfig fields this library reads (libs/config/src/service-config.ts). */
export interface PersonalDataConfig {
  NODE_ENV: 'development' | 'test' | 'production';
  KEYSTORE_DB?: string;
  KEYSTORE_MASTER_KEY?: string;
  PSEUDONYM_SECRET?: string;
}

export interface PersonalDataSettings {
  /** Database of the shared key store (on MONGODB_URI). */
  keystoreDb: string;
  /** 32 bytes: wraps every subject key. */
  masterKey: Buffer;
  /** Secret of the keyed hashes behind key ids and pseudonyms. */
  pseudonymSecret: string;
  /** True when a built-in development value stands in for an unset secret. */
  developmentDefaults: boolean;
}

export const DEFAULT_KEYSTORE_DB = 'keystore';

// Fixed development values: known to everyone, so never accepted in production.
const DEVELOPMENT_MASTER_KEY = createHash('sha256')
  .update('early-years development key store master key (not for production)')
  .digest();
export const DEVELOPMENT_PSEUDONYM_SECRET =
  'development-only pseudonym secret: never use in production';

/**
 * Settings from a service's config. Outside production an unset secret falls back to a fixed
 * development value; in production both secrets are required (config validation refuses to start
 * without them, and this refuses again).
 */
export function personalDataSettings(config: PersonalDataConfig): PersonalDataSettings {
  const production = config.NODE_ENV === 'production';
  const missing = [
    config.KEYSTORE_MASTER_KEY ? undefined : 'KEYSTORE_MASTER_KEY',
    config.PSEUDONYM_SECRET ? undefined : 'PSEUDONYM_SECRET',
  ].filter((name): name is string => name !== undefined);
  if (production && missing.length > 0) {
    throw new Error(`personal data: ${missing.join(' and ')} must be set in production`);
  }
  const masterKey = config.KEYSTORE_MASTER_KEY
    ? Buffer.from(config.KEYSTORE_MASTER_KEY, 'base64')
    : Buffer.from(DEVELOPMENT_MASTER_KEY);
  if (masterKey.length !== 32) {
    throw new Error('personal data: KEYSTORE_MASTER_KEY must be base64 of 32 bytes');
  }
  const pseudonymSecret = config.PSEUDONYM_SECRET || DEVELOPMENT_PSEUDONYM_SECRET;
  if (production && pseudonymSecret.length < 32) {
    throw new Error('personal data: PSEUDONYM_SECRET must be at least 32 characters');
  }
  return {
    keystoreDb: config.KEYSTORE_DB || DEFAULT_KEYSTORE_DB,
    masterKey,
    pseudonymSecret,
    developmentDefaults: missing.length > 0,
  };
}
