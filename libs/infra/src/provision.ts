import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  chmodSync,
  cpSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CacheLayout } from './cache-keys';
import { isPidAlive } from './processes';
import { runCommand, tailLines } from './run-command';
import { Log } from './types';

const READY_MARKER = 'ready.json';
const STALE_LOCK_MS = 60 * 60 * 1000;
const LOCK_WAIT_MS = 30 * 60 * 1000;

export interface ProvisionTimings {
  kafkaJarsMs: number | null; // null when already cached
  ferretBuildMs: number | null;
}

export function isProvisioned(dir: string): boolean {
  return existsSync(join(dir, READY_MARKER));
}

/** Fills both caches (Kafka jars, FerretDB launcher) if needed. Safe against concurrent callers and killed builds. */
export async function provisionAll(layout: CacheLayout, log: Log): Promise<ProvisionTimings> {
  // Sequential on purpose: both are CPU/network heavy and the machines have 2 cores.
  const kafkaJarsMs = await ensureKafkaJars(layout, log);
  const ferretBuildMs = await ensureFerretLauncher(layout, log);
  return { kafkaJarsMs, ferretBuildMs };
}

export async function ensureKafkaJars(layout: CacheLayout, log: Log): Promise<number | null> {
  const { kafka } = layout;
  if (isProvisioned(kafka.dir)) return null;
  return provisionOnce(layout.root, kafka.dir, log, `Kafka ${kafka.version} jars`, async (tmp) => {
    log(
      `fetching Kafka ${kafka.version} jars with Maven (first run, ~15 s warm repository, longer cold)…`,
    );
    const libs = join(tmp, 'libs');
    const res = await runCommand(
      'mvn',
      [
        '-q',
        '-B',
        '-f',
        kafka.pomPath,
        'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${libs}`,
      ],
      { timeoutMs: 20 * 60 * 1000 },
    );
    if (res.code !== 0) {
      throw new Error(
        `Maven could not copy the Kafka jars (exit ${res.code}):\n${tailLines(res.output, 40)}`,
      );
    }
    const jars = existsSync(libs) ? readdirSync(libs).filter((f) => f.endsWith('.jar')) : [];
    if (!jars.some((j) => j.startsWith(`kafka_2.13-${kafka.version}`))) {
      throw new Error(`Maven finished but kafka_2.13-${kafka.version}.jar is missing from ${libs}`);
    }
    const bindings = jars.filter(
      (j) => /^slf4j-(reload4j|log4j12|simple|jdk14|nop)-/.test(j) || /^log4j-slf4j/.test(j),
    );
    if (bindings.length !== 1)
      log(
        `warning: expected exactly one slf4j binding among the Kafka jars, found: ${bindings.join(', ') || 'none'}`,
      );
    return { jars: jars.length };
  });
}

export async function ensureFerretLauncher(layout: CacheLayout, log: Log): Promise<number | null> {
  const { ferret } = layout;
  if (isProvisioned(ferret.dir)) return null;
  return provisionOnce(
    layout.root,
    ferret.dir,
    log,
    `FerretDB ${ferret.version} launcher`,
    async (tmp) => {
      log(
        `building FerretDB ${ferret.version} launcher with Go (first run, ~2 min cold, seconds with a warm Go cache)…`,
      );
      const out = join(tmp, basename(ferret.binary));
      const env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' };
      const buildDir = await patchedFerretSources(ferret.srcDir, tmp, env);
      let res = await runCommand('go', ['build', '-o', out, '.'], {
        cwd: buildDir,
        env,
        timeoutMs: 30 * 60 * 1000,
      });
      if (res.code !== 0 && /linkname/i.test(res.output)) {
        log('Go linker refused a go:linkname reference; retrying with -ldflags=-checklinkname=0');
        res = await runCommand('go', ['build', '-ldflags=-checklinkname=0', '-o', out, '.'], {
          cwd: buildDir,
          env,
          timeoutMs: 30 * 60 * 1000,
        });
      }
      if (res.code !== 0 || !existsSync(out)) {
        throw new Error(
          `go build of the FerretDB launcher failed (exit ${res.code}):\n${tailLines(res.output, 40)}`,
        );
      }
      const version = await runCommand('go', ['version'], { env });
      return { go: version.output.trim() };
    },
  );
}

interface FerretPatch {
  file: string;
  from: string;
  to: string;
}

/**
 * Prepares a build directory in `tmp`: a copy of the launcher sources whose go.mod replaces the
 * FerretDB module by a patched copy of it (the edits of deploy/local/ferretdb/patches.json; the
 * module cache itself is read-only and left untouched). Answers the directory to build in.
 * A patch whose `from` text is not found exactly once stops the build (the module changed).
 */
