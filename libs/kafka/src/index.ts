export { KafkaConnection, type KafkaConnectionOptions } from './kafka-connection';
export { TopicMismatchError, TopicProvisioner } from './topic-provisioner';
export {
  ContractViolationError,
  EventProducer,
  type PublishRequest,
  type PublishedRecord,
} from './event-producer';
export {
  EventConsumer,
  RejectedEvent,
  isTransient,
  type ConsumedEvent,
  type EventConsumerOptions,
  type EventHandler,
} from './event-consumer';
export { deterministicEventId } from './event-ids';
export { EventConsumerFactory, KafkaModule, type KafkaModuleOptions } from './kafka.module';
export {
  OUTBOX_FIELD,
  isPendingOutbox,
  insertOnceWithOutbox,
  insertWithOutbox,
  outboxMarkers,
  pendingOutbox,
  type OutboxFields,
  type OutboxMarker,
} from './outbox/outbox-entry';
export { OutboxRelay, type OutboxRelayOptions } from './outbox/outbox-relay';
export { OutboxRelays } from './outbox/outbox-relays';
export { ProcessedEventStore } from './processed-events';
