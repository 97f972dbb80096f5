import { randomUUID } from 'node:crypto';
import { ContractRegistry } from '@lib/contracts';
import { ServiceConfig } from '@lib/config';
import { ROOT_LOGGER } from '@lib/logging';
import {
  DynamicModule,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { ProcessedEventStore } from './processed-events';
import { OutboxRelays } from './outbox/outbox-relays';
import { EventConsumer, EventConsumerOptions } from './event-consumer';
import { EventProducer } from './event-producer';
import { KafkaConnection } from './kafka-connection';
import { TopicProvisioner } from './topic-provisioner';

export interface KafkaModuleOptions {
  /** The service name: CloudEvent `source` and Kafka client id. */
  service: string;
}

/** Creates consumers bound to this process's connection, contracts and dead-letter producer. */
@Injectable()
export class EventConsumerFactory {
  constructor(
    private readonly connection: KafkaConnection,
    private readonly registry: ContractRegistry,
    private readonly producer: EventProducer,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    private readonly config: ServiceConfig,
    @InjectConnection() private readonly connectionToStore: Connection,
  ) {}

  create(options: EventConsumerOptions): EventConsumer {
    if (options.replay) {
      // A group of its own per start, so it reads from offset 0; no processed-event marks.
      const groupId = `${this.config.KAFKA_GROUP_PREFIX}${options.groupId}.${randomUUID()}`;
      return new EventConsumer(
        this.connection,
        this.registry,
        this.producer,
        this.logger.child({ component: 'consumer', groupId }),
        { ...options, groupId },
      );
    }
    const groupId = `${this.config.KAFKA_GROUP_PREFIX}${options.groupId}`;
    const processedEvents =
      options.processedEvents ??
      new ProcessedEventStore(this.connectionToStore.collection('processed_events'));
    return new EventConsumer(
      this.connection,
      this.registry,
      this.producer,
      this.logger.child({ component: 'consumer', groupId }),
      { ...options, groupId, processedEvents },
    );
  }
}

/** Topics exist before anyone subscribes: this runs in module init, before consumers start. */
@Injectable()
class KafkaLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly provisioner: TopicProvisioner,
    private readonly registry: ContractRegistry,
    private readonly producer: EventProducer,
    private readonly connection: KafkaConnection,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.provisioner.ensureTopics(this.registry.topics());
  }

  // Runs after consumers' own shutdown hooks (they are in modules that import this one).
  async onApplicationShutdown(): Promise<void> {
    await this.producer.close();
    await this.connection.close();
  }
}

@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      providers: [
        { provide: ContractRegistry, useFactory: () => ContractRegistry.load() },
        {
          provide: KafkaConnection,
          inject: [ServiceConfig, ROOT_LOGGER],
          useFactory: (config: ServiceConfig, logger: Logger) =>
            new KafkaConnection({
              brokers: config.KAFKA_BROKERS,
              clientId: options.service,
              logger,
            }),
        },
        {
          provide: TopicProvisioner,
          inject: [KafkaConnection, ROOT_LOGGER],
          useFactory: (connection: KafkaConnection, logger: Logger) =>
            new TopicProvisioner(connection, logger.child({ component: 'topics' })),
        },
        {
          provide: EventProducer,
          inject: [KafkaConnection, ContractRegistry, ROOT_LOGGER],
          useFactory: (connection: KafkaConnection, registry: ContractRegistry, logger: Logger) =>
            new EventProducer(
              connection,
              registry,
              options.service,
              logger.child({ component: 'producer' }),
            ),
        },
        EventConsumerFactory,
        OutboxRelays,
        KafkaLifecycle,
      ],
      exports: [
        ContractRegistry,
        KafkaConnection,
        EventProducer,
        EventConsumerFactory,
        TopicProvisioner,
        OutboxRelays,
      ],
    };
  }
}
