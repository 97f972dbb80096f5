import { CloudEvent, ContractRegistry, DEAD_LETTER_HEADERS } from '@lib/contracts';
import { redactText, runWithCorrelationId } from '@lib/logging';
import { Consumer, EachBatchPayload, IHeaders, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventProducer } from './event-producer';
import { KafkaConnection } from './kafka-connection';
import { ProcessedEventStore } from './processed-events';

export interface ConsumedEvent {
  event: CloudEvent;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
}

/**
 * Thrown by a handler for an event that can never be applied (it breaks a rule of the domain, not
 * of its schema): dead-lettered at once with this reason, without retries.
 */
export class RejectedEvent extends Error {
  override readonly name = 'RejectedEvent';
}

/** Applies one event. Must be idempotent (events can arrive twice) and durable when it resolves. */
export type EventHandler = (consumed: ConsumedEvent) => Promise<void>;

export interface EventConsumerOptions {
  groupId: string;
  topics: string[];
  handler: EventHandler;
  /** Attempts before an event that keeps failing is parked on the dead-letter topic. */
  maxAttempts?: number;
  retryBackoffMs?: number;
  /** Drops events this group already applied (by CloudEvent id). */
  processedEvents?: ProcessedEventStore;
  /**
   * An in-memory projection: every start reads the topics from offset 0 under a group id of
   * its own and commits nothing (the projection drops duplicates itself).
   */
  replay?: boolean;
  /** After each batch: the next offset to read on that partition (for catch-up tracking). */
  onProgress?: (topic: string, partition: number, nextOffset: number) => void;
}

/**
 * Batch consumer on kafkajs `eachBatch` with manual offset resolution (PITFALLS.md): every
 * message is validated against contracts/, handled with bounded retries, or dead-lettered with
 * its cause; its offset is resolved only after that, so a commit never covers undone work, and a
 * bad message never stops its partition. Heartbeats are sent between messages.
 */
export class EventConsumer {
  private readonly consumer: Consumer;
  private running = false;

