/**
 * What the services answered, one line per record in `outcomes.ndjson` (and one line per whole
 * uploaded file with its counts), and the comparison of those answers with the generator's truth.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CHANNELS, stepOf, type Channel } from './layout';

export const TREATMENTS = ['accepted', 'accepted-with-warning', 'duplicate', 'rejected'] as const;
export type Treatment = (typeof TREATMENTS)[number];
export type TreatmentCounts = Record<Treatment, number>;

export const zeroCounts = (): TreatmentCounts => ({
  accepted: 0,
  'accepted-with-warning': 0,
  duplicate: 0,
  rejected: 0,
});

/** One record's answer. `ref` is `<file>#<seq>` (ndjson) or `<file>#<row>` (CSV, spreadsheet row). */
export interface RecordOutcome {
  kind: 'record';
  ref: string;
  channel: Channel;
  treatment: Treatment;
  status?: number;
  reason?: string;
  /** `sender` when the sender could not send it (e.g. a ref whose family was never registered). */
  by?: 'service' | 'sender';
  at: string;
}

/** A whole file's answer (extract imports): counts only, the service does not list accepted rows. */
export interface FileOutcome {
  kind: 'file';
  ref: string;
  channel: Channel;
  status: number;
  counts: TreatmentCounts;
  importId?: string;
  reason?: string;
  at: string;
}

export type Outcome = RecordOutcome | FileOutcome;

export class OutcomeLog {
  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
  }

  write(outcome: Outcome): void {
    appendFileSync(this.file, `${JSON.stringify(outcome)}\n`);
  }
}

/** The reason a refusal gives: listed problems, a FHIR OperationOutcome, or the message. */
export function reasonOf(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 300);
  if (typeof body !== 'object' || body === null) return String(body);
  const b = body as {
    problems?: { field?: string; reason?: string }[];
    issue?: { diagnostics?: string; code?: string }[];
    message?: unknown;
  };
  if (Array.isArray(b.problems) && b.problems.length > 0)
    return b.problems.map((p) => `${p.field ?? '?'}: ${p.reason ?? '?'}`).join('; ');
  if (Array.isArray(b.issue) && b.issue.length > 0)
    return b.issue.map((i) => i.diagnostics ?? i.code ?? '?').join('; ');
  if (typeof b.message === 'string') return b.message;
  if (Array.isArray(b.message)) return b.message.map(String).join('; ');
  return JSON.stringify(body).slice(0, 300);
}

/**
 * The treatment an HTTP answer stands for: 201 accepted (with a warning when the answer lists
 * warnings), 200 duplicate — except contacts amended or cancelled and registrations' 200s
 * (withdrawals, decisions), which change something — and 4xx rejected.
 */
export function treatmentOf(
  channel: Channel,
  status: number,
  body: unknown,
): { treatment: Treatment; reason?: string } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as {
    warnings?: unknown[];
    outcome?: string;
  };
  if (status === 201 || (status === 200 && channel === 'registrations')) {
    if (Array.isArray(b.warnings) && b.warnings.length > 0)
      return { treatment: 'accepted-with-warning', reason: reasonOf({ message: b.warnings }) };
    return { treatment: 'accepted' };
  }
  if (status === 200) {
    if (channel === 'hv-api' && (b.outcome === 'amended' || b.outcome === 'cancelled'))
      return { treatment: 'accepted', reason: b.outcome };
    return { treatment: 'duplicate' };
  }
  return { treatment: 'rejected', reason: `${status}: ${reasonOf(body)}` };
}

/** The services' counts per channel from an outcomes file (a record's first answer counts). */
export function serviceCounts(lines: readonly Outcome[]): Map<Channel, TreatmentCounts> {
  const seen = new Set<string>();
  const files = new Map<string, FileOutcome>();
  const out = new Map<Channel, TreatmentCounts>();
  const add = (channel: Channel, treatment: Treatment, n = 1): void => {
    const c = out.get(channel) ?? zeroCounts();
    c[treatment] += n;
    out.set(channel, c);
  };
  for (const line of lines) {
    if (line.kind === 'file') {
      if (!files.has(line.ref)) files.set(line.ref, line);
      continue;
    }
    if (seen.has(line.ref)) continue;
    seen.add(line.ref);
    // A whole-file upload's rejected rows are listed one by one too; its counts come from the file line.
    if (line.channel === 'births-extract' || line.channel === 'hv-extract') continue;
    add(line.channel, line.treatment);
  }
  for (const f of files.values()) for (const t of TREATMENTS) add(f.channel, t, f.counts[t]);
  return out;
}

export function readOutcomes(file: string): Outcome[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Outcome);
}

/** A TruthRecord as the generator writes it (only what the check reads). */
export interface TruthRecord {
  channel?: string;
  ref: string;
  treatment: { expect: Treatment; reason?: string };
}

/** The truth's counts per channel: from records.ndjson (channel from the ref's file). */
export function truthCounts(records: readonly TruthRecord[]): Map<Channel, TreatmentCounts> {
  const out = new Map<Channel, TreatmentCounts>();
  for (const r of records) {
    const file = r.ref.split('#')[0];
    const channel = stepOf(file)?.channel ?? normaliseChannel(r.channel);
    if (!channel) continue;
    const c = out.get(channel) ?? zeroCounts();
    if ((TREATMENTS as readonly string[]).includes(r.treatment.expect)) c[r.treatment.expect]++;
    out.set(channel, c);
  }
  return out;
}

