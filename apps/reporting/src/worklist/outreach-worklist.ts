import type { AreaMap, ChildView } from '../figures/figures';
import { residenceOn } from '../figures/figures';
import { daysBetween, fifthBirthday } from '../figures/periods';

/** One family the centre has not reached yet (docs/figures.md, "Outreach worklist"). */
export interface WorklistEntry {
  nhsNumber: string;
  birthDate: string;
  /** Why the child is the centre's: born in its area, or moved into it. */
  reason: 'born' | 'moved_in';
  /** The birth date, or the day the child moved into the LA. */
  since: string;
  daysWaiting: number;
  /** Outreach attempts that did not reach the family, newest first. */
  outreachAttempts: string[];
}

/**
 * Children living in the centre's reach area today, born there or moved into the LA, whose
 * families no centre has registered or contacted `afterDays` days after the birth or move-in,
 * oldest first. Never: a child who has died (whenever the death is dated: a bereaved family must
 * not be contacted), a child under a sharing objection, a sensitive-flagged child, or one whose
 * NHS number is not held (nothing to act on).
 */
export function outreachWorklist(
  children: readonly ChildView[],
  nhsNumberOf: (pseudonym: string) => string | undefined,
  map: AreaMap,
  centreId: string,
  today: string,
  afterDays: number,
): WorklistEntry[] {
  const area = { centres: new Set([centreId]), includesUnassigned: false };
  const entries: WorklistEntry[] = [];
  for (const child of children) {
    if (child.deathDate !== undefined || child.objection || child.sensitive) continue;
    if (child.everRegistered || child.contactDates.length > 0) continue;
    if (child.birthDate > today || today >= fifthBirthday(child.birthDate)) continue;
    if (child.start > today || daysBetween(child.start, today) < afterDays) continue;
    const now = residenceOn(child, today);
    if (!now?.resident || !map.contains(area, now.lsoa)) continue;
    const nhsNumber = nhsNumberOf(child.pseudonym);
    if (nhsNumber === undefined) continue;
    entries.push({
      nhsNumber,
      birthDate: child.birthDate,
      reason: child.birth ? 'born' : 'moved_in',
      since: child.start,
      daysWaiting: daysBetween(child.start, today),
      outreachAttempts: [...child.outreachAttempts].sort().reverse(),
    });
  }
  return entries.sort(
    (a, b) => a.since.localeCompare(b.since) || a.nhsNumber.localeCompare(b.nhsNumber),
  );
}
