import { compareFamilyNames, compareGivenNames, nameAgreementRank } from './names';
import { normalisePostcode, usable as usablePostcode } from './postcodes';
import { scoreCandidate, type CandidateScore } from './score';
import type { FieldAgreements, KnownBirth, NameAgreement, RegisteredChild } from './types';

/**
 * Score from which a candidate may be linked automatically (log2 likelihood ratio). With about
 * 5,000 births in an area, the prior odds that a given one is the registered child are about
 * 1 in 5,000 (2^-12.3); a score of 20 makes the posterior odds about 2^7.7 ≈ 200:1, i.e. better
 * than 99.5% that the link is right, before the guards and the margin below add their checks.
 */
export const LINK_THRESHOLD = 20;

/**
 * Score from which a candidate is worth a person's look (posterior roughly 1 in 5 or better).
 * Below it the registration is "none": a child not yet known, to be joined when a birth or a
 * move-in arrives.
 */
export const REVIEW_THRESHOLD = 10;

/**
 * How much better (log2) the chosen link must be than the best alternative: the next candidate,
 * or, for a registration of several children, the best other one-to-one assignment. 6 means the
 * chosen record is at least 64 times likelier than any other. Against an unrelated child the lead
 * is far larger; the margin bites on relatives, where the household fields cancel out and only
 * the given name, date and sex remain: an exact name against a twin's merely similar one (6.5
 * against 0.5) just passes, a name one letter from the twin's does not unless the sex differs.
 */
export const MINIMUM_MARGIN = 6;

/** Candidates shown to a reviewer (multiple-birth siblings of the leader are always added). */
export const MAX_REVIEW_CANDIDATES = 3;

/** Candidates per child considered when assigning a registration's children jointly. */
const ASSIGNMENT_CANDIDATES = 5;
/** Bound on assignments enumerated for one registration (large families get fewer options). */
const ASSIGNMENT_BUDGET = 50_000;

export interface MatchOptions {
  linkThreshold?: number;
  reviewThreshold?: number;
  minimumMargin?: number;
  maxReviewCandidates?: number;
}

/** Why a registration was not linked automatically. */
export type ReviewReason =
  /** The best candidate's score is under LINK_THRESHOLD. */
  | 'below-link-threshold'
  /** Another candidate (or another assignment of the registration's children) is nearly as good. */
  | 'close-second-candidate'
  /** The best candidate is one of a multiple birth and the name and sex do not tell which. */
  | 'multiple-birth-not-told-apart'
  /**
   * The given names plainly differ (or only look alike), or the record has no given name and
   * neither the address nor the mother's date of birth stands in for it.
   */
  | 'given-name-disagrees'
  /** The stated sexes differ. */
  | 'sex-disagrees'
  /** The family names differ and the mother's details do not bridge it. */
  | 'family-name-disagrees'
  /** The form gives another address and the mother's details do not confirm the family. */
  | 'address-disagrees'
  /** The date of birth is not the date or one of its known slips (or a year slip, see guards). */
  | 'birth-date-disagrees'
  /** The best candidate fits another child of the same registration better. */
  | 'claimed-by-another-child';

export interface RankedCandidate extends CandidateScore {
  nhsNumber: string;
  /** Candidates that look like this one's siblings of the same multiple birth. */
  multipleBirthSiblings: string[];
}

export type MatchDecision =
  | {
      decision: 'link';
      nhsNumber: string;
      score: number;
      /** Lead over the best alternative (log2), at least the minimum margin. */
      margin: number;
      agreements: FieldAgreements;
      weights: CandidateScore['weights'];
      householdCapped: boolean;
    }
  | { decision: 'review'; reasons: ReviewReason[]; candidates: RankedCandidate[] }
  | { decision: 'none'; bestScore: number | null };

interface Settings {
  linkThreshold: number;
  reviewThreshold: number;
  minimumMargin: number;
  maxReviewCandidates: number;
}

function settings(options: MatchOptions = {}): Settings {
  return {
    linkThreshold: options.linkThreshold ?? LINK_THRESHOLD,
    reviewThreshold: options.reviewThreshold ?? REVIEW_THRESHOLD,
    minimumMargin: options.minimumMargin ?? MINIMUM_MARGIN,
    maxReviewCandidates: options.maxReviewCandidates ?? MAX_REVIEW_CANDIDATES,
  };
}

/**
 * Whether two known births look like children of the same multiple birth: same date of birth and
 * the same mother (her date of birth, and her given name where both state it), or the same family
 * name and postcode, or one is flagged as a multiple birth and they share the family name or the
 * postcode. Deliberately generous: a false "twin" only sends a registration to review.
 */
