/**
 * Runs the matcher over a synthetic area as the registrations service would: for each
 * registration, look up known births under candidateBirthDates of every child (the service
 * fetches by birth date only), then decide for the registration's children together. Reports what
 * a data-protection officer and a centre manager would ask: how many automatic links, how many of
 * them right, how many children found, how big the review queue, and every wrong link by cause.
 */
import { candidateBirthDates } from '../dates';
import { matchFamily, type MatchDecision, type MatchOptions, type ReviewReason } from '../match';
import type { KnownBirth } from '../types';
import {
  householdCause,
  reportFromOutcomes,
  type ChildOutcome,
  type EvaluatedChild,
} from './outcome-report';
import {
  FIRST_BIRTH_DATE,
  LAST_BIRTH_DATE,
  buildSyntheticArea,
  type FormError,
  type RegisteredChildKind,
  type SyntheticArea,
  type SyntheticAreaOptions,
  type SyntheticRegisteredChild,
} from './synthetic-area';

/** What a wrong automatic link joined the registered child to. */
export type FalseLinkCause =
  /** Its twin or triplet. */
  | 'multiple-birth-sibling'
  /** A brother or sister born on another date. */
  | 'sibling'
  /** A child of another family with the same surname. */
  | 'same-surname'
  /** A child of another family at the same postcode. */
  | 'neighbour'
  | 'unrelated';

export interface EvaluationReport {
  seed: number;
  knownBirths: number;
  registrations: number;
  registeredChildren: number;
  withKnownBirth: number;
  withoutKnownBirth: number;
  /** Registered children who are one of twins or triplets, and how many of them came together. */
  multipleBirthChildren: number;
  multipleBirthChildrenRegisteredTogether: number;
  /** Share of children with a known birth whose birth was among the births looked up. */
  blockingRecall: number;
  meanCandidatesPerRegistration: number;
  autoLinks: number;
  correctAutoLinks: number;
  /** correct automatic links / automatic links. */
  precision: number;
  /** correct automatic links / children with a known birth. */
  recall: number;
  reviewQueue: number;
  trueMatchesInReview: number;
  /** Of those, how many had their own birth among the candidates shown to the reviewer. */
  trueMatchesInReviewWithBirthListed: number;
  /** Why the true matches in review were not linked (a child may have several reasons). */
  reviewReasonsOfTrueMatches: Partial<Record<ReviewReason, number>>;
  noneDecisions: number;
  trueMatchesNone: number;
  falseLinks: number;
  falseLinksByCause: Record<FalseLinkCause, number>;
  /** False links of children who have no known birth at all (the rest went to a wrong birth). */
  falseLinksWithoutKnownBirth: number;
  /** Twins or triplets linked to a co-sibling's record, or two children linked to one record. */
  multipleBirthsWronglyMerged: number;
  /** NHS numbers that received automatic links from more than one registered child. */
  nhsNumbersLinkedTwice: number;
  /** Decisions for the children without a known birth, by kind. */
  withoutKnownBirthOutcomes: Record<
    Exclude<RegisteredChildKind, 'known'>,
    { link: number; review: number; none: number }
  >;
  /** Form errors on the children with a known birth that were not linked (to explain misses). */
  errorsOnMissedMatches: Partial<Record<FormError, number>>;
  /** Details of each false link, for tuning and for the record. */
  falseLinkDetails: {
    registration: string;
    kind: RegisteredChildKind;
    cause: FalseLinkCause;
    linked: string;
    truth: string | null;
    score: number;
  }[];
}

function indexByBirthDate(births: KnownBirth[]): Map<string, KnownBirth[]> {
  const index = new Map<string, KnownBirth[]>();
  for (const b of births) {
    const list = index.get(b.birthDate) ?? [];
    list.push(b);
    index.set(b.birthDate, list);
  }
  return index;
}

function causeOf(
  registered: SyntheticRegisteredChild,
  linked: KnownBirth,
  area: SyntheticArea,
): FalseLinkCause {
  const facts = area.facts.get(linked.nhsNumber);
  if (facts && facts.deliveryId === registered.deliveryId) return 'multiple-birth-sibling';
  if (facts && facts.familyId === registered.familyId) return 'sibling';
  return householdCause(registered.child, linked);
}

