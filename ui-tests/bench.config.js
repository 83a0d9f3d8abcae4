/**
 * Playwright configuration of the browser benchmarks (ui-tests/bench/*.bench.ts), run by `make bench`,
 * never by `make test` (the test configuration only picks up *.spec.ts files). Same server and
 * browser as the Galata tests; no retries (a retried measurement would hide a slow one).
 */
const base = require('./playwright.config');

module.exports = {
  ...base,
  testDir: './bench',
  testMatch: '**/*.bench.ts',
  retries: 0,
  // Apart from the tests' output folder (a test run elsewhere may empty it), and no trace.
  outputDir: '../benchmarks/results/playwright',
  use: { ...base.use, trace: 'off' },
  timeout: 30 * 60 * 1000,
  reporter: [['list']]
};
