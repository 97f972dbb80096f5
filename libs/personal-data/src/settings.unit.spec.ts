import { ConfigError, loadConfig, ServiceConfig } from '@lib/config';
import { DEVELOPMENT_PSEUDONYM_SECRET, personalDataSettings } from './settings';

const MASTER = Buffer.alloc(32, 9).toString('base64');
const SECRET = 'x'.repeat(40);

describe(personalDataSettings, () => {
  it('should refuse to run in production without the master key and the pseudonym secret', () => {
    expect(() => personalDataSettings({ NODE_ENV: 'production' })).toThrow(
      /KEYSTORE_MASTER_KEY and PSEUDONYM_SECRET must be set in production/,
    );
    expect(() =>
      personalDataSettings({ NODE_ENV: 'production', KEYSTORE_MASTER_KEY: MASTER }),
    ).toThrow(/PSEUDONYM_SECRET/);
  });

  it('should use the configured values in production', () => {
    const settings = personalDataSettings({
      NODE_ENV: 'production',
      KEYSTORE_MASTER_KEY: MASTER,
      PSEUDONYM_SECRET: SECRET,
      KEYSTORE_DB: 'keys',
    });
    expect(settings).toEqual({
      keystoreDb: 'keys',
      masterKey: Buffer.alloc(32, 9),
      pseudonymSecret: SECRET,
      developmentDefaults: false,
    });
  });

  it('should fall back to fixed development values outside production, and say so', () => {
    const a = personalDataSettings({ NODE_ENV: 'development' });
    const b = personalDataSettings({ NODE_ENV: 'test' });
    expect(a.keystoreDb).toBe('keystore');
    expect(a.masterKey).toHaveLength(32);
    expect(a.masterKey.equals(b.masterKey)).toBe(true);
    expect(a.pseudonymSecret).toBe(DEVELOPMENT_PSEUDONYM_SECRET);
    expect(a.developmentDefaults).toBe(true);
  });

  it('should refuse a master key that is not 32 bytes', () => {
    expect(() =>
      personalDataSettings({
        NODE_ENV: 'test',
        KEYSTORE_MASTER_KEY: Buffer.alloc(16).toString('base64'),
      }),
    ).toThrow(/32 bytes/);
  });

  describe('ServiceConfig', () => {
    const base = { PORT: '3001', KAFKA_BROKERS: '127.0.0.1:9092', MONGODB_URI: 'mongodb://h/' };

    function problems(env: Record<string, string>): string[] {
      try {
        loadConfig(ServiceConfig, { ...base, ...env });
        return [];
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
    }

    it('should refuse to start in production without the key store secrets', () => {
      expect(problems({ NODE_ENV: 'production' })).toEqual(
        expect.arrayContaining([
          'KEYSTORE_MASTER_KEY: is required',
          'PSEUDONYM_SECRET: is required',
        ]),
      );
    });

    it('should accept them unset outside production, and check them when set', () => {
      expect(problems({ NODE_ENV: 'test' })).toEqual([]);
      expect(loadConfig(ServiceConfig, base).KEYSTORE_DB).toBe('keystore');
      expect(
        problems({ NODE_ENV: 'test', KEYSTORE_MASTER_KEY: 'short', PSEUDONYM_SECRET: 'short' }),
      ).toEqual([
        'KEYSTORE_MASTER_KEY: KEYSTORE_MASTER_KEY must be base64 of 32 bytes',
        'PSEUDONYM_SECRET: PSEUDONYM_SECRET must be at least 32 characters',
      ]);
      expect(
        problems({ NODE_ENV: 'test', KEYSTORE_MASTER_KEY: MASTER, PSEUDONYM_SECRET: SECRET }),
      ).toEqual([]);
    });
  });
});
