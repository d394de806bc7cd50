import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { ADMIN_STATE } from "./e2e/accounts";

const port = Number(process.env.E2E_PORT ?? 3100);

/**
 * Specs that assert on what the whole server holds (the dashboard's counts and recent failures,
 * "no execution was recorded" of the Test panel, the seeded workflow's version and task count) or
 * load it on purpose (runaway expressions). They run after the others, one at a time; every other
 * spec works on workflows and executions of its own and runs beside another one
 * (FLOWDECK_E2E_WORKERS, default 2: one server, two browsers).
 */
const EXCLUSIVE_SPECS = [
  "**/bounded-work.spec.ts",
  "**/cli.spec.ts", // export --all / apply compares every workflow's version
  "**/dashboard.spec.ts",
  "**/designer-save-conflict.spec.ts",
  "**/designer-test-panel.spec.ts",
  "**/workflows.spec.ts",
];
const workers = Number(process.env.FLOWDECK_E2E_WORKERS ?? 2);
/**
 * With one worker, one project after setup. (A run filtered to some specs, as CI's PostgreSQL pass,
 * must use one worker: Playwright runs a filtered project's dependencies in full, so "exclusive"
 * after "chromium" would pull in every spec.)
 */
const specProjects =
  workers === 1
    ? [{ name: "chromium", dependencies: ["setup"], use: { storageState: ADMIN_STATE } }]
    : [
        { name: "chromium", dependencies: ["setup"], testIgnore: EXCLUSIVE_SPECS, use: { storageState: ADMIN_STATE } },
        { name: "exclusive", dependencies: ["chromium"], testMatch: EXCLUSIVE_SPECS, workers: 1, use: { storageState: ADMIN_STATE } },
      ];

/**
 * Chromium: FLOWDECK_CHROMIUM if set, else Debian's /usr/bin/chromium (these machines cannot
 * download Playwright's browser), else Playwright's own browser where one is installed.
 */
const chromiumPath = process.env.FLOWDECK_CHROMIUM ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: process.env.E2E_OUTPUT_DIR || "test-results",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    ...devices["Desktop Chrome"],
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  // "setup" runs first on the fresh server: it creates the first admin through the setup page and
  // saves the session (e2e/auth.setup.ts); every spec then runs signed in as that admin.
  projects: [
    { name: "setup", testMatch: "auth.setup.ts" },
    ...specProjects,
  ],
  webServer: {
    command: "node scripts/e2e-server.mjs",
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    // SIGTERM lets scripts/e2e-server.mjs drop its scratch database before it exits.
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    stdout: "pipe",
    stderr: "pipe",
  },
});
