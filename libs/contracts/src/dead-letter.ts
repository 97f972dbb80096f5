/**
 * Kafka headers added to a message written to `<topic>.dlt` (contracts/schemas/deadletter.v1.json).
 * The dead letter keeps the original key, value and headers unchanged.
 */
export const DEAD_LETTER_HEADERS = {
  /** Why it was rejected: readable, naming the field, no personal values; at most 4000 chars. */
  error: 'dlt-error',
  /** Topic it was consumed from. */
  sourceTopic: 'dlt-source-topic',
  /** Partition it was consumed from, decimal string. */
  sourcePartition: 'dlt-source-partition',
  /** Its offset there, decimal string. */
  sourceOffset: 'dlt-source-offset',
  /** Consumer group that rejected it (one bad message may be dead-lettered once per group). */
  consumerGroup: 'dlt-consumer-group',
} as const;
