import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProvisioned, provisionOnce } from './provision';

describe('provisionOnce (atomic cache fill)', () => {
  let root: string;
  const log = (): void => undefined;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'eyb-provision-unit-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('builds once even when asked twice at the same time', async () => {
    const final = join(root, 'thing', 'thing-1-abc');
    let builds = 0;
    const build = async (tmp: string): Promise<Record<string, unknown>> => {
      builds++;
      await sleep(200);
      writeFileSync(join(tmp, 'artefact'), 'x');
      return {};
    };
    const results = await Promise.all([
      provisionOnce(root, final, log, 'thing', build),
      provisionOnce(root, final, log, 'thing', build),
    ]);
    expect(builds).toBe(1);
    expect(results.filter((r) => r === null)).toHaveLength(1);
    expect(isProvisioned(final)).toBe(true);
    expect(existsSync(join(final, 'artefact'))).toBe(true);
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
    expect(readdirSync(join(root, 'locks'))).toEqual([]);
  });

  it('a failed build leaves neither a cache entry nor temp files', async () => {
    const final = join(root, 'thing', 'thing-1-abc');
    await expect(
      provisionOnce(root, final, log, 'thing', (tmp) => {
        writeFileSync(join(tmp, 'half'), 'x');
        return Promise.reject(new Error('boom'));
      }),
    ).rejects.toThrow('boom');
    expect(existsSync(final)).toBe(false);
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
    expect(readdirSync(join(root, 'locks'))).toEqual([]);
  });

  it('ignores a stale lock and temp dir left by a killed build', async () => {
    const final = join(root, 'thing', 'thing-1-abc');
    const deadPid = 2 ** 22 + 12345; // above pid_max defaults: never alive
    await provisionOnce(root, join(root, 'warmup'), log, 'warmup', () => Promise.resolve({}));
    writeFileSync(
      join(root, 'locks', 'thing-1-abc.lock'),
      JSON.stringify({ pid: deadPid, host: hostname() }),
    );
    writeFileSync(join(root, 'tmp', `thing-1-abc.${deadPid}.deadbeef`), 'half');
    await provisionOnce(root, final, log, 'thing', () => Promise.resolve({}));
    expect(isProvisioned(final)).toBe(true);
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
  });
});
