import {
  type CellTable,
  type CountCell,
  DISCLOSURE_RULES,
  protectCount,
  protectDerived,
  protectedShare,
  protectTable,
  type TotalsRelation,
} from './disclosure';

/** A table from a list of [id, exact] pairs, keeping their order. */
function table(cells: [string, number][], relations: TotalsRelation[]): CellTable {
  return { cells: new Map(cells), relations };
}

/** The ids shown as `*`, in table order. */
function hiddenIds(published: Map<string, CountCell>): string[] {
  return [...published].filter(([, v]) => v === '*').map(([id]) => id);
}

/**
 * A grid with row totals `<row>T`, column totals `T<col>` and grand total `TT`, related by rows,
 * then columns, then the grand total over row totals and over column totals.
 */
function grid(values: Record<string, Record<string, number>>): CellTable {
  const rows = Object.keys(values);
  const cols = Object.keys(values[rows[0]]);
  const cells: [string, number][] = [];
  for (const r of rows) {
    for (const c of cols) cells.push([`${r}${c}`, values[r][c]]);
    cells.push([`${r}T`, cols.reduce((s, c) => s + values[r][c], 0)]);
  }
  for (const c of cols) cells.push([`T${c}`, rows.reduce((s, r) => s + values[r][c], 0)]);
  cells.push(['TT', rows.reduce((s, r) => s + cols.reduce((t, c) => t + values[r][c], 0), 0)]);
  return table(cells, [
    ...rows.map((r) => ({ total: `${r}T`, parts: cols.map((c) => `${r}${c}`) })),
    ...cols.map((c) => ({ total: `T${c}`, parts: rows.map((r) => `${r}${c}`) })),
    { total: 'TT', parts: rows.map((r) => `${r}T`) },
    { total: 'TT', parts: cols.map((c) => `T${c}`) },
  ]);
}

// --- An independent check of the proof property --------------------------------------------------
// The module decides recoverability by exact row-space membership; this uses a different route
// (floating-point ranks): with the visible cells moved to the right-hand side the relations are
// A·x = b over the hidden cells, and x_i is pinned down exactly when deleting column i drops A's
// rank by one (every null vector then has x_i = 0, so all solutions agree on x_i).

function rank(matrix: number[][]): number {
  const a = matrix.map((row) => [...row]);
  const width = a.length === 0 ? 0 : a[0].length;
  let r = 0;
  for (let c = 0; c < width && r < a.length; c++) {
    let pivot = -1;
    for (let i = r; i < a.length; i++) {
      if (Math.abs(a[i][c]) > 1e-9 && (pivot < 0 || Math.abs(a[i][c]) > Math.abs(a[pivot][c])))
        pivot = i;
    }
    if (pivot < 0) continue;
    [a[r], a[pivot]] = [a[pivot], a[r]];
    for (let i = r + 1; i < a.length; i++) {
      const f = a[i][c] / a[r][c];
      for (let j = c; j < width; j++) a[i][j] -= f * a[r][j];
    }
    r++;
  }
  return r;
}

/** The hidden cells whose exact values follow from the visible exact values and the relations. */
function recoverable(t: CellTable, hidden: readonly string[]): string[] {
  const a = t.relations.map((rel) =>
    hidden.map((id) => (id === rel.total ? 1 : rel.parts.includes(id) ? -1 : 0)),
  );
  const full = rank(a);
  return hidden.filter((_, i) => rank(a.map((row) => row.filter((_, j) => j !== i))) === full - 1);
}

/** Every property a protected table must have; returns the hidden ids. */
function expectProtected(t: CellTable, published: Map<string, CountCell>): string[] {
  expect([...published.keys()]).toEqual([...t.cells.keys()]);
  for (const [id, exact] of t.cells) {
    const shown = published.get(id);
    if (exact >= 1 && exact <= 7) expect([id, shown]).toEqual([id, '*']);
    if (shown !== '*') expect([id, shown]).toEqual([id, Math.round(exact / 5) * 5]);
  }
  const hidden = hiddenIds(published);
  for (const rel of t.relations) {
    const n = [rel.total, ...rel.parts].filter((id) => published.get(id) === '*').length;
    expect([rel.total, n === 1]).toEqual([rel.total, false]);
  }
  expect(recoverable(t, hidden)).toEqual([]);
  return hidden;
}

