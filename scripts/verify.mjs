// `npm run verify`: the full synthetic LA-year (4,000 births a year, 12 months, ~23,000 records)
// through the real services, and every reach figure and indicator of every centre, cluster and the
// LA compared with the independent recomputation from the generator's truth (issue 8, must show 1).
// It is the figures end-to-end test at full scale: about 35 minutes on a 2-core machine.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies, run } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureDependencies(root);
run(root, 'npm', ['run', '--silent', 'build']);
const started = Date.now();
const result = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules/jest/bin/jest.js'),
    '--selectProjects',
    'e2e',
    '--testPathPattern',
    'reporting-figures',
    ...process.argv.slice(2),
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      FIGURES_BIRTHS_PER_YEAR: process.env.FIGURES_BIRTHS_PER_YEAR ?? 'la',
      FIGURES_TIMEOUT_MS: process.env.FIGURES_TIMEOUT_MS ?? String(3 * 60 * 60 * 1000),
    },
  },
);
console.log(
  `[verify] ${result.status === 0 ? 'figures equal the recomputation' : 'FAILED'} in ${((Date.now() - started) / 60000).toFixed(1)} min`,
);
process.exit(result.status ?? 1);
