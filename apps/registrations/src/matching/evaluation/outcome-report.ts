/**
 * The figures of a child-matching evaluation (EvaluationReport) from decisions however they were
 * reached: the pure matcher over a synthetic area (evaluateArea) or a set read from a file, or
 * the registrations service's answers (scripts/eval-matching-e2e.ts). One accounting for all, so
 * the figures mean the same wherever they come from.
 */
import { compactName } from '../names';
import { normalisePostcode } from '../postcodes';
import type { EvaluationReport, FalseLinkCause } from './evaluate';
import type { FormError, RegisteredChildKind } from './synthetic-area';

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
