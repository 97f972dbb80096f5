import { StringDecoder } from 'node:string_decoder';
import { Transform, type TransformCallback } from 'node:stream';

/** The kinds of line the framer hands on: a CSV row, or a row it had to refuse. */
export const FRAMED_ROW = 'R';
export const MALFORMED_ROW = 'X';

interface ScanState {
  inQuotes: boolean;
  atFieldStart: boolean;
  cells: number;
}

const QUOTE = 0x22;
const COMMA = 0x2c;

/**
 * Splits UTF-8 CSV bytes into rows before csv-parse sees them, so that one broken row cannot
 * take the rest of the file with it. A CSV parser that meets an unclosed quote reads on to the
 * end of the file looking for its partner (csv-parse cannot resynchronise after one, even with
 * `skip_records_with_error`); here a quoted cell may run across at most `maxLinesPerRow`
 * physical lines, and a row that spans lines must end with as many cells as the header, or its
 * first line is refused and framing starts again on the next line.
 *
 * Output: one CSV line per row, prefixed with two synthetic cells, the spreadsheet row number
 * (header = 1, blank lines count, as a spreadsheet shows them) and a kind:
 *   `12,R,<the row as written>` or `12,X,"<why it was refused>"`.
 * Blank lines are dropped (their row numbers stay used); a UTF-8 BOM is dropped.
 * Memory: one chunk plus at most one pending row of `maxLinesPerRow` lines.
 */
export class CsvRowFramer extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private pending: string[] = [];
  private state: ScanState = { inQuotes: false, atFieldStart: true, cells: 1 };
  private row = 0;
  private headerCells: number | undefined;
  private started = false;
  private out: string[] = [];

  constructor(private readonly maxLinesPerRow = 20) {
    super({ readableObjectMode: false, decodeStrings: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.decodeText(this.decoder.write(chunk));
    this.pushOut();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.decodeText(this.decoder.end());
    if (this.partial !== '') {
      const last = this.partial;
      this.partial = '';
      this.line(last);
    }
    while (this.pending.length > 0)
      this.refuseFirstPendingLine('a quoted cell is not closed before the end of the file');
    this.pushOut();
    callback();
  }

  private decodeText(text: string): void {
    if (text === '') return;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let data = this.partial + text;
    let start = 0;
    for (let nl = data.indexOf('\n'); nl !== -1; nl = data.indexOf('\n', start)) {
      const end = nl > start && data.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
      this.line(data.slice(start, end));
      start = nl + 1;
    }
    data = data.slice(start);
    this.partial = data;
  }

  private line(text: string): void {
    if (this.pending.length === 0) {
      if (text.trim() === '') {
        this.row++;
        return;
      }
      this.state = { inQuotes: false, atFieldStart: true, cells: 1 };
    }
    this.pending.push(text);
    scan(text, this.state);
    if (!this.state.inQuotes) {
      this.completeRow();
    } else if (this.pending.length >= this.maxLinesPerRow) {
      this.refuseFirstPendingLine(
        `a quoted cell is not closed within ${this.maxLinesPerRow} lines (unbalanced quotes)`,
      );
    }
  }

  private completeRow(): void {
    const lines = this.pending;
    if (
      lines.length > 1 &&
      this.headerCells !== undefined &&
      this.state.cells !== this.headerCells
    ) {
      this.refuseFirstPendingLine('unbalanced quotes: a quoted cell is not closed on this line');
      return;
    }
    this.pending = [];
    this.row++;
    const text = lines.length === 1 ? lines[0] : lines.join('\n');
    if (this.headerCells === undefined) this.headerCells = this.state.cells;
    if (text.includes('\uFFFD')) {
      this.out.push(refused(this.row, 'is not valid UTF-8'));
    } else {
      this.out.push(`${this.row},${FRAMED_ROW},${text}\n`);
    }
  }

  private refuseFirstPendingLine(reason: string): void {
    const rest = this.pending.slice(1);
    this.pending = [];
    this.row++;
    this.out.push(refused(this.row, reason));
    for (const line of rest) this.line(line);
  }

  private pushOut(): void {
    if (this.out.length === 0) return;
    this.push(this.out.join(''));
    this.out = [];
  }
}

function refused(row: number, reason: string): string {
  return `${row},${MALFORMED_ROW},"${reason.replace(/"/g, '""')}"\n`;
}

/** RFC 4180 quoting as csv-parse reads it with `relax_quotes`: a quote opens a cell only at its start. */
function scan(text: string, state: ScanState): void {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (state.inQuotes) {
      if (c === QUOTE) {
        if (i + 1 < n && text.charCodeAt(i + 1) === QUOTE) i++;
        else state.inQuotes = false;
      }
    } else if (c === COMMA) {
      state.cells++;
      state.atFieldStart = true;
    } else {
      if (c === QUOTE && state.atFieldStart) state.inQuotes = true;
      state.atFieldStart = false;
    }
  }
}
