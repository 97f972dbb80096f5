/**
 * What has been sent, kept in a small JSON file written after every record (write, then rename),
 * so a second run (or a second `npm start`) sends nothing already sent: per file, how many of its
 * lines were sent (or that it was sent whole), and the registrations' ref → id maps.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { emptyRefMaps, REF_KINDS, type RefMaps } from './refs';

export interface FileProgress {
  /** Lines of an ndjson file handled so far (sent, or skipped as unsendable). */
  lines: number;
  /** The last seq sent (for people reading the state). */
  lastSeq?: number;
  /** The whole file is sent (and, for the inbound topic, its outcomes collected). */
  done: boolean;
  /** Inbound topic: every message produced, outcomes not yet collected. */
  produced?: boolean;
  /** Inbound topic: when its first message was produced (events after it are this file's). */
  producedFrom?: string;
  /** Whole-file uploads: what the service answered. */
  answer?: { status: number; counts?: Record<string, number>; importId?: string };
}

export interface SendState {
  version: 1;
  /** The generator's manifest identity (seed, asOf, scale) the state belongs to. */
  manifest?: { seed?: unknown; asOf?: unknown; scale?: unknown };
  files: Record<string, FileProgress>;
  refs: RefMaps;
  updatedAt?: string;
}

export const newState = (): SendState => ({ version: 1, files: {}, refs: emptyRefMaps() });

export function loadState(file: string): SendState {
  if (!existsSync(file)) return newState();
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SendState>;
  if (parsed.version !== 1) throw new Error(`${file}: not a synthetic-send state (version 1)`);
  const refs = emptyRefMaps();
  for (const kind of REF_KINDS) Object.assign(refs[kind], parsed.refs?.[kind] ?? {});
  return {
    version: 1,
    files: parsed.files ?? {},
    refs,
    ...(parsed.manifest ? { manifest: parsed.manifest } : {}),
  };
}

export function saveState(file: string, state: SendState, now: Date = new Date()): void {
  mkdirSync(dirname(file), { recursive: true });
  state.updatedAt = now.toISOString();
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}

export function progressOf(state: SendState, file: string): FileProgress {
  let progress = state.files[file];
  if (!progress) {
    progress = { lines: 0, done: false };
    state.files[file] = progress;
  }
  return progress;
}

/** Whether a manifest differs from the one the state was made with (a new generation). */
export function sameManifest(state: SendState, manifest: SendState['manifest']): boolean {
  if (!state.manifest || !manifest) return true;
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  return (
    same(state.manifest.seed, manifest.seed) &&
    same(state.manifest.asOf, manifest.asOf) &&
    same(state.manifest.scale, manifest.scale)
  );
}