/** mulberry32: a small seeded generator, so the random tables are the same on every run. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

describe('protectCount', () => {
  it('should show 0 as 0: "nobody" discloses nobody', () => {
    expect(protectCount(0)).toBe(0);
  });

  it.each([1, 2, 3, 4, 5, 6, 7])('should suppress %i (primary suppression)', (n) => {
    expect(protectCount(n)).toBe('*');
  });

  it.each([
    [8, 10],
    [9, 10],
    [10, 10],
    [12, 10],
    [13, 15],
    [17, 15],
    [18, 20],
    [100, 100],
    [102, 100],
    [103, 105],
    [1234, 1235],
  ])('should round %i to %i', (n, shown) => {
    expect(protectCount(n)).toBe(shown);
  });

  it.each([-1, 2.5, NaN, Infinity])('should refuse %p, which is not a count', (n) => {
    expect(() => protectCount(n)).toThrow('non-negative integer');
  });
});

describe('DISCLOSURE_RULES', () => {
  it('should state every rule in one sentence', () => {
    expect(DISCLOSURE_RULES).toMatch(/^Counts of 1 to 7 are shown as \*/);
    expect(DISCLOSURE_RULES).toContain('rounded to the nearest 5');
    expect(DISCLOSURE_RULES).toContain('no hidden count can be worked out from totals');
    expect(DISCLOSURE_RULES).toContain('percentages (calculated from unrounded counts), medians');
    expect(DISCLOSURE_RULES.split('. ')).toHaveLength(1);
    expect(DISCLOSURE_RULES.endsWith('.')).toBe(true);
  });
});

