// Runs the compiled token command (dist/scripts/token.js), building first when dist is missing
// or older than the sources it depends on. Everything but the token goes to stderr.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist/scripts/token.js');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function quietly(command, args) {
  // stdout of setup steps goes to stderr, so that stdout holds only the token.
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) {
    console.error(
      `token: ${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`,
    );
    process.exit(result.status ?? 1);
  }
}

if (!existsSync(join(root, 'node_modules', 'jose'))) {
  quietly('npm', ['ci', '--no-audit', '--no-fund']);
}
const sources = Math.max(
  newestMtime(join(root, 'libs/auth/src')),
  statSync(join(root, 'scripts/token.ts')).mtimeMs,
);
if (!existsSync(compiled) || statSync(compiled).mtimeMs < sources) {
  console.error('[token] compiling TypeScript…');
  quietly('npm', ['run', '--silent', 'build']);
}
const run = spawnSync(process.execPath, [compiled, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
