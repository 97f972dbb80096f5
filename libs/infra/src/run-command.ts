import { spawn } from 'node:child_process';

export interface RunResult {
  code: number;
  output: string;
}

/** Last `n` non-empty-trailing lines of a text. */
export function tailLines(text: string, n: number): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(-n).join('\n');
}

/** Runs a command to completion, collecting stdout+stderr (bounded); never throws for a non-zero exit. */
export function runCommand(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const append = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            output += `\n[killed after ${opts.timeoutMs} ms]`;
            child.kill('SIGKILL');
          }, opts.timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      reject(
        err.code === 'ENOENT'
          ? new Error(
              `'${cmd}' is not installed or not on PATH (needed to ${args.join(' ').slice(0, 60)}…)`,
            )
          : err,
      );
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolvePromise({ code: code ?? (signal ? 128 : 1), output });
    });
  });
}
