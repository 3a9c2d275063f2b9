import { defineConfig } from '@playwright/test';
import { E2E_ADMIN } from './tests/e2e/consult-fixtures.ts';
import { launchOptions } from './tests/support/browser.ts';

/**
 * End-to-end tests in Debian's Chromium (SwiftShader WebGL) against the production build served
 * by our own server. Few, coarse and deterministic: fixed clock (?stable=1), fixed window, no
 * network outside localhost. Missing Chromium fails the run (tests/support/browser.ts throws).
 */
const PORT = Number(process.env.E2E_PORT ?? 4399);

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1024, height: 700 },
    launchOptions: launchOptions(),
    screenshot: 'only-on-failure',
    trace: 'off',
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    // The service worker would serve later requests from its cache (and hide them from page.route):
    // only tests/e2e/resilience.spec.ts lets it run.
    serviceWorkers: 'block',
  },
  webServer: {
    command: `npx tsx server/main.ts --prod --port ${PORT}`,
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    // The consultation API on a fresh in-memory PGlite database, with a test administrator that
    // exists only there (tests/e2e/consult.spec.ts logs in with it).
    env: { DATABASE_URL: '', JUMEAU_PGLITE_DIR: 'memory://', JUMEAU_ADMIN_EMAIL: E2E_ADMIN.email, JUMEAU_ADMIN_PASSWORD: E2E_ADMIN.password },
  },
});
