// `npm test`: unit, then integration and end-to-end tiers against real Kafka and a real store
// (started by jest's global setup, on free ports, so it runs beside `npm start`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies, run } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureDependencies(root);
// Some end-to-end tests run an app as its own process (to kill it): they need the build.
run(root, 'npm', ['run', '--silent', 'build']);

// Tests that flood a topic, or must be the only consumer of one, get a broker of their own:
// other tests' new consumer groups read topics from the beginning (they would wade through a
// flood), and another test's health-visits app would also take (and publish again) the inbound
// contacts that the contacts test and the synthetic LA count exactly.
const ISOLATED = [
  'consumer-crash',
  'health-visit-contacts\\.e2e',
  'synthetic-la',
  'reporting-figures',
];
const ignore = (patterns) => ['--testPathIgnorePatterns', '/node_modules/', '/dist/', ...patterns];
const tiers = [
  { name: 'unit', args: ['--selectProjects', 'unit'] },
  // One jest run for both tiers that need infrastructure: it is started once.
  {
    name: 'int+e2e',
    args: ['--selectProjects', 'int', 'e2e', '--maxWorkers=2', ...ignore(ISOLATED)],
  },
  ...ISOLATED.map((pattern) => ({
    name: `isolated e2e (${pattern.replace(/\\.*$/, '')})`,
    args: ['--selectProjects', 'e2e', '--testPathPattern', pattern],
  })),
];
const extra = process.argv.slice(2);
const out = mkdtempSync(join(tmpdir(), 'eyb-jest-'));
let passed = 0;
let failed = 0;
let exitCode = 0;
for (const tier of tiers) {
  const started = Date.now();
  const report = join(out, `${tier.name}.json`);
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/jest/bin/jest.js'),
      ...tier.args,
      '--json',
      `--outputFile=${report}`,
      ...extra,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  try {
    const summary = JSON.parse(readFileSync(report, 'utf8'));
    passed += summary.numPassedTests;
    failed += summary.numFailedTests + summary.numRuntimeErrorTestSuites;
    console.log(
      `[test] ${tier.name}: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  } catch {
    failed += 1;
    console.log(`[test] ${tier.name}: no report (jest exited ${result.status ?? result.signal})`);
  }
  if (result.status !== 0) exitCode = result.status ?? 1;
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(exitCode);
