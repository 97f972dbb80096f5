/** Events about a family and its carers, keyed `family:<familyId>`. */
export const FAMILY_TOPIC = 'registrations.family.v1';
/** Events about a child, keyed on its NHS number, or `local:<childId>` while none is known. */
export const CHILD_TOPIC = 'registrations.child.v1';

/** Every event of the service, both topics, stored with its outbox part (insert-only). */
export const REGISTRATION_EVENTS = 'registration_events';

export function familyKey(familyId: string): string {
  return `family:${familyId}`;
}

export function localKey(childId: string): string {
  return `local:${childId}`;
}