export function areMultipleBirthSiblings(a: KnownBirth, b: KnownBirth): boolean {
  if (a.nhsNumber === b.nhsNumber || a.birthDate !== b.birthDate) return false;
  // Cheap facts first: this runs for every pair of same-day candidates of every registration.
  if (
    a.motherBirthDate !== undefined &&
    a.motherBirthDate === b.motherBirthDate &&
    !isDifferentName(compareGivenNames(a.motherGivenName, b.motherGivenName))
  ) {
    return true;
  }
  // A pseudo-postcode (ZZ99) is no address: two births without one do not share a home.
  const home = (p: string | undefined) => {
    const normal = p === undefined ? undefined : normalisePostcode(p);
    return normal !== undefined && usablePostcode(normal) ? normal : undefined;
  };
  const sameAddress = home(a.postcode) !== undefined && home(a.postcode) === home(b.postcode);
  const flagged = (a.multipleBirthOrder ?? 1) > 1 || (b.multipleBirthOrder ?? 1) > 1;
  if (!sameAddress && !flagged) return false;
  const family = compareFamilyNames(a.familyName, b.familyName);
  const sameFamily = family === 'exact' || family === 'part' || family === 'variant';
  return sameFamily || (flagged && sameAddress);
}

function isDifferentName(level: NameAgreement): boolean {
  return level === 'different';
}

/** Given-name levels strong enough to tell one child from another. */
function nameConfirms(level: NameAgreement): boolean {
  switch (level) {
    case 'exact':
    case 'part':
    case 'variant':
    case 'typo':
      return true;
    case 'shortened':
    case 'similar':
    case 'different':
    case 'missing':
      return false;
  }
}

/**
 * Whether what the form says tells the chosen child apart from its twin (or triplet). Twins share
 * date, family, address and mother, so only the given name and sex can. The chosen one's name
 * must confirm it; then either the sibling's name is far from what was written (the written name
 * equals the chosen one's, and is at least two edits or a shortening away from the sibling's;
 * or, for a written variant or slip, the sibling's name is plainly different), or, when the
 * sibling's name is close too (Amir/Amira, Ella/Ellie), the stated sex fits only the chosen one.
 */
export function distinguishesFromSibling(
  chosen: FieldAgreements,
  sibling: FieldAgreements,
): boolean {
  if (chosen.sex === 'disagree') return false;
  if (!nameConfirms(chosen.givenName) || sibling.givenName === 'missing') return false;
  if (sibling.givenName === 'different') return true;
  const writtenAsChosen = chosen.givenName === 'exact' || chosen.givenName === 'part';
  const siblingFar = sibling.givenName === 'similar' || sibling.givenName === 'shortened';
  if (writtenAsChosen && siblingFar) return true;
  return (
    nameAgreementRank(chosen.givenName) > nameAgreementRank(sibling.givenName) &&
    chosen.sex === 'agree' &&
    sibling.sex === 'disagree'
  );
}

/**
 * The mother's details, where the form gives them, confirm the family: her date of birth agrees
 * (exactly or swapped), or her given name does with neither her date of birth nor her family name
 * contradicting it (a common first name alone, beside another birthday or surname, is another
 * mother).
 */
function motherConfirms(agreements: FieldAgreements): boolean {
  const dob = agreements.motherBirthDate;
  if (dob === 'exact' || dob === 'dayMonthSwapped') return true;
  const family = agreements.motherFamilyName;
  return (
    nameConfirms(agreements.motherGivenName) &&
    (dob === 'missing' || dob === 'oneDay') &&
    family !== 'different' &&
    family !== 'similar'
  );
}

/** The checks on a candidate that no score can override, as review reasons (empty: passes). */
function guardReasons(agreements: FieldAgreements): ReviewReason[] {
  const reasons: ReviewReason[] = [];
  // A name that differs outright, or only resembles, is how a sibling or a neighbour's child looks.
  if (agreements.givenName === 'different' || agreements.givenName === 'similar') {
    reasons.push('given-name-disagrees');
  }
  if (agreements.sex === 'disagree') reasons.push('sex-disagrees');
  if (agreements.birthDate === 'different' || agreements.birthDate === 'missing') {
    reasons.push('birth-date-disagrees');
  }
  // Same day and month a year out is also a brother or sister born a year apart: only the
  // child's own name, as written, tells them apart (a nickname with a slip in it does not).
  if (
    agreements.birthDate === 'yearSlip' &&
    agreements.givenName !== 'exact' &&
    agreements.givenName !== 'part'
  ) {
    reasons.push('birth-date-disagrees');
  }
  // A child registered under the other parent's surname is linked only when the mother's details
  // confirm the family: the same address is not enough, as a neighbour's child of the same name
  // born the same day would fit too.
  if (agreements.familyName === 'different' && !motherConfirms(agreements)) {
    reasons.push('family-name-disagrees');
  }
  // A birth notified before the baby was named is told from another baby born that day only by
  // the household: the address (or the mother's date of birth) must agree.
  if (agreements.givenName === 'missing') {
    const sameHome = agreements.postcode === 'exact' || agreements.postcode === 'oneChar';
    const dob = agreements.motherBirthDate;
    if (!sameHome && dob !== 'exact' && dob !== 'dayMonthSwapped') {
      reasons.push('given-name-disagrees');
    }
  }
  // Registered at another address (even in the same sector): the child's name and date alone would
  // also fit a namesake born the same day elsewhere (Muhammad Khan, Oliver Smith), so the mother's
  // details must agree. A postcode one character out is a slip of the same address.
  const elsewhere =
    agreements.postcode === 'different' ||
    agreements.postcode === 'district' ||
    agreements.postcode === 'sector';
  if (elsewhere && !motherConfirms(agreements)) reasons.push('address-disagrees');
  return reasons;
}

