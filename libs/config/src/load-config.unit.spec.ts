import { ConfigError, loadConfig } from './load-config';
import { ServiceConfig } from './service-config';

describe('loadConfig', () => {
  const good = {
    PORT: '3001',
    KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9094',
    MONGODB_URI: 'mongodb://127.0.0.1:27017/',
  };

  it('should return a typed, frozen config with defaults', () => {
    const config = loadConfig(ServiceConfig, good);
    expect(config.PORT).toBe(3001);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.1:9094']);
    expect(config.KAFKA_GROUP_PREFIX).toBe('');
    expect(config.LOG_LEVEL).toBe('info');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('should list every bad variable at once', () => {
    let thrown: unknown;
    try {
      loadConfig(ServiceConfig, { PORT: '99999', KAFKA_BROKERS: 'nohostport', LOG_LEVEL: 'loud' });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const problems = (thrown as ConfigError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: /),
        'KAFKA_BROKERS: KAFKA_BROKERS entries must be host:port',
        'MONGODB_URI: is required',
        expect.stringMatching(/^LOG_LEVEL: /),
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('should not echo a bad value back (it may be a secret)', () => {
    expect(() =>
      loadConfig(ServiceConfig, { ...good, MONGODB_URI: 'postgres://user:s3cret@db/x' }),
    ).toThrow(
      /^invalid configuration:\n {2}- MONGODB_URI: MONGODB_URI must start with mongodb:\/\/ or mongodb\+srv:\/\/$/,
    );
  });
});
