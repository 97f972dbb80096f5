import { partitionChunks } from './outbox-relay';

interface Doc {
  id: string;
  outbox: { topic: string; key: string };
}

const doc = (id: string, key: string, topic = 'births.child.v1'): Doc => ({
  id,
  outbox: { topic, key },
});
/** A stand-in partitioner: the key's last digit modulo 3; keys starting "x" have none. */
const partitionOf = (d: Doc) =>
  d.outbox.key.startsWith('x') ? undefined : Number(d.outbox.key.at(-1)) % 3;
const ids = (chunks: Doc[][]) => chunks.map((c) => c.map((d) => d.id));

describe('partitionChunks (one produce request per topic-partition)', () => {
  it("puts each partition's documents in one chunk, in the order given", () => {
    const docs = [
      doc('a1', '10'),
      doc('b1', '11'),
      doc('a2', '10'),
      doc('c1', '13'),
      doc('b2', '14'),
    ];
    expect(ids(partitionChunks(docs, partitionOf))).toEqual([
      ['a1', 'a2', 'c1'],
      ['b1', 'b2'],
    ]);
  });

  it('keeps topics apart, and sends a document of unknown partition alone', () => {
    const docs = [doc('a', '10'), doc('b', '10', 'other.v1'), doc('x', 'x1'), doc('c', '13')];
    expect(ids(partitionChunks(docs, partitionOf))).toEqual([['a', 'c'], ['b'], ['x']]);
  });

  it("splits a large partition into consecutive chunks, so one key's events stay in order", () => {
    const docs = Array.from({ length: 450 }, (_, i) => doc(`e${i}`, '30'));
    const chunks = partitionChunks(docs, partitionOf);
    expect(chunks.map((c) => c.length)).toEqual([200, 200, 50]);
    expect(chunks.flat().map((d) => d.id)).toEqual(docs.map((d) => d.id));
  });

  it('gives nothing for nothing', () => {
    expect(partitionChunks([], partitionOf)).toEqual([]);
  });
});
