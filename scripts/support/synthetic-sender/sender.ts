/**
 * Sends a synthetic LA's files through the services' real interfaces, in the layout's order
 * (see layout.ts), keeping its place in a state file and each record's answer in
 * `outcomes.ndjson` next to it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { readTopicToEnd } from '../read-topic';
import { uploadExtract, type ImportResource } from '../upload-extract';
import { requestWithRetry, ServiceUnavailable, Tokens, type Answer } from './http';
import { monthsOf, planOf, type Channel, type Step } from './layout';
import { OutcomeLog, reasonOf, treatmentOf, zeroCounts, type Treatment } from './outcomes';
import { Pacer } from './pacer';
import {
  centreOfPath,
  createdRefsOf,
  learnIds,
  resolveBody,
  resolvePath,
  UnresolvedRef,
} from './refs';
import { loadState, progressOf, saveState, sameManifest, type SendState } from './state';

export const INBOUND_TOPIC = 'health-visits.inbound.v1';
export const CONTACT_TOPIC = 'health-visits.contact.v1';
export const SENDER_SUBJECT = 'synthetic-sender';

export interface SendOptions {
  inDir: string;
  birthsUrl: string;
  hvUrl: string;
  registrationsUrl: string;
  brokers: string[];
  /** Only the first N months of the data (all when absent). */
  months?: number;
  /** Default: `<in>/.send/state.json`; outcomes.ndjson goes next to it. */
  stateFile?: string;
  pacer?: Pacer;
  /** The births feed's organisation (default: the manifest's LA code, else SYNTH). */
  birthsOrg?: string;
  log?: (line: string) => void;
  /** `tty`: one line rewritten in place; `lines`: a line every 10 s (mixed with other logs). */
  progressMode?: 'tty' | 'lines' | 'off';
  /** Stops between records (the state keeps the place). */
  signal?: AbortSignal;
  /** The health-visits inbound consumer group (default: `$KAFKA_GROUP_PREFIX` + health-visits.inbound). */
  inboundGroupId?: string;
}

export interface SendSummary {
  sent: number;
  counts: Record<Treatment, number>;
  months: string[];
  lastMonth?: string;
}

interface Manifest {
  seed?: unknown;
  asOf?: unknown;
  scale?: unknown;
  la?: { code?: string };
  geography?: { effectiveFrom?: string };
}

export const defaultStateFile = (inDir: string): string => join(inDir, '.send', 'state.json');
export const outcomesFileOf = (stateFile: string): string =>
  join(dirname(stateFile), 'outcomes.ndjson');

export function readManifest(inDir: string): Manifest {
  const file = join(inDir, 'manifest.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Manifest) : {};
}

/** Counts the lines of an ndjson file that hold something. */
function countLines(file: string): number {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '').length;
}

async function* linesOf(file: string): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of rl) if (line.trim() !== '') yield line;
}

interface NdjsonRecord {
  seq?: number;
  org?: string;
  method?: string;
  path?: string;
  body?: unknown;
  idempotencyKey?: string;
  refs?: unknown;
  key?: string;
  value?: unknown;
}

export class SyntheticSender {
  readonly stateFile: string;
  readonly state: SendState;
  private readonly outcomes: OutcomeLog;
  private readonly tokens = new Tokens();
  private readonly pacer: Pacer;
  private readonly manifest: Manifest;
  private readonly log: (line: string) => void;
  private producer: Producer | undefined;
  private kafka: Kafka | undefined;
  private readonly counts = zeroCounts();
  private sent = 0;
  private current = '';
  private lastProgressAt = 0;

  constructor(private readonly options: SendOptions) {
    this.stateFile = options.stateFile ?? defaultStateFile(options.inDir);
    this.manifest = readManifest(options.inDir);
    const identity = {
      seed: this.manifest.seed,
      asOf: this.manifest.asOf,
      scale: this.manifest.scale,
    };
    const state = loadState(this.stateFile);
    if (!sameManifest(state, identity)) {
      throw new Error(
        `${this.stateFile} belongs to another generation (seed/as-of/scale differ): remove it or pass another --state`,
      );
    }
    state.manifest = identity;
    this.state = state;
    this.outcomes = new OutcomeLog(outcomesFileOf(this.stateFile));
    this.pacer = options.pacer ?? new Pacer(undefined);
    this.log = options.log ?? ((line) => process.stderr.write(`[send] ${line}\n`));
  }

