/**
 * Disclosure control for aggregate figures about children that leave the identifiable boundary
 * (a centre's Self-Evaluation Form, cross-centre comparisons, public figures). Pure: no Nest, no
 * I/O, so the service, the exports and the tests all apply the same rules.
 *
 * The rules:
 * - primary suppression: a count of 1-7 is shown as `*` (small numbers single out families); 0 is
 *   shown as 0 (nobody is disclosed by "nobody");
 * - every other published count is rounded to the nearest 5 (half up);
 * - secondary suppression: no hidden count may be recoverable from the totals it adds up to, so a
 *   relation (total = sum of parts) never has exactly one hidden cell;
 * - a share, median or other figure derived from a hidden count is hidden too.
 */

/** A published count: 0, a number rounded to 5, or `*` when suppressed (1-7, or to protect one). */
export type CountCell = number | '*';

/** A published proportion in 0..1; `*` when a count it comes from is hidden; null when n/0. */
export type ShareCell = number | '*' | null;

/** Counts from 1 to this are suppressed outright. */
export const PRIMARY_SUPPRESSION_MAX = 7;

/** Published counts are rounded to a multiple of this. */
export const ROUNDING_BASE = 5;

/** The rules in one sentence, printed under every published table. */
export const DISCLOSURE_RULES =
  'Counts of 1 to 7 are shown as *, all other counts are rounded to the nearest 5, further counts are shown as * where needed so that no hidden count can be worked out from totals, and percentages (calculated from unrounded counts), medians and other figures derived from a hidden count are also shown as *.';

/** One "totals" relation of a table: the exact value of `total` is the sum of its `parts`. */
export interface TotalsRelation {
  total: string;
  parts: readonly string[];
}

/**
 * A table as a set of exact counts keyed by any cell id, and the linear relations between them
 * (a target group's yes/no/unknown rows adding to the `all` row, months adding to a period, ...).
 * A cell may take part in any number of relations, as a total in some and a part in others.
 */
export interface CellTable {
  cells: ReadonlyMap<string, number>;
  relations: readonly TotalsRelation[];
}

/** Primary suppression and rounding for a count on its own (no totals to protect it against). */
export function protectCount(n: number): CountCell {
  assertCount(n, 'a count');
  if (n === 0) return 0;
  if (n <= PRIMARY_SUPPRESSION_MAX) return '*';
  return roundCount(n);
}

/**
 * Primary and secondary suppression, then rounding, over a whole table. Returns every cell of
 * `table.cells`, in the same order. Deterministic: the same table always hides the same cells.
 * Throws when a relation names an unknown cell or its exact values do not add up, because then
 * the relations do not describe the table and the protection would be meaningless.
 */
export function protectTable(table: CellTable): Map<string, CountCell> {
  validateTable(table);
  const hidden = suppressedCells(table);
  const published = new Map<string, CountCell>();
  for (const [id, n] of table.cells) published.set(id, hidden.has(id) ? '*' : roundCount(n));
  return published;
}

/**
 * A proportion for publication. Hidden when either count is hidden (checked before the zero
 * denominator: returning null there would reveal that a hidden denominator is 0). Otherwise it is
 * computed from the exact counts, since the rounding exists to protect counts, not to distort
 * rates.
 */
export function protectedShare(
  numerator: { exact: number; published: CountCell },
  denominator: { exact: number; published: CountCell },
): ShareCell {
  assertPublishedMatches(numerator, 'numerator');
  assertPublishedMatches(denominator, 'denominator');
  if (numerator.published === '*' || denominator.published === '*') return '*';
  if (denominator.exact === 0) return null;
  return numerator.exact / denominator.exact;
}

/**
 * A median or other value derived from a cohort: hidden when the cohort's count is hidden, since
 * e.g. the median of three children's waits says something about each of them.
 */
export function protectDerived(cohort: CountCell, value: number | null): number | '*' | null {
  return cohort === '*' ? '*' : value;
}

// ---------------------------------------------------------------------------------------------

function roundCount(n: number): number {
  // Counts are integers, so n / 5 never ends in exactly .5 and Math.round's tie rule never applies.
  return Math.round(n / ROUNDING_BASE) * ROUNDING_BASE;
}

function assertCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${String(n)}`);
  }
}

function assertPublishedMatches(count: { exact: number; published: CountCell }, what: string) {
  assertCount(count.exact, `the ${what}'s exact count`);
  // A '*' may hide any exact value (secondary suppression hides large ones); a number must be the
  // exact count rounded, else the two were taken from different cells.
  if (count.published !== '*' && count.published !== roundCount(count.exact)) {
    throw new RangeError(
      `the ${what} is published as ${count.published} but its exact count is ${count.exact}`,
    );
  }
}

function members(relation: TotalsRelation): string[] {
  return [relation.total, ...relation.parts];
}

function valueOf(table: CellTable, id: string): number {
  const n = table.cells.get(id);
  if (n === undefined) throw new RangeError(`no cell ${id} in the table`);
  return n;
}

function validateTable(table: CellTable): void {
  for (const [id, n] of table.cells) assertCount(n, `cell ${id}`);
  for (const relation of table.relations) {
    const ids = members(relation);
    const name = `the relation ${relation.total} = ${relation.parts.join(' + ')}`;
    if (relation.parts.length === 0) throw new RangeError(`${name} has no parts`);
    if (new Set(ids).size !== ids.length) throw new RangeError(`${name} names a cell twice`);
    const sum = relation.parts.reduce((s, id) => s + valueOf(table, id), 0);
    const total = valueOf(table, relation.total);
    if (sum !== total) throw new RangeError(`${name} does not add up: ${total} ≠ ${sum}`);
  }
}

