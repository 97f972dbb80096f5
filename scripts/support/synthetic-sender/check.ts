/** `synthetic-send check`: the services' answers per channel and treatment against the truth. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compare,
  formatTable,
  readOutcomes,
  recordDifferences,
  serviceCounts,
  summaryCounts,
  truthCounts,
  type CheckRow,
  type TruthRecord,
} from './outcomes';

export interface CheckResult {
  rows: CheckRow[];
  differences: number;
  /** Per-record differences (first few), for channels answered record by record. */
  examples: string[];
  report: string;
}

export function readTruthRecords(inDir: string): TruthRecord[] | undefined {
  const file = join(inDir, 'truth', 'records.ndjson');
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TruthRecord);
}

export function runCheck(
  inDir: string,
  outcomesFile: string,
  sentFiles?: ReadonlySet<string>,
): CheckResult {
  let records = readTruthRecords(inDir);
  // Only what was sent is compared (a run limited with --months sends part of the data).
  if (records && sentFiles) records = records.filter((r) => sentFiles.has(r.ref.split('#')[0]));
  const summaryFile = join(inDir, 'truth', 'summary.json');
  let truth;
  if (records) truth = truthCounts(records);
  else if (existsSync(summaryFile))
    truth = summaryCounts(JSON.parse(readFileSync(summaryFile, 'utf8')));
  else throw new Error(`no truth in ${inDir}/truth (records.ndjson or summary.json)`);
  const outcomes = readOutcomes(outcomesFile).filter(
    (o) => !sentFiles || sentFiles.has(o.ref.split('#')[0]),
  );
  const rows = compare(truth, serviceCounts(outcomes));
  const differences = rows.filter((r) => r.truth !== r.service).length;
  const examples = records ? recordDifferences(records, outcomes) : [];
  const report = [
    formatTable(rows),
    '',
    differences === 0
      ? 'check: the services answered as the truth expects on every channel'
      : `check: ${differences} count(s) differ`,
    ...(examples.length > 0
      ? [
          '',
          'records answered otherwise than expected (first ones):',
          ...examples.map((e) => `  ${e}`),
        ]
      : []),
    '(accepted-with-warning is folded into accepted where the answers do not show warnings; extract rows are counted from the imports)',
  ].join('\n');
  return { rows, differences, examples, report };
}
