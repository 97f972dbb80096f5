import type { ChildLinkedFactsV1, ChildUnlinkedFactsV1, UnlinkReason } from '@lib/contracts';
import { deterministicEventId } from '@lib/kafka';
import { ROOT_LOGGER } from '@lib/logging';
import { ukToday } from '@lib/platform';
import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { childRegisteredFacts, FamiliesService, mothersOf } from '../families/families.service';
import { childNhsNumber, factsOn, type Child, type FamilyState } from '../families/family';
import {
  candidateBirthDates,
  matchFamily,
  type KnownBirth,
  type MatchDecision,
  type RankedCandidate,
  type RegisteredChild,
} from '../matching';
import type { NewRegistrationEvent } from '../registration-events';
import { CHILD_TOPIC, localKey } from '../topics';
import { KnownBirths } from './known-births';

/** The matcher's own name on the links it makes. */
export const MATCHER = 'matcher';

/** A child waiting for a manager's decision (collection `match_reviews`, `_id` = child id). */
export interface MatchReview {
  _id: string;
  familyId: string;
  centreId: string;
  createdAt: Date;
  reasons: string[];
  /** The candidates as scored: NHS numbers and scores only (identities are opened on reading). */
  candidates: { nhsNumber: string; score: number; agreements: RankedCandidate['agreements'] }[];
  status: 'open' | 'decided';
  decision?: { nhsNumber: string | null; by: string; at: Date };
}

export type ChildMatchOutcome = 'linked' | 'review' | 'unmatched';

/**
 * Finding the NHS number of children registered without one: the matcher (../matching) over the
 * births known here (never a child under a sharing objection); a confident match is linked at
 * once (ChildLinked keyed on the NHS number, re-stating the registration), an uncertain one goes
 * to the centre's review queue, none stays unmatched. Every link records who made it and can be
 * undone (ChildUnlinked); an NHS number unlinked from a child is never offered for it again.
 */
@Injectable()
export class LinkingService implements OnApplicationBootstrap {
  private readonly reviews: Collection<MatchReview>;
  private readonly open = new Map<string, MatchReview>();
  /** Birth date → families with a child of that date left unmatched: a new birth may fit it. */
  private readonly waiting = new Map<string, Set<string>>();

  constructor(
    @InjectConnection() connection: Connection,
    private readonly families: FamiliesService,
    private readonly knownBirths: KnownBirths,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.reviews = connection.collection<MatchReview>('match_reviews');
  }

  /**
   * Loads the open reviews (a queue of tens per centre, held in memory), then matches in the
   * background what a crash or an outage left pending.
   */
  async onApplicationBootstrap(): Promise<void> {
    for (const review of await this.reviews.find({}).toArray()) {
      if (review.status === 'open') this.open.set(review._id, review);
    }
    for (const family of this.families.all()) this.track(family._id);
    this.knownBirths.onBirthKnown((birthDate) => this.birthKnown(birthDate));
    void (async () => {
      for (const family of this.families.withPendingMatches()) {
        await this.matchFamily(family._id).catch((error: unknown) => {
          this.logger.warn(
            { err: error },
            'matching a pending registration failed; retried at the next start',
          );
        });
      }
    })();
  }

