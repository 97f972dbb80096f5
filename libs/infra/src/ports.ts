import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { readCmdline } from './processes';

const handedOut = new Set<number>();

function listen(port: number): Promise<Server> {
  return new Promise((resolveListen, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolveListen(srv));
  });
}

function close(srv: Server): Promise<void> {
  return new Promise((res) => srv.close(() => res()));
}

/** `n` distinct ports the OS says are free on 127.0.0.1 (never the same port twice in this process). */
export async function getFreePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < n) {
      const srv = await listen(0);
      servers.push(srv); // keep it open so the next ask gets a different port
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') throw new Error('unexpected server address');
      if (!handedOut.has(addr.port)) ports.push(addr.port);
    }
  } finally {
    await Promise.all(servers.map(close));
  }
  for (const p of ports) handedOut.add(p);
  return ports;
}

export async function isPortFree(port: number): Promise<boolean> {
  try {
    await close(await listen(port));
    return true;
  } catch {
    return false;
  }
}

/** Inodes of sockets listening on a TCP port (any address), from /proc/net (Linux). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const localPort = parseInt(cols[1].split(':')[1] ?? '', 16);
      if (localPort === port && cols[3] === '0A') inodes.add(cols[9]);
    }
  }
  return inodes;
}

/**
 * The pid of the process listening on a TCP port: a number, 'unknown' if something listens but its
 * owner is not visible to us, or null if nothing listens (or this isn't Linux).
 */
export function findListeningPid(port: number): number | 'unknown' | null {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return null;
  const deadline = Date.now() + 1000;
  let pidDirs: string[];
  try {
    pidDirs = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return 'unknown';
  }
  for (const pidDir of pidDirs) {
    if (Date.now() > deadline) break;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pidDir}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pidDir}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1])) return Number(pidDir);
    }
  }
  return 'unknown';
}

/** Who listens on a TCP port, for error messages; null if it can't be told cheaply. */
export function describePortHolder(port: number): string | null {
  try {
    const pid = findListeningPid(port);
    if (pid === null) return null;
    if (pid === 'unknown') return 'another process (not visible to this user)';
    const cmd = readCmdline(pid) ?? '?';
    return `pid ${pid}: ${cmd.length > 160 ? cmd.slice(0, 160) + '…' : cmd}`;
  } catch {
    return null;
  }
}

export async function assertPortFree(port: number, what: string, envVar: string): Promise<void> {
  if (await isPortFree(port)) return;
  const holder = describePortHolder(port);
  throw new Error(
    `port 127.0.0.1:${port} (${what}) is already taken${holder ? ` by ${holder}` : ''}. ` +
      `Stop that process, or pick another port with ${envVar}=<port>.`,
  );
}
