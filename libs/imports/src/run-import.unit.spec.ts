import { Readable } from 'node:stream';
import { rowErrorsCsv, rowErrorsCsvStream } from './row-errors-csv';
import type { AcceptedRow, ImportCounts, RowSpec } from './row-spec';
import { runImport } from './run-import';

interface Item {
  id: string;
  qty: number;
  note?: string;
}

const spec: RowSpec<Item> = {
  columns: [
    { name: 'id', required: true },
    { name: 'qty', required: true },
    { name: 'note', required: false },
  ],
  mapRow(record) {
    const problems = [];
    if (!/^[0-9]+$/.test(record.id)) problems.push({ column: 'id', reason: 'must be digits' });
    if (!/^[0-9]+$/.test(record.qty)) problems.push({ column: 'qty', reason: 'must be a number' });
    if (problems.length > 0) return { ok: false, problems };
    return {
      ok: true,
      value: {
        id: record.id,
        qty: Number(record.qty),
        ...(record.note ? { note: record.note } : {}),
      },
    };
  },
};

class RecordingSink {
  readonly batches: AcceptedRow<Item>[][] = [];
  private readonly seen = new Set<string>();
  accept(rows: AcceptedRow<Item>[]): Promise<{ duplicates: number }> {
    this.batches.push(rows);
    let duplicates = 0;
    for (const r of rows) {
      if (this.seen.has(r.value.id)) duplicates++;
      else this.seen.add(r.value.id);
    }
    return Promise.resolve({ duplicates });
  }
}

const csv = (...lines: string[]): Readable => Readable.from([Buffer.from(lines.join('\n'))]);
const invariant = (r: ImportCounts): void =>
  expect(r.rowsRead).toBe(r.accepted + r.duplicates + r.rejected);

