import { ConsumedEvent, KafkaConnection } from '@lib/kafka';
import { Pseudonymiser } from '@lib/personal-data';
import { Injectable } from '@nestjs/common';
import { FigureCalculator } from './figures';
import { FiguresLedger } from './ledger';

/** Topics the figures are built from (every service's published streams). */
export const FIGURE_TOPICS = [
  'geography.reference.v1',
  'births.child.v1',
  'health-visits.contact.v1',
  'registrations.family.v1',
  'registrations.child.v1',
];

/**
 * The figures' in-memory state: the ledger (pseudonymised facts), the calculator over it, and
 * whether the replay from offset 0 has reached the end offsets the topics had at start.
 */
@Injectable()
export class FiguresService {
  readonly ledger: FiguresLedger;
  readonly calculator: FigureCalculator;
  private targets: Map<string, number> | undefined;
  private readonly reached = new Map<string, number>();
  private caughtUpAt: Date | undefined;

  constructor(
    pseudonymiser: Pseudonymiser,
    private readonly kafka: KafkaConnection,
  ) {
    this.ledger = new FiguresLedger((nhs) => pseudonymiser.pseudonym(nhs));
    this.calculator = new FigureCalculator(this.ledger);
  }

  /** The end offsets at start: figures are served once the replay has reached them. */
  async snapshotTargets(): Promise<void> {
    const targets = new Map<string, number>();
    for (const topic of FIGURE_TOPICS) {
      for (const p of await this.endOffsets(topic)) {
        if (Number(p.high) > Number(p.low)) targets.set(`${topic}:${p.partition}`, Number(p.high));
      }
    }
    this.targets = targets;
    this.checkCaughtUp();
  }

  /**
   * A topic's offsets; a busy broker answers "not the leader" or "not ready" for a while after
   * topics are created or leaders move: ask again (about a minute at most) rather than fail.
   */
  private async endOffsets(
    topic: string,
  ): Promise<{ partition: number; high: string; low: string }[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        const admin = await this.kafka.adminClient();
        return await admin.fetchTopicOffsets(topic);
      } catch (error) {
        const retriable = (error as { retriable?: boolean }).retriable !== false;
        if (!retriable || attempt >= 60) throw error;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  apply({ event, key }: ConsumedEvent): void {
    this.ledger.apply(event, key);
  }

  progress(topic: string, partition: number, nextOffset: number): void {
    this.reached.set(`${topic}:${partition}`, nextOffset);
    this.checkCaughtUp();
  }

  get caughtUp(): boolean {
    return this.caughtUpAt !== undefined;
  }

  status(): {
    caughtUp: boolean;
    caughtUpAt: string | null;
    eventsApplied: number;
    behind: number;
  } {
    let behind = 0;
    for (const [tp, target] of this.targets ?? []) {
      behind += Math.max(0, target - (this.reached.get(tp) ?? 0));
    }
    return {
      caughtUp: this.caughtUp,
      caughtUpAt: this.caughtUpAt?.toISOString() ?? null,
      eventsApplied: this.ledger.appliedCount,
      behind,
    };
  }

  /** Messages on the figure topics not yet read (against the end offsets now). */
  async behindNow(): Promise<number> {
    let behind = 0;
    for (const topic of FIGURE_TOPICS) {
      for (const p of await this.endOffsets(topic)) {
        if (Number(p.high) <= Number(p.low)) continue;
        const reached = Math.max(this.reached.get(`${topic}:${p.partition}`) ?? 0, Number(p.low));
        behind += Math.max(0, Number(p.high) - reached);
      }
    }
    return behind;
  }

  private checkCaughtUp(): void {
    if (this.caughtUpAt || !this.targets) return;
    for (const [tp, target] of this.targets) {
      if ((this.reached.get(tp) ?? 0) < target) return;
    }
    this.caughtUpAt = new Date();
  }
}
