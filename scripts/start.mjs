// `npm start`: install what is missing, build, then bring up Kafka, the store and all four apps.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies, run } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureDependencies(root);
console.error('[setup] compiling TypeScript…');
run(root, 'npm', ['run', '--silent', 'build']);

const stack = spawn(process.execPath, [join(root, 'dist/scripts/dev-stack.js')], {
  cwd: root,
  stdio: 'inherit',
});
// Ctrl-C reaches the stack through the terminal's process group; it stops apps, then infrastructure.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stack.kill(signal));
stack.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