/** Runs the matcher with the blocking over a synthetic area and reports the figures. */
export function evaluateArea(area: SyntheticArea, options?: MatchOptions): EvaluationReport {
  const byDate = indexByBirthDate(area.births);
  const births = new Map(area.births.map((b) => [b.nhsNumber, b]));
  const bounds = { earliest: FIRST_BIRTH_DATE, latest: LAST_BIRTH_DATE };
  const registeredOf = new Map<EvaluatedChild, SyntheticRegisteredChild>();
  const children: { child: EvaluatedChild; outcome: ChildOutcome }[] = [];
  let candidatesLookedUp = 0;

  for (const registration of area.registrations) {
    const lookup = new Set<string>();
    for (const { child } of registration.children) {
      for (const date of candidateBirthDates(child.birthDate, bounds)) lookup.add(date);
    }
    const candidates = [...lookup].flatMap((date) => byDate.get(date) ?? []);
    candidatesLookedUp += candidates.length;
    const found = new Set(candidates.map((c) => c.nhsNumber));
    const decisions = matchFamily(
      registration.children.map((c) => c.child),
      candidates,
      options,
    );
    registration.children.forEach((registered, i) => {
      const child: EvaluatedChild = {
        registrationId: registration.id,
        truth: registered.truth,
        kind: registered.kind,
        errors: registered.errors,
        multipleBirth: registered.multipleBirth,
        registeredWithCoSibling: registration.children.some(
          (other) => other !== registered && other.deliveryId === registered.deliveryId,
        ),
        ...(registered.truth !== null ? { truthLookedUp: found.has(registered.truth) } : {}),
      };
      registeredOf.set(child, registered);
      children.push({ child, outcome: outcomeOf(decisions[i]) });
    });
  }

  return reportFromOutcomes({
    seed: area.seed,
    knownBirths: area.births.length,
    registrations: area.registrations.length,
    candidatesLookedUp,
    children,
    causeOf: (child, linkedNhsNumber) => {
      const linked = births.get(linkedNhsNumber);
      return linked ? causeOf(registeredOf.get(child)!, linked, area) : 'unrelated';
    },
  });
}

function outcomeOf(decision: MatchDecision): ChildOutcome {
  switch (decision.decision) {
    case 'link':
      return { decision: 'link', nhsNumber: decision.nhsNumber, score: decision.score };
    case 'review':
      return {
        decision: 'review',
        reasons: decision.reasons,
        candidates: decision.candidates.map((c) => c.nhsNumber),
      };
    case 'none':
      return { decision: 'none' };
  }
}

/** Builds the synthetic area for a seed and evaluates the matcher on it. */
export function evaluateSeed(
  seed: number,
  options?: MatchOptions & SyntheticAreaOptions,
): EvaluationReport {
  return evaluateArea(buildSyntheticArea(seed, options), options);
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}

/** The report as plain text lines, for a terminal or a test log. */
export function formatReport(r: EvaluationReport): string {
  const lines = [
    `Child matching evaluation, seed ${r.seed}`,
    `  area: ${r.knownBirths} known births; ${r.registrations} registrations of ${r.registeredChildren} children ` +
      `(${r.withKnownBirth} with a known birth, ${r.withoutKnownBirth} without)`,
    `  twins/triplets registered: ${r.multipleBirthChildren} children, ${r.multipleBirthChildrenRegisteredTogether} registered with a co-sibling`,
    `  blocking: ${pct(r.blockingRecall)} of known children among the births looked up; ` +
      `${r.meanCandidatesPerRegistration.toFixed(1)} candidates per registration`,
    `  automatic links: ${r.autoLinks}, correct: ${r.correctAutoLinks}`,
    `  precision: ${pct(r.precision)}   recall: ${pct(r.recall)} (${r.correctAutoLinks}/${r.withKnownBirth})`,
    `  review queue: ${r.reviewQueue} (true matches: ${r.trueMatchesInReview}, ` +
      `own birth listed for ${r.trueMatchesInReviewWithBirthListed}; no known birth: ${r.reviewQueue - r.trueMatchesInReview})`,
    `  why true matches went to review: ` +
      Object.entries(r.reviewReasonsOfTrueMatches)
        .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
        .map(([reason, n]) => `${reason} ${n}`)
        .join(', '),
    `  none: ${r.noneDecisions} (true matches: ${r.trueMatchesNone})`,
    `  false links: ${r.falseLinks} (${r.falseLinksWithoutKnownBirth} of children with no known birth)` +
      Object.entries(r.falseLinksByCause)
        .filter(([, n]) => n > 0)
        .map(([cause, n]) => `; ${cause}: ${n}`)
        .join(''),
    `  twins/triplets wrongly merged: ${r.multipleBirthsWronglyMerged}; NHS numbers linked twice: ${r.nhsNumbersLinkedTwice}`,
    `  children without a known birth (link/review/none): ` +
      Object.entries(r.withoutKnownBirthOutcomes)
        .map(([kind, o]) => `${kind} ${o.link}/${o.review}/${o.none}`)
        .join(', '),
    `  form errors on missed matches: ` +
      Object.entries(r.errorsOnMissedMatches)
        .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
        .map(([e, n]) => `${e} ${n}`)
        .join(', '),
  ];
  for (const f of r.falseLinkDetails) {
    lines.push(
      `  false link ${f.registration}: ${f.kind} child → ${f.linked} (${f.cause}, score ${f.score.toFixed(1)})`,
    );
  }
  return lines.join('\n');
}
