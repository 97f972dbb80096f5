import { CloudEvent, ContractRegistry } from '@lib/contracts';
import { currentCorrelationId } from '@lib/logging';
import { IHeaders, Message, PartitionMetadata, Partitioners, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { KafkaConnection } from './kafka-connection';

/** What a service says about an event; the producer builds the CloudEvent around it. */
export interface PublishRequest<T> {
  topic: string;
  /** Kafka key: the subject stream (a child's NHS number, `family:<id>`, …). Always set. */
  key: string;
  type: string;
  /** Deterministic, derived from the input's idempotency key and version. */
  id: string;
  subject: string;
  /** When it happened (or was notified) at the source. */
  time: string;
  data: T;
  version?: number;
  recordedtime?: string;
  sourceorg?: string;
  subjectversion?: number;
  /** The request that caused it; defaults to the correlation id in scope (a relay passes the stored one). */
  correlationid?: string;
}

export class ContractViolationError extends Error {
  override name = 'ContractViolationError';
  constructor(
    readonly topic: string,
    readonly errors: string[],
  ) {
    super(`event does not match its contract on ${topic}: ${errors.join('; ')}`);
  }
}

export interface PublishedRecord {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Publishes CloudEvents validated against contracts/. Sends go one at a time (kafkajs'
 * idempotent producer is experimental and concurrent sends reorder, PITFALLS.md); consumers
 * dedupe by event id because a retried send can still duplicate.
 */
export class EventProducer {
  private readonly producer: Producer;
  private connected?: Promise<void>;
  private queue: Promise<unknown> = Promise.resolve();
  /** Computes partitions as the producer does (a partitioner of our own: it keeps no state by key). */
  private readonly partitioner = Partitioners.DefaultPartitioner();
  /** Each contract topic's partitions, as the partitioner is given them (built once: hot path). */
  private readonly partitionMetadata: Map<string, PartitionMetadata[]>;

  constructor(
    connection: KafkaConnection,
    private readonly registry: ContractRegistry,
    private readonly source: string,
    private readonly logger: Logger,
  ) {
    this.partitionMetadata = new Map(
      registry.topics().map((t) => [
        t.name,
        Array.from({ length: t.partitions }, (_, partitionId) => ({
          partitionId,
          leader: 0,
          replicas: [0],
          isr: [0],
          partitionErrorCode: 0,
        })),
      ]),
    );
    this.producer = connection.kafka.producer({
      allowAutoTopicCreation: false,
      // murmur2 on the key, as Java clients partition: one NHS number → one partition for everyone.
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: false,
      maxInFlightRequests: 1,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5000 },
    });
  }

  /**
   * The partition the producer will write a keyed event to, as its partitioner computes it (murmur2
   * of the key modulo the topic's partition count in the contracts); undefined for a topic the
   * contracts do not declare. The relay groups a send by it (see OutboxRelay).
   */
  partitionOf(topic: string, key: string): number | undefined {
    const partitionMetadata = this.partitionMetadata.get(topic);
    if (!partitionMetadata) return undefined;
    return this.partitioner({ topic, partitionMetadata, message: { key, value: null } });
  }

  buildEvent<T>(request: PublishRequest<T>): CloudEvent<T> {
    const version = request.version ?? this.registry.latestVersion(request.type);
    const correlationid = request.correlationid ?? currentCorrelationId();
    return {
      specversion: '1.0',
      id: request.id,
      type: request.type,
      source: this.source,
      subject: request.subject,
      time: request.time,
      dataschema: this.registry.dataSchemaId(request.type, version),
      datacontenttype: 'application/json',
      ...(request.recordedtime ? { recordedtime: request.recordedtime } : {}),
      ...(correlationid ? { correlationid } : {}),
      ...(request.sourceorg ? { sourceorg: request.sourceorg } : {}),
      ...(request.subjectversion ? { subjectversion: request.subjectversion } : {}),
      data: request.data,
    };
  }

  /** Validates, then sends keyed on the subject; resolves once the broker acknowledged it. */
  async publish<T>(request: PublishRequest<T>): Promise<PublishedRecord> {
    return this.publishEvent(request.topic, request.key, this.buildEvent(request));
  }

  /** Throws ContractViolationError unless the event matches its contract on that topic. */
  assertValid(topic: string, event: CloudEvent): void {
    const check = this.registry.check(topic, event);
    if (!check.valid) throw new ContractViolationError(topic, check.errors);
  }

  /** Sends an event built earlier (an outbox entry), validated again before it leaves. */
  async publishEvent(topic: string, key: string, event: CloudEvent): Promise<PublishedRecord> {
    this.assertValid(topic, event);
    const headers: IHeaders = { 'ce-type': event.type, 'ce-id': event.id };
    if (event.correlationid) headers['correlation-id'] = event.correlationid;
    const record = await this.sendRaw(topic, key, JSON.stringify(event), headers);
    this.logger.debug(
      { topic: record.topic, partition: record.partition, type: event.type },
      'published',
    );
    return record;
  }

  /**
   * Sends events built earlier (outbox entries) in one produce request, in the given order (one
   * key's events keep it: same key, same partition), each validated again before it leaves.
   * Resolves once the broker acknowledged all of them.
   */
  async publishEvents(
    entries: readonly { topic: string; key: string; event: CloudEvent }[],
  ): Promise<void> {
    for (const { topic, event } of entries) this.assertValid(topic, event);
    const topicMessages: { topic: string; messages: Message[] }[] = [];
    for (const { topic, key, event } of entries) {
      const headers: IHeaders = { 'ce-type': event.type, 'ce-id': event.id };
      if (event.correlationid) headers['correlation-id'] = event.correlationid;
      let group = topicMessages.find((g) => g.topic === topic);
      if (!group) topicMessages.push((group = { topic, messages: [] }));
      group.messages.push({ key, value: JSON.stringify(event), headers });
    }
    const send = async (): Promise<void> => {
      await this.connect();
      await this.producer.sendBatch({ acks: -1, topicMessages });
    };
    const next = this.queue.then(send, send);
    this.queue = next.catch(() => undefined);
    await next;
    this.logger.debug({ events: entries.length }, 'published');
  }

  /** Sends bytes as they are (dead-letter records keep the original value). */
  async sendRaw(
    topic: string,
    key: string | Buffer | null,
    value: string | Buffer | null,
    headers: IHeaders,
  ): Promise<PublishedRecord> {
    const send = async (): Promise<PublishedRecord> => {
      await this.connect();
      const [meta] = await this.producer.send({
        topic,
        acks: -1,
        messages: [{ key, value, headers }],
      });
      if (!meta) throw new Error(`no acknowledgement from the broker for ${topic}`);
      return { topic, partition: meta.partition, offset: meta.baseOffset ?? meta.offset ?? '' };
    };
    const next = this.queue.then(send, send);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    return this.connected;
  }

  async close(): Promise<void> {
    await this.queue;
    if (this.connected) await this.producer.disconnect();
    this.connected = undefined;
  }
}