async function patchedFerretSources(
  srcDir: string,
  tmp: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const { patches } = JSON.parse(readFileSync(join(srcDir, 'patches.json'), 'utf8')) as {
    patches: FerretPatch[];
  };
  const go = async (args: string[], cwd: string): Promise<string> => {
    const res = await runCommand('go', args, { cwd, env, timeoutMs: 30 * 60 * 1000 });
    if (res.code !== 0)
      throw new Error(`go ${args.join(' ')} failed:\n${tailLines(res.output, 20)}`);
    return res.output;
  };
  const buildDir = join(tmp, 'launcher');
  const moduleCopy = join(tmp, 'ferretdb-module');
  cpSync(srcDir, buildDir, { recursive: true });
  // The output mixes go's progress lines (stderr) with the module's JSON description.
  const described = await go(
    ['mod', 'download', '-json', 'github.com/FerretDB/FerretDB'],
    buildDir,
  );
  const dirField = /"Dir":\s*("(?:[^"\\]|\\.)*")/.exec(described);
  if (!dirField) throw new Error(`go mod download did not say where FerretDB is:\n${described}`);
  cpSync(JSON.parse(dirField[1]) as string, moduleCopy, { recursive: true });
  patches.forEach((patch, i) => {
    const file = join(moduleCopy, patch.file);
    const source = readFileSync(file, 'utf8');
    const found = source.split(patch.from).length - 1;
    if (found !== 1) {
      throw new Error(
        `FerretDB patch ${i}: expected "${patch.from}" once in ${patch.file}, found ${found}`,
      );
    }
    chmodSync(file, 0o644); // copied from the read-only module cache
    writeFileSync(file, source.replace(patch.from, patch.to));
  });
  await go(['mod', 'edit', `-replace=github.com/FerretDB/FerretDB=${moduleCopy}`], buildDir);
  return buildDir;
}

/**
 * Builds `finalDir` exactly once: under a lock (so two processes don't both spend minutes building),
 * into a private temp dir that is renamed into place (so a killed build never leaves a half cache;
 * if two builds race anyway, the first rename wins and the other copy is discarded).
 */
export async function provisionOnce(
  root: string,
  finalDir: string,
  log: Log,
  what: string,
  build: (tmpDir: string) => Promise<Record<string, unknown>>,
): Promise<number | null> {
  const tmpRoot = join(root, 'tmp');
  const lockDir = join(root, 'locks');
  mkdirSync(tmpRoot, { recursive: true });
  mkdirSync(lockDir, { recursive: true });
  sweepTmp(tmpRoot);
  const release = await acquireLock(join(lockDir, `${basename(finalDir)}.lock`), log, what);
  try {
    if (isProvisioned(finalDir)) return null; // someone else finished while we waited
    const started = Date.now();
    const tmp = join(
      tmpRoot,
      `${basename(finalDir)}.${process.pid}.${randomBytes(4).toString('hex')}`,
    );
    mkdirSync(tmp, { recursive: true });
    try {
      const details = await build(tmp);
      const ms = Date.now() - started;
      writeFileSync(
        join(tmp, READY_MARKER),
        JSON.stringify(
          { what, builtAt: new Date().toISOString(), buildMs: ms, ...details },
          null,
          2,
        ) + '\n',
      );
      if (existsSync(finalDir) && !isProvisioned(finalDir)) {
        // A directory without the marker is not ours to trust: move it aside.
        renameSync(finalDir, `${tmp}.broken`);
        rmSync(`${tmp}.broken`, { recursive: true, force: true });
      }
      mkdirSync(join(finalDir, '..'), { recursive: true });
      try {
        renameSync(tmp, finalDir);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if ((code === 'ENOTEMPTY' || code === 'EEXIST') && isProvisioned(finalDir)) {
          log(`${what}: another process finished first; using its copy`);
        } else {
          throw err;
        }
      }
      log(`${what} ready in ${(ms / 1000).toFixed(1)} s → ${finalDir}`);
      return ms;
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  } finally {
    release();
  }
}

/** Removes temp build dirs left by killed builds (their pid, embedded in the name, is gone). */
function sweepTmp(tmpRoot: string): void {
  for (const name of readdirSync(tmpRoot)) {
    const m = /\.(\d+)\.[0-9a-f]{8}(\.broken)?$/.exec(name);
    if (m && !isPidAlive(Number(m[1])))
      rmSync(join(tmpRoot, name), { recursive: true, force: true });
  }
}

async function acquireLock(lockPath: string, log: Log, what: string): Promise<() => void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(
        fd,
        JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() }),
      );
      closeSync(fd);
      return () => {
        try {
          unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readLock(lockPath);
    if (holder.stale) {
      // Rename first so that two processes finding the same stale lock don't delete each other's fresh one.
      const aside = `${lockPath}.stale.${process.pid}`;
      try {
        renameSync(lockPath, aside);
        unlinkSync(aside);
      } catch {
        /* someone else cleaned it */
      }
      continue;
    }
    if (Date.now() > deadline)
      throw new Error(`gave up waiting for ${lockPath} (held by pid ${holder.pid ?? '?'})`);
    if (!told) {
      log(
        `waiting for ${holder.pid === process.pid ? 'another caller in this process' : `pid ${holder.pid ?? '?'}`}, which is provisioning ${what}…`,
      );
      told = true;
    }
    await sleep(1000);
  }
}

function readLock(lockPath: string): { pid?: number; stale: boolean } {
  try {
    const st = statSync(lockPath);
    const age = Date.now() - st.mtimeMs;
    let parsed: { pid?: unknown; host?: unknown } = {};
    try {
      parsed = JSON.parse(readFileSync(lockPath, 'utf8')) as { pid?: unknown; host?: unknown };
    } catch {
      // Being written right now, or garbage: stale only if old.
      return { stale: age > 10_000 };
    }
    const pid = typeof parsed.pid === 'number' ? parsed.pid : undefined;
    if (age > STALE_LOCK_MS) return { pid, stale: true };
    if (parsed.host !== hostname()) return { pid, stale: false }; // can't check another machine's pids
    return { pid, stale: pid === undefined || !isPidAlive(pid) };
  } catch {
    return { stale: false }; // vanished between open and stat: just retry
  }
}
