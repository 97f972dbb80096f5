import {
  DISCLOSURE_RULES,
  protectCount,
  protectDerived,
  protectedShare,
  protectTable,
  type ShareCell,
} from '../disclosure/disclosure';
import {
  INDICATORS,
  REACH_ROWS,
  type IndicatorId,
  type Proportion,
  type ReachRowId,
  type TargetGroup,
} from '../figures/figure-types';
import { AreaMap, FigureCalculator, FigureRequestError } from '../figures/figures';
import { parsePeriod, previousQuarter, quarterOf } from '../figures/periods';
import type { SefDocument, SefIndicatorRow, SefReachRow } from './sef-types';

const GROUP_LABEL: Record<TargetGroup, string> = {
  teenage_mother: 'Teenage mothers',
  minority_ethnic: 'Minority ethnic groups',
  deprived_30: 'Living in the 30% most deprived areas',
  lone_parent: 'Lone parents',
  workless_household: 'Workless households',
  disabled_child: 'Disabled children or with SEN',
  disabled_parent: 'Disabled parents or carers',
  father: 'Fathers',
};

const INDICATOR_LABEL: Record<IndicatorId, string> = {
  low_birth_weight_term: 'Low birth weight of term babies',
  smoking_at_delivery: 'Mothers smoking at delivery',
  breastfeeding_nbv: 'Breastfeeding at the new-birth visit',
  breastfeeding_6_8_weeks: 'Breastfeeding at 6-8 weeks',
  nbv_within_14_days: 'New-birth visits within 14 days',
  normal_delivery: 'Normal (spontaneous) deliveries',
};

export function reachRowLabel(row: ReachRowId): string {
  if (row === 'all') return 'All children under 5';
  const [group, answer] = row.split(':') as [TargetGroup, 'yes' | 'unknown'];
  return answer === 'yes' ? GROUP_LABEL[group] : `${GROUP_LABEL[group]} (not recorded)`;
}

export interface SefRequest {
  centreId: string;
  periodId: string;
  sustainedThreshold: number;
  england: Partial<Record<IndicatorId, number>>;
  today: string;
  generatedAt: string;
}

/**
 * The SEF data section of a centre: the reach table by target group, the area profile, the
 * indicators of the period's last quarter with intervals, comparisons and a four-quarter trend,
 * every count through disclosure control (docs/figures.md, "Disclosure control").
 */
export function buildSef(calculator: FigureCalculator, map: AreaMap, req: SefRequest): SefDocument {
  const centre = map.version.boundaries.centres.find((c) => c.id === req.centreId);
  if (!centre) {
    throw new FigureRequestError(`centre ${req.centreId}: not in boundary version ${map.version.versionId}`); // prettier-ignore
  }
  const b = map.version.boundaries;
  const area = `centre:${centre.id}`;
  const period = parsePeriod(req.periodId);
  const reach = calculator.reach(map, area, period.id, {
    sustainedThreshold: req.sustainedThreshold,
  });

  const rows = REACH_ROWS.map((row): SefReachRow => {
    const c = reach.rows[row];
    const count = (n: number) => ({ exact: n, published: protectCount(n) });
    const population = count(c.population);
    const registered = count(c.registered);
    const seen = count(c.seen);
    const cohort = count(c.timelinessCohort);
    const within = count(c.contactedWithin30Days);
    return {
      row,
      label: reachRowLabel(row),
      population: population.published,
      registered: registered.published,
      registeredShare: protectedShare(registered, population),
      seen: seen.published,
      seenShare: protectedShare(seen, population),
      sustained: protectCount(c.sustained),
      repeatAttenders: protectCount(c.repeatAttenders),
      attendances: protectCount(c.attendances),
      timelinessCohort: cohort.published,
      contactedWithin30Days: within.published,
      within30DaysShare: protectedShare(within, cohort),
      // A median over a hidden cohort, or of a hidden number of contacted children, is hidden.
      medianDaysToFirstContact: protectDerived(
        cohort.published === '*' ? '*' : within.published,
        c.medianDaysToFirstContact,
      ),
    };
  });

  // The months add up to the period's total: protected together (secondary suppression).
  const months = Object.entries(reach.newFamilies.byMonth).sort(([a], [b]) => a.localeCompare(b));
  const newFamilies = protectTable({
    cells: new Map<string, number>([['total', reach.newFamilies.total], ...months]),
    relations: [{ total: 'total', parts: months.map(([m]) => m) }],
  });

  const lsoas = b.reachAreas.filter((r) => r.centreId === centre.id).flatMap((r) => r.lsoas);
  const deprived = lsoas.filter((l) => (map.decileOfLsoa.get(l) ?? 99) <= 3);
  const all = reach.rows.all;
  const deprivedYes = reach.rows['deprived_30:yes'];
  const indicatorQuarter = quarterOf(period.end < req.today ? period.end : req.today);

  return {
    kind: 'current',
    generatedAt: req.generatedAt,
    centre: {
      id: centre.id,
      name: centre.name,
      cluster: centre.cluster,
      clusterName: b.clusters.find((c) => c.id === centre.cluster)?.name ?? centre.cluster,
      la: centre.la,
      laName: b.las.find((l) => l.code === centre.la)?.name ?? centre.la,
    },
    period: { id: period.id, start: period.start, end: period.end },
    indicatorQuarter,
    boundaryVersion: map.version.versionId,
    disclosureControl: DISCLOSURE_RULES,
    reach: rows,
    newFamilies: {
      total: newFamilies.get('total')!,
      byMonth: months.map(([month]) => ({ month, count: newFamilies.get(month)! })),
    },
    areaProfile: {
      lsoas: lsoas.length,
      deprived30Lsoas: deprived.length,
      under5Population: protectCount(all.population),
      deprived30Share: protectedShare(
        { exact: deprivedYes.population, published: protectCount(deprivedYes.population) },
        { exact: all.population, published: protectCount(all.population) },
      ),
      births: protectCount(birthsIn(calculator, map, centre.id, period.start, period.end)),
    },
    indicators: indicatorRows(calculator, map, area, indicatorQuarter, req.england),
  };
}

