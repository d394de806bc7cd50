/**
 * A setting (an environment variable) whose value the process cannot run with. Every parser of a
 * FLOWDECK_* setting throws this, naming the variable, the value and what it must be; start-up
 * (instrumentation.ts, scripts/worker.ts) stops with the message and exit code 1 instead of
 * serving errors — unlike a database that is not up yet, a wrong value never fixes itself.
 */
export class SettingError extends Error {
  override readonly name = "SettingError";
}

/** By name, not instanceof: Next.js may bundle this module into several chunks, each with its own class. */
export function isSettingError(error: unknown): error is Error {
  return error instanceof Error && error.name === "SettingError";
}
