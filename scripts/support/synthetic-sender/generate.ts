/**
 * Runs the synthetic-LA generator (its built command line, `dist/scripts/synthetic-la.js
 * generate`) into a directory, its progress passed through.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './stack';

export interface GenerateOptions {
  seed: string;
  asOf: string;
  scale?: string;
  out: string;
  /** More arguments for the generator (e.g. an NHS number range). */
  extra?: string[];
  /** Where its output goes (default: this process's stderr). */
  onLine?: (line: string) => void;
}

export function generatorCli(): string {
  return join(repoRoot(), 'dist/scripts/synthetic-la.js');
}

export function generatorArgs(options: GenerateOptions): string[] {
  return [
    'generate',
    '--seed',
    options.seed,
    '--as-of',
    options.asOf,
    ...(options.scale ? ['--scale', options.scale] : []),
    '--out',
    options.out,
    ...(options.extra ?? []),
  ];
}

export function generate(options: GenerateOptions): Promise<void> {
  const cli = generatorCli();
  if (!existsSync(cli))
    return Promise.reject(
      new Error(`no generator at ${cli} (npm run build; is scripts/synthetic-la.ts there?)`),
    );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...generatorArgs(options)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (chunk: Buffer) => {
        if (options.onLine) {
          for (const line of chunk.toString().split('\n')) if (line.trim()) options.onLine(line);
        } else process.stderr.write(chunk);
      });
    }
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`the generator exited with ${code}`)),
    );
  });
}
