import { chooseMode, parseBrokers } from './mode';

describe('chooseMode', () => {
  it('is external when both KAFKA_BROKERS and MONGODB_URI are set', () => {
    const d = chooseMode({
      KAFKA_BROKERS: ' 127.0.0.1:9092, 127.0.0.1:9093 ,',
      MONGODB_URI: 'mongodb://db:27017/',
    });
    expect(d.choice).toEqual({
      kind: 'external',
      kafkaBrokers: ['127.0.0.1:9092', '127.0.0.1:9093'],
      mongoUri: 'mongodb://db:27017/',
    });
    expect(d.warnings).toEqual([]);
  });

  it('external wins over TEST_INFRA', () => {
    expect(
      chooseMode({ KAFKA_BROKERS: 'k:1', MONGODB_URI: 'mongodb://m/', TEST_INFRA: 'local' }).choice
        .kind,
    ).toBe('external');
  });

  it('probes for Docker by default', () => {
    expect(chooseMode({}).choice).toEqual({ kind: 'auto' });
  });

  it('TEST_INFRA=local skips the Docker probe; TEST_INFRA=containers requires it', () => {
    expect(chooseMode({ TEST_INFRA: 'local' }).choice).toEqual({ kind: 'local' });
    expect(chooseMode({ TEST_INFRA: 'LOCAL' }).choice).toEqual({ kind: 'local' });
    expect(chooseMode({ TEST_INFRA: 'containers' }).choice).toEqual({ kind: 'containers' });
  });

  it('warns when only one of the two external variables is set, and starts both', () => {
    const d = chooseMode({ KAFKA_BROKERS: '127.0.0.1:9092', TEST_INFRA: 'local' });
    expect(d.choice).toEqual({ kind: 'local' });
    expect(d.warnings.join()).toMatch(/KAFKA_BROKERS is set but MONGODB_URI is not/);
    expect(chooseMode({ MONGODB_URI: 'mongodb://x/' }).warnings.join()).toMatch(
      /MONGODB_URI is set but KAFKA_BROKERS/,
    );
  });

  it('treats blank values as unset', () => {
    expect(chooseMode({ KAFKA_BROKERS: ' , ', MONGODB_URI: '  ' })).toEqual({
      choice: { kind: 'auto' },
      warnings: [],
    });
  });

  it('rejects an unknown TEST_INFRA', () => {
    expect(() => chooseMode({ TEST_INFRA: 'kubernetes' })).toThrow(/TEST_INFRA=kubernetes/);
  });

  it('parseBrokers splits and trims', () => {
    expect(parseBrokers(undefined)).toEqual([]);
    expect(parseBrokers('a:1,,b:2 ')).toEqual(['a:1', 'b:2']);
  });
});