function indicatorRows(
  calculator: FigureCalculator,
  map: AreaMap,
  area: string,
  quarter: string,
  england: Partial<Record<IndicatorId, number>>,
): SefIndicatorRow[] {
  const quarters = [quarter];
  for (let i = 0; i < 3; i++) quarters.unshift(previousQuarter(quarters[0]));
  const byQuarter = new Map(
    quarters.map((q) => [q, calculator.indicators(map, area, q, england)] as const),
  );
  const current = byQuarter.get(quarter)!;
  const la = calculator.indicators(map, `la:${map.resolve(area).la}`, quarter, england);
  return INDICATORS.map((id): SefIndicatorRow => {
    const figure = current.indicators[id];
    const p = figure.breakdowns.all;
    const value = publishedShare(p);
    const interval = (bound: number | null): ShareCell => (value === '*' ? '*' : bound);
    const laShare = publishedShare(la.indicators[id].breakdowns.all);
    const row: SefIndicatorRow = {
      id,
      label: INDICATOR_LABEL[id],
      polarity: figure.polarity,
      numerator: protectCount(p.numerator),
      denominator: protectCount(p.denominator),
      value,
      lower: interval(p.lower),
      upper: interval(p.upper),
      laValue: laShare === '*' ? null : laShare,
      englandValue: figure.englandValue,
      // A comparison of a hidden value would hint at it: not shown either.
      comparedWithLa: value === '*' ? 'not_compared' : figure.comparedWithLa,
      comparedWithEngland: value === '*' ? 'not_compared' : figure.comparedWithEngland,
      previousQuarterValue: publishedShare(figure.previousQuarter),
      change:
        value === '*' || publishedShare(figure.previousQuarter) === '*'
          ? 'not_compared'
          : figure.change,
      trend: quarters.map((q) => ({
        period: q,
        value: publishedShare(byQuarter.get(q)!.indicators[id].breakdowns.all),
      })),
    };
    if (p.recorded !== undefined) {
      row.completeness = protectedShare(
        { exact: p.recorded, published: protectCount(p.recorded) },
        { exact: p.denominator, published: protectCount(p.denominator) },
      );
    }
    return row;
  });
}

function publishedShare(p: Proportion): ShareCell {
  return protectedShare(
    { exact: p.numerator, published: protectCount(p.numerator) },
    { exact: p.denominator, published: protectCount(p.denominator) },
  );
}

/** Live births in the period whose birth address lay in the centre's reach area. */
function birthsIn(
  calculator: FigureCalculator,
  map: AreaMap,
  centreId: string,
  start: string,
  end: string,
): number {
  const area = { centres: new Set([centreId]), includesUnassigned: false };
  let n = 0;
  for (const child of calculator.children()) {
    const birth = child.birth;
    if (!birth || birth.birthDate < start || birth.birthDate > end) continue;
    if (birth.lsoa !== null && map.contains(area, birth.lsoa)) n++;
  }
  return n;
}
