import { Admin, Kafka, logLevel, LogEntry } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaConnectionOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
}

/**
 * The one kafkajs client of a process (kafkajs 2.2.4 is unmaintained; everything else in the
 * code base goes through this library so that it can be swapped). Retries are bounded so that a
 * lost broker fails a call instead of hanging it.
 */
export class KafkaConnection {
  readonly kafka: Kafka;
  private admin?: Promise<Admin>;

  constructor(private readonly options: KafkaConnectionOptions) {
    const logger = options.logger.child({ component: 'kafkajs' });
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: 3000,
      requestTimeout: 10000,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5000 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => {
        const { message, ...extra } = entry.log;
        const level =
          entry.level <= logLevel.ERROR
            ? 'error'
            : entry.level === logLevel.WARN
              ? 'warn'
              : 'debug';
        logger[level]({ namespace: entry.namespace, ...extra }, message);
      },
    });
  }

  get clientId(): string {
    return this.options.clientId;
  }

  /** A shared admin client, connected on first use. */
  async adminClient(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error: unknown) => {
      this.admin = undefined;
      throw error;
    });
    return this.admin;
  }

  /** Broker count as the cluster reports it; used for readiness. */
  async describeCluster(): Promise<{ brokers: number; controller: number | null }> {
    const admin = await this.adminClient();
    const cluster = await admin.describeCluster();
    return { brokers: cluster.brokers.length, controller: cluster.controller };
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await (await admin.catch(() => undefined))?.disconnect();
  }
}