/** The cells to show as `*`: the primary ones, then complements until nothing is recoverable. */
function suppressedCells(table: CellTable): Set<string> {
  const hidden = new Set<string>();
  for (const [id, n] of table.cells) if (n >= 1 && n <= PRIMARY_SUPPRESSION_MAX) hidden.add(id);

  // Cells that the shape of the relations alone pins down (always to 0, e.g. b in T = a and
  // T = a + b) are known to any reader of the blank table; hiding more would not help.
  const structural = new Set(recoverableCells(table, new Set(table.cells.keys())));
  const order = [...table.cells.keys()];
  for (;;) {
    protectSingletons(table, hidden);
    // The singleton rule is what the spec asks for, and suffices for one relation or a hierarchy.
    // Across overlapping relations (a 2-D table with row and column totals) a hidden cell can
    // still be the difference of sums of relations, e.g. one hidden cell bridging two otherwise
    // separate groups of hidden cells; this backstop finds those and hides one more cell.
    const exposed = recoverableCells(table, hidden).filter((id) => !structural.has(id));
    if (exposed.length === 0) return hidden;
    exposed.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    const extra = backstopCell(table, hidden, exposed);
    if (extra === undefined) return hidden; // every related cell is hidden already
    hidden.add(extra);
  }
}

/** Until stable: a relation with exactly one hidden cell (the total included) hides one more. */
function protectSingletons(table: CellTable, hidden: Set<string>): void {
  let changed = true;
  while (changed) {
    changed = false;
    for (const relation of table.relations) {
      if (members(relation).filter((id) => hidden.has(id)).length !== 1) continue;
      // A relation has at least two cells, so with one hidden there is always another to choose.
      const complement = complementIn(table, relation, hidden);
      if (complement === undefined) continue;
      hidden.add(complement);
      changed = true;
    }
  }
}

/**
 * The cell of a relation to hide alongside the hidden ones: the smallest non-zero visible part
 * (first in order on a tie), as it costs the least information; else the total when non-zero;
 * else a zero cell, which is hidden only when there is no other choice. Undefined when the whole
 * relation is hidden.
 */
function complementIn(
  table: CellTable,
  relation: TotalsRelation,
  hidden: ReadonlySet<string>,
): string | undefined {
  let best: string | undefined;
  let bestValue = Infinity;
  for (const id of relation.parts) {
    const n = valueOf(table, id);
    if (!hidden.has(id) && n > 0 && n < bestValue) {
      best = id;
      bestValue = n;
    }
  }
  if (best !== undefined) return best;
  if (!hidden.has(relation.total) && valueOf(table, relation.total) > 0) return relation.total;
  return [...relation.parts, relation.total].find((id) => !hidden.has(id));
}

/** One more cell to hide for the exposed ones: in a relation of the first exposed cell if possible. */
function backstopCell(
  table: CellTable,
  hidden: ReadonlySet<string>,
  exposed: readonly string[],
): string | undefined {
  for (const id of exposed) {
    for (const relation of table.relations) {
      if (!members(relation).includes(id)) continue;
      const complement = complementIn(table, relation, hidden);
      if (complement !== undefined) return complement;
    }
  }
  // The exposed cells' own relations are wholly hidden: widen the uncertainty next to them.
  for (const relation of table.relations) {
    if (!members(relation).some((id) => hidden.has(id))) continue;
    const complement = complementIn(table, relation, hidden);
    if (complement !== undefined) return complement;
  }
  return undefined;
}

/**
 * The hidden cells whose exact value follows from the visible exact values and the relations.
 * Each relation is a linear equation; moving the visible cells to the right-hand side leaves a
 * system A·x = b over the hidden cells, and x_i is the same in every solution exactly when the
 * unit vector e_i lies in A's row space, i.e. when some row of A's reduced row echelon form has
 * a single non-zero entry, at i. Integer (bigint) elimination keeps this exact.
 */
function recoverableCells(table: CellTable, hidden: ReadonlySet<string>): string[] {
  const columns = [...hidden];
  const column = new Map(columns.map((id, i) => [id, i]));
  const rows: bigint[][] = [];
  for (const relation of table.relations) {
    const row = columns.map(() => 0n);
    const total = column.get(relation.total);
    if (total !== undefined) row[total] += 1n;
    for (const id of relation.parts) {
      const part = column.get(id);
      if (part !== undefined) row[part] -= 1n;
    }
    if (row.some((a) => a !== 0n)) rows.push(row);
  }
  const recoverable: string[] = [];
  for (const row of reducedRowEchelon(rows, columns.length)) {
    const nonZero = row.flatMap((a, i) => (a === 0n ? [] : [i]));
    if (nonZero.length === 1) recoverable.push(columns[nonZero[0]]);
  }
  return recoverable;
}

/** Gauss-Jordan elimination over the integers (each row kept divided by its gcd). */
function reducedRowEchelon(input: bigint[][], width: number): bigint[][] {
  const rows = input.map((row) => [...row]);
  let rank = 0;
  for (let col = 0; col < width && rank < rows.length; col++) {
    let p = rank;
    while (p < rows.length && rows[p][col] === 0n) p++;
    if (p === rows.length) continue;
    [rows[rank], rows[p]] = [rows[p], rows[rank]];
    const pivot = rows[rank];
    for (let r = 0; r < rows.length; r++) {
      const f = rows[r][col];
      if (r === rank || f === 0n) continue;
      rows[r] = withoutCommonFactor(rows[r].map((a, j) => a * pivot[col] - pivot[j] * f));
    }
    rank++;
  }
  return rows.slice(0, rank);
}

function withoutCommonFactor(row: bigint[]): bigint[] {
  let g = 0n;
  for (const a of row) g = gcd(g, a < 0n ? -a : a);
  return g > 1n ? row.map((a) => a / g) : row;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
