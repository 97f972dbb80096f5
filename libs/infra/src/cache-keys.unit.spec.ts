import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cacheLayout,
  cacheRoot,
  ferretCacheKey,
  ferretVersionFromGoMod,
  findDeployDir,
  hashFiles,
  kafkaCacheKey,
  kafkaVersionFromPom,
} from './cache-keys';

const pom = `<project><dependencies>
  <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId>
    <version>3.9.1</version></dependency>
  <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
</dependencies></project>`;
const goFiles = {
  'main.go': 'package main\n',
  'go.mod': 'module x\n\nrequire github.com/FerretDB/FerretDB v1.24.2\n',
  'go.sum': 'h1:abc\n',
  'patches.json': '{"patches":[]}\n',
};

describe('cache keys', () => {
  it('names the Kafka cache by version and pom hash', () => {
    expect(kafkaVersionFromPom(pom)).toBe('3.9.1');
    expect(kafkaCacheKey(pom)).toMatch(/^kafka-3\.9\.1-[0-9a-f]{16}$/);
    expect(kafkaCacheKey(pom)).toBe(kafkaCacheKey(pom));
    expect(kafkaCacheKey(pom + ' ')).not.toBe(kafkaCacheKey(pom));
  });

  it('names the FerretDB cache by version, platform and sources hash', () => {
    expect(ferretVersionFromGoMod(goFiles['go.mod'])).toBe('1.24.2');
    const key = ferretCacheKey(goFiles, 'linux', 'x64');
    expect(key).toMatch(/^ferretdb-1\.24\.2-linux-x64-[0-9a-f]{16}$/);
    expect(
      ferretCacheKey({ ...goFiles, 'main.go': 'package main // changed\n' }, 'linux', 'x64'),
    ).not.toBe(key);
    expect(ferretCacheKey({ ...goFiles, 'go.sum': 'h1:abd\n' }, 'linux', 'x64')).not.toBe(key);
    expect(
      ferretCacheKey({ ...goFiles, 'patches.json': '{"patches":[{}]}\n' }, 'linux', 'x64'),
    ).not.toBe(key);
    expect(ferretCacheKey(goFiles, 'linux', 'arm64')).not.toBe(key);
  });

  it('hash depends on which file holds which bytes, not on order', () => {
    const a = hashFiles([
      { name: 'a', content: 'xy' },
      { name: 'b', content: '' },
    ]);
    expect(
      hashFiles([
        { name: 'b', content: '' },
        { name: 'a', content: 'xy' },
      ]),
    ).toBe(a);
    expect(
      hashFiles([
        { name: 'a', content: 'x' },
        { name: 'b', content: 'y' },
      ]),
    ).not.toBe(a);
  });

  it('fails clearly when the versions cannot be found', () => {
    expect(() => kafkaVersionFromPom('<project/>')).toThrow(/kafka_2\.x/);
    expect(() => ferretVersionFromGoMod('module x\n')).toThrow(/FerretDB/);
  });

  it('cache root defaults under ~/.cache and honours EYB_CACHE_DIR', () => {
    expect(cacheRoot({}, '/home/u')).toBe('/home/u/.cache/early-years-backbone');
    expect(cacheRoot({ EYB_CACHE_DIR: '/tmp/c' }, '/home/u')).toBe('/tmp/c');
  });

  it('finds deploy/local of this repository and keys the real sources', () => {
    const deploy = findDeployDir();
    expect(readFileSync(join(deploy, 'kafka', 'pom.xml'), 'utf8')).toContain('kafka_2.13');
    const layout = cacheLayout({ EYB_CACHE_DIR: '/tmp/eyb-cache-test' });
    expect(layout.kafka.dir).toMatch(
      /^\/tmp\/eyb-cache-test\/kafka\/kafka-3\.9\.\d+-[0-9a-f]{16}$/,
    );
    expect(layout.ferret.binary).toMatch(
      /\/ferretdb\/ferretdb-1\.24\.\d+-[a-z0-9]+-[a-z0-9]+-[0-9a-f]{16}\/ferretdb-launcher$/,
    );
  });
});
