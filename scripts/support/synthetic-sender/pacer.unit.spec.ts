import { Pacer, type Clock } from './pacer';

describe('synthetic sender: pacing', () => {
  const fakeClock = (): Clock & { slept: number[] } => {
    let now = 1_000;
    const slept: number[] = [];
    return {
      slept,
      now: () => now,
      sleep: (ms) => {
        slept.push(ms);
        now += ms;
        return Promise.resolve();
      },
    };
  };

  it('should send at most the rate given', async () => {
    const clock = fakeClock();
    const pacer = new Pacer(4, clock);
    for (let i = 0; i < 5; i++) await pacer.wait();
    expect(clock.slept).toEqual([250, 250, 250, 250]);
    expect(clock.now()).toBe(2_000);
  });

  it('should not wait without a rate, and take a new rate at once', async () => {
    const clock = fakeClock();
    const pacer = new Pacer(undefined, clock);
    for (let i = 0; i < 3; i++) await pacer.wait();
    expect(clock.slept).toEqual([]);
    pacer.setRate(2);
    await pacer.wait();
    await pacer.wait();
    expect(clock.slept).toEqual([500]);
  });
});
