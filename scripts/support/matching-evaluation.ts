/**
 * Side-by-side formatting of matching evaluations for the evaluation scripts; the accounting
 * itself (reportFromOutcomes) is the registrations evaluation's own, shared with evaluateArea.
 */
import type {
  EvaluationReport,
  FalseLinkCause,
} from '../../apps/registrations/src/matching/evaluation/evaluate';

export {
  householdCause,
  reportFromOutcomes,
  type ChildOutcome,
  type EvaluatedChild,
  type OutcomeSet,
} from '../../apps/registrations/src/matching/evaluation/outcome-report';

function pct(x: number): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : '-';
}

/** The headline figures of several reports in columns, to see where they part. */
export function formatSideBySide(columns: readonly { title: string; report: EvaluationReport }[]) {
  const rows: [string, (r: EvaluationReport) => string][] = [
    ['known births', (r) => String(r.knownBirths)],
    ['registrations', (r) => String(r.registrations)],
    ['registered children', (r) => String(r.registeredChildren)],
    ['  with a known birth', (r) => String(r.withKnownBirth)],
    ['blocking recall', (r) => pct(r.blockingRecall)],
    ['candidates per registration', (r) => r.meanCandidatesPerRegistration.toFixed(1)],
    ['automatic links', (r) => String(r.autoLinks)],
    ['  correct', (r) => String(r.correctAutoLinks)],
    ['precision', (r) => pct(r.precision)],
    ['recall', (r) => pct(r.recall)],
    ['review queue', (r) => String(r.reviewQueue)],
    ['  true matches in review', (r) => String(r.trueMatchesInReview)],
    ['  own birth listed', (r) => String(r.trueMatchesInReviewWithBirthListed)],
    ['none / unmatched', (r) => String(r.noneDecisions)],
    ['  true matches', (r) => String(r.trueMatchesNone)],
    ['false links', (r) => String(r.falseLinks)],
    ...(
      [
        'multiple-birth-sibling',
        'sibling',
        'same-surname',
        'neighbour',
        'unrelated',
      ] as FalseLinkCause[]
    ).map((cause): [string, (r: EvaluationReport) => string] => [
      `  ${cause}`,
      (r) => String(r.falseLinksByCause[cause]),
    ]),
    ['  of children with no known birth', (r) => String(r.falseLinksWithoutKnownBirth)],
    ['twins/triplets wrongly merged', (r) => String(r.multipleBirthsWronglyMerged)],
    ['NHS numbers linked twice', (r) => String(r.nhsNumbersLinkedTwice)],
  ];
  const labelWidth = Math.max(...rows.map(([label]) => label.length)) + 2;
  const width = Math.max(12, ...columns.map((c) => c.title.length + 2));
  const lines = [
    ''.padEnd(labelWidth) + columns.map((c) => c.title.padStart(width)).join(''),
    ...rows.map(
      ([label, value]) =>
        label.padEnd(labelWidth) + columns.map((c) => value(c.report).padStart(width)).join(''),
    ),
  ];
  return lines.join('\n');
}