describe('protectTable', () => {
  it('should only round when no count is small', () => {
    const t = table(
      [
        ['all', 120],
        ['yes', 8],
        ['no', 100],
        ['unknown', 12],
      ],
      [{ total: 'all', parts: ['yes', 'no', 'unknown'] }],
    );
    expect(protectTable(t)).toEqual(
      new Map<string, CountCell>([
        ['all', 120],
        ['yes', 10],
        ['no', 100],
        ['unknown', 10],
      ]),
    );
  });

  it('should apply only the primary rule to cells in no relation', () => {
    const t = table(
      [
        ['a', 0],
        ['b', 7],
        ['c', 8],
      ],
      [],
    );
    expect(protectTable(t)).toEqual(
      new Map<string, CountCell>([
        ['a', 0],
        ['b', '*'],
        ['c', 10],
      ]),
    );
  });

  it('should hide the smallest non-zero visible part with a lone small part', () => {
    // 'unknown' (3) alone would be all - yes - no; 'no' (20) is the smallest non-zero other part.
    const t = table(
      [
        ['all', 83],
        ['yes', 60],
        ['no', 20],
        ['unknown', 3],
      ],
      [{ total: 'all', parts: ['yes', 'no', 'unknown'] }],
    );
    expect(protectTable(t)).toEqual(
      new Map<string, CountCell>([
        ['all', 85],
        ['yes', 60],
        ['no', '*'],
        ['unknown', '*'],
      ]),
    );
  });

  it('should break a tie between equal smallest parts by taking the first', () => {
    const t = table(
      [
        ['T', 55],
        ['a', 25],
        ['b', 5],
        ['c', 25],
      ],
      [{ total: 'T', parts: ['a', 'b', 'c'] }],
    );
    expect(hiddenIds(protectTable(t))).toEqual(['a', 'b']);
  });

  it('should pass over a zero part when a non-zero one is there, however large', () => {
    const t = table(
      [
        ['T', 504],
        ['a', 0],
        ['b', 4],
        ['c', 500],
        ['d', 0],
      ],
      [{ total: 'T', parts: ['a', 'b', 'c', 'd'] }],
    );
    expect(protectTable(t)).toEqual(
      new Map<string, CountCell>([
        ['T', 505],
        ['a', 0],
        ['b', '*'],
        ['c', '*'],
        ['d', 0],
      ]),
    );
  });

  it('should add nothing when a relation already has two hidden cells', () => {
    const t = table(
      [
        ['T', 60],
        ['a', 2],
        ['b', 3],
        ['c', 55],
      ],
      [{ total: 'T', parts: ['a', 'b', 'c'] }],
    );
    expect(protectTable(t)).toEqual(
      new Map<string, CountCell>([
        ['T', 60],
        ['a', '*'],
        ['b', '*'],
        ['c', 55],
      ]),
    );
  });

  it('should hide a total whose other cells are all zero, rather than a zero', () => {
    // b is hidden to protect a; in B = b + z, z is 0 so B would give b away: B is hidden, not z.
    const t = table(
      [
        ['T', 13],
        ['a', 3],
        ['b', 10],
        ['B', 10],
        ['z', 0],
      ],
      [
        { total: 'T', parts: ['a', 'b'] },
        { total: 'B', parts: ['b', 'z'] },
      ],
    );
    expect(protectTable(t)).toEqual(
      new Map<string, CountCell>([
        ['T', 15],
        ['a', '*'],
        ['b', '*'],
        ['B', '*'],
        ['z', 0],
      ]),
    );
  });

  it('should cascade from a period into its months: a newly hidden cell makes a new singleton', () => {
    // a (3) hides Q1 (10, the smallest other part of the year); Q1 is then the only hidden cell
    // of its own months, so m2 (10, the only non-zero month) is hidden too.
    const t = table(
      [
        ['year', 43],
        ['a', 3],
        ['Q1', 10],
        ['Q2', 30],
        ['m1', 0],
        ['m2', 10],
        ['m3', 0],
      ],
      [
        { total: 'year', parts: ['a', 'Q1', 'Q2'] },
        { total: 'Q1', parts: ['m1', 'm2', 'm3'] },
      ],
    );
    expect(protectTable(t)).toEqual(
      new Map<string, CountCell>([
        ['year', 45],
        ['a', '*'],
        ['Q1', '*'],
        ['Q2', 30],
        ['m1', 0],
        ['m2', '*'],
        ['m3', 0],
      ]),
    );
  });

  it('should cascade between rows and columns of a 2-D table', () => {
    // a.x (2) hides a.z (9) in row a; column x then hides b.x (12, not c.x 20) and column z
    // hides b.z (50, since c.z is 0); row b then has two hidden cells and all is stable.
    const t = grid({
      a: { x: 2, y: 40, z: 9 },
      b: { x: 12, y: 30, z: 50 },
      c: { x: 20, y: 25, z: 0 },
    });
    const published = protectTable(t);
    expect(Object.fromEntries(published)).toEqual({
      ax: '*', ay: 40, az: '*', aT: 50,
      bx: '*', by: 30, bz: '*', bT: 90,
      cx: 20, cy: 25, cz: 0, cT: 45,
      Tx: 35, Ty: 95, Tz: 60, TT: 190,
    }); // prettier-ignore
    expectProtected(t, published);
  });

  it('should hide a whole 2x2 table whose one cell is small, and keep the margins', () => {
    const t = grid({ a: { x: 3, y: 20 }, b: { x: 15, y: 30 } });
    expect(Object.fromEntries(protectTable(t))).toEqual({
      ax: '*', ay: '*', aT: 25,
      bx: '*', by: '*', bT: 45,
      Tx: 20, Ty: 50, TT: 70,
    }); // prettier-ignore
  });

  it('should hide the row totals with the cells when a group has a small total', () => {
    // Target-group rows: yes + no + unknown = all, for each of two measures and the period total.
    const t = grid({
      yes: { seen: 4, notSeen: 2 },
      no: { seen: 40, notSeen: 30 },
      unknown: { seen: 10, notSeen: 9 },
    });
    const published = protectTable(t);
    expect(Object.fromEntries(published)).toEqual({
      yesseen: '*', yesnotSeen: '*', yesT: '*',
      noseen: 40, nonotSeen: 30, noT: 70,
      unknownseen: '*', unknownnotSeen: '*', unknownT: '*',
      Tseen: 55, TnotSeen: 40, TT: 95,
    }); // prettier-ignore
    expectProtected(t, published);
  });

  it('should not leave a hidden cell that bridges two groups of hidden cells recoverable', () => {
    // The singleton rule alone is stable here, yet r2c3 = (row r1 + row r2) - (col c1 + col c2)
    // in the visible values. The backstop hides one more cell in row r2 (r2c4, its only visible
    // non-zero part), which puts r2c3 on a cycle with r3c3 and r3c4.
    const t = grid({
      r1: { c1: 2, c2: 3, c3: 40, c4: 50 },
      r2: { c1: 4, c2: 5, c3: 6, c4: 60 },
      r3: { c1: 30, c2: 35, c3: 1, c4: 2 },
      r4: { c1: 45, c2: 55, c3: 3, c4: 4 },
    });
    const primary = [...t.cells].filter(([, n]) => n >= 1 && n <= 7).map(([id]) => id);
    expect(recoverable(t, primary)).toEqual(['r2c3']);

    const published = protectTable(t);
    expect(hiddenIds(published)).toEqual([...primary, 'r2c4'].sort(byTableOrder(t)));
    expectProtected(t, published);
  });

  it('should not hide more when only the shape of the relations pins a cell (to 0)', () => {
    // T = a and T = a + b force b = 0 for any reader of the blank table; nothing to protect.
    const t = table(
      [
        ['T', 3],
        ['a', 3],
        ['b', 0],
      ],
      [
        { total: 'T', parts: ['a'] },
        { total: 'T', parts: ['a', 'b'] },
      ],
    );
    expect(hiddenIds(protectTable(t))).toEqual(['T', 'a']);
  });

  it('should be deterministic and leave its input alone', () => {
    const t = grid({
      a: { x: 2, y: 40, z: 9 },
      b: { x: 12, y: 30, z: 50 },
    });
    const before = JSON.stringify([...t.cells]);
    expect(protectTable(t)).toEqual(protectTable(t));
    expect(JSON.stringify([...t.cells])).toBe(before);
  });

  it('should refuse relations that do not describe the table', () => {
    const cells: [string, number][] = [
      ['T', 10],
      ['a', 4],
      ['b', 6],
    ];
    expect(() => protectTable(table(cells, [{ total: 'T', parts: ['a', 'c'] }]))).toThrow(
      'no cell c',
    );
    expect(() => protectTable(table(cells, [{ total: 'T', parts: ['a'] }]))).toThrow(
      'does not add up: 10 ≠ 4',
    );
    expect(() => protectTable(table(cells, [{ total: 'T', parts: [] }]))).toThrow('no parts');
    expect(() => protectTable(table(cells, [{ total: 'T', parts: ['a', 'a', 'b'] }]))).toThrow(
      'names a cell twice',
    );
    expect(() => protectTable(table([['x', -1]], []))).toThrow('cell x must be a non-negative');
    expect(() => protectTable(table([['x', 1.5]], []))).toThrow('cell x must be a non-negative');
  });

  describe('on 200 seeded random tables', () => {
    /** A count skewed small, so that primary and secondary suppression both happen often. */
    function count(random: () => number): number {
      const u = random();
      if (u < 0.2) return 0;
      if (u < 0.5) return 1 + Math.floor(random() * 7);
      return 8 + Math.floor(random() * 40);
    }

    /** A grid (2-4 x 2-4) or a two-level hierarchy (a total, its parts, and some parts' parts). */
    function randomTable(random: () => number): CellTable {
      if (random() < 0.6) {
        const values: Record<string, Record<string, number>> = {};
        const rows = 2 + Math.floor(random() * 3);
        const cols = 2 + Math.floor(random() * 3);
        for (let r = 0; r < rows; r++) {
          values[`r${r}`] = {};
          for (let c = 0; c < cols; c++) values[`r${r}`][`c${c}`] = count(random);
        }
        return grid(values);
      }
      const cells: [string, number][] = [];
      const relations: TotalsRelation[] = [];
      const parts: string[] = [];
      for (let p = 0; p < 2 + Math.floor(random() * 4); p++) {
        const id = `p${p}`;
        parts.push(id);
        if (random() < 0.5) {
          const leaves = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, l) => `${id}.${l}`); // prettier-ignore
          const values = leaves.map(() => count(random));
          leaves.forEach((leaf, l) => cells.push([leaf, values[l]]));
          cells.push([id, values.reduce((s, v) => s + v, 0)]);
          relations.push({ total: id, parts: leaves });
        } else {
          cells.push([id, count(random)]);
        }
      }
      const values = new Map(cells);
      cells.push(['T', parts.reduce((s, id) => s + (values.get(id) ?? 0), 0)]);
      relations.unshift({ total: 'T', parts });
      return table(cells, relations);
    }

    it('should hide every small count, round the rest, and leave no hidden count recoverable', () => {
      const random = seeded(20260417);
      let secondary = 0;
      let tablesWithPrimary = 0;
      for (let i = 0; i < 200; i++) {
        const t = randomTable(random);
        const published = protectTable(t);
        const hidden = expectProtected(t, published);
        expect(protectTable(t)).toEqual(published);
        const primary = hidden.filter((id) => (t.cells.get(id) ?? 0) <= 7);
        if (primary.length > 0) tablesWithPrimary++;
        secondary += hidden.length - primary.length;
      }
      // The property is only worth something if the tables exercised both rules.
      expect(tablesWithPrimary).toBeGreaterThan(150);
      expect(secondary).toBeGreaterThan(200);
    });
  });
});