  /** The centre's open reviews, oldest first (a family that left is no longer reviewed). */
  reviewsOf(centreId: string): MatchReview[] {
    return [...this.open.values()]
      .filter((r) => r.centreId === centreId && !this.families.get(r.familyId)?.withdrawal)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  review(childId: string): MatchReview | undefined {
    return this.open.get(childId);
  }

  /** The candidates' identities, opened for a manager deciding (an audited read). */
  async candidatesOf(review: MatchReview): Promise<KnownBirth[]> {
    const family = this.families.get(review.familyId);
    const child = family?.children.find((c) => c.childId === review._id);
    if (!child) return [];
    const wanted = new Set(review.candidates.map((c) => c.nhsNumber));
    const births = await this.knownBirths.candidatesOn(candidateBirthDates(child.birthDate));
    return births.filter((b) => wanted.has(b.nhsNumber));
  }

  /**
   * Matches the family's children registered without an NHS number and not matched yet. A
   * failure leaves them pending (matched again on the next attempt); registration stands.
   */
  async matchFamily(
    familyId: string,
    options: { retryUnmatched?: boolean } = {},
  ): Promise<Map<string, ChildMatchOutcome>> {
    const outcomes = new Map<string, ChildMatchOutcome>();
    const family = this.families.get(familyId);
    if (!family || family.withdrawal) return outcomes;
    const pending = family.children.filter(
      (c) =>
        !childNhsNumber(c) &&
        (c.match === 'pending' || (options.retryUnmatched === true && c.match === 'unmatched')),
    );
    if (pending.length === 0) return outcomes;
    const today = ukToday();
    const dates = [
      ...new Set(pending.flatMap((c) => candidateBirthDates(c.birthDate, { latest: today }))),
    ];
    const candidates = await this.knownBirths.candidatesOn(dates);
    const decisions = matchFamily(
      pending.map((c) => registeredChild(family, c)),
      candidates,
    );
    const now = new Date();
    for (const [i, child] of pending.entries()) {
      const decision = this.guarded(decisions[i], child, family);
      outcomes.set(child.childId, await this.apply(family._id, child.childId, decision, now));
    }
    this.track(familyId);
    return outcomes;
  }

  /**
   * A birth became known: children left unmatched whose registered date of birth could be its
   * date (or a slip of it) are matched again, in the background.
   */
  private birthKnown(birthDate: string): void {
    const families = new Set(
      candidateBirthDates(birthDate).flatMap((date) => [...(this.waiting.get(date) ?? [])]),
    );
    for (const familyId of families) {
      this.matchFamily(familyId, { retryUnmatched: true }).catch((error: unknown) => {
        this.logger.warn({ err: error }, 'matching again after a new birth failed');
      });
    }
  }

  /** Files the family under the birth dates of its children still unmatched (or pending). */
  private track(familyId: string): void {
    for (const families of this.waiting.values()) families.delete(familyId);
    const family = this.families.get(familyId);
    if (!family || family.withdrawal) return;
    for (const child of family.children) {
      if (childNhsNumber(child) || (child.match !== 'unmatched' && child.match !== 'pending')) {
        continue;
      }
      let families = this.waiting.get(child.birthDate);
      if (!families) this.waiting.set(child.birthDate, (families = new Set<string>()));
      families.add(familyId);
    }
  }

  /**
   * Children of the family whose NHS number came from health (a link) and who are now under a
   * sharing objection: the desk shows them as the family gave them, nothing from health.
   */
  async withheldLinks(family: FamilyState): Promise<Set<string>> {
    const withheld = new Set<string>();
    for (const child of family.children) {
      if (child.link && (await this.knownBirths.objectionInForce(child.link.nhsNumber))) {
        withheld.add(child.childId);
      }
    }
    return withheld;
  }

  /** A manager's decision on a review: link to one of its candidates, or none of them. */
  async decide(childId: string, nhsNumber: string | null, by: string): Promise<ChildMatchOutcome> {
    const review = this.open.get(childId);
    if (!review || this.families.get(review.familyId)?.withdrawal)
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: 'no open review for that child',
      });
    const candidate = review.candidates.find((c) => c.nhsNumber === nhsNumber);
    if (nhsNumber !== null && !candidate) {
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        message: 'that NHS number is not a candidate of this review',
      });
    }
    const now = new Date();
    const outcome: ChildMatchOutcome =
      nhsNumber === null
        ? await this.setMatch(review.familyId, childId, 'unmatched', now)
        : await this.link(review.familyId, childId, {
            nhsNumber,
            method: 'manual',
            by,
            at: now,
            score: candidate!.score,
          });
    const decided: MatchReview = {
      ...review,
      status: 'decided',
      decision: { nhsNumber, by, at: now },
    };
    await this.reviews.replaceOne({ _id: childId }, decided);
    this.open.delete(childId);
    this.track(review.familyId);
    return outcome;
  }

  /** Undoes a child's link: ChildUnlinked under the NHS number; the child's key is local again. */
  async unlink(familyId: string, childId: string, reason: UnlinkReason, by: string): Promise<void> {
    const now = new Date();
    await this.families.change(familyId, now, (family) => {
      const child = family.children.find((c) => c.childId === childId);
      if (!child)
        throw new NotFoundException({
          statusCode: 404,
          error: 'Not Found',
          message: 'no such child in that family',
        });
      if (!child.link) {
        throw new ConflictException({
          statusCode: 409,
          error: 'Conflict',
          message: child.nhsNumber
            ? 'the NHS number was given on the registration form, not linked: correct the registration instead'
            : 'the child is not linked to an NHS number',
        });
      }
      const nhsNumber = child.link.nhsNumber;
      const unlinked: Child = {
        ...withoutLink(child),
        match: 'unmatched',
        rejectedNhsNumbers: [...(child.rejectedNhsNumbers ?? []), nhsNumber],
      };
      const facts: ChildUnlinkedFactsV1 = {
        childId,
        localKey: localKey(childId),
        nhsNumber,
        unlinkedBy: by,
        reason,
      };
      const event: NewRegistrationEvent = {
        topic: CHILD_TOPIC,
        key: nhsNumber,
        type: 'ChildUnlinked',
        eventId: deterministicEventId(
          `child-unlinked:${childId}|${nhsNumber}|${child.link.at.toISOString()}`,
        ),
        date: ukToday(now),
        facts,
      };
      return { events: [event], next: replaceChild(family, unlinked), result: undefined };
    });
    this.track(familyId);
  }

  /** An automatic link is refused when the NHS number is already another registered child's. */
  private guarded(decision: MatchDecision, child: Child, family: FamilyState): MatchDecision {
    if (decision.decision === 'review') {
      const candidates = decision.candidates.filter(
        (c) => !(child.rejectedNhsNumbers ?? []).includes(c.nhsNumber),
      );
      return candidates.length > 0
        ? { ...decision, candidates }
        : { decision: 'none', bestScore: null };
    }
    if (decision.decision !== 'link') return decision;
    if ((child.rejectedNhsNumbers ?? []).includes(decision.nhsNumber)) {
      return { decision: 'none', bestScore: decision.score };
    }
    const holders = this.families
      .familiesWithChild(decision.nhsNumber)
      .filter((f) => f._id !== family._id);
    if (holders.length === 0) return decision;
    return {
      decision: 'review',
      reasons: ['claimed-by-another-child'],
      candidates: [
        {
          nhsNumber: decision.nhsNumber,
          score: decision.score,
          agreements: decision.agreements,
          weights: decision.weights,
          householdCapped: decision.householdCapped,
          multipleBirthSiblings: [],
        },
      ],
    };
  }

  private async apply(
    familyId: string,
    childId: string,
    decision: MatchDecision,
    now: Date,
  ): Promise<ChildMatchOutcome> {
    switch (decision.decision) {
      case 'link':
        return this.link(familyId, childId, {
          nhsNumber: decision.nhsNumber,
          method: 'automatic',
          by: MATCHER,
          at: now,
          score: decision.score,
        });
      case 'review': {
        const family = this.families.get(familyId)!;
        const review: MatchReview = {
          _id: childId,
          familyId,
          centreId: family.centreId,
          createdAt: now,
          reasons: decision.reasons,
          candidates: decision.candidates.map(({ nhsNumber, score, agreements }) => ({
            nhsNumber,
            score,
            agreements,
          })),
          status: 'open',
        };
        await this.reviews.replaceOne({ _id: childId }, review, { upsert: true });
        this.open.set(childId, review);
        return this.setMatch(familyId, childId, 'review', now);
      }
      case 'none':
        return this.setMatch(familyId, childId, 'unmatched', now);
    }
  }

  private async link(
    familyId: string,
    childId: string,
    link: NonNullable<Child['link']>,
  ): Promise<ChildMatchOutcome> {
    return this.families.change(familyId, link.at, (family) => {
      const child = family.children.find((c) => c.childId === childId);
      if (!child)
        throw new NotFoundException({
          statusCode: 404,
          error: 'Not Found',
          message: 'no such child in that family',
        });
      if (childNhsNumber(child)) return { result: 'linked' as const };
      const linked: Child = { ...child, link, match: 'linked' };
      const next = replaceChild(family, linked);
      const facts: ChildLinkedFactsV1 = {
        childId,
        localKey: localKey(childId),
        nhsNumber: link.nhsNumber,
        method: link.method,
        linkedBy: link.by,
        ...(link.score !== undefined ? { score: round(link.score) } : {}),
        registration: childRegisteredFacts(next, linked),
      };
      const event: NewRegistrationEvent = {
        topic: CHILD_TOPIC,
        key: link.nhsNumber,
        type: 'ChildLinked',
        eventId: deterministicEventId(
          `child-linked:${childId}|${link.nhsNumber}|${link.at.toISOString()}`,
        ),
        date: ukToday(link.at),
        facts,
      };
      this.logger.info({ method: link.method }, 'registered child linked to an NHS number');
      return { events: [event], next, result: 'linked' as const };
    });
  }

  private async setMatch(
    familyId: string,
    childId: string,
    match: 'review' | 'unmatched',
    now: Date,
  ): Promise<ChildMatchOutcome> {
    return this.families.change(familyId, now, (family) => {
      const child = family.children.find((c) => c.childId === childId);
      if (!child || child.match === match) return { result: match };
      return { events: [], next: replaceChild(family, { ...child, match }), result: match };
    });
  }
}

/** The child as the matcher reads it: the form's names, the address, the mother's details. */
function registeredChild(family: FamilyState, child: Child): RegisteredChild {
  const mother = mothersOf(family, child)[0];
  const { address } = factsOn(family, family.registeredOn);
  return {
    givenName: child.givenName,
    familyName: child.familyName,
    birthDate: child.birthDate,
    ...(child.sex ? { sex: child.sex } : {}),
    postcode: address.postcode,
    ...(mother
      ? {
          mother: {
            givenName: mother.givenName,
            familyName: mother.familyName,
            ...(mother.birthDate ? { birthDate: mother.birthDate } : {}),
          },
        }
      : {}),
  };
}

function replaceChild(family: FamilyState, child: Child): FamilyState {
  return {
    ...family,
    children: family.children.map((c) => (c.childId === child.childId ? child : c)),
  };
}

function withoutLink(child: Child): Child {
  const copy = { ...child };
  delete copy.link;
  return copy;
}

function round(score: number): number {
  return Math.round(score * 100) / 100;
}
