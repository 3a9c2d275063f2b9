import { defineConfig } from 'vitest/config';

/**
 * Unit tests (tests/unit, fast and offline) and integration tests (tests/integration: a real
 * database, the pipeline on ../shared/data). End-to-end tests run under Playwright
 * (playwright.config.ts), not here.
 */
export default defineConfig({
  define: { CESIUM_BASE_URL: JSON.stringify('/cesium/') },
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.integration.test.ts'],
    environment: 'node',
    // Builds packs/demo when missing (tests that read the demo pack in place).
    globalSetup: ['tests/support/global-setup.ts'],
    // The message catalogue, registered as the app does at start-up.
    setupFiles: ['tests/support/messages.ts'],
    // Hang guards, not performance checks: generous so a loaded shared machine never fails a run.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
