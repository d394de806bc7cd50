import { isSettingError } from "@/lib/workflow/setting-error";

/**
 * Start-up failed: a setting with a wrong value never fixes itself, so the process stops, naming
 * it (exit code 1). Anything else (a database not up yet) is thrown on: the server tries again on
 * the first request (bootstrap.ts ensureReady). Its own module, imported only on Node.js, so the
 * Edge build of instrumentation.ts never sees process.exit.
 */
export function exitOnSettingError(error: unknown, prefix: string): void {
  if (!isSettingError(error)) throw error;
  console.error(`[${prefix}] cannot start: ${error.message}`);
  process.exit(1);
}