  /** Steps in order, only those of the first `months` months (geography always). */
  plan(): Step[] {
    const steps = planOf(this.options.inDir);
    const months = monthsOf(steps);
    const keep = new Set(
      this.options.months === undefined ? months : months.slice(0, this.options.months),
    );
    return steps.filter((s) => s.month === undefined || keep.has(s.month));
  }

  async send(): Promise<SendSummary> {
    const steps = this.plan();
    const months = monthsOf(steps);
    try {
      for (const step of steps) {
        if (this.options.signal?.aborted) break;
        const progress = progressOf(this.state, step.file);
        if (progress.done) continue;
        this.current = step.file;
        await this.sendStep(step);
      }
    } finally {
      this.progress(true);
      await this.producer?.disconnect().catch(() => undefined);
      this.producer = undefined;
    }
    return {
      sent: this.sent,
      counts: { ...this.counts },
      months,
      lastMonth: months[months.length - 1],
    };
  }

  private async sendStep(step: Step): Promise<void> {
    switch (step.channel) {
      case 'geography-postcodes':
        return this.sendPostcodes(step);
      case 'geography-boundaries':
        return this.sendBoundaries(step);
      case 'births-extract':
      case 'hv-extract':
        return this.sendExtract(step);
      case 'hv-inbound':
        return this.sendInbound(step);
      default:
        return this.sendNdjson(step);
    }
  }

  private path(file: string): string {
    return join(this.options.inDir, file);
  }

  private record(
    channel: Channel,
    ref: string,
    treatment: Treatment,
    extra: { status?: number; reason?: string; by?: 'service' | 'sender' } = {},
  ): void {
    this.outcomes.write({
      kind: 'record',
      ref,
      channel,
      treatment,
      ...extra,
      at: new Date().toISOString(),
    });
    this.counts[treatment]++;
    this.sent++;
    this.progress();
  }

  private save(): void {
    saveState(this.stateFile, this.state);
  }

  private progress(final = false): void {
    const mode = this.options.progressMode ?? (process.stderr.isTTY ? 'tty' : 'lines');
    if (mode === 'off' || (final && this.sent === 0)) return;
    const now = Date.now();
    const every = mode === 'tty' ? 250 : 10_000;
    if (!final && now - this.lastProgressAt < every) return;
    this.lastProgressAt = now;
    const c = this.counts;
    const line =
      `${this.current} | ${this.sent} sent: ${c.accepted} accepted, ${c['accepted-with-warning']} with warning, ` +
      `${c.duplicate} duplicate, ${c.rejected} rejected`;
    if (mode === 'tty') process.stderr.write(`\r\x1b[K[send] ${line}${final ? '\n' : ''}`);
    else this.log(line);
  }

  // -- geography ---------------------------------------------------------------------------

  private effectiveFrom(): string {
    const boundaries = this.path('geography/boundaries.json');
    if (existsSync(boundaries)) {
      const b = JSON.parse(readFileSync(boundaries, 'utf8')) as { effectiveFrom?: string };
      if (b.effectiveFrom) return b.effectiveFrom;
    }
    return this.manifest.geography?.effectiveFrom ?? '2020-01-01';
  }

