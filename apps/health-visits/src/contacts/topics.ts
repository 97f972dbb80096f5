/** Canonical contact events (and antenatal links), keyed on the child or `mother:<nhs>`. */
export const CONTACTS_TOPIC = 'health-visits.contact.v1';

/** The insert-only collections whose documents carry an event for CONTACTS_TOPIC. */
export const OUTBOX_COLLECTIONS = {
  contactVersions: 'contact_versions',
  antenatalLinks: 'antenatal_links',
  sharingStatements: 'sharing_statements',
} as const;
