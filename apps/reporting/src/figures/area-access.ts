import { Principal } from '@lib/auth';
import { ForbiddenException } from '@nestjs/common';

/** Centre roles: their own centres; analysts: any area of their own LA. */
export function allowArea(principal: Principal, area: string, la: string): void {
  if (principal.roles.includes('la-analyst') && principal.la === la) return;
  const [kind, id] = area.split(':', 2);
  if (
    kind === 'centre' &&
    id !== undefined &&
    principal.centres.includes(id) &&
    (principal.roles.includes('centre-manager') || principal.roles.includes('centre-staff'))
  )
    return;
  throw new ForbiddenException(`area ${area}: not one of your centres or your LA`);
}

/** LA-wide lists: the LA's own analysts, or an admin. */
export function allowLa(principal: Principal, la: string): void {
  if (principal.roles.includes('admin')) return;
  if (principal.la !== la)
    throw new ForbiddenException(`la ${la}: these lists are for its own analysts`);
}
