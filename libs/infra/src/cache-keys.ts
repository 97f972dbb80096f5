import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Root of every cached artefact and of the dev data dirs. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const override = env.EYB_CACHE_DIR?.trim();
  if (override) return resolve(override);
  return join(home, '.cache', 'early-years-backbone');
}

/** Short, stable hash over named file contents (names included, so moving bytes between files changes it). */
export function hashFiles(
  files: ReadonlyArray<{ name: string; content: Buffer | string }>,
): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    const content = typeof f.content === 'string' ? Buffer.from(f.content) : f.content;
    h.update(`${f.name}\0${content.length}\0`);
    h.update(content);
  }
  return h.digest('hex').slice(0, 16);
}

/** Kafka version from the throwaway pom.xml (the kafka_2.13 dependency). */
export function kafkaVersionFromPom(pom: string): string {
  const m =
    /<artifactId>\s*kafka_[\d.]+\s*<\/artifactId>\s*<version>\s*([^<\s]+)\s*<\/version>/.exec(pom);
  if (!m)
    throw new Error('cannot find the kafka_2.x dependency version in deploy/local/kafka/pom.xml');
  return m[1];
}

/** FerretDB version from the launcher's go.mod. */
export function ferretVersionFromGoMod(goMod: string): string {
  const m = /github\.com\/FerretDB\/FerretDB\s+v([^\s]+)/.exec(goMod);
  if (!m)
    throw new Error('cannot find github.com/FerretDB/FerretDB in deploy/local/ferretdb/go.mod');
  return m[1];
}

export function kafkaCacheKey(pom: string): string {
  return `kafka-${kafkaVersionFromPom(pom)}-${hashFiles([{ name: 'pom.xml', content: pom }])}`;
}

export function ferretCacheKey(
  files: { 'main.go': string; 'go.mod': string; 'go.sum': string; 'patches.json': string },
  platform: string = process.platform,
  arch: string = process.arch,
): string {
  const version = ferretVersionFromGoMod(files['go.mod']);
  const hash = hashFiles(Object.entries(files).map(([name, content]) => ({ name, content })));
  return `ferretdb-${version}-${platform}-${arch}-${hash}`;
}

/** deploy/local of this repository, found by walking up from this file (works from src and from dist). */
export function findDeployDir(start: string = __dirname): string {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, 'deploy', 'local');
    if (
      existsSync(join(candidate, 'kafka', 'pom.xml')) &&
      existsSync(join(candidate, 'ferretdb', 'go.mod'))
    ) {
      return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const fromCwd = join(process.cwd(), 'deploy', 'local');
  if (existsSync(join(fromCwd, 'kafka', 'pom.xml'))) return fromCwd;
  throw new Error(
    `cannot find deploy/local (with kafka/pom.xml and ferretdb/go.mod) above ${start} or in ${process.cwd()}`,
  );
}

export interface CacheLayout {
  root: string;
  deployDir: string;
  kafka: { key: string; version: string; pomPath: string; dir: string; libsDir: string };
  ferret: { key: string; version: string; srcDir: string; dir: string; binary: string };
}

export function cacheLayout(env: NodeJS.ProcessEnv = process.env): CacheLayout {
  const root = cacheRoot(env);
  const deployDir = findDeployDir();
  const pomPath = join(deployDir, 'kafka', 'pom.xml');
  const pom = readFileSync(pomPath, 'utf8');
  const kafkaKey = kafkaCacheKey(pom);
  const srcDir = join(deployDir, 'ferretdb');
  const read = (name: string): string => readFileSync(join(srcDir, name), 'utf8');
  const goFiles = {
    'main.go': read('main.go'),
    'go.mod': read('go.mod'),
    'go.sum': read('go.sum'),
    'patches.json': read('patches.json'),
  };
  const ferretKey = ferretCacheKey(goFiles);
  const kafkaDir = join(root, 'kafka', kafkaKey);
  const ferretDir = join(root, 'ferretdb', ferretKey);
  return {
    root,
    deployDir,
    kafka: {
      key: kafkaKey,
      version: kafkaVersionFromPom(pom),
      pomPath,
      dir: kafkaDir,
      libsDir: join(kafkaDir, 'libs'),
    },
    ferret: {
      key: ferretKey,
      version: ferretVersionFromGoMod(goFiles['go.mod']),
      srcDir,
      dir: ferretDir,
      binary: join(ferretDir, 'ferretdb-launcher'),
    },
  };
}
