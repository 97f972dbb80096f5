/** A CloudEvents 1.0 event in structured JSON mode: the value of every message on an event topic. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  /** Deterministic: derived from the input's idempotency key and version. */
  id: string;
  /** Past-tense PascalCase event type, e.g. `BirthNotified`. */
  type: string;
  source: string;
  /** Equals the Kafka key. */
  subject: string;
  time: string;
  /** `$id` of the schema `data` conforms to; names the event's version. */
  dataschema: string;
  datacontenttype?: 'application/json';
  /** Extension: when the source system recorded the occurrence. */
  recordedtime?: string;
  /** Extension: correlation id of the request, file or message that caused the event. */
  correlationid?: string;
  /** Extension: code of the organisation the input came from. */
  sourceorg?: string;
  /** Extension: the subject's version at the source, where one exists. */
  subjectversion?: number;
  data: T;
}

export interface TopicContract {
  name: string;
  deadLetterTopic: string;
  partitions: number;
  eventTypes: string[];
}

export type ContractCheck = { valid: true; event: CloudEvent } | { valid: false; errors: string[] };
