import { v5 as uuidv5 } from 'uuid';

// Fixed namespace for this project's event ids (a random UUID chosen once; never change it).
const EVENT_ID_NAMESPACE = '6f1d7c1e-3b5a-4f7e-9a0c-2d4b8e6f1a93';

/**
 * Deterministic event id from an input's idempotency key and version: a re-sent input yields
 * the same id, and consumers drop it (ARCHITECTURE.md, Events).
 */
export function deterministicEventId(idempotencyKey: string, version = 1): string {
  return uuidv5(`${idempotencyKey}#${version}`, EVENT_ID_NAMESPACE);
}
