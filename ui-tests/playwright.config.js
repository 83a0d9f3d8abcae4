/**
 * Playwright configuration for symphony-lab's Galata tests.
 *
 * Based on Galata's default configuration; uses Debian's chromium
 * (/usr/bin/chromium, override with CHROMIUM_PATH) instead of a browser
 * downloaded by Playwright, and no video (it would need Playwright's ffmpeg).
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

// The Jupyter server's port: GALATA_PORT (default 8888), so that two runs on
// one machine (e.g. a CI clone and a local checkout) do not clash. The same
// variable sets the port in jupyter_server_test_config.py.
const PORT = Number(process.env.GALATA_PORT || 8888);

module.exports = {
  ...baseConfig,
  // One worker: a single Jupyter server and kernels on a 2-core machine.
  workers: 1,
  fullyParallel: false,
  retries: process.env.CI ? 1 : 0,
  timeout: 120 * 1000,
  expect: { timeout: 30 * 1000 },
  reporter: [
    [process.env.CI ? 'github' : 'list'],
    ['html', { open: 'never' }]
  ],
  use: {
    ...baseConfig.use,
    baseURL: `http://localhost:${PORT}`,
    video: 'off',
    trace: 'retain-on-failure',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic'
      ]
    }
  },
  webServer: {
    // The server's log goes to ui-tests/jupyter-server.log (read it when a
    // test fails; CI can upload it as an artifact).
    command: 'jlpm start > jupyter-server.log 2>&1',
    url: `http://localhost:${PORT}/lab`,
    timeout: 120 * 1000,
    reuseExistingServer: !process.env.CI,
    stdout: 'pipe',
    stderr: 'pipe'
  }
};
