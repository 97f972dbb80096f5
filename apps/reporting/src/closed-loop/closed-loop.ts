import { protectDerived, protectTable, type CountCell } from '../disclosure/disclosure';
import type { AreaMap, ChildView } from '../figures/figures';
import { daysBetween, monthsOf, parsePeriod } from '../figures/periods';
import { median } from '../figures/statistics';

/** When a centre first reached a family, counted from the child's new-birth visit. */
export const CLOSED_LOOP_BUCKETS = [
  'before_nbv',
  'nbv_0_14_days',
  'nbv_15_30_days',
  'nbv_31_90_days',
  'nbv_91_days_or_more',
  'reached_no_nbv',
  'not_reached',
] as const;
export type ClosedLoopBucket = (typeof CLOSED_LOOP_BUCKETS)[number];

export interface ClosedLoopRow {
  /** Birth month, `YYYY-MM`. */
  cohort: string;
  centreId: string;
  births: CountCell;
  reached: CountCell;
  buckets: Record<ClosedLoopBucket, CountCell>;
  /** Median days from the NBV to the first centre reach, over those reached after an NBV. */
  medianDaysFromNbv: number | '*' | null;
}

export interface ClosedLoopFigures {
  period: string;
  boundaryVersion: string;
  asOf: string;
  disclosureControl: string;
  rows: ClosedLoopRow[];
}

/**
 * Closed-loop figures for health: for the children born in each month of the period in each
 * centre's reach area (birth LSOA, the given boundary version), how many families a centre has
 * registered or contacted by today, and how long after the new-birth visit. Aggregate and
 * disclosure-controlled: each row's buckets add up to its births, and reached is their sum less
 * the not reached, so both relations are protected together.
 */
export function closedLoop(
  children: readonly ChildView[],
  map: AreaMap,
  periodId: string,
  asOf: string,
): Omit<ClosedLoopFigures, 'disclosureControl'> {
  const period = parsePeriod(periodId);
  const tallies = new Map<string, { buckets: Map<ClosedLoopBucket, number>; days: number[] }>();
  for (const month of monthsOf(period)) {
    for (const centreId of map.centres.keys()) {
      tallies.set(`${month}|${centreId}`, { buckets: new Map(), days: [] });
    }
  }
  for (const child of children) {
    const birth = child.birth;
    if (!birth || birth.birthDate < period.start || birth.birthDate > period.end) continue;
    const centreId = birth.lsoa === null ? undefined : map.centreOfLsoa.get(birth.lsoa);
    if (centreId === undefined) continue;
    const tally = tallies.get(`${birth.birthDate.slice(0, 7)}|${centreId}`);
    if (!tally) continue;
    const reachedOn = firstReach(child, asOf);
    const nbv = child.firstCompleted.get('new_birth_visit')?.date;
    let bucket: ClosedLoopBucket;
    if (reachedOn === undefined) bucket = 'not_reached';
    else if (nbv === undefined || nbv > asOf) bucket = 'reached_no_nbv';
    else {
      const days = daysBetween(nbv, reachedOn);
      if (days >= 0) tally.days.push(days);
      bucket =
        days < 0
          ? 'before_nbv'
          : days <= 14
            ? 'nbv_0_14_days'
            : days <= 30
              ? 'nbv_15_30_days'
              : days <= 90
                ? 'nbv_31_90_days'
                : 'nbv_91_days_or_more';
    }
    tally.buckets.set(bucket, (tally.buckets.get(bucket) ?? 0) + 1);
  }
  const rows: ClosedLoopRow[] = [];
  for (const [key, tally] of tallies) {
    const [cohort, centreId] = key.split('|') as [string, string];
    const exact = (b: ClosedLoopBucket) => tally.buckets.get(b) ?? 0;
    const births = CLOSED_LOOP_BUCKETS.reduce((n, b) => n + exact(b), 0);
    const reachedParts = CLOSED_LOOP_BUCKETS.filter((b) => b !== 'not_reached');
    const published = protectTable({
      cells: new Map<string, number>([
        ['births', births],
        ['reached', births - exact('not_reached')],
        ...CLOSED_LOOP_BUCKETS.map((b) => [b, exact(b)] as [string, number]),
      ]),
      relations: [
        { total: 'births', parts: [...CLOSED_LOOP_BUCKETS] },
        { total: 'births', parts: ['reached', 'not_reached'] },
        { total: 'reached', parts: reachedParts },
      ],
    });
    const afterNbv = tally.days.length;
    rows.push({
      cohort,
      centreId,
      births: published.get('births')!,
      reached: published.get('reached')!,
      buckets: Object.fromEntries(CLOSED_LOOP_BUCKETS.map((b) => [b, published.get(b)!])) as Record<
        ClosedLoopBucket,
        CountCell
      >,
      medianDaysFromNbv: protectDerived(
        afterNbv >= 1 && afterNbv <= 7 ? '*' : afterNbv,
        median(tally.days),
      ),
    });
  }
  rows.sort((a, b) => a.cohort.localeCompare(b.cohort) || a.centreId.localeCompare(b.centreId));
  return { period: period.id, boundaryVersion: map.version.versionId, asOf, rows };
}

/** The first day a centre registered the child or reached it (attendance, completed outreach). */
function firstReach(child: ChildView, asOf: string): string | undefined {
  const days = [...child.registrations.map((r) => r.registeredOn), ...child.contactDates].filter(
    (d) => d <= asOf,
  );
  return days.length === 0 ? undefined : days.sort()[0];
}
