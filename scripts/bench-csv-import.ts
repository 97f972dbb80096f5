/**
 * Benchmark of the streaming CSV import: writes a synthetic 50,000-row live-birth extract to a
 * temp file (test-range NHS numbers, invented names and postcodes, a few hundred invalid rows and
 * some duplicates), streams it through runImport and prints throughput and peak memory.
 * Run: npm run build && npm run bench:csv [-- rows]
 */
import { createReadStream, createWriteStream, statSync, unlinkSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImport, type AcceptedRow } from '@lib/imports';
import { NhsNumberGenerator } from '@lib/nhs-number';
import type { BirthInput } from '../apps/births/src/births/birth-input';
import {
  LIVE_BIRTH_EXTRACT_COLUMNS,
  liveBirthExtractSpec,
} from '../apps/births/src/imports/live-birth-extract';

const ROWS = Number(process.argv[2] ?? 50_000);
const INVALID_EVERY = 160; // ~312 invalid rows in 50,000
const DUPLICATE_EVERY = 500; // ~100 duplicate rows
const GIVEN = ['Amara', 'Oliver', 'Zoë', 'Mohammed', 'Isla', 'Jack', 'Ava', 'Noah', 'Freya', 'Leo'];
const FAMILY = ['Smith', 'Okafor', 'Khan', "O'Brien", 'Jones', 'Nowak', 'Patel', 'Williams-Ray'];

function cell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

async function writeExtract(path: string): Promise<void> {
  const out = createWriteStream(path);
  const babies = new NhsNumberGenerator('test', 2025);
  const mothers = new NhsNumberGenerator('test', 4242);
  const recent: string[] = [];
  const write = async (line: string): Promise<void> => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write(`\uFEFF${LIVE_BIRTH_EXTRACT_COLUMNS.join(',')}\r\n`);
  for (let i = 1; i <= ROWS; i++) {
    if (i % DUPLICATE_EVERY === 0 && recent.length > 0) {
      await write(recent[i % recent.length]);
      continue;
    }
    const day = String((i % 28) + 1).padStart(2, '0');
    const month = String((i % 12) + 1).padStart(2, '0');
    const family = FAMILY[i % FAMILY.length];
    const row: Record<string, string> = {
      nhs_number: babies.next(),
      birth_date: `2024-${month}-${day}`,
      birth_time: `${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
      sex: 'MFIU'[i % 4],
      birth_weight_g: String(2000 + (i % 2500)),
      gestation_weeks: String(30 + (i % 12)),
      delivery_method: 'spontaneous',
      multiple_birth_order: i % 40 === 0 ? '2' : '1',
      baby_given_name: GIVEN[i % GIVEN.length],
      baby_family_name: family,
      ethnic_category: 'ABCDEFGHJKLMNPRSZ'[i % 17],
      mother_nhs_number: i % 7 === 0 ? '' : mothers.next(),
      mother_given_name: GIVEN[(i + 3) % GIVEN.length],
      mother_family_name: family,
      mother_birth_date: `${1980 + (i % 20)}-${month}-${day}`,
      address_line1: `${i % 200} ${i % 3 === 0 ? 'Flat 2, ' : ''}Example Road`,
      address_line2: '',
      town: 'Testtown',
      postcode: i % 250 === 0 ? 'ZZ99 3VZ' : `QX${(i % 9) + 1} ${i % 10}${'ABDEFGHJ'[i % 8]}Z`,
      smoking_at_delivery: 'YNU'[i % 3],
      sharing_objection: i % 50 === 0 ? 'Y' : 'N',
    };
    if (i % INVALID_EVERY === 0) {
      const kind = (i / INVALID_EVERY) % 4;
      if (kind === 0)
        row.nhs_number = `${row.nhs_number.slice(0, 9)}${(Number(row.nhs_number[9]) + 1) % 10}`;
      if (kind === 1) row.birth_weight_g = '9999';
      if (kind === 2) row.postcode = 'NOWHERE';
      if (kind === 3) row.address_line1 = '"unbalanced';
    }
    const line = `${LIVE_BIRTH_EXTRACT_COLUMNS.map((c) => rawOrQuoted(row, c)).join(',')}\r\n`;
    if (recent.length < 50) recent.push(line);
    await write(line);
  }
  out.end();
  await once(out, 'finish');
}

/** The deliberately unbalanced quote is written raw; everything else is quoted properly. */
function rawOrQuoted(row: Record<string, string>, column: string): string {
  const v = row[column];
  return v.startsWith('"unbalanced') ? v : cell(v);
}

async function main(): Promise<void> {
  const path = join(tmpdir(), `bench-live-births-${process.pid}.csv`);
  await writeExtract(path);
  const bytes = statSync(path).size;
  global.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sample = (): void => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 20);

  const seen = new Set<string>(); // the sink's only state: keys, to report duplicates
  const sink = {
    accept(rows: AcceptedRow<BirthInput>[]): Promise<{ duplicates: number }> {
      let duplicates = 0;
      for (const { value } of rows) {
        if (seen.has(value.nhsNumber)) duplicates++;
        else seen.add(value.nhsNumber);
      }
      return Promise.resolve({ duplicates });
    },
  };

  const started = process.hrtime.bigint();
  const result = await runImport(
    createReadStream(path, { highWaterMark: 64 * 1024 }),
    liveBirthExtractSpec({ today: '2025-06-15' }),
    sink,
    { batchSize: 500, onProgress: sample },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(timer);
  sample();
  unlinkSync(path);

  const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
  const { errors, ...counts } = result;
  console.log(JSON.stringify(counts));
  console.log(`row errors: ${errors.length} (first: ${JSON.stringify(errors[0])})`);
  console.log(`file: ${mb(bytes)}, ${ROWS} data rows`);
  console.log(`time: ${seconds.toFixed(2)} s, ${Math.round(result.rowsRead / seconds)} rows/s`);
  console.log(`rss:  before ${mb(base.rss)}, peak ${mb(peakRss)}`);
  console.log(`heap: before ${mb(base.heapUsed)}, peak ${mb(peakHeap)}`);
  if (result.rowsRead !== result.accepted + result.duplicates + result.rejected) {
    throw new Error('count invariant broken');
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
