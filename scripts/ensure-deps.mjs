// Installs npm dependencies when they are missing or older than the lock file. Plain Node with no
// dependencies of its own, because it runs before anything is installed (a fresh clone).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function ensureDependencies(root) {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs;
  if (!stale) return;
  console.error('[setup] installing npm dependencies (npm ci)…');
  run(root, 'npm', ['ci', '--no-audit', '--no-fund']);
}

export function run(root, command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(
      `[setup] ${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`,
    );
    process.exit(result.status ?? 1);
  }
}
