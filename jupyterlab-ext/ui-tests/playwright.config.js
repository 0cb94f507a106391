// Galata end-to-end tests: a real JupyterLab from the project venv, with the
// huntkit extension installed, in Debian's headless Chromium (Playwright
// downloads no browser). `jupyter-lab` must be on PATH (scripts/env.sh).
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const port = Number(process.env.HUNTKIT_E2E_PORT || 8899);

module.exports = {
  ...baseConfig,
  testDir: './tests',
  outputDir: './test-results',
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  // One JupyterLab server and 2 cores: tests run one at a time.
  workers: 1,
  fullyParallel: false,
  retries: process.env.CI ? 1 : 0,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  use: {
    ...baseConfig.use,
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    headless: true,
    // Video needs Playwright's own ffmpeg download, which is not available.
    video: 'off',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic'
      ]
    }
  },
  webServer: {
    // `jupyter-lab` rather than `jupyter lab`: the server is then the process
    // Playwright starts and stops, not a child of the `jupyter` launcher.
    command: 'jupyter-lab --config jupyter_server_test_config.py',
    url: `http://127.0.0.1:${port}/lab`,
    timeout: 120_000,
    reuseExistingServer: !process.env.CI,
    stdout: 'ignore',
    stderr: 'pipe'
  }
};
