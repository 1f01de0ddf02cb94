/**
 * Playwright configuration of the wallet's end-to-end ceremonies: Debian Chromium with the
 * platform flags (never a downloaded browser), one worker (2-core machine), no retries, generous
 * timeouts (real key generation and signing across several browser contexts), `list` and
 * `json` reporters (the json file path comes from PLAYWRIGHT_JSON_OUTPUT_NAME). The global
 * setup serves the built wallet and the signal server on one origin.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './support/chromium.ts';

/** The e2e run configuration. */
export default defineConfig({
  testDir: './tests',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  fullyParallel: false,
  forbidOnly: true,
  // The json file: PLAYWRIGHT_JSON_OUTPUT_NAME when set (npm test), else e2e/test-results/e2e.json.
  reporter: [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? fileURLToPath(new URL('./test-results/e2e.json', import.meta.url)) }]],
  globalSetup: './support/global-setup.ts',
  outputDir: './test-results',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] },
    actionTimeout: 30_000,
    navigationTimeout: 30_000,
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
