/** Paces records to at most `perSecond` (none: as fast as the services answer). */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class Pacer {
  private next: number | undefined;

  constructor(
    private perSecond: number | undefined,
    private readonly clock: Clock = realClock,
  ) {}

  /** Changes the pace from the next record on (the demo: fast first, then a trickle). */
  setRate(perSecond: number | undefined): void {
    this.perSecond = perSecond;
    this.next = undefined;
  }

  /** Waits until the next record may go. */
  async wait(): Promise<void> {
    if (!this.perSecond || this.perSecond <= 0) return;
    const interval = 1000 / this.perSecond;
    const now = this.clock.now();
    const at = this.next === undefined ? now : Math.max(this.next, now);
    this.next = at + interval;
    if (at > now) await this.clock.sleep(at - now);
  }
}
