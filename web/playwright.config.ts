// Browser end-to-end tests: the real `shoptalk demo` server (started by e2e/global-setup.ts)
// driven through Debian's Chromium. Never downloads browsers: CHROMIUM_PATH or /usr/bin/chromium.
//
//   cargo build -p shoptalk && cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx playwright test
//
// SHOPTALK_BIN picks another binary; SHOPTALK_E2E_URL + SHOPTALK_E2E_DEMO_JSON reuse a running
// demo server instead of starting one (see e2e/global-setup.ts).
import { defineConfig } from "@playwright/test";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results",
  globalSetup: "./e2e/global-setup.ts",
  // Two cores: one worker, no retries (a flaky test is a bug to fix, not to retry).
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["html", { outputFolder: "playwright-report", open: "never" }]],
  use: {
    // Set by the global setup before the workers start (they read this file again).
    baseURL: process.env.SHOPTALK_E2E_URL,
    browserName: "chromium",
    headless: true,
    viewport: { width: 1280, height: 800 },
    locale: "en-US",
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
    },
  },
});
