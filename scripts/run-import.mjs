// `node scripts/run-import.mjs births|contacts …`: runs the compiled import command
// (dist/scripts/import-<kind>.js), building first when dist is
// missing or older than the sources it depends on. Build output goes to stderr.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [kind, ...args] = process.argv.slice(2);
if (kind !== 'births' && kind !== 'contacts') {
  console.error('usage: node scripts/run-import.mjs births|contacts <file.csv> [options]');
  process.exit(2);
}
const name = `import:${kind}`;
const compiled = join(root, `dist/scripts/import-${kind}.js`);
const sources = [`scripts/import-${kind}.ts`, 'scripts/support', 'libs/auth/src'];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function quietly(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) {
    console.error(
      `${name}: ${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`,
    );
    process.exit(result.status ?? 1);
  }
}

if (!existsSync(join(root, 'node_modules', 'cli-progress'))) {
  quietly('npm', ['ci', '--no-audit', '--no-fund']);
}
const newest = Math.max(...sources.map((s) => newestMtime(join(root, s))));
if (!existsSync(compiled) || statSync(compiled).mtimeMs < newest) {
  console.error(`[${name}] compiling TypeScript…`);
  quietly('npm', ['run', '--silent', 'build']);
}
const run = spawnSync(process.execPath, [compiled, ...args], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