function byTableOrder(t: CellTable): (a: string, b: string) => number {
  const order = [...t.cells.keys()];
  return (a, b) => order.indexOf(a) - order.indexOf(b);
}

describe('protectedShare', () => {
  it('should divide the exact counts, not the rounded ones', () => {
    // Published as 15 / 50 = 0.3, but the share is 13 / 52.
    expect(protectedShare({ exact: 13, published: 15 }, { exact: 52, published: 50 })).toBe(0.25);
    expect(protectedShare({ exact: 0, published: 0 }, { exact: 40, published: 40 })).toBe(0);
  });

  it('should hide a share whose numerator or denominator is hidden', () => {
    expect(protectedShare({ exact: 5, published: '*' }, { exact: 40, published: 40 })).toBe('*');
    expect(protectedShare({ exact: 30, published: '*' }, { exact: 40, published: 40 })).toBe('*');
    expect(protectedShare({ exact: 0, published: 0 }, { exact: 6, published: '*' })).toBe('*');
    expect(protectedShare({ exact: 6, published: '*' }, { exact: 6, published: '*' })).toBe('*');
  });

  it('should give null for a visible zero denominator, but * for a hidden one', () => {
    expect(protectedShare({ exact: 0, published: 0 }, { exact: 0, published: 0 })).toBeNull();
    // A null here would tell the reader that the hidden denominator is 0.
    expect(protectedShare({ exact: 0, published: 0 }, { exact: 0, published: '*' })).toBe('*');
  });

  it('should refuse a published number that is not its exact count rounded', () => {
    expect(() =>
      protectedShare({ exact: 13, published: 10 }, { exact: 52, published: 50 }),
    ).toThrow('the numerator is published as 10 but its exact count is 13');
    expect(() => protectedShare({ exact: 13, published: 15 }, { exact: -1, published: 0 })).toThrow(
      "the denominator's exact count must be a non-negative integer",
    );
  });
});

describe('protectDerived', () => {
  it('should hide a median over a hidden cohort and pass others through', () => {
    expect(protectDerived('*', 12)).toBe('*');
    expect(protectDerived('*', null)).toBe('*');
    expect(protectDerived(25, 12)).toBe(12);
    expect(protectDerived(0, null)).toBeNull();
  });
});
