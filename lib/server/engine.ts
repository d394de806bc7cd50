import { getDb } from "@/lib/db/client";
import { resolveDatabaseConfig } from "@/lib/db/config";
import { Engine, type EngineState } from "@/lib/runtime/engine";
import { installShutdownHandlers, registerShutdownEngine } from "@/lib/server/shutdown";

const globalForEngine = globalThis as unknown as { flowdeckEngine?: Engine };

/**
 * Whether this process runs the engine. Embedded (the default): the engine runs inside the web
 * server. FLOWDECK_ENGINE=off: the web tier only serves; `npm run worker` processes do the work.
 */
export function engineMode(env: Readonly<Record<string, string | undefined>> = process.env): "embedded" | "off" {
  return env.FLOWDECK_ENGINE?.trim().toLowerCase() === "off" ? "off" : "embedded";
}

export function engineOptionsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env) {
  const number = (name: string) => (env[name] ? Number(env[name]) : undefined);
  return {
    maxConcurrentTasks: number("FLOWDECK_ENGINE_CONCURRENCY"),
    pollIntervalMs: number("FLOWDECK_ENGINE_POLL_MS"),
    leaseMs: number("FLOWDECK_ENGINE_LEASE_MS"),
    shellEnabled: env.FLOWDECK_ENABLE_SHELL?.trim().toLowerCase() === "true",
  };
}

/** Starts this process's engine once (idempotent); SIGTERM / SIGINT stop it gracefully (lib/server/shutdown.ts). */
export function startEmbeddedEngine(): Engine {
  if (!globalForEngine.flowdeckEngine) {
    const engine = new Engine(getDb(), resolveDatabaseConfig().provider, { ...engineOptionsFromEnv(), takeLocalStarts: true });
    engine.start();
    globalForEngine.flowdeckEngine = engine;
    registerShutdownEngine(engine);
    installShutdownHandlers("flowdeck");
  }
  return globalForEngine.flowdeckEngine;
}

export function embeddedEngineState(): (EngineState & { mode: "embedded" }) | { mode: "off"; state: "off" } {
  const engine = globalForEngine.flowdeckEngine;
  if (!engine) return { mode: "off", state: "off" };
  return { mode: "embedded", ...engine.state() };
}