  private async sendPostcodes(step: Step): Promise<void> {
    const token = await this.tokens.get({ sub: SENDER_SUBJECT, roles: ['admin'] });
    const answer = await uploadExtract({
      baseUrl: this.options.birthsUrl,
      path: `/geography/postcodes?effectiveFrom=${encodeURIComponent(this.effectiveFrom())}`,
      token,
      file: this.path(step.file),
    }).catch((error: unknown) => {
      throw new ServiceUnavailable(
        `postcodes: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    if (answer.status >= 500) throw new ServiceUnavailable(`postcodes: ${answer.status}`);
    const { treatment, reason } = treatmentOf(step.channel, answer.status, answer.body);
    this.record(step.channel, step.file, treatment === 'duplicate' ? 'duplicate' : treatment, {
      status: answer.status,
      ...(reason ? { reason } : {}),
    });
    if (treatment === 'rejected') this.log(`postcodes refused: ${reason}`);
    const progress = progressOf(this.state, step.file);
    progress.done = true;
    progress.answer = { status: answer.status };
    this.save();
  }

  private async sendBoundaries(step: Step): Promise<void> {
    const token = await this.tokens.get({ sub: SENDER_SUBJECT, roles: ['admin'] });
    const body = JSON.parse(readFileSync(this.path(step.file), 'utf8')) as unknown;
    const answer = await requestWithRetry(
      { method: 'POST', url: `${this.options.birthsUrl}/geography/boundaries`, token, body },
      { log: this.log },
    );
    const { treatment, reason } = treatmentOf(step.channel, answer.status, answer.body);
    this.record(step.channel, step.file, treatment, {
      status: answer.status,
      ...(reason ? { reason } : {}),
    });
    if (treatment === 'rejected') this.log(`boundaries refused: ${reason}`);
    else await this.waitForBoundaries(token);
    const progress = progressOf(this.state, step.file);
    progress.done = true;
    progress.answer = { status: answer.status };
    this.save();
  }

  /** Births answers the boundary version in force once it holds it; registrations learn it from the topic (a family for an unknown centre is retried). */
  private async waitForBoundaries(token: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const answer = await requestWithRetry({
        method: 'GET',
        url: `${this.options.birthsUrl}/geography/boundaries/current`,
        token,
      });
      if (answer.status === 200) return;
      await new Promise((r) => setTimeout(r, 1000));
    }
    this.log('births has no boundary version in force after 60 s (effectiveFrom in the future?)');
  }

  // -- extracts ----------------------------------------------------------------------------

  private async sendExtract(step: Step): Promise<void> {
    const births = step.channel === 'births-extract';
    const org = births ? (this.options.birthsOrg ?? this.manifest.la?.code ?? 'SYNTH') : step.org!;
    const token = await this.tokens.get({
      sub: births ? `${SENDER_SUBJECT}-births` : `${SENDER_SUBJECT}-hv-${org}`,
      roles: [births ? 'births-feed' : 'hv-system'],
      org,
    });
    const baseUrl = births ? this.options.birthsUrl : this.options.hvUrl;
    const path = births ? '/births/imports' : '/contacts/imports';
    const fileName = step.file.split('/').pop()!;
    const answer = await uploadExtract({
      baseUrl,
      path,
      token,
      file: this.path(step.file),
      fileName,
    }).catch((error: unknown) => {
      throw new ServiceUnavailable(
        `${step.file}: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    if (answer.status >= 500 && answer.status !== 501)
      throw new ServiceUnavailable(`${step.file}: ${answer.status} ${reasonOf(answer.body)}`);
    const body = answer.body as Partial<ImportResource> & { import?: ImportResource };
    const resource = answer.status === 201 ? (body as ImportResource) : body.import;
    const counts = zeroCounts();
    if (resource?.counts) {
      counts.accepted = resource.counts.accepted;
      counts.duplicate = resource.counts.duplicates;
      counts.rejected = resource.counts.rejected;
    }
    const at = new Date().toISOString();
    this.outcomes.write({
      kind: 'file',
      ref: step.file,
      channel: step.channel,
      status: answer.status,
      counts,
      ...(resource?.importId ? { importId: resource.importId } : {}),
      ...(resource?.fileError || answer.status !== 201
        ? { reason: resource?.fileError ?? reasonOf(answer.body) }
        : {}),
      at,
    });
    for (const t of ['accepted', 'duplicate', 'rejected'] as const) this.counts[t] += counts[t];
    this.sent += counts.accepted + counts.duplicate + counts.rejected;
    if (resource && resource.errorCount > 0)
      await this.recordRejectedRows(step, baseUrl, resource, token);
    const progress = progressOf(this.state, step.file);
    progress.done = true;
    progress.answer = {
      status: answer.status,
      counts: { ...counts },
      ...(resource?.importId ? { importId: resource.importId } : {}),
    };
    this.save();
    this.progress();
  }

  /** One outcome line per rejected row (reasons joined), from the import's rejected-rows report. */
  private async recordRejectedRows(
    step: Step,
    baseUrl: string,
    resource: ImportResource,
    token: string,
  ): Promise<void> {
    try {
      const res = await fetch(`${baseUrl}${resource.links.rejectedRows}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (!res.ok) return;
      const reasons = new Map<string, string[]>();
      for (const line of (await res.text()).split('\n').slice(1)) {
        const m = /^(\d+),([^,]*),(.*)$/.exec(line.trim());
        if (!m) continue;
        const reason = `${m[2] ? `${m[2]}: ` : ''}${m[3].replace(/^"|"$/g, '').replace(/""/g, '"')}`;
        reasons.set(m[1], [...(reasons.get(m[1]) ?? []), reason]);
      }
      const at = new Date().toISOString();
      for (const [row, why] of reasons) {
        this.outcomes.write({
          kind: 'record',
          ref: `${step.file}#${row}`,
          channel: step.channel,
          treatment: 'rejected',
          reason: why.join('; '),
          at,
        });
      }
    } catch (error) {
      this.log(
        `rejected rows of ${step.file}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  // -- record by record ------------------------------------------------------------------

  /**
   * The lines of a step's file not sent yet (1-based index), each after the pacer allows it;
   * stops when the run is aborted.
   */
  private async *unsentLines(
    step: Step,
    progress: { lines: number },
  ): AsyncGenerator<{ line: string; index: number }> {
    const total = countLines(this.path(step.file));
    let index = 0;
    for await (const line of linesOf(this.path(step.file))) {
      index++;
      if (index <= progress.lines) continue;
      if (this.options.signal?.aborted) return;
      await this.pacer.wait();
      this.current = `${step.file} ${index}/${total}`;
      yield { line, index };
    }
  }

  private async sendNdjson(step: Step): Promise<void> {
    const progress = progressOf(this.state, step.file);
    for await (const { line, index } of this.unsentLines(step, progress)) {
      let record: NdjsonRecord;
      let seq = index;
      if (step.channel === 'births-nems') {
        record = { body: line };
      } else {
        record = JSON.parse(line) as NdjsonRecord;
        if (typeof record.seq === 'number') seq = record.seq;
      }
      const ref = `${step.file}#${seq}`;
      try {
        const answer = await this.sendRecord(step, record, line);
        const { treatment, reason } = treatmentOf(step.channel, answer.status, answer.body);
        this.record(step.channel, ref, treatment, {
          status: answer.status,
          ...(reason ? { reason } : {}),
        });
      } catch (error) {
        if (!(error instanceof UnresolvedRef)) throw error;
        this.record(step.channel, ref, 'rejected', { reason: error.message, by: 'sender' });
      }
      progress.lines = index;
      progress.lastSeq = seq;
      this.save();
    }
    if (this.options.signal?.aborted) return; // stopped part-way: the state keeps the place
    progress.done = true;
    this.save();
  }

  private async sendRecord(step: Step, record: NdjsonRecord, line: string): Promise<Answer> {
    switch (step.channel) {
      case 'births-nems': {
        const token = await this.birthsToken();
        return requestWithRetry(
          {
            method: 'POST',
            url: `${this.options.birthsUrl}/births/nems`,
            token,
            rawBody: line,
            contentType: 'application/fhir+json',
          },
          { log: this.log },
        );
      }
      case 'births-api': {
        const token = await this.birthsToken();
        return requestWithRetry(
          {
            method: record.method ?? 'POST',
            url: `${this.options.birthsUrl}${record.path ?? '/births'}`,
            token,
            body: record.body,
            ...(record.idempotencyKey
              ? { headers: { 'idempotency-key': record.idempotencyKey } }
              : {}),
          },
          { log: this.log },
        );
      }
      case 'hv-api': {
        const org = record.org ?? 'UNKNOWN';
        const token = await this.tokens.get({
          sub: `${SENDER_SUBJECT}-hv-${org}`,
          roles: ['hv-system'],
          org,
        });
        return requestWithRetry(
          {
            method: record.method ?? 'POST',
            url: `${this.options.hvUrl}${record.path ?? '/contacts'}`,
            token,
            body: record.body,
          },
          { log: this.log },
        );
      }
      case 'registrations':
        return this.sendRegistration(record);
      default:
        throw new Error(`no record sender for ${step.channel}`);
    }
  }

  private birthsToken(): Promise<string> {
    const org = this.options.birthsOrg ?? this.manifest.la?.code ?? 'SYNTH';
    return this.tokens.get({ sub: `${SENDER_SUBJECT}-births`, roles: ['births-feed'], org });
  }

  private async sendRegistration(record: NdjsonRecord): Promise<Answer> {
    const maps = this.state.refs;
    const path = resolvePath(record.path ?? '', maps);
    const body = resolveBody(record.body, maps);
    const centre = centreOfPath(path);
    const token = await this.tokens.get({
      sub: SENDER_SUBJECT,
      roles: ['centre-staff', 'centre-manager'],
      centres: centre ? [centre] : [],
    });
    const spec = {
      method: record.method ?? 'POST',
      url: `${this.options.registrationsUrl}${path}`,
      token,
      body,
      headers: {
        ...(record.idempotencyKey ? { 'idempotency-key': record.idempotencyKey } : {}),
        'x-purpose': 'synthetic LA load',
      },
    };
    // Registrations learn centres from the geography topic: a centre not known yet is waited for.
    const deadline = Date.now() + 120_000;
    let answer = await requestWithRetry(spec, { log: this.log });
    while (
      answer.status === 404 &&
      /no centre/.test(reasonOf(answer.body)) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 1000));
      answer = await requestWithRetry(spec, { log: this.log });
    }
    if (answer.status === 200 || answer.status === 201)
      learnIds(createdRefsOf(record.refs), answer.body, maps);
    return answer;
  }