describe('runImport', () => {
  it('imports valid rows and keeps the counts invariant', async () => {
    const sink = new RecordingSink();
    const result = await runImport(csv('id,qty,note', '1,2,a', '2,3,', '3,4,c'), spec, sink);
    expect(result).toMatchObject({ status: 'completed', rowsRead: 3, accepted: 3, rejected: 0 });
    expect(result.errors).toEqual([]);
    expect(sink.batches.flat().map((r) => r.value)).toEqual([
      { id: '1', qty: 2, note: 'a' },
      { id: '2', qty: 3 },
      { id: '3', qty: 4, note: 'c' },
    ]);
    invariant(result);
  });

  it('reports every kind of row error with its spreadsheet row and column, and goes on', async () => {
    const sink = new RecordingSink();
    const result = await runImport(
      csv(
        'id,qty,note', // row 1
        '1,2,ok', // 2
        'x,y,both bad', // 3: two problems
        '3,4', // 4: too few cells
        '4,5,six,seven', // 5: too many cells
        '', // 6: blank, ignored but counted as a spreadsheet row
        '7,"8,9"', // 7: a quoted comma: 2 cells
        '8,1,"fine ""quoted"", with comma"', // 8
        '9,"bad, unclosed', // 9: unbalanced quote
        '10,1,after', // 10: still read
        '11,1,"two', // 11-12: a quoted newline, legitimately
        'lines"',
        '13,1,end', // 13
      ),
      spec,
      sink,
    );
    expect(result.status).toBe('completed');
    expect(result.errors).toEqual([
      { row: 3, column: 'id', reason: 'must be digits' },
      { row: 3, column: 'qty', reason: 'must be a number' },
      { row: 4, column: '', reason: 'has 2 cells where the header has 3' },
      { row: 5, column: '', reason: 'has 4 cells where the header has 3' },
      { row: 7, column: '', reason: 'has 2 cells where the header has 3' },
      { row: 9, column: '', reason: expect.stringMatching(/unbalanced quotes/) },
    ]);
    const accepted = sink.batches.flat();
    expect(accepted.map((r) => r.rowNumber)).toEqual([2, 8, 10, 11, 12]);
    expect(accepted.map((r) => r.value.note)).toEqual([
      'ok',
      'fine "quoted", with comma',
      'after',
      'two\nlines',
      'end',
    ]);
    expect(result).toMatchObject({ rowsRead: 10, accepted: 5, rejected: 5, duplicates: 0 });
    invariant(result);
  });

  it('does not let an unclosed quote swallow the rest of the file', async () => {
    const sink = new RecordingSink();
    const lines = ['id,qty,note'];
    for (let i = 1; i <= 60; i++) lines.push(i === 30 ? `${i},1,"never closed` : `${i},1,n${i}`);
    const result = await runImport(csv(...lines), spec, sink, { batchSize: 7 });
    expect(result.errors).toEqual([
      { row: 31, column: '', reason: expect.stringMatching(/unbalanced quotes/) },
    ]);
    expect(result).toMatchObject({ rowsRead: 60, accepted: 59, rejected: 1 });
  });

  it('refuses a quote still open at the end of the file, row by row', async () => {
    const result = await runImport(csv('id,qty', '1,2', '2,"3', '4,5'), spec, new RecordingSink());
    expect(result.errors.map((e) => e.row)).toEqual([3]);
    expect(result).toMatchObject({ rowsRead: 3, accepted: 2, rejected: 1, status: 'completed' });
  });

  it('fails the file with one error naming every missing required column', async () => {
    const sink = new RecordingSink();
    const result = await runImport(csv('note,other', 'a,b'), spec, sink);
    expect(result).toMatchObject({
      status: 'failed',
      fileError: 'the header lacks required column(s): id, qty',
      rowsRead: 0,
      errors: [],
    });
    expect(sink.batches).toEqual([]);
  });

  it('ignores unknown columns, or refuses them when the spec says so', async () => {
    const ignored = await runImport(csv('qty,extra,id', '2,zz,1'), spec, new RecordingSink());
    expect(ignored).toMatchObject({ status: 'completed', accepted: 1 });
    const refused = await runImport(
      csv('qty,extra,id', '2,zz,1'),
      { ...spec, unknownColumns: 'refuse' },
      new RecordingSink(),
    );
    expect(refused).toMatchObject({
      status: 'failed',
      fileError: 'the header has unknown column(s): extra',
    });
  });

  it('fails an empty file and a repeated header column', async () => {
    expect(await runImport(csv(''), spec, new RecordingSink())).toMatchObject({
      status: 'failed',
      fileError: 'the file is empty: no header row',
    });
    expect(await runImport(csv('id,qty,id'), spec, new RecordingSink())).toMatchObject({
      status: 'failed',
      fileError: 'the header repeats column(s): id',
    });
  });

  it('tolerates a UTF-8 BOM, CRLF line ends and header case or spaces', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(' ID ,Qty,note\r\n1,2,Zoë\r\n'),
    ]);
    const sink = new RecordingSink();
    // split inside the BOM and inside the two-byte "ë" to prove chunk boundaries do not matter
    const chunks = [bytes.subarray(0, 2), bytes.subarray(2, 22), bytes.subarray(22)];
    const result = await runImport(Readable.from(chunks), spec, sink);
    expect(result).toMatchObject({ status: 'completed', accepted: 1, errors: [] });
    expect(sink.batches[0][0].value).toEqual({ id: '1', qty: 2, note: 'Zoë' });
  });

  it('refuses a row that is not valid UTF-8', async () => {
    const bytes = Buffer.concat([
      Buffer.from('id,qty,note\n1,2,'),
      Buffer.from([0xff]),
      Buffer.from('\n2,3,x\n'),
    ]);
    const result = await runImport(Readable.from([bytes]), spec, new RecordingSink());
    expect(result.errors).toEqual([{ row: 2, column: '', reason: 'is not valid UTF-8' }]);
    expect(result).toMatchObject({ accepted: 1, rejected: 1 });
  });

  it('sends batches in row order, awaiting each before reading on, and reports progress', async () => {
    const lines = ['id,qty'];
    for (let i = 1; i <= 25; i++) lines.push(`${i},1`);
    let inFlight = 0;
    let maxInFlight = 0;
    const batches: number[][] = [];
    const progress: ImportCounts[] = [];
    const result = await runImport(
      csv(...lines),
      spec,
      {
        async accept(rows) {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 2));
          batches.push(rows.map((r) => r.rowNumber));
          inFlight--;
          return { duplicates: 0 };
        },
      },
      { batchSize: 10, onProgress: (c) => progress.push(c) },
    );
    expect(maxInFlight).toBe(1);
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i + 2));
    expect(progress.map((p) => p.rowsRead)).toEqual([10, 20, 25, 25]);
    expect(result.accepted).toBe(25);
  });

  it('counts the duplicates the sink reports', async () => {
    const result = await runImport(
      csv('id,qty', '1,1', '2,1', '1,1', '3,1', '2,1', 'x,1'),
      spec,
      new RecordingSink(),
      { batchSize: 2 },
    );
    expect(result).toMatchObject({ rowsRead: 6, accepted: 3, duplicates: 2, rejected: 1 });
    invariant(result);
  });

  it('counts rows the sink refuses as rejected, with their reasons in row order', async () => {
    const result = await runImport(
      csv('id,qty', '1,1', 'x,1', '2,1', '3,1'),
      spec,
      {
        accept(rows) {
          const refused = rows
            .filter((r) => r.value.id === '3')
            .map((r) => ({ row: r.rowNumber, column: 'id', reason: 'is held with other content' }));
          return Promise.resolve({ duplicates: 0, refused });
        },
      },
      { batchSize: 10 },
    );
    expect(result).toMatchObject({ rowsRead: 4, accepted: 2, duplicates: 0, rejected: 2 });
    expect(result.errors.map((e) => [e.row, e.column])).toEqual([
      [3, 'id'],
      [5, 'id'],
    ]);
    expect(result.errors[1].reason).toBe('is held with other content');
    invariant(result);
  });

  it('fails, without crashing, when the sink fails; counts stay consistent', async () => {
    let calls = 0;
    const result = await runImport(
      csv('id,qty', '1,1', '2,1', '3,1'),
      spec,
      {
        accept() {
          calls++;
          return calls === 1
            ? Promise.resolve({ duplicates: 0 })
            : Promise.reject(new Error('down'));
        },
      },
      { batchSize: 1 },
    );
    expect(result).toMatchObject({ status: 'failed', rowsRead: 1, accepted: 1 });
    expect(result.fileError).toMatch(/the sink failed after 1 rows: down/);
    invariant(result);
  });

  it('fails when the source cannot be read', async () => {
    const source = new Readable({
      read() {
        this.destroy(new Error('disk gone'));
      },
    });
    const result = await runImport(source, spec, new RecordingSink());
    expect(result).toMatchObject({
      status: 'failed',
      fileError: 'the file could not be read: disk gone',
    });
  });
});

describe('rowErrorsCsv', () => {
  const errors = [
    { row: 3, column: 'note', reason: 'has a comma, and "quotes"' },
    { row: 4, column: '', reason: 'plain' },
    { row: 5, column: 'id', reason: '=HYPERLINK("x")' },
  ];
  const expected =
    'row,column,reason\n' +
    '3,note,"has a comma, and ""quotes"""\n' +
    '4,,plain\n' +
    `5,id,"'=HYPERLINK(""x"")"\n`;

  it('quotes commas and quotes, and defuses spreadsheet formulas', () => {
    expect(rowErrorsCsv(errors)).toBe(expected);
  });

  it('streams the same report', async () => {
    let text = '';
    for await (const chunk of rowErrorsCsvStream(errors)) text += String(chunk);
    expect(text).toBe(expected);
  });
});
