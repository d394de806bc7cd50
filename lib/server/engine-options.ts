import { SettingError } from "@/lib/workflow/setting-error";

/**
 * How this process runs the engine, from its environment:
 * - FLOWDECK_ENGINE: `embedded` (the default: the engine runs inside the web server) or `off` (the
 *   web tier only serves; `npm run worker` processes do the work).
 * - FLOWDECK_ENGINE_THREAD: where an embedded engine runs. `on` (the default): a thread of its own
 *   (lib/server/engine-thread), so the engine and the web tier each have a core; `off`: on the web
 *   server's own thread.
 */
export function engineMode(env: Readonly<Record<string, string | undefined>> = process.env): "embedded" | "off" {
  return env.FLOWDECK_ENGINE?.trim().toLowerCase() === "off" ? "off" : "embedded";
}

export function engineThreadEnabled(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const value = env.FLOWDECK_ENGINE_THREAD?.trim().toLowerCase();
  if (value === undefined || value === "" || value === "on") return true;
  if (value === "off") return false;
  throw new SettingError(`FLOWDECK_ENGINE_THREAD must be 'on' or 'off', not '${env.FLOWDECK_ENGINE_THREAD}'`);
}

export function engineOptionsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env) {
  const number = (name: string) => {
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new SettingError(`${name} must be a whole number ≥ 1, not '${env[name]}'`);
    return value;
  };
  return {
    maxConcurrentTasks: number("FLOWDECK_ENGINE_CONCURRENCY"),
    pollIntervalMs: number("FLOWDECK_ENGINE_POLL_MS"),
    leaseMs: number("FLOWDECK_ENGINE_LEASE_MS"),
    shellEnabled: env.FLOWDECK_ENABLE_SHELL?.trim().toLowerCase() === "true",
  };
}