interface ScoredChild {
  /** All candidates, best first. */
  ranked: (CandidateScore & { birth: KnownBirth })[];
  /** Indexes into ranked that take part in the joint assignment. */
  options: number[];
}

function byScoreThenNhsNumber(
  a: CandidateScore & { birth: KnownBirth },
  b: CandidateScore & { birth: KnownBirth },
): number {
  return b.score - a.score || a.birth.nhsNumber.localeCompare(b.birth.nhsNumber);
}

const NONE = '';

interface Assignment {
  /** NHS number per child, NONE for no candidate. */
  chosen: string[];
  total: number;
  /** Per child and option (NHS number or NONE): the best total of any assignment giving it that. */
  bestWith: Map<string, number>[];
}

/**
 * The one-to-one assignment of the registration's children to candidates (or to none) with the
 * highest total score, enumerated exhaustively over each child's best few candidates.
 */
function assign(children: ScoredChild[]): Assignment {
  const n = children.length;
  const bestWith = children.map(() => new Map<string, number>());
  const current: string[] = new Array<string>(n).fill(NONE);
  const used = new Set<string>();
  let best: Assignment = { chosen: [...current], total: 0, bestWith };
  let bestTotal = -Infinity;

  const visit = (i: number, total: number): void => {
    if (i === n) {
      for (let c = 0; c < n; c++) {
        const key = current[c];
        bestWith[c].set(key, Math.max(bestWith[c].get(key) ?? -Infinity, total));
      }
      if (total > bestTotal) {
        bestTotal = total;
        best = { chosen: [...current], total, bestWith };
      }
      return;
    }
    current[i] = NONE;
    visit(i + 1, total);
    for (const index of children[i].options) {
      const candidate = children[i].ranked[index];
      const key = candidate.birth.nhsNumber;
      if (used.has(key)) continue;
      used.add(key);
      current[i] = key;
      visit(i + 1, total + candidate.score);
      used.delete(key);
      current[i] = NONE;
    }
  };
  visit(0, 0);
  return best;
}

function optionsPerChild(childCount: number): number {
  let k = ASSIGNMENT_CANDIDATES;
  while (k > 1 && Math.pow(k + 1, childCount) > ASSIGNMENT_BUDGET) k--;
  return k;
}

/**
 * Decides for all children of one registration together. Each child is scored against every
 * candidate (the union of the births looked up for all of them), the children are assigned to
 * candidates one-to-one (so two children of a registration, twins above all, never get the same
 * NHS number), and a child is linked only when its assignment beats every alternative by the
 * margin, passes the guards, and is told apart from any multiple-birth sibling not itself taken
 * by another child of the registration. Decisions come back in the order of the children.
 */
