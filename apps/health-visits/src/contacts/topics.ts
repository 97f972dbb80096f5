/** Canonical contact events (and antenatal links), keyed on the child or `mother:<nhs>`. */
export const CONTACTS_TOPIC = 'health-visits.contact.v1';
