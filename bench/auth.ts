// Benches start their own servers with a bootstrap admin (FLOWDECK_ADMIN_TOKEN for API calls,
// FLOWDECK_ADMIN_EMAIL/PASSWORD for browser pages), fresh per run.
import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";

export const BENCH_TOKEN = `bench-${randomBytes(18).toString("base64url")}`;
export const BENCH_EMAIL = "bench@example.com";
export const BENCH_PASSWORD = `bench-${randomBytes(12).toString("base64url")}`;

/** The server's environment additions. */
export const benchAuthEnv = { FLOWDECK_ADMIN_TOKEN: BENCH_TOKEN, FLOWDECK_ADMIN_EMAIL: BENCH_EMAIL, FLOWDECK_ADMIN_PASSWORD: BENCH_PASSWORD };

/** Headers for API calls: JSON and the admin token. */
export const benchHeaders = { "content-type": "application/json", authorization: `Bearer ${BENCH_TOKEN}` };

/** Signs a browser page in through the login form (as the bench admin unless told otherwise). */
export async function signIn(page: Page, base: string, email = BENCH_EMAIL, password = BENCH_PASSWORD): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}
