import { SingleBar, Presets } from 'cli-progress';
import type { ImportCounts } from './row-spec';

export interface ImportProgressBar {
  onProgress(counts: ImportCounts): void;
  stop(): void;
}

/**
 * An optional terminal progress line for a CLI import (`runImport(..., { onProgress })`).
 * With `totalRows` (e.g. counted beforehand) it shows a bar; without it, running counts.
 */
export function importProgressBar(
  totalRows?: number,
  stream: NodeJS.WritableStream = process.stderr,
): ImportProgressBar {
  const counts =
    '{value} rows | {accepted} accepted | {duplicates} duplicates | {rejected} rejected';
  const bar = new SingleBar(
    {
      stream,
      format: totalRows ? `[{bar}] {percentage}% | ${counts}` : counts,
      hideCursor: true,
      noTTYOutput: false,
    },
    Presets.shades_classic,
  );
  bar.start(totalRows ?? 0, 0, { accepted: 0, duplicates: 0, rejected: 0 });
  return {
    onProgress: (c) =>
      bar.update(c.rowsRead, {
        accepted: c.accepted,
        duplicates: c.duplicates,
        rejected: c.rejected,
      }),
    stop: () => bar.stop(),
  };
}
