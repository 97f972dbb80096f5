/**
 * Evaluation of children's-centre registration matching (apps/registrations/src/matching) on a
 * seeded synthetic area: ~5,000 known births with twins, triplets and siblings, and 1,000
 * registrations without NHS numbers (900 with a known birth, written with the errors real forms
 * contain; 100 without, hard cases included). Prints automatic links, precision, recall, the
 * review queue and every false link by cause.
 * Run: npm run build && node dist/scripts/eval-child-matching.js [seed] [--error-scale 2.5] [--json]
 */
import { evaluateSeed, formatReport } from '../apps/registrations/src/matching/evaluation/evaluate';

function main(argv: string[]): void {
  const args = [...argv];
  const json = args.includes('--json');
  let errorScale = 1;
  const scaleAt = args.indexOf('--error-scale');
  if (scaleAt >= 0) {
    errorScale = Number(args[scaleAt + 1]);
    args.splice(scaleAt, 2);
  }
  const positional = args.filter((a) => !a.startsWith('--'));
  const seed = positional.length > 0 ? Number(positional[0]) : 1;
  if (!Number.isInteger(seed) || !Number.isFinite(errorScale) || errorScale < 0) {
    throw new Error('usage: eval-child-matching [seed (integer)] [--error-scale n] [--json]');
  }
  const started = Date.now();
  const report = evaluateSeed(seed, { errorScale });
  if (json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(formatReport(report));
    if (errorScale !== 1) console.log(`  (form error rates × ${errorScale})`);
    console.log(`  time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

try {
  main(process.argv.slice(2));
} catch (e: unknown) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
}
