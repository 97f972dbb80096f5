/**
 * The shape of the reach and indicator figures (docs/figures.md defines each number). Shared by
 * the reporting service and the independent recomputation the tests compare it with.
 */

export const TARGET_GROUPS = [
  'teenage_mother',
  'minority_ethnic',
  'deprived_30',
  'lone_parent',
  'workless_household',
  'disabled_child',
  'disabled_parent',
  'father',
] as const;
export type TargetGroup = (typeof TARGET_GROUPS)[number];

/** A reach row: `all`, or a target group's `yes` / `unknown` members. */
export type ReachRowId = 'all' | `${TargetGroup}:yes` | `${TargetGroup}:unknown`;

export const REACH_ROWS: readonly ReachRowId[] = [
  'all',
  ...TARGET_GROUPS.flatMap((g) => [`${g}:yes` as const, `${g}:unknown` as const]),
];

export interface ReachCounts {
  population: number;
  registered: number;
  registeredHere: number;
  seen: number;
  sustained: number;
  repeatAttenders: number;
  attendances: number;
  timelinessCohort: number;
  contactedWithin30Days: number;
  /** Median days from start to first centre contact over the contacted cohort; null when none. */
  medianDaysToFirstContact: number | null;
}

export interface ReachFigures {
  /** `centre:C01`, `cluster:CL1` or `la:E06099001`. */
  area: string;
  period: string;
  start: string;
  end: string;
  boundaryVersion: string;
  rows: Record<ReachRowId, ReachCounts>;
  /** Families registered in the period at the area's centres, in all and per month (YYYY-MM). */
  newFamilies: { total: number; byMonth: Record<string, number> };
}

export const INDICATORS = [
  'low_birth_weight_term',
  'smoking_at_delivery',
  'breastfeeding_nbv',
  'breastfeeding_6_8_weeks',
  'nbv_within_14_days',
  'normal_delivery',
] as const;
export type IndicatorId = (typeof INDICATORS)[number];

export type Polarity = 'lower_is_better' | 'higher_is_better' | 'no_judgement';

export const INDICATOR_POLARITY: Record<IndicatorId, Polarity> = {
  low_birth_weight_term: 'lower_is_better',
  smoking_at_delivery: 'lower_is_better',
  breastfeeding_nbv: 'higher_is_better',
  breastfeeding_6_8_weeks: 'higher_is_better',
  nbv_within_14_days: 'higher_is_better',
  normal_delivery: 'no_judgement',
};

export const ETHNIC_GROUPS = ['white', 'mixed', 'asian', 'black', 'other', 'unknown'] as const;
export type EthnicGroup = (typeof ETHNIC_GROUPS)[number];

/** `all`, `teenage_mother:yes|no|unknown` or `ethnic_group:<group>`. */
export type BreakdownId =
  'all' | `teenage_mother:${'yes' | 'no' | 'unknown'}` | `ethnic_group:${EthnicGroup}`;

export const BREAKDOWNS: readonly BreakdownId[] = [
  'all',
  'teenage_mother:yes',
  'teenage_mother:no',
  'teenage_mother:unknown',
  ...ETHNIC_GROUPS.map((g) => `ethnic_group:${g}` as const),
];

export interface Proportion {
  numerator: number;
  denominator: number;
  /** numerator / denominator; null when the denominator is 0. */
  value: number | null;
  /** Wilson score 95% interval; null when the denominator is 0. */
  lower: number | null;
  upper: number | null;
}

export interface IndicatorCounts extends Proportion {
  /** Breastfeeding only: reviews with a recorded status, the value over them, recorded / due. */
  recorded?: number;
  valueOfRecorded?: number | null;
  completeness?: number | null;
}

export type Comparison = 'similar' | 'better' | 'worse' | 'higher' | 'lower' | 'not_compared';
export type Change =
  'significant_increase' | 'significant_decrease' | 'no_significant_change' | 'not_compared';

export interface IndicatorFigures {
  area: string;
  /** A financial quarter id, `quarter:2026-27-Q1`. */
  period: string;
  boundaryVersion: string;
  indicators: Record<
    IndicatorId,
    {
      polarity: Polarity;
      breakdowns: Record<BreakdownId, IndicatorCounts>;
      /** For `all`: against the LA, England and the previous quarter. */
      comparedWithLa: Comparison;
      comparedWithEngland: Comparison;
      englandValue: number | null;
      previousQuarter: Proportion;
      change: Change;
    }
  >;
}
