import {
  escapePropertyValue,
  newClusterId,
  renderLog4jProperties,
  renderServerProperties,
} from './kafka-config';

function parse(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.indexOf('=');
    out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

describe('Kafka configuration', () => {
  it('renders a single-node KRaft broker+controller on 127.0.0.1', () => {
    const p = parse(
      renderServerProperties({ port: 19092, controllerPort: 19093, logDirs: '/data/kafka' }),
    );
    expect(p).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': '1@127.0.0.1:19093',
      listeners: 'PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:19092',
      'inter.broker.listener.name': 'PLAINTEXT',
      'controller.listener.names': 'CONTROLLER',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      'log.dirs': '/data/kafka',
      'num.partitions': '12',
      'auto.create.topics.enable': 'false',
      'offsets.topic.num.partitions': '12',
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'group.initial.rebalance.delay.ms': '0',
    });
    expect(JSON.stringify(p)).not.toContain('localhost');
  });

  it('renders log4j with a file appender and the start line at INFO', () => {
    const p = parse(renderLog4jProperties({ logFile: '/data/kafka/logs/server.log' }));
    expect(p['log4j.rootLogger']).toBe('WARN, file');
    expect(p['log4j.appender.file.File']).toBe('/data/kafka/logs/server.log');
    expect(p['log4j.logger.kafka.server.KafkaRaftServer']).toBe('INFO');
  });

  it('escapes property values', () => {
    expect(escapePropertyValue('C:\\data')).toBe('C:\\\\data');
    expect(escapePropertyValue(' x')).toBe('\\ x');
  });

  it('makes cluster ids like StorageTool random-uuid', () => {
    for (let i = 0; i < 200; i++) expect(newClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    let calls = 0;
    const rigged = (n: number): Buffer =>
      calls++ === 0 ? Buffer.alloc(n, 0xfb) : Buffer.alloc(n, 1);
    expect(newClusterId(rigged).startsWith('-')).toBe(false);
    expect(calls).toBe(2);
  });
});
