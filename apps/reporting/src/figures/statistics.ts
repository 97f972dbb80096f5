import type { Change, Comparison, Polarity, Proportion } from './figure-types';

/** z for a two-sided 95% interval, as Fingertips uses it. */
export const Z95 = 1.959964;

/** A proportion with its Wilson score 95% interval (DOMAIN.md, Statistics). */
export function proportion(numerator: number, denominator: number): Proportion {
  if (denominator === 0) return { numerator, denominator, value: null, lower: null, upper: null };
  const z2 = Z95 * Z95;
  const o = numerator;
  const n = denominator;
  const root = Z95 * Math.sqrt(z2 + 4 * o * (1 - o / n));
  return {
    numerator,
    denominator,
    value: o / n,
    lower: (2 * o + z2 - root) / (2 * (n + z2)),
    upper: (2 * o + z2 + root) / (2 * (n + z2)),
  };
}

/** An area's value against a benchmark value, judged by the indicator's polarity. */
export function compare(
  area: Proportion,
  benchmark: number | null | undefined,
  polarity: Polarity,
): Comparison {
  if (area.value === null || area.lower === null || area.upper === null) return 'not_compared';
  if (benchmark === null || benchmark === undefined) return 'not_compared';
  if (benchmark >= area.lower && benchmark <= area.upper) return 'similar';
  const higher = area.value > benchmark;
  switch (polarity) {
    case 'higher_is_better':
      return higher ? 'better' : 'worse';
    case 'lower_is_better':
      return higher ? 'worse' : 'better';
    case 'no_judgement':
      return higher ? 'higher' : 'lower';
  }
}

/** Significant change: the two 95% intervals do not overlap. */
export function change(previous: Proportion, current: Proportion): Change {
  if (
    previous.lower === null ||
    previous.upper === null ||
    current.lower === null ||
    current.upper === null
  )
    return 'not_compared';
  if (current.lower > previous.upper) return 'significant_increase';
  if (current.upper < previous.lower) return 'significant_decrease';
  return 'no_significant_change';
}

/** The middle value (the mean of the two middle values for an even count); null for none. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
