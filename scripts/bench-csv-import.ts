/**
 * Benchmark of the streaming CSV import: writes a synthetic 50,000-row live-birth extract to a
 * temp file (test-range NHS numbers, invented names and postcodes, a few hundred invalid rows and
 * some duplicates), streams it through runImport and prints throughput and peak memory.
 * Run: npm run build && npm run bench:csv [-- rows]
 */
import { createReadStream, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImport, type AcceptedRow } from '@lib/imports';
import type { BirthInput } from '../apps/births/src/births/birth-input';
import { liveBirthExtractSpec } from '../apps/births/src/imports/live-birth-extract';
import { writeSyntheticExtract } from './support/synthetic-extract';

const ROWS = Number(process.argv[2] ?? 50_000);

async function main(): Promise<void> {
  const path = join(tmpdir(), `bench-live-births-${process.pid}.csv`);
  const { bytes } = await writeSyntheticExtract(path, { rows: ROWS });
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
