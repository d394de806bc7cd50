// Settings of accounts and sessions, read once from the environment (README, "Configuration").
import { boundFromEnv } from "@/lib/workflow/lru";

/** Read on each use, so a test or an operator's restart sees a changed variable. */
export function authSettings() {
  return {
    /** A session unused this long has expired. @default 12 h */
    sessionIdleMs: boundFromEnv("FLOWDECK_SESSION_IDLE_MINUTES", 720) * 60_000,
    /** A session ends this long after sign-in, however active. @default 7 days */
    sessionMaxMs: boundFromEnv("FLOWDECK_SESSION_MAX_HOURS", 168) * 3_600_000,
    /** Failed sign-ins per account within the window before further tries are refused. @default 5 */
    maxFailuresPerAccount: boundFromEnv("FLOWDECK_LOGIN_MAX_FAILURES", 5),
    /** Failed sign-ins per client address within the window. @default 20 */
    maxFailuresPerAddress: boundFromEnv("FLOWDECK_LOGIN_MAX_FAILURES_PER_ADDRESS", 20),
    /** @default 15 min */
    failureWindowMs: boundFromEnv("FLOWDECK_LOGIN_WINDOW_MINUTES", 15) * 60_000,
    /** A failed sign-in is answered no sooner than this after it arrived. @default 400 ms */
    failureDelayMs: boundFromEnv("FLOWDECK_LOGIN_FAILURE_DELAY_MS", 400),
  };
}

/** `Secure` cookies: `true`/`false` forces it; unset → when the request came over HTTPS. */
export function secureCookies(requestIsHttps: boolean): boolean {
  const setting = process.env.FLOWDECK_COOKIE_SECURE?.trim().toLowerCase();
  if (setting === "true" || setting === "1") return true;
  if (setting === "false" || setting === "0") return false;
  return requestIsHttps;
}

export const SESSION_COOKIE = "flowdeck_session";
