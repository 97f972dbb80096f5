/** The roles of ARCHITECTURE.md (Security). A token may carry several. */
export const ROLES = [
  'births-feed',
  'hv-system',
  'centre-staff',
  'centre-manager',
  'la-analyst',
  'admin',
] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