  // -- inbound topic -----------------------------------------------------------------------

  private async producerFor(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.kafka ??= new Kafka({
      clientId: SENDER_SUBJECT,
      brokers: this.options.brokers,
      logLevel: logLevel.NOTHING,
    });
    const producer = this.kafka.producer({ retry: { retries: 10, initialRetryTime: 300 } });
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  private async sendInbound(step: Step): Promise<void> {
    const progress = progressOf(this.state, step.file);
    if (!progress.produced) {
      progress.producedFrom ??= new Date(Date.now() - 1000).toISOString();
      const producer = await this.producerFor();
      for await (const { line, index } of this.unsentLines(step, progress)) {
        const record = JSON.parse(line) as NdjsonRecord;
        const seq = typeof record.seq === 'number' ? record.seq : index;
        await producer.send({
          topic: INBOUND_TOPIC,
          acks: -1,
          messages: [
            {
              key: record.key ?? null,
              value: inboundValue(record.value, correlationOf(step.file, seq)),
            },
          ],
        });
        this.sent++;
        progress.lines = index;
        progress.lastSeq = seq;
        this.save();
        this.progress();
      }
      if (this.options.signal?.aborted) return; // stopped part-way: the state keeps the place
      progress.produced = true;
      this.save();
    }
    await this.collectInbound(step);
    progress.done = true;
    this.save();
  }

  /**
   * The inbound file's outcomes, once the health-visits consumer has read past its messages:
   * dead letters (dlt-error) are matched by the correlation id the sender put in the value; the
   * ContactRecorded/ContactAmended events of channel hv-topic published since the file was first
   * produced, by contact key (see attributeInbound).
   */
  private async collectInbound(step: Step): Promise<void> {
    const sent: InboundSent[] = [];
    let index = 0;
    for await (const line of linesOf(this.path(step.file))) {
      index++;
      const record = JSON.parse(line) as NdjsonRecord;
      const seq = typeof record.seq === 'number' ? record.seq : index;
      sent.push({
        ref: `${step.file}#${seq}`,
        correlation: correlationOf(step.file, seq),
        contactKey: contactKeyOf(record.value),
      });
    }
    await this.waitForInboundConsumer();
    const since = Date.parse(progressOf(this.state, step.file).producedFrom ?? '1970-01-01');
    const keys = new Set(sent.flatMap((s) => (s.contactKey ? [s.contactKey] : [])));
    const events = new Map<string, string[]>();
    await readTopicToEnd(this.options.brokers, CONTACT_TOPIC, (m) => {
      if (m.type !== 'ContactRecorded' && m.type !== 'ContactAmended') return;
      if (Number(m.message.timestamp) < since) return;
      const key = contactKeyOf(parseJson(m.message.value?.toString() ?? ''), 'facts');
      if (!key || !keys.has(key)) return;
      const facts = (
        parseJson(m.message.value?.toString() ?? '') as { data?: { facts?: { channel?: string } } }
      )?.data?.facts;
      if (facts?.channel !== 'hv-topic') return;
      events.set(key, [...(events.get(key) ?? []), m.type]);
    });
    const deadLetters = new Map<string, string>();
    const correlations = new Set(sent.map((s) => s.correlation));
    await readTopicToEnd(this.options.brokers, `${INBOUND_TOPIC}.dlt`, (m) => {
      const value = parseJson(m.message.value?.toString() ?? '') as
        { correlationid?: string } | undefined;
      const correlation = value?.correlationid;
      if (!correlation || !correlations.has(correlation)) return;
      deadLetters.set(correlation, m.message.headers?.['dlt-error']?.toString() ?? 'dead-lettered');
    });
    for (const outcome of attributeInbound(sent, events, deadLetters)) {
      this.outcomes.write({
        kind: 'record',
        ref: outcome.ref,
        channel: 'hv-inbound',
        treatment: outcome.treatment,
        ...(outcome.reason ? { reason: outcome.reason } : {}),
        at: new Date().toISOString(),
      });
      this.counts[outcome.treatment]++;
    }
    this.progress();
  }

  /** Waits until the health-visits inbound consumer group has committed up to the topic's end. */
  private async waitForInboundConsumer(): Promise<void> {
    this.kafka ??= new Kafka({
      clientId: SENDER_SUBJECT,
      brokers: this.options.brokers,
      logLevel: logLevel.NOTHING,
    });
    const admin = this.kafka.admin();
    await admin.connect();
    const groupId =
      this.options.inboundGroupId ?? `${process.env.KAFKA_GROUP_PREFIX ?? ''}health-visits.inbound`;
    try {
      const deadline = Date.now() + 180_000;
      for (;;) {
        const ends = await admin.fetchTopicOffsets(INBOUND_TOPIC);
        const [committed] = await admin.fetchOffsets({ groupId, topics: [INBOUND_TOPIC] });
        const behind = ends.some((e) => {
          const c = committed?.partitions.find((p) => p.partition === e.partition);
          const at = c && Number(c.offset) >= 0 ? Number(c.offset) : 0;
          return at < Number(e.high);
        });
        if (!behind) break;
        if (Date.now() > deadline) {
          this.log(
            `the inbound consumer (${groupId}) has not caught up after 180 s; counting what is there`,
          );
          break;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
      // The relay publishes the resulting events after the consumer commits: wait until the
      // contacts topic has stopped growing (5 s without a new message; at most 180 s more).
      let last = -1;
      let quietSince = Date.now();
      const until = Date.now() + 180_000;
      while (Date.now() < until) {
        const size = (await admin.fetchTopicOffsets(CONTACT_TOPIC)).reduce(
          (n, p) => n + Number(p.high),
          0,
        );
        if (size !== last) [last, quietSince] = [size, Date.now()];
        else if (Date.now() - quietSince >= 5000) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
    } finally {
      await admin.disconnect();
    }
  }
}

/** The correlation id the sender gives an inbound message: its ref, so its outcome can be found. */
export function correlationOf(file: string, seq: number): string {
  return `synthetic:${file}#${seq}`;
}

/** The message value: a CloudEvent gets the correlation id (a value that is not an object is sent as is). */
export function inboundValue(value: unknown, correlation: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return JSON.stringify({ ...value, correlationid: correlation });
  return JSON.stringify(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

interface ContactKeyFields {
  sourceSystem?: string;
  organisationCode?: string;
  sourceContactId?: string;
}

/** `sourceSystem|organisationCode|sourceContactId` of a ContactSubmitted (data) or ContactRecorded (data.facts). */
export function contactKeyOf(value: unknown, at: 'data' | 'facts' = 'data'): string | undefined {
  const event = value as
    { data?: ContactKeyFields & { facts?: ContactKeyFields } } | null | undefined;
  const fields = at === 'facts' ? event?.data?.facts : event?.data;
  if (!fields?.sourceContactId) return undefined;
  return `${fields.sourceSystem}|${fields.organisationCode}|${fields.sourceContactId}`;
}

export interface InboundSent {
  ref: string;
  correlation: string;
  contactKey?: string;
}

/**
 * Each inbound message's outcome: dead-lettered → rejected (the dlt-error); else, per contact
 * key in file order, as many accepted as the key has new events (recorded or amended), the rest
 * duplicate (the same content as held publishes nothing).
 */
export function attributeInbound(
  sent: readonly InboundSent[],
  events: ReadonlyMap<string, readonly string[]>,
  deadLetters: ReadonlyMap<string, string>,
): { ref: string; treatment: Treatment; reason?: string }[] {
  const used = new Map<string, number>();
  return sent.map((s) => {
    const dlt = deadLetters.get(s.correlation);
    if (dlt !== undefined) return { ref: s.ref, treatment: 'rejected' as const, reason: dlt };
    const list = s.contactKey ? (events.get(s.contactKey) ?? []) : [];
    const n = used.get(s.contactKey ?? '') ?? 0;
    if (s.contactKey && n < list.length) {
      used.set(s.contactKey, n + 1);
      return {
        ref: s.ref,
        treatment: 'accepted' as const,
        ...(list[n] === 'ContactAmended' ? { reason: 'amended' } : {}),
      };
    }
    return { ref: s.ref, treatment: 'duplicate' as const, reason: 'no event: same as held' };
  });
}
