import { KeyCache } from './key-cache';

describe(KeyCache, () => {
  const key = Buffer.alloc(32, 7);
  let now = 0;
  const clock = (): number => now;

  beforeEach(() => {
    now = 1_000;
  });

  it('should forget a key after its time to live', () => {
    const sut = new KeyCache(60_000, 10, clock);
    sut.setKey('a', key);
    now += 59_999;
    expect(sut.get('a')).toEqual({ erased: false, key });
    now += 1;
    expect(sut.get('a')).toBeUndefined();
  });

  it('should keep at most maxEntries, dropping the least recently used', () => {
    const sut = new KeyCache(60_000, 2, clock);
    sut.setKey('a', key);
    sut.setKey('b', key);
    sut.get('a');
    sut.setKey('c', key);
    expect(sut.get('b')).toBeUndefined();
    expect(sut.get('a')).toBeDefined();
    expect(sut.get('c')).toBeDefined();
    expect(sut.size).toBe(2);
  });

  it('should replace a key by an erasure at once and never put the key back', () => {
    const sut = new KeyCache(60_000, 10, clock);
    sut.setKey('a', key);
    sut.setErased('a');
    sut.setKey('a', key); // a lookup that raced the erasure
    now += 10 * 60_000;
    expect(sut.get('a')).toEqual({ erased: true });
  });

  it('should cache no keys with a zero time to live, but still remember erasures', () => {
    const sut = new KeyCache(0, 10, clock);
    sut.setKey('a', key);
    sut.setErased('b');
    expect(sut.get('a')).toBeUndefined();
    expect(sut.get('b')).toEqual({ erased: true });
  });
});
