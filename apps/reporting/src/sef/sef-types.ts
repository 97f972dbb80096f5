import type {
  Change,
  Comparison,
  IndicatorId,
  Polarity,
  ReachRowId,
} from '../figures/figure-types';

/**
 * The SEF data section of one centre for one period, after disclosure control: what a manager
 * attaches to the Self-Evaluation Form. Every count has passed the disclosure rules, so it leaves
 * the identifiable boundary safely. The same document renders as JSON, CSV and print HTML.
 */

import type { CountCell, ShareCell } from '../disclosure/disclosure';

/** A published count (rounded to 5, or `*`) and a published proportion (0..1, `*` or null). */
export type { CountCell, ShareCell };

export interface SefReachRow {
  row: ReachRowId;
  /** Human label, e.g. "Teenage mothers" or "Teenage mothers (not recorded)". */
  label: string;
  population: CountCell;
  registered: CountCell;
  /** registered / population: the "known to the centre" share (the 97% figure). */
  registeredShare: ShareCell;
  seen: CountCell;
  seenShare: ShareCell;
  sustained: CountCell;
  repeatAttenders: CountCell;
  attendances: CountCell;
  timelinessCohort: CountCell;
  contactedWithin30Days: CountCell;
  within30DaysShare: ShareCell;
  /** Days; `*` when the cohort it is taken over is suppressed. */
  medianDaysToFirstContact: number | '*' | null;
}

export interface SefIndicatorRow {
  id: IndicatorId;
  label: string;
  polarity: Polarity;
  numerator: CountCell;
  denominator: CountCell;
  value: ShareCell;
  lower: ShareCell;
  upper: ShareCell;
  /** The LA's and England's values for the same quarter (aggregate, not suppressed). */
  laValue: number | null;
  englandValue: number | null;
  comparedWithLa: Comparison;
  comparedWithEngland: Comparison;
  previousQuarterValue: ShareCell;
  change: Change;
  /** Breastfeeding only: share of due reviews with a recorded feeding status. */
  completeness?: ShareCell;
  /** The indicator's value for the quarter and the three before it, oldest first. */
  trend: { period: string; value: ShareCell }[];
}

export interface SefDocument {
  /** `current`: computed now; `submitted`: a stored snapshot that never changes. */
  kind: 'current' | 'submitted';
  snapshotId?: string;
  submittedAt?: string;
  submittedBy?: string;
  generatedAt: string;
  centre: {
    id: string;
    name: string;
    cluster: string;
    clusterName: string;
    la: string;
    laName: string;
  };
  /** The reach period, e.g. `year:2026-27` with its first and last days. */
  period: { id: string; start: string; end: string };
  /** The financial quarter the indicators are for (the period's last quarter). */
  indicatorQuarter: string;
  boundaryVersion: string;
  /** The disclosure rules applied, in words, printed under the tables. */
  disclosureControl: string;
  reach: SefReachRow[];
  newFamilies: { total: CountCell; byMonth: { month: string; count: CountCell }[] };
  areaProfile: {
    lsoas: number;
    /** LSOAs of the reach area in the 30% most deprived in England (IMD deciles 1-3). */
    deprived30Lsoas: number;
    under5Population: CountCell;
    /** Share of the under-5 population living in those LSOAs. */
    deprived30Share: ShareCell;
    /** Births in the period to mothers resident in the area (from the births feed). */
    births: CountCell;
  };
  indicators: SefIndicatorRow[];
}