export function matchFamily(
  children: readonly RegisteredChild[],
  candidates: readonly KnownBirth[],
  options?: MatchOptions,
): MatchDecision[] {
  const s = settings(options);
  const births = uniqueByNhsNumber(candidates);
  const siblings = multipleBirthSiblingIndex(births);
  const perOption = optionsPerChild(children.length);

  const scored: ScoredChild[] = children.map((child) => {
    const ranked = births
      .map((birth) => ({ ...scoreCandidate(child, birth), birth }))
      .sort(byScoreThenNhsNumber);
    const opts: number[] = [];
    for (let i = 0; i < ranked.length && opts.length < perOption; i++) {
      if (ranked[i].score > 0) opts.push(i);
    }
    return { ranked, options: opts };
  });

  const assignment = assign(scored);
  const takenBy = new Map<string, number>();
  assignment.chosen.forEach((nhs, i) => {
    if (nhs !== NONE) takenBy.set(nhs, i);
  });

  return scored.map((child, i) => {
    const chosenNhs = assignment.chosen[i];
    const top = child.ranked[0];
    const chosen = child.ranked.find((c) => c.birth.nhsNumber === chosenNhs);
    const reasons: ReviewReason[] = [];
    let lead: (CandidateScore & { birth: KnownBirth }) | undefined = chosen;

    if (chosen === undefined) {
      // Nothing assigned: either nothing is good enough, or the best was better used elsewhere.
      if (!top || top.score < s.reviewThreshold)
        return { decision: 'none', bestScore: top?.score ?? null };
      reasons.push(
        takenBy.has(top.birth.nhsNumber) ? 'claimed-by-another-child' : 'below-link-threshold',
      );
      lead = top;
    } else {
      if (chosen.score < s.linkThreshold) reasons.push('below-link-threshold');
      reasons.push(...guardReasons(chosen.agreements));
      const margin = assignment.total - bestAlternative(assignment.bestWith[i], chosenNhs);
      if (margin < s.minimumMargin) reasons.push('close-second-candidate');
      for (const siblingNhs of siblings.get(chosenNhs) ?? []) {
        const takenElsewhere = takenBy.has(siblingNhs) && takenBy.get(siblingNhs) !== i;
        if (takenElsewhere) continue; // the joint margin has weighed the swap
        const sibling = child.ranked.find((c) => c.birth.nhsNumber === siblingNhs);
        if (sibling && !distinguishesFromSibling(chosen.agreements, sibling.agreements)) {
          reasons.push('multiple-birth-not-told-apart');
          break;
        }
      }
      if (reasons.length === 0) {
        return {
          decision: 'link',
          nhsNumber: chosenNhs,
          score: chosen.score,
          margin,
          agreements: chosen.agreements,
          weights: chosen.weights,
          householdCapped: chosen.householdCapped,
        };
      }
      if (chosen.score < s.reviewThreshold) {
        return { decision: 'none', bestScore: top?.score ?? null };
      }
    }
    return {
      decision: 'review',
      reasons: [...new Set(reasons)],
      candidates: reviewList(child, lead, siblings, s),
    };
  });
}

/** Decides for one registered child: matchFamily with a registration of one. */
export function matchChild(
  child: RegisteredChild,
  candidates: readonly KnownBirth[],
  options?: MatchOptions,
): MatchDecision {
  return matchFamily([child], candidates, options)[0];
}

function bestAlternative(bestWith: Map<string, number>, chosen: string): number {
  let best = -Infinity;
  for (const [key, total] of bestWith) if (key !== chosen) best = Math.max(best, total);
  return best;
}

function uniqueByNhsNumber(candidates: readonly KnownBirth[]): KnownBirth[] {
  const seen = new Map<string, KnownBirth>();
  for (const c of candidates) if (!seen.has(c.nhsNumber)) seen.set(c.nhsNumber, c);
  return [...seen.values()];
}

function multipleBirthSiblingIndex(births: KnownBirth[]): Map<string, string[]> {
  const byDate = new Map<string, KnownBirth[]>();
  for (const b of births) {
    const list = byDate.get(b.birthDate) ?? [];
    list.push(b);
    byDate.set(b.birthDate, list);
  }
  const index = new Map<string, string[]>();
  for (const sameDay of byDate.values()) {
    for (const a of sameDay) {
      for (const b of sameDay) {
        if (!areMultipleBirthSiblings(a, b)) continue;
        const list = index.get(a.nhsNumber) ?? [];
        list.push(b.nhsNumber);
        index.set(a.nhsNumber, list);
      }
    }
  }
  return index;
}

function reviewList(
  child: ScoredChild,
  lead: (CandidateScore & { birth: KnownBirth }) | undefined,
  siblings: Map<string, string[]>,
  s: Settings,
): RankedCandidate[] {
  const picked = new Map<string, CandidateScore & { birth: KnownBirth }>();
  if (lead) picked.set(lead.birth.nhsNumber, lead);
  for (const c of child.ranked) {
    if (picked.size >= s.maxReviewCandidates || c.score < s.reviewThreshold) break;
    picked.set(c.birth.nhsNumber, c);
  }
  // A reviewer must see every child of the multiple birth, whatever their scores.
  for (const nhs of [...picked.keys()]) {
    for (const siblingNhs of siblings.get(nhs) ?? []) {
      const sibling = child.ranked.find((c) => c.birth.nhsNumber === siblingNhs);
      if (sibling) picked.set(siblingNhs, sibling);
    }
  }
  return [...picked.values()].sort(byScoreThenNhsNumber).map((c) => ({
    nhsNumber: c.birth.nhsNumber,
    score: c.score,
    agreements: c.agreements,
    weights: c.weights,
    householdCapped: c.householdCapped,
    multipleBirthSiblings: siblings.get(c.birth.nhsNumber) ?? [],
  }));
}
