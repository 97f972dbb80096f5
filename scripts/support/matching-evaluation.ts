/**
 * The figures of a child-matching evaluation (EvaluationReport, as evaluateArea reports them for
 * the pure matcher) computed from decisions however they were reached: the pure matcher over a
 * set read from a file (eval-child-matching --input), or the registrations service's answers
 * (eval-matching-e2e). Kept beside evaluate.ts rather than in it so that the reference
 * evaluation stays the one the unit tests pin; the e2e script checks that both agree on the
 * same decisions.
 */
import { compactName, normalisePostcode } from '../../apps/registrations/src/matching';
import type {
  EvaluationReport,
  FalseLinkCause,
} from '../../apps/registrations/src/matching/evaluation/evaluate';
import type {
  FormError,
  RegisteredChildKind,
} from '../../apps/registrations/src/matching/evaluation/synthetic-area';

/** A registered child as the evaluation sees it: the truth, and what it is for the figures. */
export interface EvaluatedChild {
  registrationId: string;
  /** NHS number of the child's own birth among those that may be offered; null: none. */
  truth: string | null;
  kind: RegisteredChildKind;
  errors: readonly FormError[];
  multipleBirth: boolean;
  /** One of twins or triplets registered on the same form as a co-sibling. */
  registeredWithCoSibling: boolean;
  /** Whether the child's own birth was among the births looked up (undefined: no truth). */
  truthLookedUp?: boolean;
}

/** What was decided for a child: a link, a review (reasons and candidates when known), none. */
export type ChildOutcome =
  | { decision: 'link'; nhsNumber: string; score: number | null }
  | {
      decision: 'review';
      reasons: readonly string[] | null;
      candidates: readonly string[] | null;
    }
  | { decision: 'none' };

export interface OutcomeSet {
  /** The seed of the synthetic area (NaN for a set read from a file). */
  seed: number;
  knownBirths: number;
  registrations: number;
  /** Births looked up, summed over the registrations. */
  candidatesLookedUp: number;
  children: readonly { child: EvaluatedChild; outcome: ChildOutcome }[];
  /** What a wrong link joined the child to. */
  causeOf(child: EvaluatedChild, linkedNhsNumber: string): FalseLinkCause;
}

function emptyReport(seed: number, knownBirths: number, registrations: number): EvaluationReport {
  return {
    seed,
    knownBirths,
    registrations,
    registeredChildren: 0,
    withKnownBirth: 0,
    withoutKnownBirth: 0,
    multipleBirthChildren: 0,
    multipleBirthChildrenRegisteredTogether: 0,
    blockingRecall: 0,
    meanCandidatesPerRegistration: 0,
    autoLinks: 0,
    correctAutoLinks: 0,
    precision: 1,
    recall: 0,
    reviewQueue: 0,
    trueMatchesInReview: 0,
    trueMatchesInReviewWithBirthListed: 0,
    reviewReasonsOfTrueMatches: {},
    noneDecisions: 0,
    trueMatchesNone: 0,
    falseLinks: 0,
    falseLinksByCause: {
      'multiple-birth-sibling': 0,
      sibling: 0,
      'same-surname': 0,
      neighbour: 0,
      unrelated: 0,
    },
    falseLinksWithoutKnownBirth: 0,
    multipleBirthsWronglyMerged: 0,
    nhsNumbersLinkedTwice: 0,
    withoutKnownBirthOutcomes: {
      'sibling-born-another-year': { link: 0, review: 0, none: 0 },
      neighbour: { link: 0, review: 0, none: 0 },
      'same-surname': { link: 0, review: 0, none: 0 },
      'new-arrival': { link: 0, review: 0, none: 0 },
    },
    errorsOnMissedMatches: {},
    falseLinkDetails: [],
  };
}

/** The figures evaluateArea reports, from decisions however reached (same definitions). */
export function reportFromOutcomes(set: OutcomeSet): EvaluationReport {
  const report = emptyReport(set.seed, set.knownBirths, set.registrations);
  let blocked = 0;
  const linkedBy = new Map<string, number>();
  for (const { child, outcome } of set.children) {
    report.registeredChildren++;
    if (child.truth !== null) {
      report.withKnownBirth++;
      if (child.truthLookedUp === true) blocked++;
    } else {
      report.withoutKnownBirth++;
    }
    if (child.multipleBirth) {
      report.multipleBirthChildren++;
      if (child.registeredWithCoSibling) report.multipleBirthChildrenRegisteredTogether++;
    }
    const outcomes = child.kind === 'known' ? null : report.withoutKnownBirthOutcomes[child.kind];
    switch (outcome.decision) {
      case 'link': {
        report.autoLinks++;
        if (outcomes) outcomes.link++;
        linkedBy.set(outcome.nhsNumber, (linkedBy.get(outcome.nhsNumber) ?? 0) + 1);
        if (outcome.nhsNumber === child.truth) {
          report.correctAutoLinks++;
          break;
        }
        report.falseLinks++;
        const cause = set.causeOf(child, outcome.nhsNumber);
        report.falseLinksByCause[cause]++;
        if (child.truth === null) report.falseLinksWithoutKnownBirth++;
        if (cause === 'multiple-birth-sibling') report.multipleBirthsWronglyMerged++;
        report.falseLinkDetails.push({
          registration: child.registrationId,
          kind: child.kind,
          cause,
          linked: outcome.nhsNumber,
          truth: child.truth,
          score: outcome.score ?? Number.NaN,
        });
        break;
      }
      case 'review':
        report.reviewQueue++;
        if (outcomes) outcomes.review++;
        if (child.truth !== null) {
          report.trueMatchesInReview++;
          if (outcome.candidates?.includes(child.truth)) {
            report.trueMatchesInReviewWithBirthListed++;
          }
          for (const reason of outcome.reasons ?? ['(reasons not known)']) {
            const counts = report.reviewReasonsOfTrueMatches as Record<string, number>;
            counts[reason] = (counts[reason] ?? 0) + 1;
          }
        }
        break;
      case 'none':
        report.noneDecisions++;
        if (outcomes) outcomes.none++;
        if (child.truth !== null) report.trueMatchesNone++;
        break;
    }
    if (child.truth !== null && outcome.decision !== 'link') {
      for (const e of child.errors) {
        report.errorsOnMissedMatches[e] = (report.errorsOnMissedMatches[e] ?? 0) + 1;
      }
    }
  }
  for (const n of linkedBy.values()) if (n > 1) report.nhsNumbersLinkedTwice++;
  report.blockingRecall = report.withKnownBirth === 0 ? 1 : blocked / report.withKnownBirth;
  report.meanCandidatesPerRegistration = set.candidatesLookedUp / Math.max(1, set.registrations);
  report.precision = report.autoLinks === 0 ? 1 : report.correctAutoLinks / report.autoLinks;
  report.recall = report.withKnownBirth === 0 ? 1 : report.correctAutoLinks / report.withKnownBirth;
  return report;
}

/** Same family name (compared as the matcher folds names), or same postcode, or neither. */
export function householdCause(
  registered: { familyName: string; postcode?: string },
  linked: { familyName?: string; postcode?: string },
): 'same-surname' | 'neighbour' | 'unrelated' {
  if (
    linked.familyName !== undefined &&
    compactName(linked.familyName) === compactName(registered.familyName)
  ) {
    return 'same-surname';
  }
  if (
    linked.postcode !== undefined &&
    registered.postcode !== undefined &&
    normalisePostcode(linked.postcode) === normalisePostcode(registered.postcode)
  ) {
    return 'neighbour';
  }
  return 'unrelated';
}

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
