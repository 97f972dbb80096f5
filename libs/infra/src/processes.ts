import { ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Log } from './types';

export const STOP_GRACE_MS = 10_000;

export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a process (Linux /proc), or null if unknown. */
export function readCmdline(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return null;
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* group already gone */
  }
}

interface PidRecord {
  name: string;
  pid: number;
  ownerPid: number;
  /** A string that the child's command line contains (its data dir), so a reused pid is never killed. */
  marker: string;
  startedAt: string;
}

/** A child started in its own process group, with stdout+stderr appended to a log file. */
export class ManagedChild {
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exited: Promise<void>;
  private stopping: Promise<void> | null = null;

  private constructor(
    readonly name: string,
    child: ChildProcess,
    readonly pid: number,
    private readonly pidFile: string | undefined,
  ) {
    this.exited = new Promise((resolveExit) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolveExit();
      });
    });
  }

  static async spawn(opts: {
    name: string;
    command: string;
    args: string[];
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    logFile: string;
    pidFile?: string;
    marker: string;
  }): Promise<ManagedChild> {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    const fd = openSync(opts.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(opts.command, opts.args, {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        detached: true, // own process group: we kill the whole group, and a terminal's Ctrl-C reaches only us
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    if (child.pid === undefined) {
      const err = await new Promise<Error>((res) => child.once('error', res));
      const code = (err as NodeJS.ErrnoException).code;
      throw new Error(
        code === 'ENOENT'
          ? `cannot start ${opts.name}: '${opts.command}' not found`
          : `cannot start ${opts.name}: ${err.message}`,
      );
    }
    child.on('error', () => undefined); // reported through 'exit'
    child.unref(); // the caller decides how long this process lives
    const managed = new ManagedChild(opts.name, child, child.pid, opts.pidFile);
    if (opts.pidFile) {
      const rec: PidRecord = {
        name: opts.name,
        pid: child.pid,
        ownerPid: process.pid,
        marker: opts.marker,
        startedAt: new Date().toISOString(),
      };
      writeFileSync(opts.pidFile, JSON.stringify(rec) + '\n');
    }
    return managed;
  }

  get hasExited(): boolean {
    return this.exitInfo !== null;
  }

  describeExit(): string {
    if (!this.exitInfo) return 'still running';
    return this.exitInfo.signal
      ? `killed by ${this.exitInfo.signal}`
      : `exited with code ${this.exitInfo.code}`;
  }

  /** Synchronous best effort for process 'exit': signal the group without waiting. */
  terminateSync(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (!this.exitInfo) killGroup(this.pid, signal);
  }

  /** SIGTERM to the group, SIGKILL after the grace period; resolves once the child is reaped. Idempotent. */
  stop(graceMs: number = STOP_GRACE_MS): Promise<void> {
    this.stopping ??= this.doStop(graceMs);
    return this.stopping;
  }

  private async doStop(graceMs: number): Promise<void> {
    if (!this.exitInfo) {
      killGroup(this.pid, 'SIGTERM');
      const ac = new AbortController();
      const graceful = await Promise.race([
        this.exited.then(() => true),
        sleep(graceMs, false, { signal: ac.signal }).catch(() => false),
      ]);
      ac.abort();
      if (!graceful) {
        killGroup(this.pid, 'SIGKILL');
        await this.exited;
      }
    }
    killGroup(this.pid, 'SIGKILL'); // stragglers in the group, if any
    if (this.pidFile) rmSync(this.pidFile, { force: true });
  }
}

/**
 * Guards against leftovers of a crashed earlier run that used the same data dir.
 * - recorded child gone, or pid reused by something else → forget the record;
 * - child alive and its owner (the node process that started it) alive → in use: throw;
 * - child alive, owner dead → orphan of ours: terminate its group.
 */
export async function reapLeftover(pidFile: string, log: Log): Promise<void> {
  if (!existsSync(pidFile)) return;
  let rec: PidRecord;
  try {
    rec = JSON.parse(readFileSync(pidFile, 'utf8')) as PidRecord;
  } catch {
    rmSync(pidFile, { force: true });
    return;
  }
  const cmd = isPidAlive(rec.pid) ? readCmdline(rec.pid) : null;
  if (cmd === null || !cmd.includes(rec.marker)) {
    rmSync(pidFile, { force: true });
    return;
  }
  if (isPidAlive(rec.ownerPid)) {
    const owner = readCmdline(rec.ownerPid) ?? '?';
    throw new Error(
      `${rec.name} for ${rec.marker} is already running (pid ${rec.pid}), started by pid ${rec.ownerPid} (${owner.slice(0, 120)}). ` +
        `Stop that process first, or use external infrastructure (KAFKA_BROKERS + MONGODB_URI).`,
    );
  }
  log(`stopping leftover ${rec.name} (pid ${rec.pid}) from an earlier run that did not shut down`);
  killGroup(rec.pid, 'SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  while (isPidAlive(rec.pid) && Date.now() < deadline) await sleep(100);
  killGroup(rec.pid, 'SIGKILL');
  while (isPidAlive(rec.pid) && Date.now() < deadline + 5000) await sleep(100);
  rmSync(pidFile, { force: true });
}

/* ---------- process-wide registry: stop what we started when this process ends ---------- */

export interface Stoppable {
  stop(): Promise<void>;
  terminateSync(): void;
}

/** What is running, and whether a signal should stop it (false: the caller orders its own shutdown). */
const live = new Map<Stoppable, boolean>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const signalHandlers = new Map<NodeJS.Signals, () => void>();
let handlingSignal = false;

function onProcessExit(): void {
  for (const s of live.keys()) s.terminateSync();
}

function onSignal(signal: NodeJS.Signals): void {
  const ours = [...live].filter(([, stopOnSignal]) => stopOnSignal).map(([s]) => s);
  if (handlingSignal || ours.length === 0) return;
  handlingSignal = true;
  void Promise.allSettled(ours.map((s) => s.stop())).then(() => {
    uninstallHandlers();
    handlingSignal = false;
    // If nobody else listens for this signal, re-raise it so the default action (exit) happens;
    // otherwise the application's own handler is in charge of shutting down.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

function installHandlers(): void {
  if (signalHandlers.size > 0) return;
  process.on('exit', onProcessExit);
  for (const sig of SIGNALS) {
    const h = (): void => onSignal(sig);
    signalHandlers.set(sig, h);
    process.on(sig, h);
  }
}

function uninstallHandlers(): void {
  process.removeListener('exit', onProcessExit);
  for (const [sig, h] of signalHandlers) process.removeListener(sig, h);
  signalHandlers.clear();
}

export function registerLive(s: Stoppable, stopOnSignal = true): void {
  live.set(s, stopOnSignal);
  installHandlers();
}

export function unregisterLive(s: Stoppable): void {
  live.delete(s);
  if (live.size === 0 && !handlingSignal) uninstallHandlers();
}