  constructor(
    connection: KafkaConnection,
    private readonly registry: ContractRegistry,
    private readonly deadLetters: EventProducer,
    private readonly logger: Logger,
    private readonly options: EventConsumerOptions,
  ) {
    this.consumer = connection.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5000 },
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) =>
      this.onCrash(payload.error, payload.restart),
    );
  }

  async start(): Promise<void> {
    this.running = true;
    await this.connectAndRun();
    this.logger.info({ groupId: this.options.groupId, topics: this.options.topics }, 'consuming');
  }

  private async connectAndRun(): Promise<void> {
    await this.consumer.connect();
    // A new group reads from the beginning: projections are built from the whole log.
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: this.options.replay !== true,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /**
   * kafkajs restarts a crashed consumer itself when the error is retriable (a broker outage);
   * when it will not, a projection must not silently stop: connect again after a pause.
   */
  private onCrash(error: Error, restart: boolean): void {
    this.logger.warn({ err: error, restart }, 'consumer crashed');
    if (!restart && this.running) this.restartLater();
  }

  private restartLater(): void {
    setTimeout(() => {
      if (!this.running) return;
      this.consumer
        .disconnect()
        .then(() => this.connectAndRun())
        .then(() => this.logger.info('consumer restarted after a crash'))
        .catch((error: unknown) => {
          this.logger.error({ err: error }, 'consumer restart failed; trying again');
          this.restartLater();
        });
    }, 5000).unref();
  }

  /** Stops fetching, lets the batch in hand finish and commits what it resolved. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.consumer.disconnect();
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary } =
      payload;
    // check() parses the bytes too: not JSON and not the contract are both a contract violation.
    const checked = batch.messages.map((message) => ({
      message,
      check: this.registry.check(batch.topic, message.value),
    }));
    const processed = this.options.processedEvents;
    const ids = checked.flatMap(({ check }) => (check.valid ? [check.event.id] : []));
    const alreadyApplied = processed
      ? await processed.appliedAmong(this.options.groupId, ids)
      : new Set<string>();
    const applied: string[] = [];
    let next: number | undefined;
    try {
      for (const { message, check } of checked) {
        // After a rebalance the batch may belong to someone else now: stop without resolving.
        if (!isRunning() || isStale()) break;
        if (!check.valid) {
          const reason = `contract violation: ${check.errors.join('; ')}`;
          await this.deadLetter(batch.topic, batch.partition, message, reason);
        } else if (alreadyApplied.has(check.event.id)) {
          this.logger.debug(
            { topic: batch.topic, offset: message.offset },
            'already applied; dropped',
          );
        } else if (
          await this.handleEvent(batch.topic, batch.partition, message, check.event, heartbeat)
        ) {
          applied.push(check.event.id);
        }
        resolveOffset(message.offset);
        next = Number(message.offset) + 1;
        await heartbeat();
      }
    } finally {
      // Effects first, then their marks, then the commit: a crash in between only replays
      // events whose effects exist, and the handlers are idempotent.
      await processed?.markAll(this.options.groupId, applied);
    }
    if (next !== undefined) this.options.onProgress?.(batch.topic, batch.partition, next);
    if (this.options.replay !== true) await commitOffsetsIfNecessary();
  }

  /** Applies one valid event with bounded retries; false when it was dead-lettered instead. */
  private async handleEvent(
    topic: string,
    partition: number,
    message: KafkaMessage,
    event: CloudEvent,
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    const key = message.key?.toString('utf8') ?? null;
    const consumed: ConsumedEvent = {
      event,
      topic,
      partition,
      offset: message.offset,
      key,
    };
    const maxAttempts = this.options.maxAttempts ?? 5;
    const backoff = this.options.retryBackoffMs ?? 200;
    for (let attempt = 1; ; attempt++) {
      try {
        await runWithCorrelationId(event.correlationid, () => this.options.handler(consumed));
        return true;
      } catch (error) {
        if (error instanceof RejectedEvent) {
          await this.deadLetter(topic, partition, message, `rejected: ${error.message}`);
          return false;
        }
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        // Shutting down, or the store is unreachable: leave the offset unresolved so the event is
        // handled again later, rather than dead-lettering a good event for an outage.
        if (!this.running || isTransient(error)) throw error;
        if (attempt >= maxAttempts) {
          await this.deadLetter(
            topic,
            partition,
            message,
            `handler failed ${attempt} times: ${reason}`,
          );
          return false;
        }
        this.logger.warn(
          { topic, partition, offset: message.offset, attempt, err: error },
          'handler failed, retrying',
        );
        await sleep(backoff * 2 ** (attempt - 1));
        await heartbeat();
      }
    }
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    reason: string,
  ): Promise<void> {
    const headers: IHeaders = {
      ...message.headers,
      // A handler's error text may quote a value: scrubbed like a log line.
      [DEAD_LETTER_HEADERS.error]: redactText(reason).slice(0, 4000),
      [DEAD_LETTER_HEADERS.sourceTopic]: topic,
      [DEAD_LETTER_HEADERS.sourcePartition]: String(partition),
      [DEAD_LETTER_HEADERS.sourceOffset]: message.offset,
      [DEAD_LETTER_HEADERS.consumerGroup]: this.options.groupId,
    };
    await this.deadLetters.sendRaw(`${topic}.dlt`, message.key, message.value, headers);
    this.logger.warn({ topic, partition, offset: message.offset, reason }, 'dead-lettered');
  }
}

/** Failures of infrastructure, not of the event: retried by redelivery, never dead-lettered. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    /^Mongo(NetworkError|NetworkTimeoutError|ServerSelectionError|NotConnectedError|PoolClearedError|TopologyClosedError)$/.test(
      error.name,
    ) || /ECONNREFUSED|ECONNRESET|client was closed|Topology is closed/i.test(error.message)
  );
}