/** The truth's counts from summary.json, when records.ndjson is absent: channel names mapped. */
export function summaryCounts(summary: unknown): Map<Channel, TreatmentCounts> {
  const out = new Map<Channel, TreatmentCounts>();
  if (typeof summary !== 'object' || summary === null) return out;
  const s = summary as Record<string, unknown>;
  const table = (s.channels ?? s.byChannel ?? s.counts ?? s) as Record<string, unknown>;
  for (const [name, value] of Object.entries(table)) {
    const channel = normaliseChannel(name);
    if (!channel || typeof value !== 'object' || value === null) continue;
    const c = zeroCounts();
    const v = value as Record<string, unknown>;
    const counts = (
      typeof v.treatments === 'object' && v.treatments !== null ? v.treatments : v
    ) as Record<string, unknown>;
    for (const t of TREATMENTS) if (typeof counts[t] === 'number') c[t] = counts[t];
    out.set(channel, c);
  }
  return out;
}

/** Maps a channel name of the truth (`births/extracts`, `births.extract`, `hv_inbound`...) to ours. */
export function normaliseChannel(name: string | undefined): Channel | undefined {
  if (!name) return undefined;
  const n = name
    .toLowerCase()
    .replace(/[._/ ]+/g, '-')
    .replace(/health-visits?/g, 'hv');
  if ((CHANNELS as readonly string[]).includes(n)) return n as Channel;
  const rules: [RegExp, Channel][] = [
    [/^births?-(extracts?|csv|import)/, 'births-extract'],
    [/^births?-nems|^nems/, 'births-nems'],
    [/^births?-api/, 'births-api'],
    [/^hv-api|^contacts?-api/, 'hv-api'],
    [/^hv-(extracts?|csv|import)/, 'hv-extract'],
    [/^hv-(inbound|topic)/, 'hv-inbound'],
    [/^registrations?/, 'registrations'],
  ];
  return rules.find(([re]) => re.test(n))?.[1];
}

/** Channels whose answers say whether a record was accepted with a warning. */
export const WARNINGS_VISIBLE: ReadonlySet<Channel> = new Set(['births-nems']);

export interface CheckRow {
  channel: Channel;
  treatment: Treatment;
  truth: number;
  service: number;
}

/**
 * Rows of the comparison: every channel the truth has, every treatment. Where a channel's answers
 * cannot show warnings, the truth's accepted-with-warning counts as accepted.
 */
export function compare(
  truth: Map<Channel, TreatmentCounts>,
  service: Map<Channel, TreatmentCounts>,
): CheckRow[] {
  const rows: CheckRow[] = [];
  for (const channel of CHANNELS) {
    const t = truth.get(channel);
    if (!t) continue;
    const s = service.get(channel) ?? zeroCounts();
    const fold = !WARNINGS_VISIBLE.has(channel);
    for (const treatment of TREATMENTS) {
      if (fold && treatment === 'accepted-with-warning') continue;
      const tv =
        fold && treatment === 'accepted' ? t.accepted + t['accepted-with-warning'] : t[treatment];
      const sv =
        fold && treatment === 'accepted' ? s.accepted + s['accepted-with-warning'] : s[treatment];
      rows.push({ channel, treatment, truth: tv, service: sv });
    }
  }
  return rows;
}

export function formatTable(rows: readonly CheckRow[]): string {
  const header = ['channel', 'treatment', 'truth', 'services', 'diff'];
  const body = rows.map((r) => [
    r.channel,
    r.treatment,
    String(r.truth),
    String(r.service),
    r.truth === r.service ? '' : `${r.service - r.truth > 0 ? '+' : ''}${r.service - r.truth}  ✗`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i >= 2 && i <= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** Per-record differences (channels answered record by record), first `limit`. */
export function recordDifferences(
  truth: readonly TruthRecord[],
  outcomes: readonly Outcome[],
  limit = 20,
): string[] {
  const answered = new Map<string, RecordOutcome>();
  for (const o of outcomes) if (o.kind === 'record' && !answered.has(o.ref)) answered.set(o.ref, o);
  const out: string[] = [];
  for (const r of truth) {
    const channel = stepOf(r.ref.split('#')[0])?.channel;
    if (!channel || channel === 'births-extract' || channel === 'hv-extract') continue;
    const o = answered.get(r.ref);
    const expect = r.treatment.expect;
    const got = o?.treatment ?? 'not sent';
    const same =
      got === expect ||
      (!WARNINGS_VISIBLE.has(channel) &&
        [got, expect].every((t) => t === 'accepted' || t === 'accepted-with-warning'));
    if (same) continue;
    out.push(
      `${r.ref}: truth ${expect}${r.treatment.reason ? ` (${r.treatment.reason})` : ''}, service ${got}${o?.reason ? ` (${o.reason})` : ''}`,
    );
    if (out.length >= limit) break;
  }
  return out;
}
